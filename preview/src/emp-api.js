// Stand-in for lightning/empApi in the local preview. The streaming API is replaced by a server-sent-events
// bridge: with ?api=<base URL> the page subscribes to GET <api>/preview-data/events?channel=<channel>, where the
// demo forwards the platform events the Salesforce emulator receives. With fixtures there is no bridge, so
// streaming is off (isEmpEnabled resolves false), as for a user without streaming access.
// While a subscription is open, <html data-streaming="connected"> says so (the browser test waits for it).
const API_BASE = new URLSearchParams(window.location.search).get('api');
const sources = new Map();
let nextId = 1;

function markStreaming() {
    document.documentElement.dataset.streaming = sources.size > 0 ? 'connected' : 'off';
}

export function isEmpEnabled() {
    return Promise.resolve(Boolean(API_BASE) && typeof window.EventSource === 'function');
}

export function subscribe(channel, replayId, onMessage) {
    if (!API_BASE) {
        return Promise.reject(new Error('Streaming is not available with fixtures.'));
    }
    const url = `${API_BASE.replace(/\/+$/, '')}/preview-data/events?channel=${encodeURIComponent(channel)}`;
    return new Promise((resolve, reject) => {
        const source = new window.EventSource(url);
        const subscription = { id: `preview-${nextId++}`, channel, replayId };
        let opened = false;
        source.addEventListener('open', () => {
            if (opened) {
                return;
            }
            opened = true;
            sources.set(subscription.id, source);
            markStreaming();
            resolve(subscription);
        });
        source.addEventListener('message', (event) => {
            try {
                onMessage(JSON.parse(event.data));
            } catch {
                // A malformed message is dropped, as the streaming client would.
            }
        });
        source.addEventListener('error', () => {
            if (!opened) {
                source.close();
                reject(new Error(`The events bridge ${url} did not answer.`));
            }
            // After the first connection the browser reconnects by itself.
        });
    });
}

export function unsubscribe(subscription, callback) {
    const source = subscription && sources.get(subscription.id);
    if (source) {
        source.close();
        sources.delete(subscription.id);
        markStreaming();
    }
    if (callback) {
        callback({ successful: Boolean(source) });
    }
    return Promise.resolve(Boolean(source));
}

export function onError() {
    return Promise.resolve();
}

export function setDebugFlag() {
    return Promise.resolve();
}
