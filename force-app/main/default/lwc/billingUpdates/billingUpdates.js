import { isEmpEnabled, subscribe, unsubscribe } from 'lightning/empApi';

/** The channel the middleware publishes to after it writes billing state (one event per batch). */
export const BILLING_UPDATE_CHANNEL = '/event/Ledgerline_Billing_Update__e';
const ID_FIELDS = ['Opportunity_Ids__c', 'Account_Ids__c'];
/** Only new events: a page opened later reads the current state from Apex anyway. */
const NEW_EVENTS_ONLY = -1;

function sameRecord(a, b) {
    return Boolean(a && b) && a.slice(0, 15) === b.slice(0, 15);
}

/** True when a billing update event names the record (as one of its Opportunities or Accounts). */
export function namesRecord(message, recordId) {
    const payload = message && message.data && message.data.payload;
    if (!payload || !recordId) {
        return false;
    }
    return ID_FIELDS.some((field) =>
        String(payload[field] || '')
            .split(',')
            .some((id) => sameRecord(id.trim(), recordId))
    );
}

/**
 * Subscribes to billing updates; `onUpdate` runs for events that name `recordId()`. Resolves to the
 * subscription, or to null when this user or org has no streaming access (empApi disabled, or the
 * subscribe refused): the component then works through its refresh button, without any error shown.
 */
export async function subscribeToRecord(recordId, onUpdate) {
    try {
        if (!(await isEmpEnabled())) {
            return null;
        }
        const subscription = await subscribe(BILLING_UPDATE_CHANNEL, NEW_EVENTS_ONLY, (message) => {
            if (namesRecord(message, recordId())) {
                onUpdate(message);
            }
        });
        return subscription || null;
    } catch {
        return null;
    }
}

/** Ends a subscription made by subscribeToRecord (nothing to do for null); never throws. */
export async function unsubscribeQuietly(subscription) {
    if (!subscription) {
        return;
    }
    try {
        await unsubscribe(subscription, () => undefined);
    } catch {
        // The page is going away: a failed unsubscribe has nobody left to tell.
    }
}

/**
 * A component's live updates from connect to disconnect: subscribes for `recordId()`, runs `onUpdate` for
 * events that name it and `onLive(true|false)` once the subscription stands (or streaming is unavailable).
 * Returns the function that stops it; a subscription that resolves after the stop is ended at once.
 */
export function followRecord(recordId, onUpdate, onLive) {
    let stopped = false;
    let subscription = null;
    subscribeToRecord(recordId, onUpdate).then((made) => {
        if (stopped) {
            unsubscribeQuietly(made);
        } else {
            subscription = made;
            onLive(Boolean(made));
        }
    });
    return () => {
        stopped = true;
        unsubscribeQuietly(subscription);
        subscription = null;
    };
}
