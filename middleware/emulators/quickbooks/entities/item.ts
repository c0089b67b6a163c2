/** Item (products and services). Names are unique among items; sales items need an income account. */
import { faults } from '../faults';
import { asString, type Entity } from '../json';
import { checkNameFormat, checkUniqueName, deletedSuffix, namedRef, optionalRef, requireRef } from './common';
import { today, type EntityContext } from './context';
import type { EntityDef } from './types';

/** Intuit's Item reference: Name holds at most 100 characters. */
const ITEM_NAME_MAX = 100;

function accountRef(ctx: EntityContext, body: Entity, field: string, required: boolean): Entity | undefined {
  if (body[field] === undefined) {
    if (required) throw faults.requiredParam(field);
    return undefined;
  }
  const account = requireRef(ctx, 'Account', body[field], field);
  return namedRef(account.Id as string, account.Name);
}

export const itemDef: EntityDef = {
  name: 'Item',
  kind: 'list',
  cdc: true,
  known: [
    'Name', 'Sku', 'Description', 'Active', 'SubItem', 'ParentRef', 'Level', 'FullyQualifiedName', 'Taxable', 'SalesTaxIncluded',
    'UnitPrice', 'Type', 'IncomeAccountRef', 'PurchaseDesc', 'PurchaseTaxIncluded', 'PurchaseCost', 'ExpenseAccountRef',
    'AssetAccountRef', 'TrackQtyOnHand', 'QtyOnHand', 'InvStartDate', 'SalesTaxCodeRef', 'PurchaseTaxCodeRef', 'ClassRef',
    'PrefVendorRef', 'ReorderPoint', 'ItemCategoryType', 'Source',
  ],
  queryable: ['Id', 'Name', 'Sku', 'Type', 'Active', 'FullyQualifiedName', 'Taxable', 'UnitPrice', 'ParentRef', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime'],
  prepare(ctx, body, existing) {
    const rawName = asString(body.Name)?.trim();
    if (!rawName) throw faults.requiredParam('Name');
    const parent = optionalRef(ctx, 'Item', body.ParentRef, 'ParentRef');
    checkNameFormat(ctx, 'Name', rawName.replace(/ \(deleted\)$/, ''), false, ITEM_NAME_MAX);
    const name = deletedSuffix(rawName, body.Active !== false, existing ? existing.Active !== false : true);
    checkUniqueName(ctx, ['Item'], 'Name', name, { entity: 'Item', id: existing?.Id as string | undefined },
      'Another product or service is already using this name. Please use a different name.');
    const type = asString(body.Type) ?? 'Service';
    if (!['Service', 'NonInventory', 'Inventory', 'Category', 'Group'].includes(type)) throw faults.business(`Unsupported item Type ${type}.`, 'Type');
    const out: Entity = {
      ...body,
      Name: name,
      FullyQualifiedName: parent ? `${asString(parent.FullyQualifiedName)}:${name}` : name,
      Active: body.Active !== false,
      Taxable: body.Taxable !== false,
      UnitPrice: typeof body.UnitPrice === 'number' ? body.UnitPrice : 0,
      Type: type,
      PurchaseCost: typeof body.PurchaseCost === 'number' ? body.PurchaseCost : 0,
      TrackQtyOnHand: type === 'Inventory',
    };
    if (parent) {
      out.SubItem = true;
      out.ParentRef = namedRef(parent.Id as string, parent.Name);
    }
    if (type !== 'Category' && type !== 'Group') {
      out.IncomeAccountRef = accountRef(ctx, body, 'IncomeAccountRef', true);
      const expense = accountRef(ctx, body, 'ExpenseAccountRef', type === 'Inventory');
      if (expense) out.ExpenseAccountRef = expense;
    }
    if (type === 'Inventory') {
      out.AssetAccountRef = accountRef(ctx, body, 'AssetAccountRef', true);
      if (typeof body.QtyOnHand !== 'number') throw faults.requiredParam('QtyOnHand');
      out.InvStartDate = asString(body.InvStartDate) ?? today(ctx);
    }
    return out;
  },
};
