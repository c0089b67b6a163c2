import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';

const VERSION = '62.0';

interface CurrencyRow {
  IsoCode: string;
  ConversionRate: number;
  DecimalPlaces: number;
  IsActive: boolean;
  IsCorporate: boolean;
}

/** The org's currencies as the API shows them: CurrencyType, Organization and CurrencyIsoCode. */
describe('Salesforce emulator: currencies', () => {
  describe('a multi-currency org', () => {
    let emu: SalesforceEmulator;
    let conn: Connection;
    const currencies = async (where = '') =>
      (await conn.query<CurrencyRow>(`SELECT IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate FROM CurrencyType ${where} ORDER BY IsoCode`)).records.map(
        ({ IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate }) => ({ IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate }),
      );

    beforeAll(async () => {
      emu = await startSalesforceEmulator({ currencies: ['USD', 'EUR', 'GBP', 'JPY'], conversionRates: { GBP: 0.8 } });
      conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
    });
    afterAll(() => emu.close());
    beforeEach(() => emu.control.reset());

    it('lists one active CurrencyType per currency, the first corporate at 1, given or built-in rates', async () => {
      expect(await currencies()).toEqual([
        { IsoCode: 'EUR', ConversionRate: 0.92, DecimalPlaces: 2, IsActive: true, IsCorporate: false },
        { IsoCode: 'GBP', ConversionRate: 0.8, DecimalPlaces: 2, IsActive: true, IsCorporate: false },
        { IsoCode: 'JPY', ConversionRate: 151, DecimalPlaces: 0, IsActive: true, IsCorporate: false },
        { IsoCode: 'USD', ConversionRate: 1, DecimalPlaces: 2, IsActive: true, IsCorporate: true },
      ]);
      const [org] = (await conn.query<{ Id: string; DefaultCurrencyIsoCode: string }>('SELECT Id, DefaultCurrencyIsoCode FROM Organization')).records;
      expect(org).toMatchObject({ DefaultCurrencyIsoCode: 'USD', Id: expect.stringMatching(/^00D/) });
    });

    it('follows Manage Currencies: a new rate, a deactivated currency (no longer given to records) and a new one', async () => {
      const gbpAccount = emu.control.seed({ Account: [{ Name: 'Thames Ltd', CurrencyIsoCode: 'GBP' }] }).Account![0]!;
      emu.control.setCurrency('EUR', { conversionRate: 0.95 });
      emu.control.setCurrency('GBP', { active: false });
      emu.control.setCurrency('CHF', { conversionRate: 0.88 });
      expect((await currencies('WHERE IsActive = true')).map((c) => [c.IsoCode, c.ConversionRate])).toEqual([['CHF', 0.88], ['EUR', 0.95], ['JPY', 151], ['USD', 1]]);
      await expect(conn.sobject('Account').create({ Name: 'Bristol Ltd', CurrencyIsoCode: 'GBP' })).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
      expect(await conn.sobject('Account').create({ Name: 'Zurich AG', CurrencyIsoCode: 'CHF' })).toMatchObject({ success: true });
      // Records already in the inactive currency keep it.
      const [kept] = (await conn.query<{ Name: string; CurrencyIsoCode: string }>(`SELECT Name, CurrencyIsoCode FROM Account WHERE Id = '${gbpAccount}'`)).records;
      expect(kept).toMatchObject({ Name: 'Thames Ltd', CurrencyIsoCode: 'GBP' });
      expect(() => emu.control.setCurrency('USD', { conversionRate: 1.1 })).toThrow('corporate currency');
      // A fresh org has its starting rates again.
      emu.control.reset();
      expect((await currencies()).map((c) => c.IsoCode)).toEqual(['EUR', 'GBP', 'JPY', 'USD']);
      await expect(conn.sobject('Account').create({ Name: 'Zurich AG', CurrencyIsoCode: 'CHF' })).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    });

    it('reads an Account\u2019s currency through a lookup, as the roll-up query does', async () => {
      const { Account: [accountId] = [] } = emu.control.seed({ Account: [{ Name: 'Lyon SA', CurrencyIsoCode: 'EUR' }] });
      emu.control.seed({ QuickBooks_Invoice__c: [{ QuickBooks_Key__c: '1:1', Account__c: accountId, Currency__c: 'GBP', Balance__c: 10 }] });
      const [row] = (await conn.query<{ Account__r: { CurrencyIsoCode: string } }>('SELECT Currency__c, Account__r.CurrencyIsoCode FROM QuickBooks_Invoice__c')).records;
      expect(row).toMatchObject({ Currency__c: 'GBP', Account__r: { CurrencyIsoCode: 'EUR' } });
    });

    it('answers the API like the platform: CurrencyType insert and update but no delete, Organization read-only', async () => {
      const describeCurrency = await conn.sobject('CurrencyType').describe();
      expect(describeCurrency).toMatchObject({ createable: true, deletable: false });
      expect(describeCurrency.fields.find((f) => f.name === 'IsCorporate')).toMatchObject({ createable: false, updateable: false });
      expect(await conn.sobject('Organization').describe()).toMatchObject({ createable: false, deletable: false });

      const created = await conn.sobject('CurrencyType').create({ IsoCode: 'CAD', ConversionRate: 1.37, DecimalPlaces: 2, IsActive: true });
      expect(created).toMatchObject({ success: true, id: expect.stringMatching(/^01L/) });
      await expect(conn.sobject('CurrencyType').create({ IsoCode: 'CAD', ConversionRate: 1.4, DecimalPlaces: 2, IsActive: true })).rejects.toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
      await expect(conn.sobject('CurrencyType').create({ IsoCode: 'Dollars', ConversionRate: 1, DecimalPlaces: 2 })).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
      await expect(conn.sobject('CurrencyType').create({ IsoCode: 'SEK', ConversionRate: 10, DecimalPlaces: 2, IsCorporate: true })).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
      // An update that leaves IsActive out deactivates the currency (the object reference warns of it).
      await conn.sobject('CurrencyType').update({ Id: created.id!, ConversionRate: 1.36 });
      expect(await currencies("WHERE IsoCode = 'CAD'")).toEqual([{ IsoCode: 'CAD', ConversionRate: 1.36, DecimalPlaces: 2, IsActive: false, IsCorporate: false }]);
      await expect(conn.sobject('CurrencyType').destroy(created.id!)).rejects.toMatchObject({ errorCode: 'INVALID_TYPE_FOR_OPERATION' });
      await expect(conn.sobject('Organization').create({ Name: 'Another org' })).rejects.toMatchObject({ errorCode: 'INVALID_TYPE_FOR_OPERATION' });
    });

    it('undoes a rolled-back CurrencyType insert in the currency picklists too', async () => {
      const results = await conn.sobject('CurrencyType').create(
        [
          { IsoCode: 'NOK', ConversionRate: 10.5, DecimalPlaces: 2, IsActive: true },
          { IsoCode: 'nok?', ConversionRate: 1, DecimalPlaces: 2, IsActive: true },
        ],
        { allOrNone: true },
      );
      expect(results.map((r) => r.success)).toEqual([false, false]);
      expect((await currencies()).map((c) => c.IsoCode)).not.toContain('NOK');
      await expect(conn.sobject('Account').create({ Name: 'Oslo AS', CurrencyIsoCode: 'NOK' })).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    });
  });

  describe('a single-currency org', () => {
    let emu: SalesforceEmulator;
    let conn: Connection;

    beforeAll(async () => {
      emu = await startSalesforceEmulator({ currencies: null, orgCurrency: 'GBP' });
      conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
    });
    afterAll(() => emu.close());

    it('has its one currency on the Organization, and neither CurrencyType nor CurrencyIsoCode', async () => {
      expect((await conn.query('SELECT DefaultCurrencyIsoCode FROM Organization')).records).toEqual([expect.objectContaining({ DefaultCurrencyIsoCode: 'GBP' })]);
      await expect(conn.query('SELECT IsoCode, ConversionRate FROM CurrencyType WHERE IsActive = true')).rejects.toMatchObject({
        name: 'INVALID_TYPE',
        message: expect.stringContaining("sObject type 'CurrencyType' is not supported"),
      });
      await expect(conn.query('SELECT Id, CurrencyIsoCode FROM Account')).rejects.toMatchObject({ name: 'INVALID_FIELD' });
      expect(() => emu.control.setCurrency('EUR', { conversionRate: 1.16 })).toThrow('single currency');
    });
  });
});
