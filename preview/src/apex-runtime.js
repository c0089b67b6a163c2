// Stand-ins for Apex methods: each is callable imperatively (returns a promise, rejects with an Apex-shaped
// error) and, when cacheable, is also a wire adapter. refreshApex re-runs the adapter that produced a value.
import { callApex } from './data-source';

const adapterOfValue = new WeakMap();

function hasMissingParameter(config) {
    return !config || Object.values(config).some((value) => value === undefined || value === null);
}

function wireAdapterFor(method) {
    return class ApexWireAdapter {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
            this.config = undefined;
            this.connected = false;
        }

        connect() {
            this.connected = true;
        }

        disconnect() {
            this.connected = false;
        }

        update(config) {
            this.config = config;
            this.load();
        }

        async load() {
            if (hasMissingParameter(this.config)) {
                return;
            }
            let value;
            try {
                value = { data: await callApex(method, this.config), error: undefined };
            } catch (error) {
                value = { data: undefined, error };
            }
            adapterOfValue.set(value, this);
            if (this.connected) {
                this.dataCallback(value);
            }
        }
    };
}

export function apexMethod(method, cacheable) {
    const call = (params) => callApex(method, params || {});
    if (cacheable) {
        call.adapter = wireAdapterFor(method);
    }
    return call;
}

export function refreshApex(value) {
    const adapter = value && adapterOfValue.get(value);
    return adapter ? adapter.load() : Promise.resolve();
}
