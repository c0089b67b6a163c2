import { Router } from 'express';
import type { EmulatorControl } from '../emulators/salesforce';
import { invoiceStatus } from '../sync/payment-status';

type Rec = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * For the local preview only: what `OpportunityBillingController.getBillingSummary` would return in a real
 * org, read from the Salesforce emulator's records (formula fields computed here when the emulator
 * leaves them empty). The real org never calls this; Apex reads the same records with SOQL.
 */
export function previewDataRouter(sf: EmulatorControl, today = () => new Date().toISOString().slice(0, 10)): Router {
  const router = Router();
  router.get('/preview-data/opportunity/:id', (req, res) => {
    const opp = sf.record('Opportunity', req.params.id);
    if (!opp) {
      res.status(404).json({ message: `No Opportunity ${req.params.id} in the demo org.` });
      return;
    }
    const id = String(opp.Id);
    const invoices = sf
      .query(`SELECT Id, Name, Doc_Number__c, Txn_Date__c, Due_Date__c, Total__c, Balance__c, Currency__c, Voided__c, Last_Payment_Date__c, QuickBooks_Key__c FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${id}' ORDER BY Txn_Date__c DESC`)
      .map((inv: Rec): Rec => {
        const total = num(inv.Total__c);
        const balance = num(inv.Balance__c);
        const due = (inv.Due_Date__c as string | null) ?? null;
        const status = invoiceStatus({ total, balance, dueDate: due, voided: Boolean(inv.Voided__c) }, today());
        const overdueDays = status === 'Overdue' && due ? Math.floor((Date.parse(today()) - Date.parse(due)) / 86_400_000) : 0;
        const [realm, invoiceId] = String(inv.QuickBooks_Key__c).split(':');
        return {
          ...inv,
          Amount_Paid__c: Math.round((total - balance) * 100) / 100,
          Status__c: status,
          Days_Overdue__c: overdueDays,
          QuickBooks_Url__c: `https://app.sandbox.qbo.intuit.com/app/invoice?txnId=${invoiceId}&realm=${realm}`,
        };
      });
    const invoiceIds = invoices.map((inv) => `'${String(inv.Id)}'`);
    const payments = invoiceIds.length
      ? sf.query(`SELECT Id, Name, Invoice__c, Amount__c, Payment_Date__c, Method__c FROM QuickBooks_Payment__c WHERE Invoice__c IN (${invoiceIds.join(',')}) ORDER BY Payment_Date__c DESC`)
      : [];
    res.json({ opportunity: opp, invoices, payments, canRetry: true });
  });
  return router;
}
