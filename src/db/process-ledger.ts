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
import { createHash } from 'node:crypto';
import { CamelCasePlugin, CompiledQuery, sql, type Insertable, type Kysely, type QueryCreator, type RawBuilder, type Selectable } from 'kysely';
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

/**
 * Writes a process's projection (the semantics are at the top of this file) in one statement:
 * its rows travel as JSON, one parameter a table, so the statement's text is the same at every
 * write of a process of the same shape (compiled once, below). A single
 * statement is atomic, and on PGlite one round trip instead of a transaction of ten was what made
 * this writer as cheap as the diff-writer it replaced (issue 18, BENCHMARKS.md).
 *
 * What this worker last wrote is remembered (per database handle and process, see `Written`):
 * a shared row sent unchanged since then is left out, and the statement is then valid only while
 * the ledger still holds that write's version (`base`). If it does not (another worker wrote the
 * process since) but the new version is still newer, the whole projection is sent again: the
 * result is always that of sending every row, as the semantics above say.
 */
export async function writeProjection<P extends ProcessType>(db: Kysely<Database>, p: ProcessProjection<P>): Promise<WriteResult> {
  const { key } = OWN_TABLE[p.processType];
  const row = p.row as Record<string, unknown>;
  const processId = row[key] as string;
  const version = row.version as number;
  if (!Number.isInteger(version) || version < 1) throw new Error(`${p.processType} ${processId}: version must be a positive integer, got ${String(version)}`);
  const owner = { processType: p.processType, processId };
  const shared: SharedRows[] = [
    sharedRows('episodeReadyPeriods', ['episodeId', 'seq'], (p.readyPeriods ?? []).map((r) => readyPeriodRow(processId, r))),
    sharedRows('messages', ['processType', 'processId', 'messageId'], p.messages.map((m) => messageRow(owner, m))),
    sharedRows('obligations', ['processType', 'processId', 'obligationId'], p.obligations.map((o) => obligationRow(owner, p.municipality, o))),
    sharedRows('deviations', ['deviationId', 'processType', 'processId'], p.deviations.map((d) => deviationRow(owner, p.region, p.municipality, d))),
    sharedRows('processTimeline', ['processType', 'processId', 'seq'], p.timeline.map((e) => timelineRow(owner, e))),
  ];

  const memory = memoryOf(db).processes;
  const id = `${p.processType}/${processId}`;
  const last = memory.get(id);
  memory.delete(id); // forgotten until this write succeeds: after a 'stale' or an error the next write sends everything
  let written: Exclude<WriteResult, 'stale'> | undefined;
  if (last !== undefined && last.version < version) {
    const unsent = shared.map((s) => ({ ...s, rows: s.rows.filter((r) => last.rows.get(`${s.table}/${r.key}`) !== r.digest) }));
    if (unsent.some((s, i) => s.rows.length < shared[i]!.rows.length)) {
      const attempt = await writeStatement(db, p, processId, version, unsent, last.version);
      // refused, and the ledger holds this version or a newer one: stale, as the full write would be
      if (attempt.written === undefined && attempt.stored !== null && attempt.stored >= version) return 'stale';
      written = attempt.written;
    }
  }
  // a first write, or the ledger moved on from what this worker wrote last: every row
  if (written === undefined) {
    written = (await writeStatement(db, p, processId, version, shared)).written;
    if (written === undefined) return 'stale';
  }
  memory.set(id, { version, rows: new Map(shared.flatMap((s) => s.rows.map((r) => [`${s.table}/${r.key}`, r.digest] as const))) });
  if (memory.size > MEMORY_CAP) memory.delete(memory.keys().next().value!); // the least recently written process
  return written;
}

/**
 * What this worker last wrote of one process, through one database handle: the version the
 * ledger accepted, and the digest of each shared row's JSON as sent (or left out as unchanged) at
 * that version (SHA-256, 44 characters: the memory holds a row's key and digest, not the row).
 * Only one write of a version is ever accepted, and no other process writes these rows (keys carry
 * the process; a deviation id another process owns fails the whole write), so while the ledger
 * holds `version` its rows under these keys hold exactly these values.
 */
