import { LightningElement, api } from 'lwc';
import { customerMatchKey, previewLines } from 'c/billingModel';
import HEADING from '@salesforce/label/c.Billing_Preview_Heading';
import CUSTOMER from '@salesforce/label/c.Billing_Preview_Customer';
import MATCH from '@salesforce/label/c.Billing_Preview_Customer_Match';
import ENTITY from '@salesforce/label/c.Billing_Preview_Entity';
import TERMS from '@salesforce/label/c.Billing_Preview_Terms';
import DUE from '@salesforce/label/c.Billing_Invoice_Due_Date';
import EMAIL from '@salesforce/label/c.Billing_Preview_Email';
import MEMO from '@salesforce/label/c.Billing_Preview_Memo';
import LINES_CAPTION from '@salesforce/label/c.Billing_Preview_Lines';
import DESCRIPTION from '@salesforce/label/c.Billing_Preview_Description';
import QUANTITY from '@salesforce/label/c.Billing_Preview_Quantity';
import UNIT_PRICE from '@salesforce/label/c.Billing_Preview_Unit_Price';
import TAX from '@salesforce/label/c.Billing_Preview_Tax';
import AMOUNT from '@salesforce/label/c.Billing_Payment_Amount';
import SUBTOTAL from '@salesforce/label/c.Billing_Preview_Subtotal';
import DISCOUNT from '@salesforce/label/c.Billing_Preview_Discount';
import NET from '@salesforce/label/c.Billing_Preview_Net';
import TAX_NOTE from '@salesforce/label/c.Billing_Preview_Tax_Note';
import TAXABLE from '@salesforce/label/c.Billing_Preview_Taxable';
import NOT_TAXABLE from '@salesforce/label/c.Billing_Preview_Not_Taxable';
import NEW_CUSTOMER from '@salesforce/label/c.Billing_Match_New';
import MATCH_LINKED from '@salesforce/label/c.Billing_Match_Linked';
import MATCH_NAME from '@salesforce/label/c.Billing_Match_Name';
import MATCH_EMAIL from '@salesforce/label/c.Billing_Match_Email';
import MATCH_AMBIGUOUS from '@salesforce/label/c.Billing_Match_Ambiguous';

const MATCH_LABELS = {
    linked: MATCH_LINKED,
    created: MATCH_LINKED,
    name: MATCH_NAME,
    'disambiguated-name': MATCH_NAME,
    email: MATCH_EMAIL,
    ambiguous: MATCH_AMBIGUOUS
};

/** The QuickBooks invoice the middleware would create: customer, terms, lines, totals and tax treatment. */
export default class InvoicePreview extends LightningElement {
    /** previewInvoice's answer: {customer, billingEntity, invoice, summary, ...}. */
    @api preview;

    labels = {
        heading: HEADING,
        customer: CUSTOMER,
        match: MATCH,
        entity: ENTITY,
        terms: TERMS,
        due: DUE,
        email: EMAIL,
        memo: MEMO,
        linesCaption: LINES_CAPTION,
        description: DESCRIPTION,
        quantity: QUANTITY,
        unitPrice: UNIT_PRICE,
        tax: TAX,
        amount: AMOUNT,
        subtotal: SUBTOTAL,
        discount: DISCOUNT,
        net: NET,
        taxNote: TAX_NOTE
    };

    get invoice() {
        return this.preview.invoice || {};
    }

    get summary() {
        return this.preview.summary || {};
    }

    get customerName() {
        const customer = this.preview.customer;
        return (customer && customer.name) || NEW_CUSTOMER;
    }

    get customerMatch() {
        const how = this.preview.customer && this.preview.customer.how;
        return MATCH_LABELS[customerMatchKey(how)] || how;
    }

    get terms() {
        return this.invoice.SalesTermRef && this.invoice.SalesTermRef.name;
    }

    get billEmail() {
        return this.invoice.BillEmail && this.invoice.BillEmail.Address;
    }

    get memo() {
        return this.invoice.CustomerMemo && this.invoice.CustomerMemo.value;
    }

    get lines() {
        return previewLines(this.invoice).map((line) => ({
            ...line,
            tax: line.taxCode === 'TAX' ? TAXABLE : line.taxCode === 'NON' ? NOT_TAXABLE : line.taxCode
        }));
    }

    get hasDiscount() {
        return Number(this.summary.discount) > 0;
    }
}
