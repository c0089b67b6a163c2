/**
 * The default company: a US company with automated sales tax, the usual terms, TAX/NON codes, the
 * accounts invoices and payments need, and a few items with SKUs. Seeding raises no webhooks.
 */
import type { EmulatorOptions } from './options';
import type { Entity } from './json';
import type { RealmStore } from './store';
import { currencyRef } from './entities/context';

const ADDRESS = { Line1: '2600 Marine Way', City: 'Mountain View', CountrySubDivisionCode: 'CA', PostalCode: '94043', Country: 'US' };

function preferences(options: EmulatorOptions): Entity {
  return {
    AccountingInfoPrefs: { TrackDepartments: false, ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: false, CustomerTerminology: 'Customers' },
    ProductAndServicesPrefs: { ForSales: true, ForPurchase: true, QuantityWithPriceAndRate: true, QuantityOnHand: true },
    SalesFormsPrefs: {
      CustomField: [
        {
          CustomField: [
            { Name: 'SalesFormsPrefs.UseSalesCustom1', Type: 'BooleanType', BooleanValue: true },
            { Name: 'SalesFormsPrefs.SalesCustomName1', Type: 'StringType', StringValue: 'Crew #' },
          ],
        },
      ],
      CustomTxnNumbers: false,
      AllowDeposit: false,
      AllowDiscount: true,
      DefaultDiscountAccount: '5',
      AllowEstimates: true,
      AllowServiceDate: true,
      AllowShipping: false,
      DefaultShippingAccount: false,
      IPNSupportEnabled: false,
      ETransactionEnabledStatus: 'NotApplicable',
      EmailCopyToCompany: false,
    },
    EmailMessagesPrefs: { InvoiceMessage: { Subject: 'Invoice [Invoice No.] from Ledgerline Demo Co', Message: 'Dear [Name],\n\nPlease find your invoice attached.' } },
    VendorAndPurchasesPrefs: { TrackingByCustomer: true, BillableExpenseTracking: true, POCustomField: [] },
    TimeTrackingPrefs: { UseServices: true, BillCustomers: true, ShowBillRateToAll: false, WorkWeekStartDate: 'Monday', MarkTimeEntriesBillable: true },
    TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: options.automatedSalesTax, TaxGroupCodeRef: { value: '2' } },
    CurrencyPrefs: { MultiCurrencyEnabled: options.multiCurrency, HomeCurrency: { value: options.homeCurrency } },
    ReportPrefs: { ReportBasis: 'Accrual', CalcAgingReportFromTxnDate: false },
    OtherPrefs: { NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: 'Thank you for your business.' }] },
  };
}

