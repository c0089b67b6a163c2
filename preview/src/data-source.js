// Where the preview's Apex stand-ins get their data. Default: the fixtures in fixtures.js. With ?api=<base URL>
// the page reads the lead's demo instead:
//   GET <api>/preview-data/opportunity/:id                 -> exactly what getBillingSummary returns
//   GET <api>/preview-data/opportunity/:id/invoice-preview -> the middleware's preview JSON (optional)
//   GET <api>/preview-data/account/:id                     -> exactly what getReceivables returns (optional)
// Retry is always simulated here (status Queued), as Apex would do after its checks.
import { ACCOUNT_SCENARIOS, OPPORTUNITY_SCENARIOS } from './fixtures';

const API_BASE = new URLSearchParams(window.location.search).get('api');
const LATENCY_MS = 150;
const retried = new Set();

/** The error shape Apex gives the client for an AuraHandledException. */
function apexError(message, status = 500) {
    return { status, body: { message } };
}

function copy(value) {
    return JSON.parse(JSON.stringify(value));
}

function pause() {
    return new Promise((resolve) => {
        window.setTimeout(resolve, LATENCY_MS);
    });
}

async function fetchJson(pathName) {
    const response = await window.fetch(`${API_BASE.replace(/\/+$/, '')}${pathName}`, {
        headers: { Accept: 'application/json' }
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
        const message = (body && (body.message || (body.error && body.error.message))) || response.statusText;
        throw apexError(message, response.status);
    }
    return body;
}

async function billingSummary(opportunityId) {
    let summary;
    if (API_BASE) {
        summary = await fetchJson(`/preview-data/opportunity/${encodeURIComponent(opportunityId)}`);
    } else {
        const scenario = OPPORTUNITY_SCENARIOS[opportunityId];
        if (!scenario) {
            throw apexError('This opportunity does not exist or you do not have access to it.');
        }
        summary = copy(scenario.summary);
    }
    if (retried.has(opportunityId) && summary.opportunity.Billing_Sync_Status__c === 'Error') {
        summary.opportunity.Billing_Sync_Status__c = 'Queued';
        summary.opportunity.Billing_Sync_Error__c = null;
    }
    return summary;
}

async function retrySync(opportunityId) {
    const summary = await billingSummary(opportunityId);
    if (!summary.canRetry) {
        throw apexError(
            'Only Finance can retry billing sync: ask your admin for the Ledgerline Finance permission set ' +
                '(custom permission Ledgerline_Retry_Sync).'
        );
    }
    if (!summary.opportunity.IsWon) {
        throw apexError('Only Closed Won deals are invoiced. Mark the deal Closed Won; it is then sent automatically.');
    }
    retried.add(opportunityId);
    return 'Queued';
}

async function invoicePreview(opportunityId) {
    if (API_BASE) {
        return fetchJson(`/preview-data/opportunity/${encodeURIComponent(opportunityId)}/invoice-preview`);
    }
    const scenario = OPPORTUNITY_SCENARIOS[opportunityId];
    if (!scenario || !scenario.preview) {
        throw apexError('The invoice preview failed. No preview fixture for this deal.');
    }
    return copy(scenario.preview);
}

async function receivables(accountId) {
    if (API_BASE) {
        return fetchJson(`/preview-data/account/${encodeURIComponent(accountId)}`);
    }
    const scenario = ACCOUNT_SCENARIOS[accountId];
    if (!scenario) {
        throw apexError('This account does not exist or you do not have access to it.');
    }
    return copy(scenario.receivables);
}

const METHODS = {
    'OpportunityBillingController.getBillingSummary': (params) => billingSummary(params.opportunityId),
    'OpportunityBillingController.retrySync': (params) => retrySync(params.opportunityId),
    'OpportunityBillingController.previewInvoice': (params) => invoicePreview(params.opportunityId),
    'AccountReceivablesController.getReceivables': (params) => receivables(params.accountId)
};

export async function callApex(method, params) {
    await pause();
    return METHODS[method](params);
}

export const dataSourceLabel = API_BASE ? `API ${API_BASE}` : 'fixtures';
