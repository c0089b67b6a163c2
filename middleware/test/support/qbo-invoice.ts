/** The part of a QBO emulator invoice the end-to-end tests read. */
export interface QboLine {
  DetailType: string;
  Amount: number;
  Description?: string;
  SalesItemLineDetail: { ItemRef: { name?: string }; Qty: number; ServiceDate?: string };
}

export interface QboInv {
  Id: string;
  TxnDate: string;
  TotalAmt: number;
  Balance: number;
  PrivateNote?: string;
  CurrencyRef: { value: string };
  CustomerRef: { value: string };
  Line: QboLine[];
}
