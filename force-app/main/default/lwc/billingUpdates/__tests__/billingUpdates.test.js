import { BILLING_UPDATE_CHANNEL, namesRecord, subscribeToRecord, unsubscribeQuietly } from 'c/billingUpdates';
import {
    jestMockActiveChannels,
    jestMockFailSubscribe,
    jestMockPublish,
    jestMockReset,
    jestMockSetEmpEnabled,
    subscribe,
    unsubscribe
} from 'lightning/empApi';

const OPPORTUNITY_ID = '0065g00000ABCdeAAH';
const ACCOUNT_ID = '0015g00000LLac1AAB';

const event = (payload) => ({ data: { payload, event: { replayId: 7 } } });

describe('c/billingUpdates', () => {
    afterEach(() => {
        jestMockReset();
        jest.clearAllMocks();
    });

    it('knows whether an event names a record, by its 15- or 18-character id, as a deal or an Account', () => {
        const message = event({
            Opportunity_Ids__c: `0065g00000XYZabAAA,${OPPORTUNITY_ID}`,
            Account_Ids__c: ACCOUNT_ID.slice(0, 15),
            Change_Kinds__c: 'payment'
        });
        expect(namesRecord(message, OPPORTUNITY_ID)).toBe(true);
        expect(namesRecord(message, OPPORTUNITY_ID.slice(0, 15))).toBe(true);
        expect(namesRecord(message, ACCOUNT_ID)).toBe(true);
        expect(namesRecord(message, '0065g00000ZZZzzAAA')).toBe(false);
        expect(namesRecord(event({ Opportunity_Ids__c: null, Account_Ids__c: null }), OPPORTUNITY_ID)).toBe(false);
        expect(namesRecord({}, OPPORTUNITY_ID)).toBe(false);
        expect(namesRecord(message, undefined)).toBe(false);
    });

    it('subscribes to new billing update events and passes on only those naming the record', async () => {
        const onUpdate = jest.fn();
        const subscription = await subscribeToRecord(() => OPPORTUNITY_ID, onUpdate);

        expect(subscribe).toHaveBeenCalledWith(BILLING_UPDATE_CHANNEL, -1, expect.any(Function));
        jestMockPublish(BILLING_UPDATE_CHANNEL, event({ Opportunity_Ids__c: '0065g00000ZZZzzAAA' }));
        expect(onUpdate).not.toHaveBeenCalled();
        jestMockPublish(BILLING_UPDATE_CHANNEL, event({ Opportunity_Ids__c: OPPORTUNITY_ID }));
        expect(onUpdate).toHaveBeenCalledTimes(1);

        await unsubscribeQuietly(subscription);
        expect(unsubscribe).toHaveBeenCalledWith(subscription, expect.any(Function));
        expect(jestMockActiveChannels()).toEqual([]);
    });

    it('answers null, without throwing, when streaming is off or the subscribe is refused', async () => {
        jestMockSetEmpEnabled(false);
        expect(await subscribeToRecord(() => OPPORTUNITY_ID, jest.fn())).toBeNull();
        expect(subscribe).not.toHaveBeenCalled();

        jestMockSetEmpEnabled(true);
        jestMockFailSubscribe(new Error('403::Forbidden'));
        expect(await subscribeToRecord(() => OPPORTUNITY_ID, jest.fn())).toBeNull();
        await expect(unsubscribeQuietly(null)).resolves.toBeUndefined();
    });

    it('swallows a failed unsubscribe', async () => {
        unsubscribe.mockImplementationOnce(() => Promise.reject(new Error('gone')));
        await expect(unsubscribeQuietly({ id: 'sub-x' })).resolves.toBeUndefined();
    });
});
