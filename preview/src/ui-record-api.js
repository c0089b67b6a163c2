// Stand-in for lightning/uiRecordApi in the local preview: notifyRecordUpdateAvailable tells the page that a
// record changed, and the page re-reads its highlights panel (name, stage, amount), as Lightning Data Service
// refreshes the standard components of a record page.
export function notifyRecordUpdateAvailable(recordIds) {
    window.dispatchEvent(new CustomEvent('ledgerline:record-update-available', { detail: { recordIds } }));
    return Promise.resolve();
}