function companyInfo(realmId: string): Entity {
  return {
    CompanyName: 'Ledgerline Demo Co',
    LegalName: 'Ledgerline Demo Co LLC',
    CompanyAddr: { Id: '1', ...ADDRESS },
    CustomerCommunicationAddr: { Id: '1', ...ADDRESS },
    LegalAddr: { Id: '1', ...ADDRESS },
    PrimaryPhone: { FreeFormNumber: '(650) 555-0100' },
    CompanyStartDate: '2024-01-01',
    FiscalYearStartMonth: 'January',
    Country: 'US',
    Email: { Address: 'billing@ledgerline.example' },
    WebAddr: {},
    SupportedLanguages: 'en',
    NameValue: [
      { Name: 'NeoEnabled', Value: 'true' },
      { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
      { Name: 'IsQbdtMigrated', Value: 'false' },
      { Name: 'CompanyType', Value: 'Other' },
      { Name: 'SubscriptionStatus', Value: 'PAID' },
      { Name: 'RealmId', Value: realmId },
    ],
  };
}

const ACCOUNTS: Array<[string, string, string, string]> = [
  ['Services', 'Income', 'ServiceFeeIncome', 'Revenue'],
  ['Sales of Product Income', 'Income', 'SalesOfProductIncome', 'Revenue'],
  ['Accounts Receivable (A/R)', 'Accounts Receivable', 'AccountsReceivable', 'Asset'],
  ['Undeposited Funds', 'Other Current Asset', 'UndepositedFunds', 'Asset'],
  ['Discounts given', 'Income', 'DiscountsRefundsGiven', 'Revenue'],
  ['Cost of Goods Sold', 'Cost of Goods Sold', 'SuppliesMaterialsCogs', 'Expense'],
  ['Inventory Asset', 'Other Current Asset', 'Inventory', 'Asset'],
  ['Checking', 'Bank', 'Checking', 'Asset'],
];

const TERMS: Array<[string, number]> = [
  ['Due on receipt', 0],
  ['Net 15', 15],
  ['Net 30', 30],
  ['Net 45', 45],
  ['Net 60', 60],
];

const ITEMS: Array<{ Name: string; Sku?: string; UnitPrice: number; Type: string; Taxable: boolean; Description: string; account: string }> = [
  { Name: 'Services', UnitPrice: 0, Type: 'Service', Taxable: false, Description: 'General services', account: '1' },
  { Name: 'Consulting Hours', Sku: 'CONS-HR', UnitPrice: 150, Type: 'Service', Taxable: true, Description: 'Consulting, per hour', account: '1' },
  { Name: 'Implementation Package', Sku: 'IMPL-PKG', UnitPrice: 5000, Type: 'Service', Taxable: true, Description: 'Fixed-price implementation', account: '1' },
  { Name: 'Annual Subscription', Sku: 'SUB-ANN', UnitPrice: 12000, Type: 'Service', Taxable: true, Description: 'Software subscription, 12 months', account: '2' },
  { Name: 'Hardware Kit', Sku: 'HW-KIT', UnitPrice: 450, Type: 'NonInventory', Taxable: true, Description: 'Hardware starter kit', account: '2' },
];

export function seedRealm(store: RealmStore, options: EmulatorOptions): void {
  const silent = { silent: true };
  store.insert('CompanyInfo', companyInfo(store.realmId), { id: '1', ...silent });
  store.insert('Preferences', preferences(options), { id: '1', ...silent });
  ACCOUNTS.forEach(([Name, AccountType, AccountSubType, Classification]) => {
    store.insert('Account', {
      Name, SubAccount: false, FullyQualifiedName: Name, Active: true, Classification, AccountType, AccountSubType,
      CurrentBalance: 0, CurrentBalanceWithSubAccounts: 0, CurrencyRef: currencyRef(options.homeCurrency),
    }, silent);
  });
  store.insert('TaxRate', {
    Name: 'California', Description: 'Sales Tax', Active: true, RateValue: options.taxRatePercent, AgencyRef: { value: '1' },
    SpecialTaxType: 'NONE', DisplayType: 'ReadOnly', EffectiveTaxRate: [{ RateValue: options.taxRatePercent, EffectiveDate: '2024-01-01T00:00:00-08:00' }],
  }, { id: '1', ...silent });
  store.insert('TaxCode', { Name: 'TAX', Description: 'TAX', Active: true, Hidden: false, Taxable: true, TaxGroup: false }, { id: 'TAX', ...silent });
  store.insert('TaxCode', { Name: 'NON', Description: 'NON', Active: true, Hidden: false, Taxable: false, TaxGroup: false }, { id: 'NON', ...silent });
  store.insert('TaxCode', {
    Name: 'California', Description: 'California', Active: true, Hidden: false, Taxable: true, TaxGroup: true,
    SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '1', name: 'California' }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 }] },
    PurchaseTaxRateList: { TaxRateDetail: [] },
  }, { id: '2', ...silent });
  // The currencies the company may bill in besides its home currency (used once multicurrency is on).
  for (const code of Object.keys(options.exchangeRates)) if (code !== options.homeCurrency) store.insert('CompanyCurrency', { Code: code, Name: code, Active: true }, silent);
  TERMS.forEach(([Name, DueDays]) => store.insert('Term', { Name, Active: true, Type: 'STANDARD', DiscountPercent: 0, DueDays, DiscountDays: 0 }, silent));
  for (const item of ITEMS) {
    const { account, ...rest } = item;
    store.insert('Item', {
      ...rest, FullyQualifiedName: item.Name, Active: true, PurchaseCost: 0, TrackQtyOnHand: false,
      IncomeAccountRef: { value: account, name: ACCOUNTS[Number(account) - 1]![0] },
    }, silent);
  }
}
