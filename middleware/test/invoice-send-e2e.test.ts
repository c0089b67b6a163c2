import { idChecksum } from '../src/salesforce/ids';
import { startStack, type Stack } from './support/stack';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

const USER = '005000000000042';
const USER_ID = USER + idChecksum(USER);
const requestedBy = { userId: USER_ID, name: 'Fran Finance' };

interface AuditRow {
  actor: string;
  action: string;
  qboId: string | null;
  salesforceId: string | null;
  newValue: string | null;
  sourceEvent: string | null;
}

describe('invoice send: POST /api/v1/opportunities/:id/invoices/:invoiceId/send, end to end through node-quickbooks', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    // Many sends in a row, bad ones included: the per-key quota (SEND_PER_MINUTE) has its own test (request-quotas).
    stack = await startStack({ env: { SEND_PER_MINUTE: '0' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const send = (id: string, invoiceId: string, body: unknown, key = stack.apiKey) =>
    fetch(`${stack.url}/api/v1/opportunities/${id}/invoices/${invoiceId}/send`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const audit = async (record: string): Promise<AuditRow[]> =>
    ((await (await fetch(`${stack.url}/api/v1/audit?record=${record}`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).json()) as { entries: AuditRow[] }).entries;
  const mirrorRow = (invoiceId: string) => stack.sf.control.query(`SELECT Email_Status__c, Sent_At__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${stack.realmId}:${invoiceId}'`)[0]!;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string; fix?: string } }).error;

  async function invoicedDeal(name: string, email = 'ap@acme.example'): Promise<{ id: string; invoiceId: string; docNumber: string }> {
    const accountId = seedAccount(stack.sf, { Name: name, Billing_Email__c: email });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, id);
    const opp = await billingSettled(stack.sf, id);
    expect(opp.Billing_Sync_Status__c).toBe('Synced');
    return { id, invoiceId: String(opp.QuickBooks_Invoice_Id__c), docNumber: String(opp.Invoice_Number__c) };
  }

  it("sends to the billing e-mail by default, answers QuickBooks' EmailStatus and DeliveryTime, updates the mirror row and audits who asked", async () => {
    const deal = await invoicedDeal('Send Default Co', 'billing@senddefault.example');
    // A new invoice is not e-mailed unless the policy says so (invoiceDelivery.sendWhenCreated is off).
    expect(stack.qbo.control.sentEmails(stack.realmId).filter((m) => m.id === deal.invoiceId)).toEqual([]);
    expect(mirrorRow(deal.invoiceId)).toMatchObject({ Email_Status__c: 'NotSet', Sent_At__c: null });

    const res = await send(deal.id, deal.invoiceId, { requestedBy });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { emailStatus: string; deliveryTime: string; sentTo: string; docNumber: string };
    expect(body).toMatchObject({ opportunityId: deal.id, invoiceId: deal.invoiceId, docNumber: deal.docNumber, sentTo: 'billing@senddefault.example', emailStatus: 'EmailSent' });
    expect(body.deliveryTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

    expect(stack.qbo.control.sentEmails(stack.realmId).filter((m) => m.id === deal.invoiceId).map((m) => m.to)).toEqual(['billing@senddefault.example']);
    const row = mirrorRow(deal.invoiceId);
    expect(row.Email_Status__c).toBe('EmailSent');
    expect(Date.parse(String(row.Sent_At__c))).toBe(Date.parse(body.deliveryTime));

    const [entry] = (await audit(deal.invoiceId)).filter((e) => e.action.startsWith('invoice.sen'));
    expect(entry).toMatchObject({ action: 'invoice.sent', actor: `Salesforce user ${USER_ID} (Fran Finance)`, salesforceId: deal.id, qboId: deal.invoiceId, sourceEvent: 'invoice-card' });
    expect(JSON.parse(entry!.newValue!)).toEqual({ to: 'billing@senddefault.example', emailStatus: 'EmailSent', deliveryTime: body.deliveryTime });
  });

  it('sends to another address when sendTo is given (it becomes the invoice BillEmail), encoded so a + survives', async () => {
    const deal = await invoicedDeal('Send Other Co');
    const res = await send(deal.id, deal.invoiceId, { sendTo: 'ap+invoices@other.example', requestedBy });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sentTo: 'ap+invoices@other.example', emailStatus: 'EmailSent' });
    expect(stack.qbo.control.get(stack.realmId, 'Invoice', deal.invoiceId).BillEmail).toEqual({ Address: 'ap+invoices@other.example' });
    expect(stack.qbo.control.sentEmails(stack.realmId).filter((m) => m.id === deal.invoiceId).map((m) => m.to)).toEqual(['ap+invoices@other.example']);
  });

  it('refuses bad input with a 4xx that names the record and the fix, sends nothing, and audits a QuickBooks refusal', async () => {
    const deal = await invoicedDeal('Send Refusals Co');
    const other = await invoicedDeal('Send Other Deal Co');
    const mails = () => stack.qbo.control.sentEmails(stack.realmId).length;
    const before = mails();

    const foreign = await send(deal.id, other.invoiceId, { requestedBy });
    expect(foreign.status).toBe(404);
    expect((await errorOf(foreign)).message).toContain(`QuickBooks invoice ${other.invoiceId} is not an invoice of Opportunity ${deal.id}`);
    expect((await send(deal.id, '999999', { requestedBy })).status).toBe(404);

    const badAddress = await send(deal.id, deal.invoiceId, { sendTo: 'not an address', requestedBy });
    expect(badAddress.status).toBe(400);
    expect((await errorOf(badAddress)).message).toMatch(/sendTo: must be one e-mail address/);
    expect((await send(deal.id, deal.invoiceId, { sendTo: 'a@b.example, c@d.example', requestedBy })).status).toBe(400);
    const noUser = await send(deal.id, deal.invoiceId, {});
    expect(noUser.status).toBe(400);
    expect((await errorOf(noUser)).message).toContain('requestedBy');
    expect((await send(deal.id, deal.invoiceId, { requestedBy: { userId: deal.id } })).status).toBe(400);
    expect((await send(deal.id, 'abc', { requestedBy })).status).toBe(400);
    expect((await send(deal.id, deal.invoiceId, { requestedBy }, 'wrong-key')).status).toBe(401);
    expect(mails()).toBe(before);

    // QuickBooks refuses an invoice without a billing e-mail when no address is given.
    stack.qbo.control.edit(stack.realmId, 'Invoice', deal.invoiceId, { BillEmail: { Address: '' } });
    const refused = await send(deal.id, deal.invoiceId, { requestedBy });
    expect(refused.status).toBe(422);
    const error = await errorOf(refused);
    expect(error.message).toContain(`QuickBooks invoice ${deal.docNumber} (Opportunity ${deal.id}) was not sent`);
    expect(error.fix).toContain('Enter an address in the Send dialog');
    expect(mails()).toBe(before);
    const [failed] = (await audit(deal.invoiceId)).filter((e) => e.action.startsWith('invoice.sen'));
    expect(failed).toMatchObject({ action: 'invoice.send_failed', actor: `Salesforce user ${USER_ID} (Fran Finance)` });
    expect(JSON.parse(failed!.newValue!).error).toContain('was not sent');
  });

  it('an invoice e-mailed in QuickBooks itself shows its status and time on the mirror row after the refresh (webhook or CDC)', async () => {
    const deal = await invoicedDeal('Sent In QuickBooks Co');
    const token = stack.qbo.control.issueTokens(stack.realmId).access_token;
    const res = await fetch(`${stack.qbo.endpoints.apiBase}${stack.realmId}/invoice/${deal.invoiceId}/send`, { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect(res.status).toBe(200);
    const sentAt = ((await res.json()) as { Invoice: { DeliveryInfo: { DeliveryTime: string } } }).Invoice.DeliveryInfo.DeliveryTime;
    expect(await stack.ledgerline.payments.refresher.refresh(stack.realmId, deal.invoiceId, 'test')).toBe('updated');
    const row = mirrorRow(deal.invoiceId);
    expect(row.Email_Status__c).toBe('EmailSent');
    expect(Date.parse(String(row.Sent_At__c))).toBe(Date.parse(sentAt));
  });

  it("says the outcome is unknown, and audits it, when QuickBooks' answer to a send is lost", async () => {
    const deal = await invoicedDeal('Send Lost Answer Co');
    stack.qbo.control.injectFault({ kind: 'lost-response', entity: 'Invoice', operation: 'send', mode: '500' });
    const res = await send(deal.id, deal.invoiceId, { requestedBy });
    expect(res.status).toBe(502);
    const error = await errorOf(res);
    // A 5xx keeps its detail in the log (house rule); the fix tells the user what to do.
    expect(error.fix).toContain('before sending again');
    const [entry] = (await audit(deal.invoiceId)).filter((e) => e.action.startsWith('invoice.sen'));
    expect(entry).toMatchObject({ action: 'invoice.send_failed' });
    expect(JSON.parse(entry!.newValue!).error).toContain(`QuickBooks did not confirm that QuickBooks invoice ${deal.docNumber} (Opportunity ${deal.id}) was sent`);
  });

  it('is in the OpenAPI document as an API-key operation with its body and answers', async () => {
    const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, { post?: { operationId: string; security?: unknown; requestBody?: unknown; responses: Record<string, unknown> } }> };
    const op = doc.paths['/api/v1/opportunities/{id}/invoices/{invoiceId}/send']?.post;
    expect(op?.operationId).toBe('sendInvoice');
    expect(op!.security).toBeDefined();
    expect(JSON.stringify(op!.requestBody)).toContain('sendTo');
    expect(Object.keys(op!.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422']));
    expect(JSON.stringify(op!.responses['200'])).toContain('deliveryTime');
  });
});
