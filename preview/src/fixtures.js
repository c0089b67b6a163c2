// Fixture scenarios: the same JSON the components' jest tests use, keyed by a readable scenario name that the
// page passes as the record id (?opportunity=partly-paid). `amount` is the Opportunity's Amount for the highlights
// panel, which a record page reads from the record itself, not from the components' Apex.
import PARTLY_PAID from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';
import OVERDUE from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryOverdue.json';
import SYNC_ERROR from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryError.json';
import OPEN from '../../force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryOpen.json';
import PREVIEW_READY from '../../force-app/main/default/lwc/invoiceReadiness/__tests__/data/previewReady.json';
import PREVIEW_BLOCKED from '../../force-app/main/default/lwc/invoiceReadiness/__tests__/data/previewBlocked.json';
import RECEIVABLES from '../../force-app/main/default/lwc/accountReceivables/__tests__/data/receivables.json';
import RECEIVABLES_EMPTY from '../../force-app/main/default/lwc/accountReceivables/__tests__/data/receivablesEmpty.json';

export const OPPORTUNITY_SCENARIOS = {
    'partly-paid': { label: 'Won, invoice partly paid', summary: PARTLY_PAID, amount: 2150 },
    overdue: { label: 'Won, invoice overdue', summary: OVERDUE, amount: 6000 },
    'sync-error': { label: 'Won, sync failed (Finance user)', summary: SYNC_ERROR, amount: 3900 },
    'sync-error-sales': { label: 'Won, sync failed (sales rep)', summary: { ...SYNC_ERROR, canRetry: false }, amount: 3900 },
    'open-ready': { label: 'Open deal, ready to invoice', summary: OPEN, preview: PREVIEW_READY, amount: 2160 },
    'open-blocked': { label: 'Open deal, blocked', summary: OPEN, preview: PREVIEW_BLOCKED, amount: 2160 }
};

export const ACCOUNT_SCENARIOS = {
    customer: { label: 'Customer with receivables', receivables: RECEIVABLES },
    'no-invoices': { label: 'Customer without invoices', receivables: RECEIVABLES_EMPTY }
};
