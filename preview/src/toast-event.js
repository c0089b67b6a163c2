// Stand-in for lightning/platformShowToastEvent: the same event the platform listens for. The preview page
// shows it as an SLDS toast (see main.js).
export class ShowToastEvent extends CustomEvent {
    constructor(toast) {
        super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
    }
}
