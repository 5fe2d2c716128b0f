/**
 * The access log of patient-data reads (migration 0008): written before the data is sent, so a
 * read that could not be logged is not answered; never changed. Only this module reads or
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
  /** why the caller may see it, e.g. "the inpatient unit of the stay" */
  purpose: string;
}

const table = (db: Kysely<Database>) => db.withTables<{ access_log: AccessLogTable }>();

const rowOf = (e: Omit<AccessLogEntry, 'entryId' | 'at'>): AccessLogTable => ({
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
});

/**
 * Writes access-log entries with group commit: each `record` resolves once its row is stored
 * (the caller sends the data only then), and the entries of requests arriving while one insert
 * runs go together in the next one — one statement per burst instead of one per read.
 */
export class AccessLogWriter {
  private queue: { row: AccessLogTable; done: (err?: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Database>) {}

  record(e: Omit<AccessLogEntry, 'entryId' | 'at'>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row: rowOf(e), done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await table(this.db).insertInto('access_log').values(batch.map((b) => b.row)).execute();
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
    this.flushing = false;
  }
}

export interface AccessLogFilter {
  region: string;
  patientRef?: string;
  userId?: string;
  organisation?: string;
  processId?: string;
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
  };
}
