/**
 * The ledger projection, one for every process (docs/domain.md §8, docs/architecture.md "The
 * episode ledger"): what a discharge episode, a home health care enrollment and a single home
 * visit order write after every state change, and how their shared rows read back.
 *
 * One write is one transaction, with the same semantics for every process:
 * 1. the process's own row (episode, enrollment, visit order) under the version guard: when the
 *    ledger already holds this version or a newer one, nothing changes ('stale'), so an activity
 *    retried, or replayed after a worker crash, is harmless;
 * 2. its messages, obligations, deviations and timeline entries (and an episode's ready periods)
 *    by key: a new row is inserted, a changed one brought up to date, an unchanged one left as it
 *    is (no new row version: the embedded PGlite never vacuums), and none is ever deleted. A
 *    years-long enrollment carries only its open and newest items across continue-as-new
 *    (src/domain/home-care/bounded.ts): the ledger, not the workflow, is the full record;
 * 3. the process's view as the API answers with it (process_views, issue 21), at that version.
 *
 * Column names are mapped by Kysely's CamelCasePlugin: the rows below are written and read in
 * the projection's own names. Billing and indicators query the same tables in their SQL names.
 */
import { CamelCasePlugin, sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ProcessType } from '../domain/process';
import type { DeviationRecord, MessageRecord, ObligationRecord, ReadyPeriod } from './projection';
import type { Database, Instant, LocalDate } from './schema';

// ---- the tables in the projection's names -------------------------------------------------------

type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type CamelColumns<Table> = { [C in keyof Table as C extends string ? Camel<C> : C]: Table[C] };
/** The ledger's tables and columns as the CamelCasePlugin shows them (`home_care_enrollments.enrolled_at` → `homeCareEnrollments.enrolledAt`). */
export type CamelDatabase = { [T in keyof Database as T extends string ? Camel<T> : T]: CamelColumns<Database[T]> };

/** The ledger in the projection's names. Nested JSON (a view, a deviation's comments) keeps its own keys. */
export const inCamelCase = (db: Kysely<Database>): Kysely<CamelDatabase> =>
  db.withPlugin(new CamelCasePlugin({ maintainNestedObjectKeys: true })) as unknown as Kysely<CamelDatabase>;

/** Each process's own table and its key column. */
const OWN_TABLE = {
  discharge: { table: 'episodes', key: 'episodeId' },
  homeHealthCare: { table: 'homeCareEnrollments', key: 'enrollmentId' },
  singleHomeVisit: { table: 'homeVisitOrders', key: 'orderId' },
} as const satisfies Record<ProcessType, { table: keyof CamelDatabase; key: string }>;

type OwnTables = typeof OWN_TABLE;
/** The row of a process's own table, as its projection writes it. */
export type OwnRow<P extends ProcessType> = Insertable<CamelDatabase[OwnTables[P]['table']]>;

// ---- what a projection is -------------------------------------------------------------------------

/** One entry of a process's timeline (the domain's `TimelineEntry`), as the ledger keeps it. */
export interface TimelineRecord {
  seq: number;
  action: string;
  occurredAt: Instant;
  recordedAt: Instant;
  actor?: { userId: string; organisation: string };
  summary: string;
  messageId?: string;
  deviationId?: string;
}

/** What one process's projection writes: its own row, its shared rows, and its view. */
export interface ProcessProjection<P extends ProcessType> {
  processType: P;
  /** the process's own row; its key and `version` identify the write */
  row: OwnRow<P>;
  region: string;
  /** kommunkod of the patient's municipality (deviation reports and worklists filter by it) */
  municipality: string;
  messages: readonly MessageRecord[];
  obligations: readonly ObligationRecord[];
  deviations: readonly DeviationRecord[];
  timeline: readonly TimelineRecord[];
  /** a discharge episode's ready periods (§7) */
  readyPeriods?: readonly ReadyPeriod[];
  /** the view the API answers with at this version (process_views); none → left as it is */
  view?: unknown;
}

export type WriteResult = 'inserted' | 'updated' | 'stale';

// ---- the write ----------------------------------------------------------------------------------

