// Fixture scenarios: the same JSON the components' jest tests use, keyed by a readable scenario name that the
// page passes as the record id (?opportunity=partly-paid).
import PARTLY_PAID from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';
import OVERDUE from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryOverdue.json';
import SYNC_ERROR from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryError.json';
import OPEN from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryOpen.json';
import PREVIEW_READY from '../../force-app/main/default/lwc/invoiceReadiness/__tests__/data/previewReady.json';
import PREVIEW_BLOCKED from '../../force-app/main/default/lwc/invoiceReadiness/__tests__/data/previewBlocked.json';
import RECEIVABLES from '../../force-app/main/default/lwc/accountReceivables/__tests__/data/receivables.json';
import RECEIVABLES_EMPTY from '../../force-app/main/default/lwc/accountReceivables/__tests__/data/receivablesEmpty.json';

export const OPPORTUNITY_SCENARIOS = {
    'partly-paid': { label: 'Won, invoice partly paid', summary: PARTLY_PAID },
    overdue: { label: 'Won, invoice overdue', summary: OVERDUE },
    'sync-error': { label: 'Won, sync failed (Finance user)', summary: SYNC_ERROR },
    'sync-error-sales': { label: 'Won, sync failed (sales rep)', summary: { ...SYNC_ERROR, canRetry: false } },
    'open-ready': { label: 'Open deal, ready to invoice', summary: OPEN, preview: PREVIEW_READY },
    'open-blocked': { label: 'Open deal, blocked', summary: OPEN, preview: PREVIEW_BLOCKED }
};

export const ACCOUNT_SCENARIOS = {
    customer: { label: 'Customer with receivables', receivables: RECEIVABLES },
    'no-invoices': { label: 'Customer without invoices', receivables: RECEIVABLES_EMPTY }
};
