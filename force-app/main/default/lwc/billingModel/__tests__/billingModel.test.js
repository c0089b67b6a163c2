import {
    attachPayments,
    badgeClass,
    buildChecklist,
    CHECKS,
    customerMatchKey,
    formatLabel,
    percentPaid,
    previewLines,
    quickBooksHref,
    splitSyncError,
    syncErrorHeading
} from 'c/billingModel';
import PARTLY_PAID from '../../opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';
import PREVIEW_READY from '../../invoiceReadiness/__tests__/data/previewReady.json';
import PREVIEW_BLOCKED from '../../invoiceReadiness/__tests__/data/previewBlocked.json';

const LABELS = Object.fromEntries([...CHECKS.map((check) => check.name), 'other'].map((name) => [name, `L:${name}`]));

describe('c-billing-model', () => {
    it('styles each invoice status with its own SLDS badge theme', () => {
        expect(badgeClass('Paid')).toContain('slds-theme_success');
        expect(badgeClass('Partially Paid')).toContain('slds-theme_warning');
        expect(badgeClass('Overdue')).toContain('slds-theme_error');
        expect(badgeClass('Voided')).toContain('slds-badge_inverse');
        expect(badgeClass('Open')).toBe('slds-badge slds-badge_lightest');
        expect(badgeClass('Something new')).toBe('slds-badge');
    });

    it('computes the paid share from Amount Paid, or from total and balance, within 0..100', () => {
        expect(percentPaid(PARTLY_PAID.invoices[0])).toBe(70);
        expect(percentPaid({ Total__c: 200, Balance__c: 50 })).toBe(75);
        expect(percentPaid({ Total__c: 100, Amount_Paid__c: 130 })).toBe(100);
        expect(percentPaid({ Total__c: 100, Amount_Paid__c: 100, Voided__c: true })).toBe(0);
        expect(percentPaid({ Total__c: 0, Amount_Paid__c: 0 })).toBe(0);
    });

    it('attaches each payment to its own invoice', () => {
        const invoices = attachPayments(
            [{ Id: 'inv1' }, { Id: 'inv2' }],
            [
                { Id: 'p1', Invoice__c: 'inv2' },
                { Id: 'p2', Invoice__c: 'inv2' },
                { Id: 'p3', Invoice__c: 'other' }
            ]
        );

        expect(invoices.map((invoice) => invoice.payments.map((p) => p.Id))).toEqual([[], ['p1', 'p2']]);
        expect(attachPayments(undefined, undefined)).toEqual([]);
    });

    it('extracts only HTTPS Intuit links from the QuickBooks Url formula', () => {
        expect(quickBooksHref(PARTLY_PAID.invoices[0].QuickBooks_Url__c)).toBe(
            'https://app.qbo.intuit.com/app/invoice?txnId=145'
        );
        expect(quickBooksHref('https://app.sandbox.qbo.intuit.com/app/invoice?txnId=9&amp;x=1')).toBe(
            'https://app.sandbox.qbo.intuit.com/app/invoice?txnId=9&x=1'
        );
        expect(quickBooksHref('<a href="javascript:alert(1)">x</a>')).toBeNull();
        expect(quickBooksHref('https://evil.example.com/intuit.com/')).toBeNull();
        expect(quickBooksHref('')).toBeNull();
    });

    it('splits the sync error into problems and their fixes', () => {
        const problems = splitSyncError('Line 1 is wrong. Fix: Correct it.\r\n\nSomething without a fix');

        expect(problems).toEqual([
            { key: 'problem-0', message: 'Line 1 is wrong.', fix: 'Correct it.' },
            { key: 'problem-1', message: 'Something without a fix', fix: null }
        ]);
        expect(splitSyncError(undefined)).toEqual([]);
    });

    it('keeps the introducing line of a multi-problem error out of the problems', () => {
        const text =
            'Opportunity 006A cannot be invoiced:\nNo billing e-mail. Fix: Add one.\nNo terms. Fix: Pick Net 30.';

        expect(syncErrorHeading(text)).toBe('Opportunity 006A cannot be invoiced:');
        expect(splitSyncError(text).map((problem) => problem.message)).toEqual(['No billing e-mail.', 'No terms.']);
        expect(syncErrorHeading('No billing e-mail. Fix: Add one.')).toBeNull();
        expect(syncErrorHeading('Only one line ending in a colon:')).toBeNull();
        expect(splitSyncError('Only one line ending in a colon:')).toHaveLength(1);
    });

    it('passes every check when the preview has no problem', () => {
        const checklist = buildChecklist([], LABELS);

        expect(checklist.map((check) => check.name)).toEqual(CHECKS.map((check) => check.name));
        expect(checklist.every((check) => check.ok)).toBe(true);
        expect(checklist[0].label).toBe('L:lines');
    });

    it('puts each blocking problem under its check and unknown codes under "other"', () => {
        const problems = [...PREVIEW_BLOCKED.problems, { code: 'NOT_WON', recordId: 'x', message: 'm', fix: 'f' }];

        const checklist = buildChecklist(problems, LABELS);
        const byName = Object.fromEntries(checklist.map((check) => [check.name, check]));

        expect(byName.email.ok).toBe(false);
        expect(byName.email.problems.map((p) => p.code)).toEqual(['NO_BILLING_EMAIL']);
        expect(byName.products.problems[0].fix).toContain('SKU CEN-20');
        expect(byName.customer.problems[0].key).toBe('customer-0');
        expect(byName.terms.ok).toBe(true);
        expect(byName.other).toMatchObject({ ok: false, label: 'L:other' });
        expect(byName.other.problems).toHaveLength(1);
        expect(buildChecklist(undefined, LABELS).some((check) => check.name === 'other')).toBe(false);
    });

    it('names how the customer was found', () => {
        expect(customerMatchKey('email')).toBe('email');
        expect(customerMatchKey('new customer "Umbrella"')).toBe('new');
        expect(customerMatchKey('telepathy')).toBe('unknown');
        expect(customerMatchKey(null)).toBe('unknown');
    });

    it('lists the draft lines with quantities and tax codes, discounts as negative amounts', () => {
        const lines = previewLines(PREVIEW_READY.invoice);

        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatchObject({
            description: 'Centrifuge C-20',
            quantity: 20,
            unitPrice: 100,
            taxCode: 'TAX'
        });
        expect(lines[2]).toMatchObject({ description: 'Discount 10%', amount: -240 });
        expect(previewLines(null)).toEqual([]);
        expect(
            previewLines({ Line: [{ Amount: 5, SalesItemLineDetail: { ItemRef: { name: 'Item' }, Qty: 1 } }] })[0]
                .description
        ).toBe('Item');
    });

    it('fills numbered placeholders in labels', () => {
        expect(formatLabel('{0} of {1} paid', 3, 4)).toBe('3 of 4 paid');
        expect(formatLabel('{0} and {1}', 'one')).toBe('one and {1}');
    });
});
