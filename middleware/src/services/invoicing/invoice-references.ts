/**
 * The QuickBooks records an invoice points at (its items, its customer, its term) may have been made
 * inactive since Ledgerline last looked. QBO then refuses the invoice with fault 610 "Object Not Found",
 * which names none of them. These checks turn that into problems that name the Salesforce record, the QBO
 * record and the fix: before the create for items (cheap, from the catalog), and after a 610 for all three.
 */
import type { QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import { lineItemsOf, type ResolvedCustomer, type ResolvedItem } from '../../sync/invoice-draft';
import { problem, type Problem } from '../../sync/problems';
import type { SfOpportunity, SfProduct } from '../../sync/source';

interface QboNamed {
  Id: string;
  Name?: string;
  DisplayName?: string;
  Active?: boolean;
}

/** QBO renames a deactivated list record "<name> (deleted)"; people know it by its name. */
function plainName(name: string | undefined): string | undefined {
  return name?.replace(/ \(deleted\)$/, '');
}

/** The record, `inactive` when QBO keeps it deactivated, or `missing` when QBO has no record with that id. */
export async function readReference(company: QboCompany, entity: 'Item' | 'Customer' | 'Term', id: string): Promise<QboNamed | 'missing'> {
  try {
    return await company.read<QboNamed>(entity, id);
  } catch (error) {
    if (isQboFaultCode(error, '610') || isQboFaultCode(error, '2030') || isQboFaultCode(error, '2500')) return 'missing';
    throw error;
  }
}

/** A problem for a product whose QBO item cannot be invoiced, or null when the item is active. */
export function itemProblem(company: QboCompany, product: SfProduct, id: string, item: QboNamed | 'missing', mappedIn?: string): Problem | null {
  if (item !== 'missing' && item.Active !== false) return null;
  const label = `Product "${product.Name}" (${product.Id}, SKU ${product.ProductCode ?? 'none'})${mappedIn ? ` in billing entity ${mappedIn}` : ''}`;
  const other = mappedIn
    ? `or give another active item of ${mappedIn} the SKU "${product.ProductCode ?? ''}" in QuickBooks: saving that item maps the product to it (its QuickBooks Item Mapping), then retry.`
    : 'or map the product to another item: set QuickBooks Item Id on the product to that item\u2019s id (or clear it to match the item by SKU), then retry.';
  if (item === 'missing') {
    return problem('INACTIVE_ITEM', product.Id, `${label} is mapped to QuickBooks item #${id}, which does not exist in QuickBooks company ${company.realmId}.`, `Create the item in QuickBooks, ${other}`);
  }
  const name = plainName(item.Name) ?? `#${id}`;
  return problem('INACTIVE_ITEM', product.Id, `${label} is mapped to QuickBooks item "${name}" (#${id}), which is inactive in QuickBooks company ${company.realmId}.`, `Reactivate the item "${name}" in QuickBooks (Sales \u2192 Products and services \u2192 include inactive \u2192 Make active), ${other}`);
}

/**
 * After QBO answered 610 to an invoice: reads the invoice's items, customer and term again and names each
 * one that is inactive or gone, with the Salesforce record to change. Empty when all are active (the 610
 * was about something else).
 */
export async function inactiveReferences(
  company: QboCompany,
  opp: SfOpportunity,
  refs: { items: Map<string, ResolvedItem>; customer: ResolvedCustomer; termId: string | undefined },
): Promise<Problem[]> {
  const products = new Map<string, SfProduct>();
  for (const line of lineItemsOf(opp)) if (line.Product2 && refs.items.has(line.Product2Id)) products.set(line.Product2Id, line.Product2);
  const account = opp.Account!;
  const [items, customer, term] = await Promise.all([
    Promise.all([...products].map(async ([productId, product]) => {
      const id = refs.items.get(productId)!.id;
      return itemProblem(company, product, id, await readReference(company, 'Item', id));
    })),
    readReference(company, 'Customer', refs.customer.id),
    refs.termId ? readReference(company, 'Term', refs.termId) : Promise.resolve(null),
  ]);
  const problems = items.filter((p): p is Problem => p !== null);
  const accountLabel = `Account "${account.Name}" (${account.Id})`;
  if (customer === 'missing' || customer.Active === false) {
    const name = customer === 'missing' ? refs.customer.displayName : (plainName(customer.DisplayName) ?? refs.customer.displayName);
    const state = customer === 'missing' ? 'no longer exists' : 'is inactive';
    problems.push(problem('INACTIVE_CUSTOMER', account.Id, `QuickBooks customer "${name}" (#${refs.customer.id}) of ${accountLabel} ${state} in QuickBooks company ${company.realmId}.`, `Make the customer active in QuickBooks (Customers \u2192 include inactive \u2192 Make active), or set QuickBooks Customer Id on the Account to the customer to bill, then retry.`));
  }
  if (term && (term === 'missing' || term.Active === false)) {
    const state = term === 'missing' ? 'no longer exist' : 'are inactive';
    problems.push(problem('INACTIVE_TERM', account.Id, `Payment Terms "${account.Payment_Terms__c}" (QuickBooks term #${refs.termId}) of ${accountLabel} ${state} in QuickBooks company ${company.realmId}.`, 'Make the term active in QuickBooks (Settings \u2192 All lists \u2192 Terms), or choose other Payment Terms on the Account, then retry.'));
  }
  return problems;
}