/** Writes a process's projection (the semantics are at the top of this file). */
export async function writeProjection<P extends ProcessType>(db: Kysely<Database>, p: ProcessProjection<P>): Promise<WriteResult> {
  const { table, key } = OWN_TABLE[p.processType];
  const row = p.row as Record<string, unknown>;
  const processId = row[key] as string;
  const version = row.version as number;
  if (!Number.isInteger(version) || version < 1) throw new Error(`${p.processType} ${processId}: version must be a positive integer, got ${String(version)}`);
  const owner = { processType: p.processType, processId };

  return inCamelCase(db).transaction().execute(async (trx) => {
    const written = await upsertOwnRow(trx, table, key, row);
    if (written === 'stale') return written;
    const deviationIds = p.deviations.map((d) => d.deviationId);
    await refuseDeviationsOfOthers(trx, owner, deviationIds);
    await upsertByKey(trx, 'episodeReadyPeriods', ['episodeId', 'seq'], (p.readyPeriods ?? []).map((r) => readyPeriodRow(processId, r)));
    await upsertByKey(trx, 'messages', ['processType', 'processId', 'messageId'], p.messages.map((m) => messageRow(owner, m)));
    await upsertByKey(trx, 'obligations', ['processType', 'processId', 'obligationId'], p.obligations.map((o) => obligationRow(owner, p.municipality, o)));
    await upsertByKey(trx, 'deviations', ['deviationId', 'processType', 'processId'], p.deviations.map((d) => deviationRow(owner, p.region, p.municipality, d)));
    await upsertByKey(trx, 'processTimeline', ['processType', 'processId', 'seq'], p.timeline.map((e) => timelineRow(owner, e)));
    if (p.view !== undefined) await upsertView(trx, owner, version, p.view);
    return written;
  });
}

/**
 * The process's own row, unless the ledger holds this version or a newer one. The conflicting row
 * is locked by the upsert, so concurrent writers of one process queue up and the guard holds.
 * No row back: the guard refused. `xmax = 0` tells an insert from an update (an updated row
 * version carries the updating transaction's id in xmax).
 */
async function upsertOwnRow(trx: Transaction<CamelDatabase>, table: OwnTables[ProcessType]['table'], key: string, row: Record<string, unknown>): Promise<WriteResult> {
  const { [key]: _key, ...changes } = row;
  // One statement for three tables: Kysely cannot type an insert into a union of tables, hence the casts.
  const written = await trx
    .insertInto(table)
    .values(row as never)
    .onConflict((oc) =>
      oc
        .column(key as never)
        .doUpdateSet({ ...changes, updatedAt: sql<Instant>`now()` } as never)
        .whereRef(`${table}.version` as never, '<', 'excluded.version' as never),
    )
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst();
  if (written === undefined) return 'stale';
  return written.inserted ? 'inserted' : 'updated';
}

type SharedTable = 'episodeReadyPeriods' | 'messages' | 'obligations' | 'deviations' | 'processTimeline';

/**
 * Inserts the rows, and brings a stored row with the same key up to date where a value differs.
 * `fixed` are the columns a stored row keeps (its key, and who owns it).
 */
