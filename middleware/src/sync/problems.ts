/**
 * A problem that stops an Opportunity from being invoiced. Each names the record and tells a person
 * what to change; the list is shown in the pre-flight preview and written to `Billing_Sync_Error__c`.
 */
export type ProblemCode =
  | 'NOT_WON'
  | 'NO_LINE_ITEMS'
  | 'NO_ACCOUNT'
  | 'NO_BILLING_EMAIL'
  | 'INVALID_BILLING_EMAIL'
  | 'NO_PAYMENT_TERMS'
  | 'UNKNOWN_PAYMENT_TERMS'
  | 'PRODUCT_WITHOUT_SKU'
  | 'UNMAPPED_PRODUCT'
  | 'INACTIVE_ITEM'
  | 'INACTIVE_CUSTOMER'
  | 'INACTIVE_TERM'
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'INVALID_DISCOUNT'
  | 'CURRENCY_NOT_ENABLED'
  | 'CURRENCY_MISMATCH'
  | 'UNKNOWN_BILLING_ENTITY'
  | 'EXCLUDED'
  | 'PROBABLE_CUSTOMER_MATCH';

export interface Problem {
  code: ProblemCode;
  /** The Salesforce record the problem is about (Opportunity, Account, Product2, line item). */
  recordId: string;
  message: string;
  fix: string;
}

export function problem(code: ProblemCode, recordId: string, message: string, fix: string): Problem {
  return { code, recordId, message, fix };
}

/** One readable text for `Billing_Sync_Error__c` (Long Text, 32k): each problem and its fix. */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.message} Fix: ${p.fix}`).join('\n');
}
