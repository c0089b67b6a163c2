/**
 * The real node-quickbooks 2.0.50 and intuit-oauth 4.2.5 clients against the emulator:
 * customer → invoice (3 lines, discount, tax) → query with an apostrophe → batch → payment → CDC,
 * signed webhooks, requestid idempotency, and the OAuth lifecycle with refresh-token rotation.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuthClient from 'intuit-oauth';
import { startQboEmulator, verifyWebhookSignature, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { failure, faultCode, nodeQuickBooks } from './fixtures/quickbooks/clients';

const VERIFIER = 'test-verifier-token';
let qbo: QboEmulator;
let receiver: Server;
const received: Array<{ body: string; signature: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['intuit-signature']) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  qbo = await startQboEmulator({ port: 0, webhooks: { url: hookUrl, verifierToken: VERIFIER, format: 'legacy', batchWindowMs: 20 } });
});

afterAll(async () => {
  await qbo.close();
  await new Promise((r) => receiver.close(r));
});

describe('node-quickbooks against the emulator', () => {
  it('runs the invoice-to-payment flow and reports it through CDC and signed webhooks', async () => {
    const realm = qbo.control.realms()[0]!;
    const tokens = qbo.control.issueTokens(realm);
    const qb = nodeQuickBooks(qbo, realm, tokens.access_token, tokens.refresh_token);
    const since = new Date(qbo.control.clock.now() - 1000);

    const name = "O'Brien & Sons + 50%";
    const customer = await qb.call<{ Id: string; DisplayName: string }>('createCustomer', { DisplayName: name, PrimaryEmailAddr: { Address: 'ap@obrien.example' } });
    expect(customer.DisplayName).toBe(name);

    const invoice = await qb.call<{ Id: string; TotalAmt: number; Balance: number; Line: Array<{ DetailType: string; Amount: number }>; TxnTaxDetail: { TotalTax: number } }>('createInvoice', {
      CustomerRef: { value: customer.Id },
      Line: [
        { Amount: 1500, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' }, Qty: 10, UnitPrice: 150 } },
        { Amount: 5000, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '3' }, Qty: 1, UnitPrice: 5000 } },
        { Amount: 900, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '5' }, Qty: 2, UnitPrice: 450, TaxCodeRef: { value: 'NON' } } },
        { DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
      ],
    });
    // Subtotal 7400, discount 740; taxable 6500 less its share of the discount (650) = 5850, 8 % → 468.
    expect(invoice.Line.map((l) => l.DetailType)).toEqual(['SalesItemLineDetail', 'SalesItemLineDetail', 'SalesItemLineDetail', 'SubTotalLineDetail', 'DiscountLineDetail']);
    expect(invoice.TxnTaxDetail.TotalTax).toBe(468);
    expect([invoice.TotalAmt, invoice.Balance]).toEqual([7128, 7128]);

    const found = await qb.call<{ QueryResponse: { Customer?: Array<{ Id: string }> } }>('findCustomers', [{ field: 'DisplayName', value: name }]);
    expect(found.QueryResponse.Customer?.map((c) => c.Id)).toEqual([customer.Id]);

    const batch = await qb.call<{ BatchItemResponse: Array<Record<string, unknown>> }>('batch', [
      { bId: 'b1', operation: 'create', Customer: { DisplayName: 'Batch Buyer' } },
      { bId: 'b2', operation: 'create', Customer: { DisplayName: name } },
      { bId: 'b3', Query: `select * from Invoice where CustomerRef = '${customer.Id}'` },
    ]);
    const byId = Object.fromEntries(batch.BatchItemResponse.map((i) => [i.bId, i]));
    expect(byId.b1).toHaveProperty('Customer.DisplayName', 'Batch Buyer');
    expect(byId.b2).toHaveProperty('Fault.Error.0.code', '6240');
    expect(byId.b3).toHaveProperty('QueryResponse.Invoice.0.Id', invoice.Id);

    const payment = qbo.control.applyPayment(realm, { invoices: [{ id: invoice.Id, amount: 2000 }], totalAmount: 2500 });
    expect(payment).toMatchObject({ TotalAmt: 2500, UnappliedAmt: 500 });
    const paid = await qb.call<{ Balance: number; LinkedTxn: unknown[]; SyncToken: string }>('getInvoice', invoice.Id);
    expect(paid.Balance).toBe(5128);
    expect(paid.LinkedTxn).toEqual([{ TxnId: payment.Id, TxnType: 'Payment' }]);
    expect(paid.SyncToken).toBe('1');

    const cdc = await qb.call<{ CDCResponse: Array<{ QueryResponse: Array<Record<string, Array<{ Id: string; Balance?: number }>>> }> }>('changeDataCapture', ['Invoice', 'Payment'], since);
    const [invoices, payments] = cdc.CDCResponse[0]!.QueryResponse;
    expect(invoices!.Invoice).toContainEqual(expect.objectContaining({ Id: invoice.Id, Balance: 5128 }));
    expect(payments!.Payment!.map((p) => p.Id)).toEqual([payment.Id]);

    await qbo.control.webhooks.flush();
    const events = received.flatMap((r) => {
      expect(verifyWebhookSignature(r.body, r.signature, VERIFIER)).toBe(true);
      const body = JSON.parse(r.body) as { eventNotifications: Array<{ dataChangeEvent: { entities: Array<{ name: string; id: string; operation: string }> } }> };
      return body.eventNotifications.flatMap((n) => n.dataChangeEvent.entities.map((e) => `${e.name}:${e.id}:${e.operation}`));
    });
    expect(events).toEqual(expect.arrayContaining([`Customer:${customer.Id}:Create`, `Invoice:${invoice.Id}:Create`, `Payment:${payment.Id}:Create`, `Invoice:${invoice.Id}:Update`]));
  });

  it('replays a create sent again with the same requestid instead of creating twice', async () => {
    const realm = qbo.control.realms()[0]!;
    const qb = nodeQuickBooks(qbo, realm, qbo.control.issueTokens(realm).access_token);
    const first = await qb.call<{ Id: string }>('createCustomer', { DisplayName: 'Idempotent Inc', requestId: 'req-123' });
    const again = await qb.call<{ Id: string }>('createCustomer', { DisplayName: 'Idempotent Inc', requestId: 'req-123' });
    expect(again.Id).toBe(first.Id);
    const other = await failure(qb.call('createCustomer', { DisplayName: 'Idempotent Inc', requestId: 'req-124' }));
    expect(faultCode(other)).toBe('6240');
  });

  it('rejects a stale SyncToken and a sparse update keeps untouched fields', async () => {
    const realm = qbo.control.realms()[0]!;
    const qb = nodeQuickBooks(qbo, realm, qbo.control.issueTokens(realm).access_token);
    const c = await qb.call<{ Id: string; SyncToken: string }>('createCustomer', { DisplayName: 'Sparse Co', CompanyName: 'Sparse Company' });
    const updated = await qb.call<{ SyncToken: string; CompanyName: string; Notes: string }>('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Notes: 'vip' });
    expect(updated).toMatchObject({ SyncToken: '1', CompanyName: 'Sparse Company', Notes: 'vip' });
    const stale = await failure(qb.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Notes: 'late' }));
    expect(stale.response?.status).toBe(400);
    expect(faultCode(stale)).toBe('5010');
  });
});

describe('intuit-oauth against the emulator', () => {
  it('authorizes, exchanges the code, refreshes with rotation, enforces the grace period, and revokes', async () => {
    const client = new OAuthClient({ clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret', environment: 'sandbox', redirectUri: 'http://localhost:3000/callback' });
    client.setAuthorizeURLs({ authorizeEndpoint: qbo.endpoints.authorizeEndpoint, tokenEndpoint: qbo.endpoints.tokenEndpoint, revokeEndpoint: qbo.endpoints.revokeEndpoint, userInfoEndpoint: qbo.endpoints.userInfoEndpoint });
    const authUri = client.authorizeUri({ scope: [OAuthClient.scopes.Accounting, OAuthClient.scopes.OpenId], state: 'csrf-1' });
    const consent = await fetch(authUri, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = consent.headers.get('location')!;
    expect(new URL(callback).searchParams.get('state')).toBe('csrf-1');

    const created = await client.createToken(callback);
    const first = created.getJson() as { access_token: string; refresh_token: string; id_token?: string };
    const realmId = client.getToken().realmId;
    expect(realmId).toBe(qbo.control.realms()[0]);
    expect(first.id_token).toEqual(expect.any(String));
    const info = await nodeQuickBooks(qbo, realmId, first.access_token).call<{ CompanyName: string }>('getCompanyInfo', realmId);
    expect(info.CompanyName).toBe('Ledgerline Demo Co');

    const codeReuse = await client.createToken(callback).catch((e: { error?: string }) => e);
    expect(codeReuse).toMatchObject({ error: 'invalid_grant' });

    const secondResponse = await client.refreshUsingToken(first.refresh_token);
    const second = secondResponse.getJson() as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);

    // Within the grace period the previous refresh token still works and yields the latest one.
    const viaOld = (await client.refreshUsingToken(first.refresh_token)).getJson() as { refresh_token: string };
    expect(viaOld.refresh_token).toBe(second.refresh_token);

    qbo.control.clock.advance(24 * 3600 * 1000 + 1000);
    const afterGrace = await client.refreshUsingToken(first.refresh_token).catch((e: { error?: string }) => e);
    expect(afterGrace).toMatchObject({ error: 'invalid_grant' });
    // The first access token has expired with the clock; the latest refresh token still works.
    const expired = await failure(nodeQuickBooks(qbo, realmId, first.access_token).call('getCompanyInfo', realmId));
    expect(expired.response?.status).toBe(401);
    const third = (await client.refreshUsingToken(second.refresh_token)).getJson() as { access_token: string; refresh_token: string };

    await client.revoke({ refresh_token: third.refresh_token });
    const afterRevoke = await failure(nodeQuickBooks(qbo, realmId, third.access_token).call('getCompanyInfo', realmId));
    expect(afterRevoke.response?.status).toBe(401);
    const refreshRevoked = await client.refreshUsingToken(third.refresh_token).catch((e: { error?: string }) => e);
    expect(refreshRevoked).toMatchObject({ error: 'invalid_grant' });
    qbo.control.clock.useRealTime();
  });
});
