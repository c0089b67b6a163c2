import { LightningElement, api } from 'lwc';
import { buildChecklist } from 'c/billingModel';
import HEADING from '@salesforce/label/c.Billing_Checklist_Heading';
import PASSED from '@salesforce/label/c.Billing_Check_Passed';
import BLOCKING from '@salesforce/label/c.Billing_Check_Blocking';
import FIX from '@salesforce/label/c.Billing_Fix';
import LINES from '@salesforce/label/c.Billing_Check_Lines';
import CUSTOMER from '@salesforce/label/c.Billing_Check_Customer';
import EMAIL from '@salesforce/label/c.Billing_Check_Email';
import TERMS from '@salesforce/label/c.Billing_Check_Terms';
import PRODUCTS from '@salesforce/label/c.Billing_Check_Products';
import CURRENCY from '@salesforce/label/c.Billing_Check_Currency';
import ENTITY from '@salesforce/label/c.Billing_Check_Entity';
import EXCLUDED from '@salesforce/label/c.Billing_Check_Excluded';
import OTHER from '@salesforce/label/c.Billing_Check_Other';

const CHECK_LABELS = {
    lines: LINES,
    customer: CUSTOMER,
    email: EMAIL,
    terms: TERMS,
    products: PRODUCTS,
    currency: CURRENCY,
    entity: ENTITY,
    excluded: EXCLUDED,
    other: OTHER
};

/** What must be true before the deal can be invoiced, each check passed or blocked with its fixes. */
export default class ReadinessChecklist extends LightningElement {
    /** The preview's problems: [{code, recordId, message, fix}]. */
    @api problems;

    labels = { heading: HEADING, fix: FIX };

    get checks() {
        return buildChecklist(this.problems, CHECK_LABELS).map((check) => ({
            ...check,
            icon: check.ok ? 'utility:success' : 'utility:error',
            iconVariant: check.ok ? 'success' : 'error',
            verdict: check.ok ? PASSED : BLOCKING,
            itemClass: check.ok ? 'slds-item check check_ok' : 'slds-item check check_blocking'
        }));
    }
}
