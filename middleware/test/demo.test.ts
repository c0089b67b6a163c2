import { runDemo } from '../src/demo/main';

/** The README's main command must keep working: the demo runs start to finish on embedded defaults. */
describe('npm run demo', () => {
  it('invoices the billable deals, explains the others and shows payments flowing back', async () => {
    const lines: string[] = [];
    const { stack, invoices, errors } = await runDemo({ exit: true, port: 0, out: (line) => lines.push(line) });
    try {
      expect({ invoices, errors }).toEqual({ invoices: 2, errors: 2 });
      const text = lines.join('\n');
      expect(text).toMatch(/invoice #\d+ for "Acme Corporation", total 19,080\.00 \(tax 1,080\.00\)/);
      expect(text).toContain(`for "O'Brien & Sons - Plumbing"`);
      expect(text).toContain('SKU LEGACY-9) has no matching QuickBooks item');
      expect(text).toContain('Account "Globex"');
      // Two distinct keys are made and printed: the Salesforce key is not an admin key.
      expect(stack.adminKey).not.toBe(stack.apiKey);
      expect(text).toContain(`API key (Salesforce's Named Credential) ${stack.apiKey}`);
      expect(text).toContain(`the admin API; any user name) ${stack.adminKey}`);
      expect(text).toMatch(/Final payment of 11448\.00 visible on the Opportunity after \d+ ms: Paid, balance 0/);
      expect(text).toContain(`${stack.url}/ops`);
    } finally {
      await stack.close();
    }
  });

  it('serves the preview its data: the demo records, account receivables and Retry through the middleware', async () => {
    const { stack } = await runDemo({ exit: true, port: 0, out: () => undefined });
    try {
      const records = (await (await fetch(`${stack.url}/preview-data/records`)).json()) as { opportunities: Array<{ Id: string; Name: string }>; accounts: Array<{ Id: string; Name: string }> };
      expect(records.opportunities.map((o) => o.Name)).toEqual(expect.arrayContaining(['Acme — 2027 platform', 'Globex — advisory']));
      const acme = records.accounts.find((a) => a.Name === 'Acme Corporation')!;
      const receivables = await fetch(`${stack.url}/preview-data/account/${acme.Id}`);
      expect(receivables.status).toBe(200);
      expect(await receivables.json()).toMatchObject({
        invoiceCount: 1,
        byStatus: [expect.objectContaining({ status: 'Paid', count: 1 })],
        // Paid in full: nothing to age.
        aging: ['Current', '1-30', '31-60', '61-90', '90+'].map((bucket) => ({ bucket, count: 0, balance: 0 })),
      });
      expect((await fetch(`${stack.url}/preview-data/account/001000000000000AAA`)).status).toBe(404);

      const [invoice] = stack.sf.control.query(`SELECT Id, Doc_Number__c FROM QuickBooks_Invoice__c WHERE Account__c = '${acme.Id}'`);
      const pdf = await fetch(`${stack.url}/preview-data/invoice/${String(invoice!.Id)}/pdf`);
      expect(pdf.status).toBe(200);
      const bytes = Buffer.from(((await pdf.json()) as { pdf: string }).pdf, 'base64').toString('latin1');
      expect(bytes.startsWith('%PDF-')).toBe(true);
      expect(bytes).toContain(`Invoice ${String(invoice!.Doc_Number__c)}`);

      // The preview's Send goes through the middleware's send route: QuickBooks e-mails it, the mirror shows it.
      const sent = await fetch(`${stack.url}/preview-data/invoice/${String(invoice!.Id)}/send?sendTo=${encodeURIComponent('ap+preview@acme.example')}`, { method: 'POST' });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toMatchObject({ emailStatus: 'EmailSent', sentTo: 'ap+preview@acme.example' });
      expect(stack.qbo.control.sentEmails(stack.realmId).map((m) => m.to)).toContain('ap+preview@acme.example');
      expect(stack.sf.control.query(`SELECT Email_Status__c FROM QuickBooks_Invoice__c WHERE Id = '${String(invoice!.Id)}'`)[0]).toMatchObject({ Email_Status__c: 'EmailSent' });

      const globex = records.opportunities.find((o) => o.Name === 'Globex — advisory')!;
      expect(stack.sf.control.record('Opportunity', globex.Id)!.Billing_Sync_Status__c).toBe('Error');
      const retry = await fetch(`${stack.url}/preview-data/opportunity/${globex.Id}/retry`, { method: 'POST' });
      expect(retry.status).toBe(202);
      expect(await retry.json()).toMatchObject({ accepted: [expect.objectContaining({ opportunityId: globex.Id })] });
    } finally {
      await stack.close();
    }
  });
});
