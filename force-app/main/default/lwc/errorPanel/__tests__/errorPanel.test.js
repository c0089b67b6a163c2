import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import ErrorPanel from 'c/errorPanel';

registerSa11yMatcher();

function render(props) {
    const element = createElement('c-error-panel', { is: ErrorPanel });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

describe('c-error-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the friendly message and every reason the server gave', () => {
        const element = render({
            friendlyMessage: 'The retry could not be queued.',
            errors: [{ body: { message: 'Only Finance can retry.' } }, new Error('Network down')]
        });

        const panel = element.shadowRoot.querySelector('[role="alert"]');
        expect(panel.textContent).toContain('The retry could not be queued.');
        const messages = [...element.shadowRoot.querySelectorAll('.error-message')].map((li) => li.textContent);
        expect(messages).toEqual(['Only Finance can retry.', 'Network down']);
    });

    it('falls back to the default message and lists nothing when no reason is known', () => {
        const element = render({ errors: {} });

        expect(element.shadowRoot.querySelector('.slds-text-title_bold').textContent).toBe(
            'c.Ledgerline_Error_Default'
        );
        expect(element.shadowRoot.querySelector('ul')).toBeNull();
    });

    it('is accessible', async () => {
        const element = render({ friendlyMessage: 'Failed', errors: { body: { message: 'Because' } } });

        await expect(element).toBeAccessible();
    });
});
