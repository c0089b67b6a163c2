// Preview page: mounts one real component (?opportunity=<scenario or id> or ?account=<scenario or id>) the
// way a Lightning record page would, plus a scenario list and an SLDS toast for ShowToastEvent.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import OpportunityBilling from 'c/opportunityBilling';
import AccountReceivables from 'c/accountReceivables';
import { ACCOUNT_SCENARIOS, OPPORTUNITY_SCENARIOS } from './fixtures';
import { dataSourceLabel } from './data-source';

const params = new URLSearchParams(window.location.search);

function scenarioLinks() {
    const nav = document.getElementById('scenarios');
    const entries = [
        ...Object.entries(OPPORTUNITY_SCENARIOS).map(([key, s]) => [`?opportunity=${key}`, `Opportunity: ${s.label}`]),
        ...Object.entries(ACCOUNT_SCENARIOS).map(([key, s]) => [`?account=${key}`, `Account: ${s.label}`])
    ];
    for (const [href, label] of entries) {
        const item = document.createElement('li');
        item.className = 'slds-item';
        const link = document.createElement('a');
        link.href = href + (params.get('api') ? `&api=${encodeURIComponent(params.get('api'))}` : '');
        link.textContent = label;
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

function mount() {
    const host = document.getElementById('component');
    const opportunity = params.get('opportunity');
    const account = params.get('account');
    let element;
    if (account) {
        element = createElement('c-account-receivables', { is: AccountReceivables });
        element.recordId = account;
    } else {
        element = createElement('c-opportunity-billing', { is: OpportunityBilling });
        element.recordId = opportunity || 'partly-paid';
    }
    host.appendChild(element);
    document.getElementById('data-source').textContent = dataSourceLabel;
}

document.addEventListener('lightning__showtoast', showToast);
scenarioLinks();
mount();
