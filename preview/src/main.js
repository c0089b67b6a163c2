// Preview page: mounts one real component (?opportunity=<scenario or id> or ?account=<scenario or id>) inside a
// record-page frame (highlights panel, main column, right column of 400 px; ?column=side puts the component in
// the right column), plus the list of records to open and an SLDS toast for ShowToastEvent.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import OpportunityBilling from 'c/opportunityBilling';
import AccountReceivables from 'c/accountReceivables';
import { OPPORTUNITY_SCENARIOS } from './fixtures';
import { callApex, dataSourceLabel, listedRecords } from './data-source';

const params = new URLSearchParams(window.location.search);

function hrefFor(record) {
    const query = new URLSearchParams({ [record.param]: record.id });
    ['api', 'column'].filter((name) => params.get(name)).forEach((name) => query.set(name, params.get(name)));
    return `?${query}`;
}

async function recordLinks() {
    const nav = document.getElementById('scenarios');
    let records;
    try {
        records = await listedRecords();
    } catch (error) {
        const item = document.createElement('li');
        item.className = 'slds-item slds-text-color_error';
        item.textContent = `The records could not be listed: ${(error.body && error.body.message) || error.message}`;
        nav.appendChild(item);
        return;
    }
    for (const record of records) {
        const item = document.createElement('li');
        item.className = 'slds-item';
        const link = document.createElement('a');
        link.href = hrefFor(record);
        link.textContent = record.label;
        item.appendChild(link);
        nav.appendChild(item);
    }
}

function showToast(event) {
    const { title, message, variant = 'info' } = event.detail || {};
    const region = document.getElementById('toasts');
    const toast = document.createElement('div');
    toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
    toast.setAttribute('role', 'status');
    toast.dataset.variant = variant;
    const heading = document.createElement('h2');
    heading.className = 'slds-text-heading_small';
    heading.textContent = [title, message].filter(Boolean).join(' ');
    toast.appendChild(heading);
    region.appendChild(toast);
    window.setTimeout(() => toast.remove(), 8000);
}

const money = (value) =>
    typeof value === 'number' ? value.toLocaleString('en-US', { style: 'currency', currency: 'USD' }) : '—';

/** The highlights panel: what a record page shows above its components (name, stage, amount). */
async function highlights(opportunityId) {
    const panel = document.getElementById('highlights');
    panel.dataset.loads = String(Number(panel.dataset.loads || 0) + 1);
    const set = (id, text) => {
        document.getElementById(id).textContent = text;
    };
    try {
        const { opportunity } = await callApex('OpportunityBillingController.getBillingSummary', { opportunityId });
        const scenario = OPPORTUNITY_SCENARIOS[opportunityId];
        set('record-name', opportunity.Name || opportunityId);
        set('record-stage', opportunity.StageName || '—');
        set('record-amount', money(opportunity.Amount ?? (scenario && scenario.amount)));
    } catch {
        set('record-name', opportunityId);
    }
}

function mount() {
    const opportunity = params.get('opportunity');
    const account = params.get('account');
    const host = document.getElementById(params.get('column') === 'side' ? 'side-column' : 'main-column');
    let element;
    if (account) {
        element = createElement('c-account-receivables', { is: AccountReceivables });
        element.recordId = account;
        document.getElementById('record-type').textContent = 'Account';
        document.getElementById('record-name').textContent = account;
        document.getElementById('opportunity-fields').style.display = 'none';
    } else {
        element = createElement('c-opportunity-billing', { is: OpportunityBilling });
        element.recordId = opportunity || 'partly-paid';
        highlights(element.recordId);
        // notifyRecordUpdateAvailable (live updates): the standard fields of the page are read again.
        window.addEventListener('ledgerline:record-update-available', (event) => {
            const ids = ((event.detail && event.detail.recordIds) || []).map((r) => r.recordId);
            if (ids.includes(element.recordId)) {
                highlights(element.recordId);
            }
        });
    }
    host.appendChild(element);
    document.getElementById('data-source').textContent = dataSourceLabel;
}

document.addEventListener('lightning__showtoast', showToast);
recordLinks();
mount();
