/**
 * Conformance: for each recorded QBO sample, the emulator's answer to the equivalent request has the
 * same shape (keys, JSON types, envelope). See middleware/test/fixtures/quickbooks (copied samples).
 */
import { startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { compareShape } from '@ledgerline/emulators/quickbooks/shape';
import { buildNotification } from '@ledgerline/emulators/quickbooks/webhook-payloads';
import { signWebhookPayload, verifyWebhookSignature } from '@ledgerline/emulators/quickbooks/webhook-signature';
import { call, fixture, fixtureText, xmlToJson } from './fixtures/quickbooks/helpers';

const ADDR = { Line1: '4581 Finch St.', City: 'Bayshore', CountrySubDivisionCode: 'CA', PostalCode: '94326', Lat: 'INVALID', Long: 'INVALID' };
const FULL_ADDR = { Line1: 'Kathy Paulsen', Line2: 'Paulsen Medical Supplies', Line3: '900 Main St.', Line4: 'Middlefield, CA  94303', City: 'Middlefield', Country: 'USA', CountrySubDivisionCode: 'CA', PostalCode: '94303', Lat: '37.4530553', Long: '-122.1178261' };

let qbo: QboEmulator;
let n = 0;

/** A fresh realm with a token for each test, so Ids start at 1 as in the recordings. */
async function freshRealm() {
  const realm = `46208163${String(++n).padStart(2, '0')}`;
  qbo.control.createRealm(realm);
  const token = qbo.control.issueTokens(realm).access_token;
  const base = `${qbo.endpoints.apiBase}${realm}`;
  const post = (path: string, body: unknown) => call(`${base}${path}`, { method: 'POST', token, body: JSON.stringify(body) });
  const get = (path: string) => call(`${base}${path}`, { token });
  const query = (q: string) => get(`/query?query=${encodeURIComponent(q)}&minorversion=75`);
  return { realm, token, base, post, get, query };
}

function expectShape(sample: unknown, actual: unknown): void {
  expect(compareShape(sample, actual)).toEqual([]);
}

beforeAll(async () => {
  qbo = await startQboEmulator({ port: 0 });
});
afterAll(async () => {
  await qbo.close();
});

describe('JSON samples', () => {
  it('customer-create / customer-read / customer-update', async () => {
    const r = await freshRealm();
    const created = await r.post('/customer?requestid=c1&minorversion=75', fixture('customer-create.request.json'));
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expectShape(fixture('customer-create.response.json'), created.json);

    await r.post('/customer', {
      DisplayName: 'Dukes Basketball Camp', GivenName: 'Peter', FamilyName: 'Dukes', CompanyName: 'Dukes Basketball Camp',
      BillAddr: ADDR, ShipAddr: ADDR, PrimaryPhone: { FreeFormNumber: '(520) 420-5638' }, PrimaryEmailAddr: { Address: 'Dukes_bball@intuit.com' },
    });
    expectShape(fixture('customer-read.response.json'), (await r.get('/customer/2?minorversion=75')).json);

    const jack = (await r.post('/customer', { DisplayName: 'Jack' })).json as { Customer: { Id: string; SyncToken: string } };
    const request = { ...(fixture('customer-update.request.json') as object), Id: jack.Customer.Id, SyncToken: jack.Customer.SyncToken };
    const updated = await r.post('/customer', request);
    expectShape(fixture('customer-update.response.json'), updated.json);
    expect(updated.json).toMatchObject({ Customer: { SyncToken: '1', DisplayName: 'Jack Moe', FullyQualifiedName: 'Jack Moe', PrintOnCheckName: 'Jack Moe' } });
  });

  it("customer name lengths follow Intuit's Customer reference: DisplayName 500, CompanyName 100, PrintOnCheckName 110", async () => {
    const r = await freshRealm();
    const codeOf = (res: { json: unknown }) => (res.json as { Fault?: { Error?: Array<{ code: string; element?: string }> } }).Fault?.Error?.[0];
    expect((await r.post('/customer', { DisplayName: 'D'.repeat(500) })).status).toBe(200);
    expect(codeOf(await r.post('/customer', { DisplayName: 'E'.repeat(501) }))).toMatchObject({ code: '2050', element: 'DisplayName' });
    expect(codeOf(await r.post('/customer', { DisplayName: 'Short Co', CompanyName: 'C'.repeat(101) }))).toMatchObject({ code: '2050', element: 'CompanyName' });
    expect(codeOf(await r.post('/customer', { DisplayName: 'Short Co', PrintOnCheckName: 'P'.repeat(111) }))).toMatchObject({ code: '2050', element: 'PrintOnCheckName' });
    const ok = (await r.post('/customer', { DisplayName: 'F'.repeat(120), CompanyName: 'F'.repeat(100), PrintOnCheckName: 'F'.repeat(110) })).json as { Customer: { DisplayName: string } };
    expect(ok.Customer.DisplayName).toHaveLength(120);
  });

  it('query by DisplayName with an apostrophe, count, last page and empty page', async () => {
    const r = await freshRealm();
    await r.post('/customer', {
      DisplayName: "Amy's Bird Sanctuary", GivenName: 'Amy', FamilyName: 'Lauterbach', CompanyName: "Amy's Bird Sanctuary",
      BillAddr: ADDR, ShipAddr: ADDR, PrimaryPhone: { FreeFormNumber: '(650) 555-3311' }, PrimaryEmailAddr: { Address: 'Birds@Intuit.com' },
    });
    const byName = await r.query("SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary'");
    expectShape(fixture('query-customer-by-displayname.response.json'), byName.json);
    expect(byName.json).toMatchObject({ QueryResponse: { startPosition: 1, maxResults: 1 } });
    // An e-mail field is filtered on its address (the record keeps `{"Address": …}`), with = and IN alike.
    for (const where of ["PrimaryEmailAddr = 'Birds@Intuit.com'", "PrimaryEmailAddr IN ('nobody@example.com', 'Birds@Intuit.com')"]) {
      const byEmail = await r.query(`SELECT * FROM Customer WHERE ${where}`);
      expect({ where, names: ((byEmail.json as { QueryResponse: { Customer?: Array<{ DisplayName: string }> } }).QueryResponse.Customer ?? []).map((c) => c.DisplayName) }).toEqual({ where, names: ["Amy's Bird Sanctuary"] });
    }

    const count = await r.query('SELECT COUNT(*) FROM Customer');
    expectShape(fixture('query-count.response.json'), count.json);
    expect(count.json).toMatchObject({ QueryResponse: { totalCount: 1 } });

    for (let i = 1; i <= 26; i++) {
      await r.post('/vendor', { Title: 'Mr.', GivenName: 'Tony', MiddleName: 'L', FamilyName: `Vendor${i}`, Suffix: 'Jr.', DisplayName: `Vendor ${i}`, PrimaryEmailAddr: { Address: `v${i}@example.com` } });
    }
    const last = await r.query('SELECT * FROM Vendor MAXRESULTS 5 STARTPOSITION 26');
    expectShape(fixture('query-last-page.response.json'), last.json);
    expect(last.json).toMatchObject({ QueryResponse: { startPosition: 26, maxResults: 1 } });

    const empty = await r.query('SELECT * FROM Customer MAXRESULTS 2 STARTPOSITION 7');
    expect(Object.keys(empty.json as object).sort()).toEqual(Object.keys(fixture('query-empty.response.json') as object).sort());
    expect(empty.json).toMatchObject({ QueryResponse: {} });
    expect((empty.json as { QueryResponse: object }).QueryResponse).toEqual({});
  });

  it('invoice-create / invoice-void / invoice-delete', async () => {
    const r = await freshRealm();
    await r.post('/customer', { DisplayName: "Amy's Bird Sanctuary", BillAddr: ADDR, ShipAddr: ADDR });
    const created = await r.post('/invoice?minorversion=75', fixture('invoice-create.request.json'));
    expectShape(fixture('invoice-create.response.json'), created.json);
    const inv = (created.json as { Invoice: { Id: string; SyncToken: string; TotalAmt: number; Balance: number; DueDate: string; TxnDate: string } }).Invoice;
    expect([inv.TotalAmt, inv.Balance]).toEqual([100, 100]);

    const voided = await r.post('/invoice?operation=void', { Id: inv.Id, SyncToken: inv.SyncToken });
    expectShape(fixture('invoice-void.response.json'), voided.json);
    expect(voided.json).toMatchObject({ Invoice: { SyncToken: '1', PrivateNote: 'Voided', TotalAmt: 0, Balance: 0 } });

    const other = (await r.post('/invoice', fixture('invoice-create.request.json'))).json as { Invoice: { Id: string } };
    const deleted = await r.post('/invoice?operation=delete', { Id: other.Invoice.Id, SyncToken: '0' });
    expect(deleted.json).toMatchObject({ Invoice: { status: 'Deleted', Id: other.Invoice.Id } });
    expectShape(fixture('invoice-delete.response.json'), deleted.json);
  });

  it('invoice send: the invoice as in invoice-create, with EmailStatus EmailSent, DeliveryInfo {Email, DeliveryTime} and BillEmail as in cdc', async () => {
    const r = await freshRealm();
    await r.post('/customer', { DisplayName: "Amy's Bird Sanctuary", BillAddr: ADDR, ShipAddr: ADDR });
    const send = (path: string) => call(`${r.base}${path}`, { method: 'POST', token: r.token, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const created = ((await r.post('/invoice', { ...(fixture('invoice-create.request.json') as object), BillEmail: { Address: 'Birds@Intuit.com' } })).json as { Invoice: { Id: string; SyncToken: string; EmailStatus: string } }).Invoice;
    expect(created.EmailStatus).toBe('NotSet');

    // Without sendTo QuickBooks sends to the invoice's BillEmail.
    const sent = await send(`/invoice/${created.Id}/send?minorversion=75`);
    expect(sent.status).toBe(200);
    expect(sent.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expectShape(fixture('invoice-create.response.json'), sent.json);
    const withEmail = (fixture('cdc.response.json') as { CDCResponse: Array<{ QueryResponse: Array<{ Estimate: Array<Record<string, unknown>> }> }> }).CDCResponse[0]!.QueryResponse[0]!.Estimate[0]!;
    expectShape({ BillEmail: withEmail.BillEmail, DeliveryInfo: withEmail.DeliveryInfo }, (sent.json as { Invoice: unknown }).Invoice);
    const invoice = (sent.json as { Invoice: { SyncToken: string; EmailStatus: string; BillEmail: { Address: string }; DeliveryInfo: { DeliveryType: string; DeliveryTime: string }; MetaData: { LastUpdatedTime: string } } }).Invoice;
    expect(invoice).toMatchObject({ SyncToken: '1', EmailStatus: 'EmailSent', BillEmail: { Address: 'Birds@Intuit.com' }, DeliveryInfo: { DeliveryType: 'Email' } });
    // The same second-precision, offset time format as MetaData (invoice-create sample).
    expect(invoice.DeliveryInfo.DeliveryTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(invoice.DeliveryInfo.DeliveryTime).toBe(invoice.MetaData.LastUpdatedTime);

    // sendTo (URL-encoded, as the middleware sends it) becomes the invoice's BillEmail.
    const resent = await send(`/invoice/${created.Id}/send?sendTo=${encodeURIComponent('ap+invoices@amys.example')}&minorversion=75`);
    expect(resent.json).toMatchObject({ Invoice: { SyncToken: '2', EmailStatus: 'EmailSent', BillEmail: { Address: 'ap+invoices@amys.example' } } });
    expect(qbo.control.sentEmails(r.realm).map((m) => m.to)).toEqual(['Birds@Intuit.com', 'ap+invoices@amys.example']);

    // No BillEmail and no sendTo: a validation fault, and nothing is sent.
    const bare = ((await r.post('/invoice', fixture('invoice-create.request.json'))).json as { Invoice: { Id: string } }).Invoice;
    const refused = await send(`/invoice/${bare.Id}/send`);
    expect(refused.status).toBe(400);
    expect((refused.json as { Fault: { type: string; Error: Array<{ code: string }> } }).Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '6000' }] });
    expect(qbo.control.sentEmails(r.realm)).toHaveLength(2);
  });

  it('batch: create, missing object (610), stale SyncToken (5010), query', async () => {
    const r = await freshRealm();
    await r.post('/customer', { DisplayName: 'Dylan Sollfrank', BillAddr: { Line1: 'Dylan Sollfrank', Lat: 'INVALID', Long: 'INVALID' } });
    const receipt = {
      CustomerRef: { value: '1' }, CustomerMemo: { value: 'Thank you for your business and have a great day!' }, PaymentMethodRef: { value: '2', name: 'Check' },
      PaymentRefNum: '10264', PrivateNote: 'A note', DepositToAccountRef: { value: '8' },
      Line: [{ Description: 'Custom Design', Amount: 337.5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, UnitPrice: 75, Qty: 4.5 } }],
    };
    const sr = (await r.post('/salesreceipt', receipt)).json as { SalesReceipt: { Id: string; SyncToken: string } };
    await r.post('/salesreceipt', { ...receipt, Id: sr.SalesReceipt.Id, SyncToken: '0', sparse: true, PrivateNote: 'edited' });
    const request = fixture('batch.request.json') as { BatchItemRequest: Array<Record<string, { Id?: string }>> };
    request.BatchItemRequest[2]!.SalesReceipt!.Id = sr.SalesReceipt.Id;
    const res = await r.post('/batch', request);
    expect(res.status).toBe(200);
    expectShape(fixture('batch.response.json'), res.json);
    const items = (res.json as { BatchItemResponse: Array<Record<string, { Error?: Array<{ code: string }> }>> }).BatchItemResponse;
    expect(items.map((i) => i.Fault?.Error?.[0]?.code ?? Object.keys(i).find((k) => k !== 'bId'))).toEqual(['Vendor', '610', '5010', 'QueryResponse']);
  });

  it('an invoice naming an inactive item, customer or term gets the recorded 610 fault', async () => {
    const r = await freshRealm();
    const recorded = (fixture('batch.response.json') as { BatchItemResponse: Array<{ Fault?: { Error: unknown[]; type: string } }> }).BatchItemResponse[1]!.Fault!;
    const customer = ((await r.post('/customer', { DisplayName: 'Inactive Refs Co' })).json as { Customer: { Id: string } }).Customer;
    const item = ((await r.post('/item', { Name: 'Retired Widget', Type: 'Service', IncomeAccountRef: { value: '1' } })).json as { Item: { Id: string } }).Item;
    const term = ((await r.post('/term', { Name: 'Net 75', DueDays: 75 })).json as { Term: { Id: string } }).Term;
    const invoice = { CustomerRef: { value: customer.Id }, SalesTermRef: { value: term.Id }, Line: [{ Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 10 } }] };
    expect((await r.post('/invoice', invoice)).status).toBe(200);
    for (const [entity, id] of [['Item', item.Id], ['Term', term.Id], ['Customer', customer.Id]] as const) {
      qbo.control.edit(r.realm, entity, id, { Active: false });
      const refused = await r.post('/invoice', invoice);
      expect({ entity, status: refused.status }).toEqual({ entity, status: 400 });
      expect((refused.json as { Fault: unknown }).Fault).toEqual(recorded);
      qbo.control.edit(r.realm, entity, id, { Active: true });
    }
  });

  it('cdc (sample is Estimate; the emulator answers the same envelope for Invoice) incl. deleted entries', async () => {
    const r = await freshRealm();
    await r.post('/customer', { DisplayName: 'Paulsen Medical Supplies', BillAddr: FULL_ADDR, ShipAddr: FULL_ADDR, PrimaryEmailAddr: { Address: 'Medical@intuit.com' } });
    const inv = (await r.post('/invoice', {
      CustomerRef: { value: '1' }, TxnStatus: 'Pending', CustomerMemo: { value: 'Thanks' },
      Line: [{ Description: 'Rock Fountain', Amount: 275, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' }, UnitPrice: 275, Qty: 1 } }],
    })).json as { Invoice: { Id: string } };
    await r.post(`/invoice/${inv.Invoice.Id}/send?sendTo=Medical@intuit.com`, undefined);
    qbo.control.applyPayment(r.realm, { invoices: [{ id: inv.Invoice.Id, amount: 50 }] });
    const gone = (await r.post('/invoice', { CustomerRef: { value: '1' }, Line: [{ Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] })).json as { Invoice: { Id: string } };
    await r.post('/invoice?operation=delete', { Id: gone.Invoice.Id, SyncToken: '0' });

    const since = new Date(qbo.control.clock.now() - 3600_000).toISOString();
    const res = await r.get(`/cdc?entities=Invoice,Payment,TaxCode&changedSince=${encodeURIComponent(since)}&minorversion=75`);
    const sample = JSON.parse(JSON.stringify(fixture('cdc.response.json')).replace(/"Estimate":/g, '"Invoice":'));
    expectShape(sample, res.json);
    const [invoices, payments, taxCodes] = (res.json as { CDCResponse: Array<{ QueryResponse: Array<Record<string, unknown[]>> }> }).CDCResponse[0]!.QueryResponse;
    expect(invoices!.Invoice).toContainEqual(expect.objectContaining({ status: 'Deleted', Id: gone.Invoice.Id }));
    expectShape(xmlToJson(fixtureText('xml/customer_change.xml')).Customer, invoices!.Invoice!.find((e) => (e as { status?: string }).status === 'Deleted'));
    expect(payments!.Payment).toHaveLength(1);
    expect(taxCodes).toEqual({});
  });

  it('faults: 6240, 4001, 2010, 2030, "500" unsupported operation, 401 expired token', async () => {
    const r = await freshRealm();
    await r.post('/customer', { DisplayName: 'Weiskopf Consulting' });
    const dup = await r.post('/customer', { DisplayName: 'Weiskopf Consulting' });
    expect(dup.status).toBe(400);
    expect(dup.headers.get('content-type')).toBe('application/json');
    expectShape(fixture('fault-6240-duplicate-name.response.json'), dup.json);
    expectShape(fixture('fault-6240-duplicate-name-taxrate.response.json'), (await r.post('/item', { Name: 'Services', IncomeAccountRef: { value: '1' } })).json);
    expectShape(xmlToJson(fixtureText('xml/customer_duplicate_error.xml')), dup.json);

    const badQuery = await r.query('SELECT * FROM Custmoer');
    expect(badQuery.status).toBe(400);
    expectShape(fixture('fault-4001-invalid-query.response.json'), badQuery.json);
    expect((badQuery.json as { Fault: unknown }).Fault).toEqual((fixture('fault-4001-invalid-query.response.json') as { Fault: unknown }).Fault);

    const bad = await r.post('/invoice', { BadJson: true });
    expect(bad.status).toBe(400);
    expectShape(fixture('fault-2010-unsupported-property.response.json'), bad.json);

    const badId = await r.get('/customer/1.5');
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject(fixture('fault-2030-invalid-id.response.json') as object);

    const unknownPath = await r.get('/customer/1/5');
    expect(unknownPath.status).toBe(400);
    expectShape(fixture('fault-500-unsupported-operation.response.json'), unknownPath.json);

    qbo.control.expireAccessTokens(r.token);
    const expired = await r.get('/customer/1');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="Intuit", error="invalid_token"');
    expectShape(fixture('fault-401-token-expired.response.json'), expired.json);
  });

  it('OAuth token, error and discovery documents', async () => {
    const { realm } = await freshRealm();
    const first = qbo.control.issueTokens(realm);
    const basic = Buffer.from('emulator-client-id:emulator-client-secret').toString('base64');
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
    const refreshed = await call(qbo.endpoints.tokenEndpoint, form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(refreshed.status).toBe(200);
    expectShape(fixture('oauth-token-refresh.response.json'), refreshed.json);
    const failed = await call(qbo.endpoints.tokenEndpoint, form({ grant_type: 'refresh_token', refresh_token: 'nope' }));
    expect(failed.status).toBe(400);
    expectShape(fixture('oauth-token-error.placeholder.json'), failed.json);
    expect(failed.json).toMatchObject({ error: 'invalid_grant' });
    expectShape(fixture('oauth-openid-discovery.json'), (await call(qbo.endpoints.discoveryEndpoint)).json);
  });
});

describe('XML samples (mapped onto QBO JSON field names)', () => {
  it('item, payment (applied with LineEx, and unapplied), term, tax code, discounted invoice', async () => {
    const r = await freshRealm();
    const item = await r.post('/item', { Name: 'Plush Baby Doll', Sku: 'PBD01', Description: 'A doll', Taxable: false, UnitPrice: 50, Type: 'Service', IncomeAccountRef: { value: '2' } });
    expectShape(xmlToJson(fixtureText('xml/item.xml')), item.json);
    expectShape(xmlToJson(fixtureText('xml/fetch_item_by_id.xml')), (await r.get(`/item/${(item.json as { Item: { Id: string } }).Item.Id}`)).json);

    await r.post('/customer', { DisplayName: 'Acme Enterprises', BillAddr: FULL_ADDR, ShipAddr: FULL_ADDR });
    const inv = (await r.post('/invoice', {
      CustomerRef: { value: '1' },
      Line: [
        { Description: 'Plush Baby Doll', Amount: 50, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '6' }, UnitPrice: 50, Qty: 1 } },
        { DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
      ],
    })).json as { Invoice: { Id: string; TotalAmt: number; Line: Array<{ Amount: number; DetailType: string }> } };
    expectShape(xmlToJson(fixtureText('xml/invoice_with_discount_line_item_response.xml')), inv);
    expect(inv.Invoice.TotalAmt).toBe(45);
    expect(inv.Invoice.Line.map((l) => [l.DetailType, l.Amount])).toEqual([['SalesItemLineDetail', 50], ['SubTotalLineDetail', 50], ['DiscountLineDetail', 5]]);

    const paid = await r.post('/payment', { CustomerRef: { value: '1' }, TotalAmt: 45, PrivateNote: 'x', Line: [{ Amount: 45, LinkedTxn: [{ TxnId: inv.Invoice.Id, TxnType: 'Invoice' }] }] });
    const paymentSample = xmlToJson(fixtureText('xml/payment_with_line_extras.xml')) as { Payment: { Line: Array<Record<string, unknown>> } };
    delete paymentSample.Payment.Line[0]!.LineEx; // JSON LineEx is {"any":[…]} (FACTS §4), checked below
    expectShape(paymentSample, paid.json);
    expect(paid.json).toMatchObject({ Payment: { UnappliedAmt: 0, Line: [{ LineEx: { any: expect.any(Array) } }] } });
    const unapplied = await r.post('/payment', { CustomerRef: { value: '1' }, TotalAmt: 40, PrivateNote: 'Payment smoke test' });
    expectShape(xmlToJson(fixtureText('xml/fetch_payment_by_id.xml')), unapplied.json);
    expect(unapplied.json).toMatchObject({ Payment: { TotalAmt: 40, UnappliedAmt: 40 } });

    const term = await r.post('/term', { Name: 'Date driven', DiscountPercent: 4, DayOfMonthDue: 1, DueNextMonthDays: 2, DiscountDayOfMonth: 3 });
    expectShape(xmlToJson(fixtureText('xml/term.xml')), term.json);

    qbo.control.create(r.realm, 'TaxCode', {
      Id: '7', Name: 'Combined', Description: 'Combined', Active: true, Taxable: true, TaxGroup: true,
      SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '1', name: 'California' }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
      PurchaseTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '1', name: 'California' }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
    });
    expectShape(xmlToJson(fixtureText('xml/tax_code.xml')), (await r.get('/taxcode/7')).json);
  });

  it('throttle (429, XML as recorded) and generic server error', async () => {
    const r = await freshRealm();
    qbo.control.injectFault({ kind: 'throttle', realmId: r.realm });
    const throttled = await r.get('/customer/1');
    expect(throttled.status).toBe(429);
    expectShape(xmlToJson(fixtureText('xml/too_many_requests_error.xml')), xmlToJson(throttled.text));
    expectShape(xmlToJson(fixtureText('xml/throttle_exceeded_error.xml')), xmlToJson(throttled.text));
    qbo.control.injectFault({ kind: 'server-error', realmId: r.realm });
    const failed = await r.get('/customer/1');
    expect(failed.status).toBe(500);
    expectShape(xmlToJson(fixtureText('xml/generic_error.xml')), failed.json);
  });
});

describe('webhook samples', () => {
  const event = { realmId: '1185883450', entity: 'Customer', id: '1', operation: 'Create' as const, at: Date.UTC(2015, 9, 5, 21, 42, 19), lastUpdated: '2015-10-05T14:42:19-07:00' };

  it('legacy payload and its known-answer signature vector', () => {
    const vector = fixture('webhook-legacy.signature-vector.json') as { verifierToken: string; intuitSignature: string; wrongSignatureUsedByTheSameTest: string };
    const raw = fixtureText('webhook-legacy.payload.json');
    expect(signWebhookPayload(raw, vector.verifierToken)).toBe(vector.intuitSignature);
    expect(verifyWebhookSignature(raw, vector.intuitSignature, vector.verifierToken)).toBe(true);
    expect(verifyWebhookSignature(raw, vector.wrongSignatureUsedByTheSameTest, vector.verifierToken)).toBe(false);
    const built = buildNotification('legacy', [event]);
    expect(JSON.stringify(built)).toBe(raw);
  });

  it('CloudEvents payload', () => {
    expectShape(fixture('webhook-cloudevents.payload.json'), buildNotification('cloudevents', [event]));
    expect(buildNotification('cloudevents', [event])).toEqual([expect.objectContaining({ type: 'qbo.customer.created.v1', intuitentityid: '1', intuitaccountid: '1185883450' })]);
  });
});
