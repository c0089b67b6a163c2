/**
 * One error normaliser for every component: turns whatever an Apex call, a wire adapter, the UI API or
 * plain JavaScript threw into a flat list of readable messages.
 */

/** Messages from one error value, in the order they were reported. */
function messagesOf(error) {
    if (!error) {
        return [];
    }
    if (typeof error === 'string') {
        return [error];
    }
    const body = error.body;
    if (Array.isArray(body)) {
        // UI API read errors: one entry per failed record or field.
        return body.map((entry) => entry && entry.message).filter(Boolean);
    }
    if (body && typeof body === 'object') {
        const found = [];
        // UI API DML errors: page-level errors and one list per field.
        if (Array.isArray(body.pageErrors)) {
            found.push(...body.pageErrors.map((entry) => entry.message));
        }
        if (body.fieldErrors && typeof body.fieldErrors === 'object') {
            Object.values(body.fieldErrors).forEach((list) => found.push(...list.map((entry) => entry.message)));
        }
        if (body.output && Array.isArray(body.output.errors)) {
            found.push(...body.output.errors.map((entry) => entry.message));
        }
        // Apex (AuraHandledException) and network errors.
        if (found.length === 0 && typeof body.message === 'string') {
            found.push(body.message);
        }
        if (found.length > 0) {
            return found.filter(Boolean);
        }
    }
    if (typeof error.message === 'string') {
        return [error.message];
    }
    if (typeof error.statusText === 'string') {
        return [error.statusText];
    }
    return [];
}

/**
 * @param {*} errors one error or an array of errors in any of the platform's shapes
 * @returns {string[]} distinct, non-empty messages
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    const messages = list.flatMap((error) => messagesOf(error)).filter((m) => typeof m === 'string' && m.trim());
    return [...new Set(messages)];
}
