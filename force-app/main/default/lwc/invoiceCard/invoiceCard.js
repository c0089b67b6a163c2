import { LightningElement, api } from 'lwc';
import { badgeClass, formatLabel, percentPaid, quickBooksHref } from 'c/billingModel';
import { reduceErrors } from 'c/ldsUtils';
import getInvoicePdf from '@salesforce/apex/OpportunityBillingController.getInvoicePdf';
import INVOICE_TITLE from '@salesforce/label/c.Billing_Invoice_Title';
import INVOICE_NO_NUMBER from '@salesforce/label/c.Billing_Invoice_No_Number';
import STATUS from '@salesforce/label/c.Billing_Invoice_Status';
import TOTAL from '@salesforce/label/c.Billing_Invoice_Total';
import PAID from '@salesforce/label/c.Billing_Invoice_Amount_Paid';
import BALANCE from '@salesforce/label/c.Billing_Invoice_Balance';
import INVOICE_DATE from '@salesforce/label/c.Billing_Invoice_Date';
import DUE_DATE from '@salesforce/label/c.Billing_Invoice_Due_Date';
import DAYS_OVERDUE from '@salesforce/label/c.Billing_Invoice_Days_Overdue';
import PERCENT_PAID from '@salesforce/label/c.Billing_Invoice_Percent_Paid';
import OPEN_IN_QUICKBOOKS from '@salesforce/label/c.Billing_Open_In_QuickBooks';
import NEW_TAB from '@salesforce/label/c.Billing_Opens_New_Tab';
import VIEW_PDF from '@salesforce/label/c.Billing_View_Pdf';
import PDF_BLOCKED from '@salesforce/label/c.Billing_Pdf_Blocked';
import PDF_FAILED from '@salesforce/label/c.Billing_Pdf_Failed';
import EMAIL_STATUS from '@salesforce/label/c.Billing_Invoice_Email_Status';
import NOT_SENT from '@salesforce/label/c.Billing_Invoice_Not_Sent';
import SENT from '@salesforce/label/c.Billing_Invoice_Sent';
import TO_SEND from '@salesforce/label/c.Billing_Invoice_To_Send';
import MAY_SEND from '@salesforce/customPermission/Ledgerline_Send_Invoice';

const EMAIL_STATUS_TEXT = { EmailSent: SENT, NeedToSend: TO_SEND };

/** The PDF as a blob: URL that a new tab can open (the bytes never leave the browser again). */
function pdfUrlOf(base64) {
    const binary = window.atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
        bytes[i] = binary.charCodeAt(i);
    }
    return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

/** One QuickBooks invoice: status, total, paid share, balance, due date, overdue days, payments, link. */
export default class InvoiceCard extends LightningElement {
    /** A QuickBooks_Invoice__c row from getBillingSummary with its payments under `payments`. */
    @api invoice;

    labels = {
        status: STATUS,
        total: TOTAL,
        paid: PAID,
        balance: BALANCE,
        invoiceDate: INVOICE_DATE,
        dueDate: DUE_DATE,
        openInQuickBooks: OPEN_IN_QUICKBOOKS,
        newTab: NEW_TAB,
        viewPdf: VIEW_PDF,
        pdfBlocked: PDF_BLOCKED,
        pdfFailed: PDF_FAILED,
        emailStatus: EMAIL_STATUS
    };

    /** Where Send goes by default (the deal's billing e-mail). */
    @api billingEmail;
    /** QuickBooks' answer to a send from this card, shown until the mirror row catches up. */
    sent;

    loadingPdf = false;
    pdfError;
    /** Set when the browser blocked the new tab: the card then offers a plain link to the PDF. */
    blockedPdfUrl;

    get title() {
        return formatLabel(INVOICE_TITLE, this.invoice.Doc_Number__c || INVOICE_NO_NUMBER);
    }

    get status() {
        return this.invoice.Status__c;
    }

    get badgeClass() {
        return `${badgeClass(this.status)} invoice-status`;
    }

    get percentPaid() {
        return percentPaid(this.invoice);
    }

    get percentPaidText() {
        return formatLabel(PERCENT_PAID, this.percentPaid);
    }

    get isOverdue() {
        return this.invoice.Days_Overdue__c > 0;
    }

    get daysOverdueText() {
        return formatLabel(DAYS_OVERDUE, this.invoice.Days_Overdue__c);
    }

    get quickBooksUrl() {
        return quickBooksHref(this.invoice.QuickBooks_Url__c);
    }

    get canSend() {
        return Boolean(MAY_SEND) && Boolean(this.invoice.Id);
    }

    get emailStatusText() {
        const status = this.sent ? this.sent.emailStatus : this.invoice.Email_Status__c;
        return EMAIL_STATUS_TEXT[status] || NOT_SENT;
    }

    get sentAt() {
        return this.sent ? this.sent.deliveryTime : this.invoice.Sent_At__c;
    }

    handleSent(event) {
        this.sent = event.detail;
    }

    async handleViewPdf() {
        this.loadingPdf = true;
        this.pdfError = undefined;
        this.blockedPdfUrl = undefined;
        try {
            const url = pdfUrlOf(await getInvoicePdf({ invoiceRecordId: this.invoice.Id }));
            if (!window.open(url, '_blank')) {
                this.blockedPdfUrl = url;
            }
        } catch (error) {
            this.pdfError = reduceErrors(error).join(' ');
        } finally {
            this.loadingPdf = false;
        }
    }
}
