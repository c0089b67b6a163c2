/** Term, Account, TaxCode, TaxRate, CompanyInfo and Preferences. */
import { faults } from '../faults';
import { asString, type Entity } from '../json';
import { checkUniqueName, deletedSuffix } from './common';
import { currencyRef, homeCurrency } from './context';
import type { EntityDef } from './types';

const ACCOUNT_CLASSIFICATION: Record<string, string> = {
  Income: 'Revenue',
  'Other Income': 'Revenue',
  Expense: 'Expense',
  'Other Expense': 'Expense',
  'Cost of Goods Sold': 'Expense',
  Bank: 'Asset',
  'Accounts Receivable': 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Other Current Liability': 'Liability',
  'Long Term Liability': 'Liability',
  Equity: 'Equity',
};

export const termDef: EntityDef = {
  name: 'Term',
  kind: 'list',
  cdc: true,
  known: ['Name', 'Active', 'Type', 'DueDays', 'DiscountDays', 'DiscountPercent', 'DayOfMonthDue', 'DueNextMonthDays', 'DiscountDayOfMonth'],
  prepare(ctx, body, existing) {
    const raw = asString(body.Name)?.trim();
    if (!raw) throw faults.requiredParam('Name');
    const name = deletedSuffix(raw, body.Active !== false, existing ? existing.Active !== false : true);
    checkUniqueName(ctx, ['Term'], 'Name', name, { entity: 'Term', id: existing?.Id as string | undefined }, 'Another term is already using this name. Please use a different name.');
    const type = body.DayOfMonthDue !== undefined ? 'DATE_DRIVEN' : 'STANDARD';
    const out: Entity = { ...body, Name: name, Active: body.Active !== false, Type: asString(body.Type) ?? type };
    if (out.Type === 'STANDARD' && typeof out.DueDays !== 'number') out.DueDays = 0;
    return out;
  },
};

export const accountDef: EntityDef = {
  name: 'Account',
  kind: 'list',
  cdc: true,
  known: [
    'Name', 'SubAccount', 'ParentRef', 'Description', 'FullyQualifiedName', 'Active', 'Classification', 'AccountType', 'AccountSubType',
    'AcctNum', 'CurrentBalance', 'CurrentBalanceWithSubAccounts', 'CurrencyRef', 'TaxCodeRef',
  ],
  serverFields: ['CurrentBalance', 'CurrentBalanceWithSubAccounts'],
  prepare(ctx, body, existing) {
    const name = asString(body.Name)?.trim();
    if (!name) throw faults.requiredParam('Name');
    if (name.includes(':') || name.includes('"')) throw faults.business('Account name cannot contain a colon or double quote.', 'Name');
    const type = asString(body.AccountType);
    if (!type) throw faults.requiredParam('AccountType');
    checkUniqueName(ctx, ['Account'], 'Name', name, { entity: 'Account', id: existing?.Id as string | undefined }, 'Another account is already using this name. Please use a different name.');
    return {
      ...body,
      Name: name,
      SubAccount: body.SubAccount === true,
      FullyQualifiedName: name,
      Active: body.Active !== false,
      Classification: ACCOUNT_CLASSIFICATION[type] ?? 'Asset',
      AccountType: type,
      CurrentBalance: typeof existing?.CurrentBalance === 'number' ? existing.CurrentBalance : 0,
      CurrentBalanceWithSubAccounts: typeof existing?.CurrentBalanceWithSubAccounts === 'number' ? existing.CurrentBalanceWithSubAccounts : 0,
      CurrencyRef: currencyRef(asString((body.CurrencyRef as Entity | undefined)?.value) ?? homeCurrency(ctx)),
    };
  },
};

/** Tax codes and rates are created through TaxService in QBO, not the entity endpoint. */
export const taxCodeDef: EntityDef = {
  name: 'TaxCode',
  kind: 'readonly',
  cdc: false,
  known: ['Name', 'Description', 'Active', 'Taxable', 'TaxGroup', 'SalesTaxRateList', 'PurchaseTaxRateList', 'Hidden'],
};

export const taxRateDef: EntityDef = {
  name: 'TaxRate',
  kind: 'readonly',
  cdc: false,
  known: ['Name', 'Description', 'Active', 'RateValue', 'AgencyRef', 'SpecialTaxType', 'DisplayType', 'EffectiveTaxRate'],
};

/**
 * The foreign currencies a multicurrency company has added (QBO lists the home currency nowhere here):
 * `select * from CompanyCurrency` answers the active ones, like any name list.
 */
export const companyCurrencyDef: EntityDef = {
  name: 'CompanyCurrency',
  kind: 'list',
  cdc: false,
  known: ['Code', 'Name', 'Active', 'CustomField'],
  queryable: ['Id', 'Code', 'Name', 'Active', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime'],
  prepare(_ctx, body) {
    const code = asString(body.Code)?.trim().toUpperCase();
    if (!code) throw faults.requiredParam('Code');
    return { ...body, Code: code, Name: asString(body.Name) ?? code, Active: body.Active !== false };
  },
};

export const companyInfoDef: EntityDef = {
  name: 'CompanyInfo',
  kind: 'singleton',
  cdc: false,
  known: [
    'CompanyName', 'LegalName', 'CompanyAddr', 'CustomerCommunicationAddr', 'LegalAddr', 'CustomerCommunicationEmailAddr', 'PrimaryPhone',
    'CompanyStartDate', 'FiscalYearStartMonth', 'Country', 'Email', 'WebAddr', 'SupportedLanguages', 'NameValue',
  ],
  prepare(_ctx, body) {
    if (!asString(body.CompanyName)) throw faults.requiredParam('CompanyName');
    return body;
  },
};

export const preferencesDef: EntityDef = {
  name: 'Preferences',
  kind: 'singleton',
  cdc: false,
  known: [
    'AccountingInfoPrefs', 'ProductAndServicesPrefs', 'SalesFormsPrefs', 'EmailMessagesPrefs', 'VendorAndPurchasesPrefs', 'TimeTrackingPrefs',
    'TaxPrefs', 'CurrencyPrefs', 'ReportPrefs', 'OtherPrefs',
  ],
  prepare(_ctx, body) {
    return body;
  },
};
