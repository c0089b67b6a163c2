// Jest stand-in for lightning/empApi (mapped in jest.config.js, as sfdx-lwc-jest documents for platform modules).
// Unlike the stub sfdx-lwc-jest ships, it keeps the subscriptions, so a test can publish a message to them
// (jestMockPublish) and check that unsubscribe removed them; jestMockSetEmpEnabled and jestMockFailSubscribe
// model an org or a user without streaming access.
const subscriptions = new Map();
let nextId = 1;
let enabled = true;
let subscribeError = null;

export const isEmpEnabled = jest.fn(() => Promise.resolve(enabled));

export const subscribe = jest.fn((channel, replayId, callback) => {
    if (subscribeError) {
        return Promise.reject(subscribeError);
    }
    const subscription = { id: `sub-${nextId++}`, channel, replayId };
    subscriptions.set(subscription.id, { subscription, callback });
    return Promise.resolve(subscription);
});

export const unsubscribe = jest.fn((subscription, callback) => {
    const removed = Boolean(subscription && subscriptions.delete(subscription.id));
    if (callback) {
        callback({ successful: removed });
    }
    return Promise.resolve(removed);
});

export const onError = jest.fn();
export const setDebugFlag = jest.fn(() => Promise.resolve());

/** Delivers a message to every subscription of the channel, as the streaming API would. */
export function jestMockPublish(channel, message) {
    const targets = [...subscriptions.values()].filter((entry) => entry.subscription.channel === channel);
    targets.forEach((entry) => entry.callback({ channel, ...message }));
    return targets.length;
}

/** The channels subscribed to now. */
export function jestMockActiveChannels() {
    return [...subscriptions.values()].map((entry) => entry.subscription.channel);
}

export function jestMockSetEmpEnabled(value) {
    enabled = value;
}

export function jestMockFailSubscribe(error) {
    subscribeError = error;
}

export function jestMockReset() {
    subscriptions.clear();
    enabled = true;
    subscribeError = null;
}
