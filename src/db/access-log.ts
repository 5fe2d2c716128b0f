/**
 * The access log of patient-data reads (migration 0008): written before the data is sent, so a
 * read that could not be logged is not answered; never changed. Since migration 0011 it also
 * holds the refused attempts (`outcome: 'refused'`, with the reason) and the auditors' own
 * searches by patient (issue 17). Only this module reads or
 * writes the table; auditors query it through GET /api/audit/access-log.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Instant } from './schema';

export interface AccessLogTable {
  entry_id: string;
  at: Instant;
  user_id: string;
  role: string;
  organisation: string;
  region: string;
  endpoint: string;
  process_type: string | null;
  process_id: string | null;
  patient_refs: unknown;
  purpose: string;
  outcome: 'granted' | 'refused';
  refusal: string | null;
}

export interface AccessLogEntry {
  entryId: string;
  at: string;
  userId: string;
  role: string;
  organisation: string;
  region: string;
  /** method and route, e.g. "GET /api/episodes/{episodeId}" */
  endpoint: string;
  processType: string | null;
  processId: string | null;
  /** pseudonymous patient references of every patient in the answer */
  patientRefs: string[];
  /** why the caller may see it, e.g. "the inpatient unit of the stay"; for a refused attempt, what was attempted */
  purpose: string;
  /** 'granted': patient data was sent (the default); 'refused': the attempt was refused and nothing was sent */
  outcome: 'granted' | 'refused';
  /** why it was refused (the answer's code and the reason); null when granted */
  refusal: string | null;
}

/** An entry to write: a granted access unless `outcome` says otherwise. */
export type NewAccessLogEntry = Omit<AccessLogEntry, 'entryId' | 'at' | 'outcome' | 'refusal'> & Partial<Pick<AccessLogEntry, 'outcome' | 'refusal'>>;

const table = (db: Kysely<Database>) => db.withTables<{ access_log: AccessLogTable }>();

const rowOf = (e: NewAccessLogEntry): AccessLogTable => ({
  entry_id: randomUUID(),
  at: new Date().toISOString(),
  user_id: e.userId,
  role: e.role,
  organisation: e.organisation,
  region: e.region,
  endpoint: e.endpoint,
  process_type: e.processType,
  process_id: e.processId,
  patient_refs: JSON.stringify(e.patientRefs),
  purpose: e.purpose,
  outcome: e.outcome ?? 'granted',
  refusal: e.refusal ?? null,
});

/** An entry taken down but not yet necessarily stored; `write()` resolves once it is. */
export interface HeldEntry {
  write(): Promise<void>;
}

interface Pending {
  row: AccessLogTable;
  sent: boolean;
  stored: Promise<void>;
  settle: (err?: unknown) => void;
}

/**
 * Writes access-log entries with group commit. `hold` takes an entry down when a request starts
 * reading; `write()` stores it — together with every other entry held at that moment, in one
 * INSERT — and resolves once it is stored. The caller sends patient data only then. While one
 * request's read (an Update, a query) runs, the entries of the requests arriving meanwhile are
 * held too, so the first of them to finish stores them all: one statement per burst of
 * requests instead of one per read.
 */
export class AccessLogWriter {
  private held: Pending[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  hold(e: NewAccessLogEntry): HeldEntry {
    let settle!: (err?: unknown) => void;
    const stored = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
    // never an unhandled rejection: a held entry's failure reaches whoever awaits write()
    stored.catch(() => undefined);
    const p: Pending = { row: rowOf(e), sent: false, stored, settle };
    this.held.push(p);
    return {
      write: () => {
        if (!p.sent) void this.insert(this.held.splice(0));
        return p.stored;
      },
    };
  }

  /** Stores one entry now (with whatever else is held). */
  record(e: NewAccessLogEntry): Promise<void> {
    return this.hold(e).write();
  }

  private async insert(batch: Pending[]): Promise<void> {
    for (const b of batch) b.sent = true;
    for (let i = 0; i < batch.length; i += 500) {
      const chunk = batch.slice(i, i + 500);
      try {
        await table(this.db).insertInto('access_log').values(chunk.map((b) => b.row)).execute();
        for (const b of chunk) b.settle();
      } catch (err) {
        for (const b of chunk) b.settle(err);
      }
    }
  }
}

export interface AccessLogFilter {
  region: string;
  patientRef?: string;
  userId?: string;
  organisation?: string;
  processId?: string;
  outcome?: 'granted' | 'refused';
  from?: string;
  to?: string;
  limit: number;
  /** [at, entryId] of the last entry of the previous page */
  before?: [string, string];
}

/** Newest first, keyset-paged. */
export async function queryAccessLog(db: Kysely<Database>, f: AccessLogFilter): Promise<{ entries: AccessLogEntry[]; nextCursor: string | null }> {
  let q = table(db).selectFrom('access_log').selectAll().where('region', '=', f.region);
  if (f.patientRef) q = q.where(sql<boolean>`patient_refs @> ${JSON.stringify([f.patientRef])}::jsonb`);
  if (f.userId) q = q.where('user_id', '=', f.userId);
  if (f.organisation) q = q.where('organisation', '=', f.organisation);
  if (f.processId) q = q.where('process_id', '=', f.processId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.before) {
    const [at, id] = f.before;
    q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('entry_id', '<', id)])]));
  }
  const rows = await q.orderBy('at', 'desc').orderBy('entry_id', 'desc').limit(f.limit + 1).execute();
  const entries = rows.slice(0, f.limit).map(fromRow);
  const last = entries[entries.length - 1];
  const nextCursor = rows.length > f.limit && last ? Buffer.from(JSON.stringify([last.at, last.entryId])).toString('base64url') : null;
  return { entries, nextCursor };
}

function fromRow(r: AccessLogTable): AccessLogEntry {
  const refs = typeof r.patient_refs === 'string' ? JSON.parse(r.patient_refs) : r.patient_refs;
  return {
    entryId: r.entry_id,
    at: new Date(r.at).toISOString(),
    userId: r.user_id,
    role: r.role,
    organisation: r.organisation,
    region: r.region,
    endpoint: r.endpoint,
    processType: r.process_type,
    processId: r.process_id,
    patientRefs: refs as string[],
    purpose: r.purpose,
    outcome: r.outcome,
    refusal: r.refusal,
  };
}