interface Written {
  version: number;
  /** `<table>/<row key>` → the digest of the row's JSON */
  rows: Map<string, string>;
}

/** Processes remembered per database handle; the least recently written is forgotten first. */
const MEMORY_CAP = 2000;
/** Keyed by the handle: a fresh database (a new Kysely instance) starts with nothing remembered. */
const memories = new WeakMap<Kysely<Database>, { processes: Map<string, Written>; statements: Map<string, CompiledQuery> }>();

function memoryOf(db: Kysely<Database>) {
  let memory = memories.get(db);
  if (memory === undefined) memories.set(db, (memory = { processes: new Map(), statements: new Map() }));
  return memory;
}

type SharedTable = 'episodeReadyPeriods' | 'messages' | 'obligations' | 'deviations' | 'processTimeline';

/**
 * One shared row of the projection: its key within the process, the digest of its JSON (what the
 * memory keeps and compares), and the row. The JSON in the table's SQL column names, which the
 * statement sends, is made only for the rows sent (`jsonRow`): most rows of a later write are left
 * out as unchanged, and renaming every row's keys cost more than the rest of the write's own code.
 */
interface SentRow {
  key: string;
  /** SHA-256 of the row's JSON */
  digest: string;
  row: Record<string, unknown>;
}

interface SharedRows {
  table: SharedTable;
  /** the columns a stored row keeps: its key, and who owns it */
  fixed: readonly string[];
  rows: SentRow[];
}

function sharedRows(table: SharedTable, fixed: readonly string[], rows: readonly object[]): SharedRows {
  return {
    table,
    fixed,
    rows: rows.map((r) => {
      const row = r as Record<string, unknown>;
      return { key: JSON.stringify(fixed.map((c) => row[c])), digest: createHash('sha256').update(JSON.stringify(row)).digest('base64'), row };
    }),
  };
}

/**
 * The statement: the own row under the version guard (and, given `base`, only while the ledger
 * holds version `base`), the shared rows, the view. `written` undefined: the guard refused, and
 * nothing changed; `stored` is then the version the ledger held (given `base`; null: none).
 *
 * Its text depends only on its shape (the process type, which tables carry rows and their columns,
 * how many deviations, a view or not, a `base` or not): building and compiling it through Kysely
 * took about as much CPU as PGlite's executing it, so each shape is compiled once per database
 * handle, with placeholders (`slot`) where this write's values go.
 */
async function writeStatement<P extends ProcessType>(
  db: Kysely<Database>,
  p: ProcessProjection<P>,
  processId: string,
  version: number,
  shared: readonly SharedRows[],
  base?: number,
): Promise<{ written: Exclude<WriteResult, 'stale'> | undefined; stored: number | null }> {
  const row = p.row as Record<string, unknown>;
  const ownColumns = Object.keys(row);
  const sent = shared.filter((s) => s.rows.length > 0).map((s) => ({ table: s.table, fixed: s.fixed, columns: Object.keys(s.rows[0]!.row) }));
  const deviationIds = shared.filter((s) => s.table === 'deviations').flatMap((s) => s.rows.map((r) => r.row.deviationId as string));
  const shape: Shape = { processType: p.processType, ownColumns, sent, deviations: deviationIds.length, view: p.view !== undefined, base: base !== undefined };
  const statements = memoryOf(db).statements;
  const name = JSON.stringify(shape);
  let template = statements.get(name);
  if (template === undefined) {
    template = compileStatement(db, shape);
    if (statements.size >= STATEMENT_CAP) statements.delete(statements.keys().next().value!);
    statements.set(name, template);
  }
  const values: Record<string, unknown> = { processId, version, base, own: `[${jsonRow(row)}]`, view: p.view === undefined ? undefined : JSON.stringify(p.view) };
  deviationIds.forEach((id, i) => (values[`deviation${i}`] = id));
  for (const s of shared) if (s.rows.length > 0) values[s.table] = `[${s.rows.map((r) => jsonRow(r.row)).join(',')}]`;
  const parameters = template.parameters.map((v) => (typeof v === 'string' && v.startsWith(SLOT) ? values[v.slice(SLOT.length)] : v));
  const { rows } = await db.executeQuery<{ inserted: boolean | null; taken: string | null; stored: number | null }>(CompiledQuery.raw(template.sql, parameters));
  const result = rows[0]!;
  if (result.taken) throw new Error(`ledger: deviation ${result.taken}, not to ${p.processType} ${processId}; nothing was written`);
  if (result.inserted === null) return { written: undefined, stored: result.stored };
  return { written: result.inserted ? 'inserted' : 'updated', stored: result.stored };
}

