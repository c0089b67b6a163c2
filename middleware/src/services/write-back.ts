import type { Connection } from 'jsforce';
import { AppError } from '../errors';
import { classifySalesforceError, refusalFix, type SaveResult } from '../salesforce/records';
import { Batcher } from '../util/batcher';
import type { Gathering } from '../util/gathering';

type SfRecord = Record<string, unknown>;

interface WriteKey {
  sobject: string;
  /** `Id` for updates, the external-id field name for upserts. */
  keyField: string;
  key: string;
}

/**
 * Salesforce writes from many concurrent jobs, merged into sObject-collection calls of up to 200 records
 * per object (one call for a whole batch of invoices instead of one per record). With a Gathering, writes wait
 * until every job taking part is waiting (or 200 records are held), so a burst's writes go 200 a call and a
 * deal on its own does not wait at all. Never all-or-none:
 * every job learns the fate of its own record, and a locked row fails only that record (retryable).
 */
export class SalesforceWriteBack {
  private readonly batchers = new Map<string, Batcher<string, true>>();
  private readonly pending = new Map<string, SfRecord>();
  /** Collection calls made, for benchmarks. */
  calls = 0;

  constructor(
    private readonly conn: () => Promise<Connection>,
    private readonly windowMs = 25,
    /** The sync policy's check: throws when a record names a field that may not cross. */
    private readonly guard?: (sobject: string, record: SfRecord, keyField: string) => void,
    /** Told which records of a call were written (live updates); must not throw. */
    private readonly written?: (sobject: string, records: SfRecord[]) => void,
    /** Holds writes until no other job could join (see Gathering) instead of for `windowMs`. */
    private readonly gathering?: Gathering,
    /** Each object's step in an invoicing job, for the gathering (see Gatherer.stage). */
    private readonly stageOf: (sobject: string) => number = () => 0,
  ) {}

  update(sobject: string, record: SfRecord & { Id: string }): Promise<true> {
    return this.guarded(sobject, record, 'Id') ?? this.enqueue({ sobject, keyField: 'Id', key: record.Id }, record);
  }

  upsert(sobject: string, externalIdField: string, record: SfRecord): Promise<true> {
    const key = record[externalIdField];
    if (typeof key !== 'string' || key.length === 0) throw new AppError('INTERNAL', `Upsert of ${sobject} needs ${externalIdField}.`);
    return this.guarded(sobject, record, externalIdField) ?? this.enqueue({ sobject, keyField: externalIdField, key }, record);
  }

  /** Sends the held updates of `sobject` now, with whatever other jobs hold for it, instead of gathering more. */
  send(sobject: string): void {
    this.batchers.get(`${sobject}|Id`)?.flush();
  }

  private guarded(sobject: string, record: SfRecord, keyField: string): Promise<true> | undefined {
    try {
      this.guard?.(sobject, record, keyField);
      return undefined;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private enqueue(target: WriteKey, record: SfRecord): Promise<true> {
    const group = `${target.sobject}|${target.keyField}`;
    const id = `${group}|${target.key}`;
    // Two writes to one record in the same window merge: the later values win field by field.
    this.pending.set(id, { ...(this.pending.get(id) ?? {}), ...record });
    let batcher = this.batchers.get(group);
    if (!batcher) {
      batcher = new Batcher<string, true>((ids) => this.flush(target.sobject, target.keyField, ids), { maxBatch: 200, windowMs: this.windowMs, ...(this.gathering ? { gathering: this.gathering, stage: this.stageOf(target.sobject) } : {}) });
      this.batchers.set(group, batcher);
    }
    return batcher.load(id);
  }

  private async flush(sobject: string, keyField: string, ids: string[]): Promise<Map<string, true | Error>> {
    const records = ids.map((id) => {
      const record = this.pending.get(id)!;
      this.pending.delete(id);
      return record;
    });
    const conn = await this.conn();
    this.calls += 1;
    let results: SaveResult[];
    try {
      const api = conn.sobject(sobject);
      results = (keyField === 'Id'
        ? await api.update(records as Array<SfRecord & { Id: string }>, { allOrNone: false })
        : await api.upsert(records, keyField, { allOrNone: false })) as unknown as SaveResult[];
    } catch (error) {
      throw classifySalesforceError(error, `${keyField === 'Id' ? 'update' : 'upsert'} of ${records.length} ${sobject} records`);
    }
    const out = new Map<string, true | Error>();
    const written: SfRecord[] = [];
    ids.forEach((id, index) => {
      const result = results[index];
      if (result?.success) {
        out.set(id, true);
        written.push(records[index]!);
        return;
      }
      const first = result?.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'no result returned' };
      const retryable = first.statusCode === 'UNABLE_TO_LOCK_ROW' || first.statusCode === 'REQUEST_LIMIT_EXCEEDED';
      const recordKey = String(records[index]![keyField]);
      out.set(
        id,
        new AppError('SALESFORCE_ERROR', `Salesforce refused the write to ${sobject} ${recordKey}: ${(result?.errors?.length ? result.errors : [first]).map((e) => `${e.statusCode}: ${e.message}`).join(' ')}`, {
          retryable,
          fix: retryable ? undefined : refusalFix(first.statusCode, first.message, sobject, first.fields ?? []),
          details: { statusCode: first.statusCode, fields: first.fields },
        }),
      );
    });
    if (written.length) {
      try {
        this.written?.(sobject, written);
      } catch {
        // Live updates are a convenience: they never fail a write.
      }
    }
    return out;
  }
}
