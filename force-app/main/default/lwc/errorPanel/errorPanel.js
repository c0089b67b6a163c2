import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';
import DEFAULT_MESSAGE from '@salesforce/label/c.Ledgerline_Error_Default';
import ERROR_ICON from '@salesforce/label/c.Ledgerline_Error_Icon';

/** The one way Ledgerline components show an error: a short summary and every reason the server gave. */
export default class ErrorPanel extends LightningElement {
    /** One error or a list of errors, in any shape reduceErrors understands. */
    @api errors;
    /** What failed, in words for the person looking at the page. */
    @api friendlyMessage = DEFAULT_MESSAGE;

    iconLabel = ERROR_ICON;

    get messages() {
        return reduceErrors(this.errors);
    }

    get hasMessages() {
        return this.messages.length > 0;
    }
}
