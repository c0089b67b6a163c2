import { generateKeyPairSync, sign } from 'node:crypto';
import type { EmulatorControl } from './control';

/** Helpers for tests, the demo and benchmarks that drive the emulator. */

export interface RsaKeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateRsaKeyPair(): RsaKeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** An RS256 JWT bearer assertion (jsforce does not sign one itself). */
export function signJwtAssertion(claims: { iss: string; sub: string; aud: string; exp?: number }, privateKey: string, alg = 'RS256'): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg })}.${enc({ exp: Math.floor(Date.now() / 1000) + 180, ...claims })}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), privateKey).toString('base64url')}`;
}

export interface SeededDeal {
  accountId: string;
  productId: string;
  pricebookEntryId: string;
  opportunityId: string;
  lineItemIds: string[];
}

/**
 * One account, one product with a standard price, and an open opportunity with `lines` line items:
 * the smallest deal that can be invoiced. `opportunity` fields override the defaults.
 */
export function seedDeal(control: EmulatorControl, options: { lines?: number; opportunity?: Record<string, unknown>; account?: Record<string, unknown> } = {}): SeededDeal {
  const { Account: [accountId] = [], Product2: [productId] = [] } = control.seed({
    Account: [{ Name: 'Acme Corp', BillingStreet: '1 Main St', BillingCity: 'Springfield', BillingPostalCode: '12345', BillingCountry: 'US', ...options.account }],
    Product2: [{ Name: 'Widget', ProductCode: 'WID-1', IsActive: true }],
  });
  const { PricebookEntry: [pricebookEntryId] = [] } = control.seed({
    PricebookEntry: [{ Pricebook2Id: control.standardPricebookId, Product2Id: productId, UnitPrice: 100, IsActive: true }],
  });
  const { Opportunity: [opportunityId] = [] } = control.seed({
    Opportunity: [{ Name: 'Acme - Widgets', StageName: 'Negotiation/Review', CloseDate: '2030-01-31', AccountId: accountId, ...options.opportunity }],
  });
  const lines = Array.from({ length: options.lines ?? 1 }, (_v, i) => ({ OpportunityId: opportunityId, PricebookEntryId: pricebookEntryId, Quantity: i + 1, UnitPrice: 100 }));
  const lineItemIds = lines.length ? (control.seed({ OpportunityLineItem: lines }).OpportunityLineItem ?? []) : [];
  return { accountId: accountId as string, productId: productId as string, pricebookEntryId: pricebookEntryId as string, opportunityId: opportunityId as string, lineItemIds };
}
