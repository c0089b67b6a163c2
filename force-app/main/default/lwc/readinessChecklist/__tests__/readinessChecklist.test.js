import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import ReadinessChecklist from 'c/readinessChecklist';
import BLOCKED from '../../invoiceReadiness/__tests__/data/previewBlocked.json';

registerSa11yMatcher();

function render(problems) {
    const element = createElement('c-readiness-checklist', { is: ReadinessChecklist });
    element.problems = problems;
    document.body.appendChild(element);
    return element;
}

const check = (element, name) => element.shadowRoot.querySelector(`[data-check="${name}"]`);

describe('c-readiness-checklist', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('passes every check when nothing blocks the invoice', () => {
        const element = render([]);

        const items = element.shadowRoot.querySelectorAll('li.check');
        expect(items).toHaveLength(8);
        items.forEach((item) => {
            expect(item.className).toContain('check_ok');
            expect(item.querySelector('lightning-icon').alternativeText).toBe('c.Billing_Check_Passed');
        });
        expect(element.shadowRoot.querySelector('.check-problem')).toBeNull();
    });

    it('marks each blocked check and lists every problem with its fix under it', () => {
        const element = render(BLOCKED.problems);

        expect(check(element, 'email').className).toContain('check_blocking');
        expect(check(element, 'email').querySelector('lightning-icon').iconName).toBe('utility:error');
        expect(check(element, 'email').querySelector('lightning-icon').alternativeText).toBe(
            'c.Billing_Check_Blocking'
        );
        const product = check(element, 'products').querySelector('[data-code="UNMAPPED_PRODUCT"]');
        expect(product.textContent).toContain('No QuickBooks item has SKU CEN-20');
        expect(product.textContent).toContain("set the product's SKU to an existing item's SKU");
        expect(check(element, 'customer').className).toContain('check_blocking');
        expect(check(element, 'terms').className).toContain('check_ok');
        expect(element.shadowRoot.querySelectorAll('.check-problem')).toHaveLength(3);
        expect(check(element, 'other')).toBeNull();
    });

    it('never hides a problem of a kind it does not know', () => {
        const element = render([{ code: 'SOMETHING_NEW', recordId: 'x', message: 'New rule', fix: 'Do it' }]);

        expect(check(element, 'other').textContent).toContain('New rule');
    });

    it('is an accessible labelled list', async () => {
        const element = render(BLOCKED.problems);

        const list = element.shadowRoot.querySelector('ul');
        expect(list.getAttribute('aria-labelledby')).toBe(element.shadowRoot.querySelector('h3').id);
        await expect(element).toBeAccessible();
    });
});
