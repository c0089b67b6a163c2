import { closeWon, seedAccount, seedOpportunity, type Catalog } from './deals';
import { waitFor, type Stack } from './stack';

/** The Opportunity fields the payment tests read. */
export interface SfOpp {
  QuickBooks_Invoice_Id__c: string | null;
  Invoice_Balance__c: number | null;
  Payment_Status__c: string | null;
}

export const opp = (stack: Stack, id: string) => stack.sf.control.record('Opportunity', id) as unknown as SfOpp;

/** A new Account with one won deal, waited on until its QBO invoice id is on the Opportunity. */
export async function invoicedDeal(stack: Stack, catalog: Catalog, accountName: string, overrides: Record<string, unknown> = {}) {
  const accountId = seedAccount(stack.sf, { Name: accountName });
  const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }], overrides);
  closeWon(stack.sf, id);
  const invoiceId = await waitFor(() => opp(stack, id).QuickBooks_Invoice_Id__c ?? undefined, 20_000, `invoice for ${id}`);
  return { accountId, opportunityId: id, invoiceId };
}
