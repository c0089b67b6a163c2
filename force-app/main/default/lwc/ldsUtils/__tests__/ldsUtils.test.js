import { reduceErrors } from 'c/ldsUtils';

describe('c-lds-utils reduceErrors', () => {
    it('reads the message of an AuraHandledException from Apex', () => {
        const apexError = { body: { message: 'Only Finance can retry billing sync.' }, status: 500 };

        expect(reduceErrors(apexError)).toEqual(['Only Finance can retry billing sync.']);
    });

    it('reads every entry of a UI API read error list', () => {
        const error = { body: [{ message: 'First field' }, { message: 'Second field' }] };

        expect(reduceErrors(error)).toEqual(['First field', 'Second field']);
    });

    it('reads page, field and output errors of a UI API DML error', () => {
        const error = {
            body: {
                message: 'An error occurred while trying to update the record.',
                pageErrors: [{ message: 'Record is locked' }],
                fieldErrors: { Billing_Email__c: [{ message: 'Invalid e-mail' }] },
                output: { errors: [{ message: 'Duplicate value' }] }
            }
        };

        expect(reduceErrors(error)).toEqual(['Record is locked', 'Invalid e-mail', 'Duplicate value']);
    });

    it('reads JavaScript errors, network status texts and plain strings', () => {
        expect(reduceErrors(new TypeError('x is undefined'))).toEqual(['x is undefined']);
        expect(reduceErrors({ statusText: 'Service Unavailable' })).toEqual(['Service Unavailable']);
        expect(reduceErrors('Plain text')).toEqual(['Plain text']);
    });

    it('flattens a list of errors, drops empty ones and repeats', () => {
        const errors = [null, { body: { message: 'Same' } }, { message: 'Same' }, { body: {} }, {}, '  '];

        expect(reduceErrors(errors)).toEqual(['Same']);
    });

    it('returns no message for nothing', () => {
        expect(reduceErrors(undefined)).toEqual([]);
    });
});
