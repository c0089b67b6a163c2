import { startStack, type Stack } from './support/stack';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/** The text a PDF shows, from its uncompressed content streams (enough for the emulator's one-page PDF). */
function shownText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\(([^)]*)\) Tj/g)].map((m) => m[1]).join('\n');
}

describe('invoice PDF: GET /api/v1/opportunities/:id/invoices/:invoiceId/pdf, end to end through node-quickbooks', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack();
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const get = (path: string, key = stack.apiKey) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it("returns the deal's invoice as QuickBooks prints it, with its number and total, and refuses other invoices", async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Pdf Customer' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, id);
    const opp = await billingSettled(stack.sf, id);
    expect(opp.Billing_Sync_Status__c).toBe('Synced');
    const invoiceId = String(opp.QuickBooks_Invoice_Id__c);

    const res = await get(`/api/v1/opportunities/${id}/invoices/${invoiceId}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    const text = shownText(pdf);
    expect(text).toContain(`Invoice ${String(opp.Invoice_Number__c)}`);
    expect(text).toContain('Total 5000.00');
    // It came from QuickBooks: the emulator counted the PDF read.
    expect(stack.qbo.control.counters().total).toBeGreaterThan(0);

    // An invoice that is not this deal's is refused with the reason, and nothing is fetched.
    const other = await get(`/api/v1/opportunities/${id}/invoices/999999/pdf`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain(`not an invoice of Opportunity ${id}`);
    expect((await get(`/api/v1/opportunities/${id}/invoices/abc/pdf`)).status).toBe(400);
    expect((await get(`/api/v1/opportunities/${id}/invoices/${invoiceId}/pdf`, 'wrong-key')).status).toBe(401);
  });

  it('is in the OpenAPI document as an API-key operation that answers application/pdf', async () => {
    const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, { get?: { operationId: string; security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> } }> };
    const op = doc.paths['/api/v1/opportunities/{id}/invoices/{invoiceId}/pdf']?.get;
    expect(op?.operationId).toBe('getInvoicePdf');
    expect(Object.keys(op!.responses['200']!.content!)).toEqual(['application/pdf']);
    expect(op!.security).toBeDefined();
  });
});
