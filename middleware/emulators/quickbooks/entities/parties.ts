/** Customer, Vendor and Employee: DisplayName rules are shared across the three. */
import { faults } from '../faults';
import { asString, refValue, type Entity } from '../json';
import { currencyRef, homeCurrency, multiCurrencyEnabled, type EntityContext, automatedSalesTax } from './context';
import { addressWithId, checkMaxLength, checkNameFormat, checkUniqueName, deletedSuffix, namedRef, optionalRef, requireRef } from './common';
import type { EntityDef } from './types';

const PARTY_ENTITIES = ['Customer', 'Vendor', 'Employee'];
const NAME_PARTS = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'];
const PERSON_FIELDS = [
  ...NAME_PARTS, 'DisplayName', 'CompanyName', 'PrintOnCheckName', 'Active', 'PrimaryPhone', 'AlternatePhone', 'Mobile', 'Fax',
  'PrimaryEmailAddr', 'WebAddr', 'Notes', 'BillAddr', 'FullyQualifiedName', 'CurrencyRef', 'Balance', 'OtherContactInfo',
];

function resolveDisplayName(body: Entity): string {
  const explicit = asString(body.DisplayName)?.trim();
  if (explicit) return explicit;
  const person = NAME_PARTS.map((k) => asString(body[k])?.trim()).filter(Boolean).join(' ');
  const derived = person || asString(body.CompanyName)?.trim();
  if (!derived) throw faults.requiredParam('DisplayName');
  return derived;
}

/** Intuit's Customer/Vendor/Employee reference: CompanyName max 100 characters, PrintOnCheckName max 110. */
const NAME_FIELD_LIMITS: Array<[string, number]> = [['CompanyName', 100], ['PrintOnCheckName', 110]];

/** The derived PrintOnCheckName (DisplayName, FACTS §4) within its own limit; longer names are a guess [U]. */
function checkName(displayName: string): string {
  return displayName.slice(0, NAME_FIELD_LIMITS[1]![1]);
}

function displayNameFor(ctx: EntityContext, entity: string, body: Entity, existing: Entity | undefined, allowColon: boolean): string {
  for (const [field, max] of NAME_FIELD_LIMITS) checkMaxLength(body, field, max);
  const active = body.Active !== false;
  const wasActive = existing ? existing.Active !== false : true;
  const name = deletedSuffix(resolveDisplayName(body), active, wasActive);
  checkNameFormat(ctx, 'DisplayName', name.replace(/ \(deleted\)$/, ''), allowColon);
  checkUniqueName(ctx, PARTY_ENTITIES, 'DisplayName', name, { entity, id: existing?.Id as string | undefined }, 'null');
  return name;
}

function partyCurrency(ctx: EntityContext, body: Entity, existing: Entity | undefined): { value: string; name: string } {
  const wanted = refValue(body.CurrencyRef) ?? refValue(existing?.CurrencyRef) ?? homeCurrency(ctx);
  if (wanted !== homeCurrency(ctx) && !multiCurrencyEnabled(ctx)) {
    throw faults.business('Multicurrency is not enabled for this company; only the home currency can be used.', 'CurrencyRef');
  }
  return currencyRef(wanted);
}