/** What a statement's text depends on. */
interface Shape {
  processType: ProcessType;
  ownColumns: string[];
  /** the tables that carry rows, with their columns */
  sent: { table: SharedTable; fixed: readonly string[]; columns: string[] }[];
  /** how many deviation ids are checked against other processes' */
  deviations: number;
  view: boolean;
  base: boolean;
}

/** Compiled statements kept per database handle (shapes are few: a process type's tables and columns are fixed). */
const STATEMENT_CAP = 200;
/** A parameter the template leaves for the write: `${SLOT}<name>` is replaced by that write's value `<name>`. */
const SLOT = '\u0000ledger-slot:';
const slot = (name: string) => `${SLOT}${name}`;

function compileStatement(db: Kysely<Database>, shape: Shape): CompiledQuery {
  const { table, key } = OWN_TABLE[shape.processType];
  const processType = shape.processType;
  const processId = slot('processId');
  const deviationIds = Array.from({ length: shape.deviations }, (_, i) => slot(`deviation${i}`));

  const ledger = inCamelCase(db);
  // 0. a deviation id another process owns: then nothing at all is written (deviation ids are global)
  // the statement grows a CTE at a time; Kysely would type every step differently
  let q: QueryCreator<CamelDatabase> = ledger.with('taken', (qb) =>
    qb
      .selectFrom('deviations')
      .select(['deviationId', 'processType', 'processId'])
      .where('deviationId', 'in', deviationIds.length ? deviationIds : [''])
      .where((eb) => eb.or([eb('processType', '!=', processType), eb('processId', '!=', processId)])),
  ) as never;
  // 1. the process's own row under the version guard; no row back: the guard refused ('stale', or not at `base`).
  // `xmax = 0` tells an insert from an update (an updated row version carries the writer's id in xmax).
  const changes = shape.ownColumns.filter((c) => c !== key);
  const storedVersion = sql.ref(`${table}.version`);
  const base = sql`${slot('base')}::int`;
  const atBase = shape.base ? sql<boolean>`exists (select 1 from ${sql.table(table)} where ${sql.ref(`${table}.${key}`)} = ${processId} and ${storedVersion} = ${base})` : sql<boolean>`true`;
  q = q.with('own', (qb) =>
    qb
      .insertInto(table)
      .columns(shape.ownColumns as never)
      .expression(fromJson(table, slot('own'), shape.ownColumns, sql<boolean>`not exists (select 1 from taken) and ${atBase}`) as never)
      .onConflict((oc) => {
        const update = oc
          .column(key as never)
          .doUpdateSet({ ...Object.fromEntries(changes.map((c) => [c, sql.ref(`excluded.${c}`)])), updatedAt: sql<Instant>`now()` } as never)
          .whereRef(`${table}.version` as never, '<', 'excluded.version' as never);
        // checked again on the row the update would change (PostgreSQL: the latest committed one)
        return shape.base ? update.where(sql<boolean>`${storedVersion} = ${base}`) : update;
      })
      .returning(sql<boolean>`xmax = 0`.as('inserted')) as never,
  ) as never;
  // 2. the shared rows by key, only if the own row was written
  const written = sql<boolean>`exists (select 1 from own)`;
  for (const s of shape.sent) {
    q = q.with(`write_${s.table}`, (qb) => upsertByKey(qb, s.table, s.fixed, s.columns, slot(s.table), written) as never) as never;
  }
  // 3. the view the API answers with
  if (shape.view) {
    q = q.with('write_view', (qb) =>
      qb
        .insertInto('processViews')
        .columns(['processType', 'processId', 'version', 'view'])
        .expression(sql`select ${processType}, ${processId}, ${slot('version')}::int, ${slot('view')}::json where ${written}` as never)
        .onConflict((oc) =>
          oc
            .columns(['processType', 'processId'])
            .doUpdateSet({ version: (eb) => eb.ref('excluded.version'), view: (eb) => eb.ref('excluded.view'), projectedAt: sql<Instant>`now()` })
            .whereRef('processViews.version', '<', 'excluded.version'),
        ) as never,
    ) as never;
  }
  return (q as unknown as Kysely<CamelDatabase & { own: { inserted: boolean }; taken: { deviationId: string; processType: string; processId: string } }>)
    .selectNoFrom((eb) => [
      eb.selectFrom('own').select('inserted').as('inserted'),
      eb.selectFrom('taken').select(sql<string>`${sql.ref('deviationId')} || ' belongs to ' || ${sql.ref('processType')} || ' ' || ${sql.ref('processId')}`.as('t')).limit(1).as('taken'),
      // the version as the statement found it (the CTEs' changes are not visible here)
      (shape.base ? sql<number | null>`(select ${storedVersion} from ${sql.table(table)} where ${sql.ref(`${table}.${key}`)} = ${processId})` : sql<number | null>`null::int`).as('stored'),
    ])
    .compile();
}

