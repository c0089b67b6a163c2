/**
 * Pure helpers shared by the billing components: invoice status styling, payment grouping, the readiness
 * checklist built from the middleware's problem codes, and QuickBooks links. No DOM, no server calls.
 */

const BADGE_CLASSES = {
    Paid: 'slds-badge slds-theme_success',
    'Partially Paid': 'slds-badge slds-theme_warning',
    Overdue: 'slds-badge slds-theme_error',
    Open: 'slds-badge slds-badge_lightest',
    Voided: 'slds-badge slds-badge_inverse'
};

/** Which middleware problem codes each readiness check covers (middleware/src/sync/problems.ts). */
export const CHECKS = [
    { name: 'lines', codes: ['NO_LINE_ITEMS', 'INVALID_QUANTITY', 'INVALID_PRICE', 'INVALID_DISCOUNT'] },
    { name: 'customer', codes: ['NO_ACCOUNT', 'PROBABLE_CUSTOMER_MATCH', 'INACTIVE_CUSTOMER'] },
    { name: 'email', codes: ['NO_BILLING_EMAIL', 'INVALID_BILLING_EMAIL'] },
    { name: 'terms', codes: ['NO_PAYMENT_TERMS', 'UNKNOWN_PAYMENT_TERMS', 'INACTIVE_TERM'] },
    { name: 'products', codes: ['PRODUCT_WITHOUT_SKU', 'UNMAPPED_PRODUCT', 'INACTIVE_ITEM'] },
    { name: 'currency', codes: ['CURRENCY_NOT_ENABLED', 'CURRENCY_MISMATCH'] },
    { name: 'entity', codes: ['UNKNOWN_BILLING_ENTITY'] },
    { name: 'excluded', codes: ['EXCLUDED'] }
];

const KNOWN_CUSTOMER_MATCHES = ['linked', 'name', 'email', 'disambiguated-name', 'ambiguous', 'created'];

/** SLDS badge classes for an invoice status (Paid, Partially Paid, Overdue, Open, Voided). */
export function badgeClass(status) {
    return BADGE_CLASSES[status] || 'slds-badge';
}

/** Share of the invoice total already paid, as a whole percentage between 0 and 100. */
export function percentPaid(invoice) {
    const total = Number(invoice && invoice.Total__c) || 0;
    if (total <= 0 || invoice.Voided__c) {
        return 0;
    }
    const paid = invoice.Amount_Paid__c ?? total - (Number(invoice.Balance__c) || 0);
    return Math.max(0, Math.min(100, Math.round((Number(paid) / total) * 100)));
}

/** Each invoice with its own payments (newest first, as the server sorted them) under `payments`. */
export function attachPayments(invoices, payments) {
    const byInvoice = new Map();
    (payments || []).forEach((payment) => {
        const list = byInvoice.get(payment.Invoice__c) || [];
        list.push(payment);
        byInvoice.set(payment.Invoice__c, list);
    });
    return (invoices || []).map((invoice) => ({ ...invoice, payments: byInvoice.get(invoice.Id) || [] }));
}

/**
 * The address behind QuickBooks_Url__c (a HYPERLINK formula, so the API returns an <a> tag). Only HTTPS
 * links to Intuit are returned; anything else gives null so that no other link can be injected.
 */
export function quickBooksHref(value) {
    if (!value) {
        return null;
    }
    const match = /href="([^"]+)"/i.exec(value);
    const url = (match ? match[1] : value).replace(/&amp;/g, '&');
    return /^https:\/\/[a-z0-9.-]+\.intuit\.com\//i.test(url) ? url : null;
}

function errorLines(text) {
    return (text || '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
}

/** A first line ending in a colon ("Opportunity … cannot be invoiced:") introduces the list of problems. */
function isHeading(line, index, lines) {
    return index === 0 && lines.length > 1 && line.endsWith(':');
}

/** The sentence that introduces the problems in Billing_Sync_Error__c, or null when it has none. */
export function syncErrorHeading(text) {
    const lines = errorLines(text);
    return lines.length > 0 && isHeading(lines[0], 0, lines) ? lines[0] : null;
}

/**
 * Billing_Sync_Error__c holds one problem per line as "<message> Fix: <fix>", possibly after an introducing
 * line (see syncErrorHeading); this returns the problems only.
 */
export function splitSyncError(text) {
    const lines = errorLines(text);
    return lines
        .filter((line, index) => !isHeading(line, index, lines))
        .map((line, index) => {
            const at = line.indexOf(' Fix: ');
            return at < 0
                ? { key: `problem-${index}`, message: line, fix: null }
                : { key: `problem-${index}`, message: line.slice(0, at), fix: line.slice(at + 6) };
        });
}

/**
 * One entry per readiness check, each with the preview problems it covers; problems with a code no check
 * knows land in an extra "other" entry so that nothing blocking is ever hidden.
 * @param {Array} problems the preview's problems ({code, recordId, message, fix})
 * @param {Object} labels check name -> label (including `other`)
 */
export function buildChecklist(problems, labels) {
    const all = problems || [];
    const known = new Set(CHECKS.flatMap((check) => check.codes));
    const entries = CHECKS.map((check) => ({
        name: check.name,
        problems: all.filter((problem) => check.codes.includes(problem.code))
    }));
    const other = all.filter((problem) => !known.has(problem.code));
    if (other.length > 0) {
        entries.push({ name: 'other', problems: other });
    }
    return entries.map((entry) => ({
        name: entry.name,
        label: labels[entry.name],
        ok: entry.problems.length === 0,
        problems: entry.problems.map((problem, index) => ({ ...problem, key: `${entry.name}-${index}` }))
    }));
}

/** A stable key for how the customer was found: one of KNOWN_CUSTOMER_MATCHES, `new` or `unknown`. */
export function customerMatchKey(how) {
    if (typeof how !== 'string') {
        return 'unknown';
    }
    if (how.startsWith('new customer')) {
        return 'new';
    }
    return KNOWN_CUSTOMER_MATCHES.includes(how) ? how : 'unknown';
}

/** Rows for the invoice draft's lines: sales lines with item, quantity and tax code; discounts negative. */
export function previewLines(invoice) {
    return ((invoice && invoice.Line) || []).map((line, index) => {
        const detail = line.SalesItemLineDetail;
        if (!detail) {
            return { key: `line-${index}`, description: line.Description, amount: -Math.abs(line.Amount || 0) };
        }
        return {
            key: `line-${index}`,
            description: line.Description || (detail.ItemRef && detail.ItemRef.name),
            item: detail.ItemRef && detail.ItemRef.name,
            quantity: detail.Qty,
            unitPrice: detail.UnitPrice,
            amount: line.Amount,
            taxCode: detail.TaxCodeRef && detail.TaxCodeRef.value
        };
    });
}

/** Fills {0}, {1}, … in a custom label. */
export function formatLabel(template, ...values) {
    return String(template).replace(/\{(\d+)\}/g, (match, index) => {
        return values[index] === undefined ? match : String(values[index]);
    });
}
