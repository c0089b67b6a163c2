/** What a SOQL query gives back: the rows (records or aggregate results) and the total count. */
export type Row = Record<string, unknown>;
export interface QueryOutput {
  totalSize: number;
  rows: Row[];
}
