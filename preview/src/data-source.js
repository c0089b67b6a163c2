// Where the preview's Apex stand-ins get their data. Default: the fixtures in fixtures.js. With ?api=<base URL>
// the page reads the lead's demo instead:
//   GET <api>/preview-data/opportunity/:id                 -> exactly what getBillingSummary returns
//   GET <api>/preview-data/opportunity/:id/invoice-preview -> the middleware's preview JSON (optional)
//   GET <api>/preview-data/account/:id                     -> exactly what getReceivables returns (optional)
//   POST <api>/preview-data/opportunity/:id/retry          -> the middleware's retry (what retrySync calls)
//   GET <api>/preview-data/invoice/:id/pdf                  -> {pdf: base64}: what getInvoicePdf returns
//   POST <api>/preview-data/invoice/:id/send?sendTo=…      -> the middleware's send answer (what sendInvoice returns)
//   GET <api>/preview-data/records                         -> the demo org's opportunities and accounts
// With fixtures, Retry is simulated here (status Queued) after the same checks as Apex.
import { ACCOUNT_SCENARIOS, OPPORTUNITY_SCENARIOS } from './fixtures';

const API_BASE = new URLSearchParams(window.location.search).get('api');
const LATENCY_MS = 150;
const retried = new Set();
/** Fixture invoices sent in this page: Id -> the send answer. */
const sent = new Map();

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

async function fetchJson(pathName, method = 'GET') {
    const response = await window.fetch(`${API_BASE.replace(/\/+$/, '')}${pathName}`, {
        method,
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
    if (!API_BASE) {
        summary.canSend = true;
        summary.billingEmail = summary.billingEmail || 'ap@example.com';
        for (const invoice of summary.invoices) {
            const answer = sent.get(invoice.Id);
            if (answer) {
                invoice.Email_Status__c = answer.emailStatus;
                invoice.Sent_At__c = answer.deliveryTime;
            }
        }
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
    if (API_BASE) {
        const answer = await fetchJson(`/preview-data/opportunity/${encodeURIComponent(opportunityId)}/retry`, 'POST');
        const rejected = (answer && answer.rejected) || [];
        if (rejected.length > 0) {
            throw apexError(rejected[0].error || 'The middleware refused the retry.', 400);
        }
        return 'Queued';
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

/** A one-page PDF showing the fixture invoice's number and total (what QuickBooks would print). */
function fixturePdf(invoice) {
    const lines = [`Invoice ${invoice.Doc_Number__c}`, `Total ${Number(invoice.Total__c).toFixed(2)} ${invoice.Currency__c || ''}`];
    const stream = `BT /F1 18 Tf 24 TL 72 720 Td ${lines.map((line) => `(${line.replace(/[()\\]/g, '')}) Tj`).join(' T* ')} ET`;
    const objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
    ];
    let pdf = '%PDF-1.4\n';
    const offsets = objects.map((object, i) => {
        const at = pdf.length;
        pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
        return at;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return window.btoa(pdf);
}

async function invoicePdf(invoiceRecordId) {
    if (API_BASE) {
        const { pdf } = await fetchJson(`/preview-data/invoice/${encodeURIComponent(invoiceRecordId)}/pdf`);
        return pdf;
    }
    const invoice = Object.values(OPPORTUNITY_SCENARIOS)
        .flatMap((scenario) => scenario.summary.invoices)
        .find((candidate) => candidate.Id === invoiceRecordId);
    if (!invoice) {
        throw apexError('This invoice does not exist or you do not have access to it.');
    }
    return fixturePdf(invoice);
}

/** Send, with the same address check as Apex; with fixtures the invoice is marked sent in this page only. */
async function sendInvoice(params) {
    const sendTo = params.sendTo ? String(params.sendTo).trim() : '';
    if (sendTo && !/^[^\s@,;<>()"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(sendTo)) {
        throw apexError(`"${sendTo}" is not one e-mail address. Enter a single address like billing@example.com.`);
    }
    if (API_BASE) {
        // The address goes in the query, so the POST stays a simple request (no CORS preflight), like Retry.
        const query = sendTo ? `?sendTo=${encodeURIComponent(sendTo)}` : '';
        return fetchJson(`/preview-data/invoice/${encodeURIComponent(params.invoiceRecordId)}/send${query}`, 'POST');
    }
    const invoice = Object.values(OPPORTUNITY_SCENARIOS)
        .flatMap((scenario) => scenario.summary.invoices)
        .find((candidate) => candidate.Id === params.invoiceRecordId);
    if (!invoice) {
        throw apexError('This invoice does not exist or you do not have access to it.');
    }
    await pause();
    const answer = { invoiceId: invoice.Id, docNumber: invoice.Doc_Number__c, sentTo: sendTo || 'ap@example.com', emailStatus: 'EmailSent', deliveryTime: new Date().toISOString() };
    sent.set(invoice.Id, answer);
    return answer;
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
    'OpportunityBillingController.getInvoicePdf': (params) => invoicePdf(params.invoiceRecordId),
    'OpportunityBillingController.sendInvoice': (params) => sendInvoice(params),
    'AccountReceivablesController.getReceivables': (params) => receivables(params.accountId)
};

export async function callApex(method, params) {
    await pause();
    return METHODS[method](params);
}

/** The records the page lists: the demo org's with ?api=, else the fixture scenarios. */
export async function listedRecords() {
    if (API_BASE) {
        const { opportunities = [], accounts = [] } = await fetchJson('/preview-data/records');
        return [
            ...opportunities.map((r) => ({ param: 'opportunity', id: r.Id, label: `Opportunity: ${r.Name}` })),
            ...accounts.map((r) => ({ param: 'account', id: r.Id, label: `Account: ${r.Name}` }))
        ];
    }
    return [
        ...Object.entries(OPPORTUNITY_SCENARIOS).map(([id, s]) => ({ param: 'opportunity', id, label: `Opportunity: ${s.label}` })),
        ...Object.entries(ACCOUNT_SCENARIOS).map(([id, s]) => ({ param: 'account', id, label: `Account: ${s.label}` }))
    ];
}

export const dataSourceLabel = API_BASE ? `API ${API_BASE}` : 'fixtures';
