import { classifySalesforceError, refusalFix } from './records';

describe('Salesforce refusals: the fix for the admin', () => {
  it('names the fields to grant Edit on, from the result or from the message', () => {
    expect(refusalFix('INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: Invoice_Total__c.', 'Opportunity', ['Invoice_Total__c'])).toContain(
      'give the Ledgerline_Integration permission set Edit access to Opportunity.Invoice_Total__c (Field-Level Security)',
    );
    expect(refusalFix('INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: Open_Balance__c, Overdue_Balance__c. Please check the security settings', 'Account')).toContain(
      'Edit access to Account.Open_Balance__c, Account.Overdue_Balance__c',
    );
  });

  it('names the field to grant Read on for a query that cannot see it', () => {
    expect(refusalFix('INVALID_FIELD', "\nSELECT Id, X__c FROM Opportunity\n^\nERROR at Row:1:Column:12\nNo such column 'X__c' on entity 'Opportunity'. If you are")).toContain('Read access to Opportunity.X__c');
  });

  it('sends a validation rule refusal to the permission set that carries the custom permissions', () => {
    const fix = refusalFix('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Invoice fields come from QuickBooks.', 'Opportunity');
    expect(fix).toContain('A validation rule on Opportunity refused the integration user');
    expect(fix).toContain('Assign the Ledgerline_Integration permission set to the integration user');
  });

  it('does not mistake a query error\'s column number for an HTTP 5xx', () => {
    const error = Object.assign(new Error("\nSELECT …\nERROR at Row:1:Column:512\nNo such column 'Y__c' on entity 'Account'."), { errorCode: 'INVALID_FIELD' });
    const classified = classifySalesforceError(error, 'query of 1 Accounts');
    expect(classified.retryable).toBe(false);
    expect(classified.fix).toContain('Read access to Account.Y__c');
    expect(classifySalesforceError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'x').retryable).toBe(true);
  });
});