async function upsertByKey(trx: Transaction<CamelDatabase>, table: SharedTable, fixed: readonly string[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return; // Kysely refuses an insert without rows
  const changeable = Object.keys(rows[0]).filter((c) => !fixed.includes(c));
  const conflictKey = fixed.filter((c) => table !== 'deviations' || c === 'deviationId'); // deviation ids are global
  await trx
    .insertInto(table)
    .values(rows as never)
    .onConflict((oc) =>
      oc
        .columns(conflictKey as never)
        .doUpdateSet(Object.fromEntries(changeable.map((c) => [c, sql.ref(`excluded.${c}`)])) as never)
        .where(sql<boolean>`(${sql.join(changeable.map((c) => sql.ref(`${table}.${c}`)))}) is distinct from (${sql.join(changeable.map((c) => sql.ref(`excluded.${c}`)))})`),
    )
    .execute();
}

/** Deviation ids are global: a process may not take over another's deviation (the write fails and changes nothing). */
async function refuseDeviationsOfOthers(trx: Transaction<CamelDatabase>, owner: Owner, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const taken = await trx
    .selectFrom('deviations')
    .select(['deviationId', 'processType', 'processId'])
    .where('deviationId', 'in', ids)
    .where((eb) => eb.or([eb('processType', '!=', owner.processType), eb('processId', '!=', owner.processId)]))
    .executeTakeFirst();
  if (taken) throw new Error(`ledger: deviation ${taken.deviationId} belongs to ${taken.processType} ${taken.processId}, not to ${owner.processType} ${owner.processId}`);
}

async function upsertView(trx: Transaction<CamelDatabase>, owner: Owner, version: number, view: unknown): Promise<void> {
  await trx
    .insertInto('processViews')
    .values({ ...owner, version, view: JSON.stringify(view) })
    .onConflict((oc) =>
      oc
        .columns(['processType', 'processId'])
        .doUpdateSet({ version, view: (eb) => eb.ref('excluded.view'), projectedAt: sql<Instant>`now()` })
        .where('processViews.version', '<', version),
    )
    .execute();
}

// ---- records ↔ rows -----------------------------------------------------------------------------

interface Owner {
  processType: ProcessType;
  processId: string;
}

const readyPeriodRow = (episodeId: string, r: ReadyPeriod) => ({
  episodeId,
  seq: r.seq,
  readyDate: date('readyPeriods.readyDate', r.readyDate),
  endedDate: optDate('readyPeriods.endedDate', r.endedDate),
  endReason: r.endReason ?? null,
  withdrawalReason: r.withdrawalReason ?? null,
});

const messageRow = (owner: Owner, m: MessageRecord) => ({
  ...owner,
  messageId: m.messageId,
  type: m.type,
  version: m.version,
  senderKind: m.sender.kind,
  senderId: m.sender.id,
  sentAt: instant('messages.sentAt', m.sentAt),
  recordedAt: instant('messages.recordedAt', m.recordedAt),
});

const obligationRow = (owner: Owner, municipality: string, o: ObligationRecord) => ({
  ...owner,
  obligationId: o.obligationId,
  kind: o.kind,
  messageId: o.messageId ?? null,
  responsibleKind: o.responsible.kind,
  responsibleId: o.responsible.id,
  dueAt: instant('obligations.dueAt', o.dueAt),
  metAt: optInstant('obligations.metAt', o.metAt),
  status: o.status,
  deviationType: o.deviationType,
  deviationId: o.deviationId ?? null,
  municipality,
});

/** Every column explicitly, `?? null` included: a field lost in JSON must clear the column. */
const deviationRow = (owner: Owner, region: string, municipality: string, d: DeviationRecord) => ({
  deviationId: d.deviationId,
  ...owner,
  region,
  municipality,
  type: d.type,
  responsibleKind: d.responsible.kind,
  responsibleId: d.responsible.id,
  description: d.description,
  obligationId: d.obligationId ?? null,
  deadlineAt: instant('deviations.deadlineAt', d.deadlineAt),
  detectedAt: instant('deviations.detectedAt', d.detectedAt),
  status: d.status,
  resolvedAt: optInstant('deviations.resolvedAt', d.resolvedAt),
  closedAt: optInstant('deviations.closedAt', d.closedAt),
  closedBy: d.closedBy ?? null,
  comment: d.comment ?? null,
  downtime: d.downtime ?? false,
  escalation: d.escalation ?? 'none',
  reportedBy: d.reportedBy ?? null,
  withdrawnAt: optInstant('deviations.withdrawnAt', d.withdrawnAt),
  // the coordinators' side (§6, migration 0005)
  escalatedAt: optInstant('deviations.escalatedAt', d.escalatedAt),
  escalationAcknowledgedAt: optInstant('deviations.escalationAcknowledgedAt', d.escalationAcknowledgedAt),
  escalationAcknowledgedBy: d.escalationAcknowledgedBy ?? null,
  // stored as the unit handling it: the responsible one unless a coordinator reassigned it
  assignedKind: d.assignedTo?.kind ?? d.responsible.kind,
  assignedId: d.assignedTo?.id ?? d.responsible.id,
  resolution: d.resolution ?? null,
  comments: d.comments && d.comments.length ? JSON.stringify(d.comments) : null,
});

const timelineRow = (owner: Owner, e: TimelineRecord) => ({
  ...owner,
  seq: e.seq,
  action: e.action,
  occurredAt: instant('timeline.occurredAt', e.occurredAt),
  recordedAt: instant('timeline.recordedAt', e.recordedAt),
  actorUserId: e.actor?.userId ?? null,
  actorOrganisation: e.actor?.organisation ?? null,
  summary: e.summary,
  messageId: e.messageId ?? null,
  deviationId: e.deviationId ?? null,
});

type Row<T extends keyof CamelDatabase> = Selectable<CamelDatabase[T]>;

export const readyPeriodOf = (r: Row<'episodeReadyPeriods'>): ReadyPeriod => ({
  seq: r.seq,
  readyDate: r.readyDate,
  endedDate: r.endedDate,
  endReason: r.endReason as ReadyPeriod['endReason'],
  withdrawalReason: r.withdrawalReason,
});

export const messageOf = (r: Row<'messages'>): MessageRecord => ({
  messageId: r.messageId,
  type: r.type,
  version: r.version,
  sender: { kind: r.senderKind, id: r.senderId },
  sentAt: r.sentAt,
  recordedAt: r.recordedAt,
});

export const obligationOf = (r: Row<'obligations'>): ObligationRecord => ({
  obligationId: r.obligationId,
  kind: r.kind,
  messageId: r.messageId,
  responsible: { kind: r.responsibleKind, id: r.responsibleId },
  dueAt: r.dueAt,
  metAt: r.metAt,
  status: r.status as ObligationRecord['status'],
  deviationType: r.deviationType,
  deviationId: r.deviationId,
});

export const deviationOf = (r: Row<'deviations'>): DeviationRecord => ({
  deviationId: r.deviationId,
  type: r.type,
  responsible: { kind: r.responsibleKind, id: r.responsibleId },
  description: r.description,
  obligationId: r.obligationId,
  deadlineAt: r.deadlineAt,
  detectedAt: r.detectedAt,
  status: r.status as DeviationRecord['status'],
  resolvedAt: r.resolvedAt,
  closedAt: r.closedAt,
  closedBy: r.closedBy,
  comment: r.comment,
  downtime: r.downtime,
  escalation: r.escalation as DeviationRecord['escalation'],
  reportedBy: r.reportedBy,
  ...(r.withdrawnAt ? { withdrawnAt: r.withdrawnAt } : {}),
  escalatedAt: r.escalatedAt,
  escalationAcknowledgedAt: r.escalationAcknowledgedAt,
  escalationAcknowledgedBy: r.escalationAcknowledgedBy,
  assignedTo: r.assignedKind && r.assignedId && (r.assignedKind !== r.responsibleKind || r.assignedId !== r.responsibleId) ? { kind: r.assignedKind, id: r.assignedId } : null,
  resolution: r.resolution,
  comments: commentsOf(r.comments),
});

const timelineOf = (r: Row<'processTimeline'>): TimelineRecord => ({
  seq: r.seq,
  action: r.action,
  occurredAt: r.occurredAt,
  recordedAt: r.recordedAt,
  summary: r.summary,
  ...(r.actorUserId ? { actor: { userId: r.actorUserId, organisation: r.actorOrganisation ?? '' } } : {}),
  ...(r.messageId ? { messageId: r.messageId } : {}),
  ...(r.deviationId ? { deviationId: r.deviationId } : {}),
});

/** The comments column: jsonb (parsed by the driver) or, from some drivers, its text; none stored → []. */
function commentsOf(v: unknown): NonNullable<DeviationRecord['comments']> {
  if (v == null) return [];
  return (typeof v === 'string' ? JSON.parse(v) : v) as NonNullable<DeviationRecord['comments']>;
}

// ---- reads shared by every process ----------------------------------------------------------------

/** The full timeline of a process from the ledger, oldest first. */
export async function processTimeline(db: Kysely<Database>, type: ProcessType, id: string): Promise<TimelineRecord[]> {
  const rows = await inCamelCase(db).selectFrom('processTimeline').selectAll().where('processType', '=', type).where('processId', '=', id).orderBy('seq').execute();
  return rows.map(timelineOf);
}

/** How many messages, obligations, deviations and timeline entries the ledger holds for a process. */
export async function processCounts(db: Kysely<Database>, type: ProcessType, id: string) {
  const count = async (table: 'messages' | 'obligations' | 'deviations' | 'processTimeline') =>
    Number((await inCamelCase(db).selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('processType', '=', type).where('processId', '=', id).executeTakeFirstOrThrow()).n);
  return { messages: await count('messages'), obligations: await count('obligations'), deviations: await count('deviations'), timeline: await count('processTimeline') };
}

// ---- shape checks at the boundary -----------------------------------------------------------------
// An instant without an offset would be read in the session's time zone, which differs between
// servers: refuse it rather than store a shifted time.

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function assertDate(field: string, v: string): void {
  if (!DATE.test(v)) throw new Error(`ledger: ${field} must be a 'YYYY-MM-DD' date, got '${v}'`);
}
function date(field: string, v: string): LocalDate {
  assertDate(field, v);
  return v;
}
export function optDate(field: string, v: string | null | undefined): LocalDate | null {
  return v == null ? null : date(field, v);
}
export function instant(field: string, v: string): Instant {
  if (!INSTANT.test(v)) throw new Error(`ledger: ${field} must be an ISO-8601 instant with an offset, got '${v}'`);
  return v;
}
export function optInstant(field: string, v: string | null | undefined): Instant | null {
  return v == null ? null : instant(field, v);
}
