import type { Connection } from 'jsforce';
import { AppError } from '../errors';
import { classifySalesforceError, refusalFix, type SaveResult } from '../salesforce/records';
import { Batcher } from '../util/batcher';
import type { Gathering } from '../util/gathering';

type SfRecord = Record<string, unknown>;

/** One record of a combined write (see `together`): an update (`keyField` Id) or an upsert by an external id. */
export interface CombinedWrite {
  sobject: string;
  keyField: string;
  record: SfRecord;
}

/**
 * sObject-collection subrequests per /composite call: Salesforce allows 25 subrequests, of which at most 5 may be
 * queries or sObject collections; each collection holds up to 200 records.
 */
const COMPOSITE_SUBREQUESTS = 5;
const COLLECTION_SIZE = 200;
/** The REST API version the /composite subrequest URLs name when the connection does not say. */
const DEFAULT_API_VERSION = '59.0';

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

  /**
   * Writes records of several objects in one `/composite` call (allOrNone false): one sObject-collection
   * subrequest per object and key field (≤ 200 records each), in the order their first record comes, so Salesforce
   * applies e.g. invoice records, then Accounts, then Opportunities. Every record learns its own fate (true or its
   * error, as a collection call's); the sync policy's guard refuses a record before anything is sent. More than 5
   * collections go in further calls, in order. `collateSubrequests` is off, so Salesforce keeps that order (from API
   * 49.0 it may otherwise regroup subrequests). Not gathered: the caller (the roll-ups' run) has gathered already.
   */
  async together(writes: CombinedWrite[]): Promise<Array<true | Error>> {
    const out: Array<true | Error> = new Array<true | Error>(writes.length);
    const groups = new Map<string, number[]>();
    writes.forEach((w, i) => {
      try {
        this.guard?.(w.sobject, w.record, w.keyField);
      } catch (error) {
        out[i] = error instanceof Error ? error : new Error(String(error));
        return;
      }
      const group = `${w.sobject}|${w.keyField}`;
      groups.set(group, [...(groups.get(group) ?? []), i]);
    });
    const subrequests: number[][] = [];
    for (const indexes of groups.values()) for (let i = 0; i < indexes.length; i += COLLECTION_SIZE) subrequests.push(indexes.slice(i, i + COLLECTION_SIZE));
    if (subrequests.length === 0) return out;
    const conn = await this.conn();
    const version = (conn as { version?: string }).version ?? DEFAULT_API_VERSION;
    for (let s = 0; s < subrequests.length; s += COMPOSITE_SUBREQUESTS) {
      const batch = subrequests.slice(s, s + COMPOSITE_SUBREQUESTS);
      const compositeRequest = batch.map((indexes, n) => {
        const { sobject, keyField } = writes[indexes[0]!]!;
        const records = indexes.map((i) => ({ attributes: { type: sobject }, ...writes[i]!.record }));
        return {
          method: 'PATCH',
          url: keyField === 'Id' ? `/services/data/v${version}/composite/sobjects` : `/services/data/v${version}/composite/sobjects/${sobject}/${keyField}`,
          referenceId: `w${n}`,
          body: { allOrNone: false, records },
        };
      });
      this.calls += 1;
      let answer: { compositeResponse?: Array<{ body: unknown; httpStatusCode: number }> };
      try {
        answer = await conn.requestPost(`/services/data/v${version}/composite`, { allOrNone: false, collateSubrequests: false, compositeRequest });
      } catch (error) {
        const count = batch.reduce((t, b) => t + b.length, 0);
        throw classifySalesforceError(error, `combined write of ${count} records`);
      }
      batch.forEach((indexes, n) => {
        const sub = answer.compositeResponse?.[n];
        const { sobject, keyField } = writes[indexes[0]!]!;
        const records = indexes.map((i) => writes[i]!.record);
        // A refused subrequest (HTTP 4xx, e.g. an unknown field) fails each of its records with its error.
        const results: SaveResult[] =
          sub && sub.httpStatusCode < 300 && Array.isArray(sub.body)
            ? (sub.body as SaveResult[])
            : records.map((): SaveResult => ({ id: null, success: false, errors: subrequestErrors(sub?.body) }));
        const outcome = this.outcomes(sobject, keyField, records, results);
        indexes.forEach((i, k) => (out[i] = outcome[k]!));
      });
    }
    return out;
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
    const outcome = this.outcomes(sobject, keyField, records, results);
    return new Map(ids.map((id, index) => [id, outcome[index]!]));
  }

  /** Each record's fate from its SaveResult; tells `written` of the records written. */
  private outcomes(sobject: string, keyField: string, records: SfRecord[], results: SaveResult[]): Array<true | Error> {
    const written: SfRecord[] = [];
    const out = records.map((record, index): true | Error => {
      const result = results[index];
      if (result?.success) {
        written.push(record);
        return true;
      }
      const first = result?.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'no result returned' };
      const retryable = first.statusCode === 'UNABLE_TO_LOCK_ROW' || first.statusCode === 'REQUEST_LIMIT_EXCEEDED';
      const recordKey = String(record[keyField]);
      return new AppError('SALESFORCE_ERROR', `Salesforce refused the write to ${sobject} ${recordKey}: ${(result?.errors?.length ? result.errors : [first]).map((e) => `${e.statusCode}: ${e.message}`).join(' ')}`, {
        retryable,
        fix: retryable ? undefined : refusalFix(first.statusCode, first.message, sobject, first.fields ?? []),
        details: { statusCode: first.statusCode, fields: first.fields },
      });
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

/** The errors of a refused /composite subrequest (`[{errorCode, message, fields}]`) as SaveResult errors. */
function subrequestErrors(body: unknown): Array<{ statusCode: string; message: string; fields: string[] }> {
  const list = Array.isArray(body) ? (body as Array<{ errorCode?: string; message?: string; fields?: string[] }>) : [];
  const errors = list.map((e) => ({ statusCode: e.errorCode ?? 'UNKNOWN', message: e.message ?? 'the subrequest was refused', fields: e.fields ?? [] }));
  return errors.length > 0 ? errors : [{ statusCode: 'UNKNOWN', message: 'no result returned', fields: [] }];
}