/**
 * The CamelCasePlugin's own name mapping, for the JSON the projection sends: PostgreSQL's
 * `jsonb_populate_recordset` matches keys to the table's (SQL) column names.
 */
class ProjectionNames extends CamelCasePlugin {
  sqlName(name: string): string {
    return this.snakeCase(name);
  }
}
const NAMES = new ProjectionNames();
const SQL_NAMES = new Map<string, string>(); // the columns are few: each is mapped once

/** A row as the JSON `jsonb_populate_recordset` reads: keyed by the table's SQL column names. */
function jsonRow(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => {
        let name = SQL_NAMES.get(k);
        if (name === undefined) SQL_NAMES.set(k, (name = NAMES.sqlName(k)));
        return [name, v];
      }),
    ),
  );
}

/** `select <columns> from <the rows as a record set of the table's type> where <guard>`: rows in, one parameter (a JSON array). */
function fromJson(table: keyof CamelDatabase, json: string, columns: readonly string[], guard: RawBuilder<boolean>) {
  return sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from jsonb_populate_recordset(null::${sql.table(table)}, ${json}::jsonb) where ${guard}`;
}

/**
 * Inserts the rows, and brings a stored row with the same key up to date where a value differs.
 * `fixed` are the columns a stored row keeps (its key, and who owns it).
 */
function upsertByKey(qb: QueryCreator<CamelDatabase>, table: SharedTable, fixed: readonly string[], columns: readonly string[], json: string, guard: RawBuilder<boolean>) {
  const changeable = columns.filter((c) => !fixed.includes(c));
  const conflictKey = fixed.filter((c) => table !== 'deviations' || c === 'deviationId'); // deviation ids are global
  return qb
    .insertInto(table)
    .columns(columns as never)
    .expression(fromJson(table, json, columns, guard) as never)
    .onConflict((oc) =>
      oc
        .columns(conflictKey as never)
        .doUpdateSet(Object.fromEntries(changeable.map((c) => [c, sql.ref(`excluded.${c}`)])) as never)
        .where(sql<boolean>`(${sql.join(changeable.map((c) => sql.ref(`${table}.${c}`)))}) is distinct from (${sql.join(changeable.map((c) => sql.ref(`excluded.${c}`)))})`),
    );
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
  comments: d.comments && d.comments.length ? d.comments : null, // jsonb: embedded as JSON
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

/** A ready period's columns are its fields, but for the episode's key. */
export const readyPeriodOf = ({ episodeId: _episode, ...period }: Row<'episodeReadyPeriods'>): ReadyPeriod => period as ReadyPeriod;

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
