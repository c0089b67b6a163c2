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
    } finally {
      await stack.close();
    }
  });
});