export const customerDef: EntityDef = {
  name: 'Customer',
  kind: 'list',
  cdc: true,
  known: [
    ...PERSON_FIELDS, 'Taxable', 'ShipAddr', 'Job', 'BillWithParent', 'ParentRef', 'Level', 'SalesTermRef', 'PaymentMethodRef',
    'BalanceWithJobs', 'OpenBalanceDate', 'PreferredDeliveryMethod', 'ResaleNum', 'DefaultTaxCodeRef', 'TaxExemptionReasonId',
    'CustomerTypeRef', 'ARAccountRef', 'PrimaryTaxIdentifier', 'GSTIN', 'BusinessNumber', 'IsProject',
  ],
  queryable: [
    'Id', 'DisplayName', 'GivenName', 'FamilyName', 'MiddleName', 'CompanyName', 'FullyQualifiedName', 'PrimaryEmailAddr',
    'PrintOnCheckName', 'Active', 'Balance', 'Job', 'ParentRef', 'Taxable', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime',
  ],
  serverFields: ['Balance', 'BalanceWithJobs'],
  prepare(ctx, body, existing) {
    const parent = optionalRef(ctx, 'Customer', body.ParentRef, 'ParentRef');
    const displayName = displayNameFor(ctx, 'Customer', body, existing, parent !== undefined);
    const term = optionalRef(ctx, 'Term', body.SalesTermRef, 'SalesTermRef');
    const balance = typeof existing?.Balance === 'number' ? existing.Balance : 0;
    const out: Entity = {
      ...body,
      Taxable: body.Taxable !== false,
      Job: parent !== undefined,
      BillWithParent: body.BillWithParent === true,
      Balance: balance,
      BalanceWithJobs: typeof existing?.BalanceWithJobs === 'number' ? existing.BalanceWithJobs : balance,
      CurrencyRef: partyCurrency(ctx, body, existing),
      PreferredDeliveryMethod: asString(body.PreferredDeliveryMethod) ?? 'Print',
      FullyQualifiedName: parent ? `${asString(parent.FullyQualifiedName)}:${displayName}` : displayName,
      DisplayName: displayName,
      PrintOnCheckName: existing && body.PrintOnCheckName === existing.PrintOnCheckName ? checkName(displayName) : (asString(body.PrintOnCheckName) ?? checkName(displayName)),
      Active: body.Active !== false,
    };
    if (parent) {
      out.ParentRef = namedRef(parent.Id as string, parent.DisplayName);
      out.Level = (typeof parent.Level === 'number' ? parent.Level : 0) + 1;
    }
    if (term) out.SalesTermRef = namedRef(term.Id as string, term.Name);
    if (automatedSalesTax(ctx) && !out.DefaultTaxCodeRef) out.DefaultTaxCodeRef = { value: '2' };
    const bill = addressWithId(ctx, body.BillAddr);
    if (bill) out.BillAddr = bill;
    const ship = addressWithId(ctx, body.ShipAddr);
    if (ship) out.ShipAddr = ship;
    return out;
  },
};

export const vendorDef: EntityDef = {
  name: 'Vendor',
  kind: 'list',
  cdc: true,
  known: [...PERSON_FIELDS, 'Vendor1099', 'TaxIdentifier', 'AcctNum', 'TermRef', 'BillRate', 'VendorPaymentBankDetail'],
  serverFields: ['Balance'],
  prepare(ctx, body, existing) {
    const displayName = displayNameFor(ctx, 'Vendor', body, existing, false);
    return {
      ...body,
      Balance: typeof existing?.Balance === 'number' ? existing.Balance : 0,
      Vendor1099: body.Vendor1099 === true,
      CurrencyRef: partyCurrency(ctx, body, existing),
      DisplayName: displayName,
      PrintOnCheckName: asString(body.PrintOnCheckName) ?? checkName(displayName),
      Active: body.Active !== false,
    };
  },
};

export const employeeDef: EntityDef = {
  name: 'Employee',
  kind: 'list',
  cdc: true,
  known: [...PERSON_FIELDS, 'EmployeeNumber', 'SSN', 'PrimaryAddr', 'BillableTime', 'HiredDate', 'ReleasedDate', 'BirthDate', 'Gender'],
  prepare(ctx, body, existing) {
    const displayName = displayNameFor(ctx, 'Employee', body, existing, false);
    return { ...body, DisplayName: displayName, PrintOnCheckName: asString(body.PrintOnCheckName) ?? checkName(displayName), Active: body.Active !== false };
  },
};

/** Shared by transaction code: the customer a transaction points at, active and existing. */
export function requireCustomer(ctx: EntityContext, ref: unknown): Entity {
  return requireRef(ctx, 'Customer', ref, 'CustomerRef');
}
