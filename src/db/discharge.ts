/**
 * Writing and reading episode projections (docs/domain.md §8): what the discharge workflow's
 * activities call. Writes are idempotent and never go backwards, so an activity may be retried
 * or replayed any number of times (docs/architecture.md "The episode ledger").
 */
import { sql, type Kysely, type OnConflictBuilder, type QueryCreator, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { DeviationRecord, EpisodeProjection, MessageRecord, ObligationRecord, ReadyPeriod } from './projection';
import { coordinatorColumns } from './escalation';
import type { Database, EpisodeRow, Instant, LocalDate, NewEpisodeRow } from './schema';
import type { ProcessType } from '../domain/process';

/** Messages, obligations and deviations of an episode live under this process type. */
const PROCESS: ProcessType = 'discharge';

export type UpsertResult = 'inserted' | 'updated' | 'stale';

/**
 * Writes the episode and all its child rows in one transaction, unless the stored version is
 * the same or newer ('stale': nothing changes). Child collections are replaced as a whole, so
 * a retried write leaves exactly one set of rows and a row the workflow dropped disappears.
 */
export async function upsertEpisode(db: Kysely<Database>, projection: EpisodeProjection): Promise<UpsertResult> {
  return db.transaction().execute((trx) => writeWhole(trx, projection, childRows(projection)));
}

/**
 * What one write of an episode stored: its version, the episode row's values and a fingerprint
 * of every child row. Handed to the next write of the same episode (`upsertEpisodeChanges`), it
 * lets that write send only the columns and rows that changed instead of replacing them all.
 */
export interface StoredEpisode {
  version: number;
  episode: Readonly<NewEpisodeRow>;
  rows: ReadonlyMap<string, string>;
}

/**
 * The same write as `upsertEpisode`, cheaper when `stored` is what the previous write of this
 * episode left: only the episode row's changed columns and the child rows that differ from it
 * are written, in one statement. That knowledge is trusted only if the ledger still holds
 * exactly `stored.version` (checked in the same statement); otherwise — another worker wrote
 * since, a restored database, a retried write — it falls back to the whole write with the usual
 * version guard. Returns what it stored, for the next write.
 */
export async function upsertEpisodeChanges(
  db: Kysely<Database>,
  projection: EpisodeProjection,
  stored: StoredEpisode | undefined,
): Promise<{ result: UpsertResult; stored?: StoredEpisode }> {
  const episode = toEpisodeRow(projection);
  const children = childRows(projection);
  const rows = fingerprints(children);
  const written = (result: UpsertResult) => ({ result, stored: result === 'stale' ? undefined : { version: projection.version, episode, rows } });
  if (stored && stored.version < projection.version && (await writeChanges(db, episode, children, stored, rows))) return written('updated');
  return written(await db.transaction().execute((trx) => writeWhole(trx, projection, children)));
}

/** The episode row with the version guard, then all child rows replaced. */
async function writeWhole(trx: Transaction<Database>, projection: EpisodeProjection, children: ChildRows): Promise<UpsertResult> {
  const row = toEpisodeRow(projection);
  const { episode_id: _key, ...changes } = row;
  // The conflicting row is locked by the upsert, so concurrent writers of one episode queue up
  // and the version guard holds. No row back: the guard refused. `xmax = 0` tells an insert
  // from an update (an updated row version carries the updating transaction's id in xmax).
  const written = await trx
    .insertInto('episodes')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('episode_id')
        .doUpdateSet({ ...changes, updated_at: sql<Instant>`now()` })
        .whereRef('episodes.version', '<', 'excluded.version'),
    )
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst();
  if (written === undefined) return 'stale';
  await replaceChildren(trx, projection.episodeId, children);
  return written.inserted ? 'inserted' : 'updated';
}

/** The stored projection of one episode, or undefined when the ledger has never seen it. */
export async function getEpisode(db: Kysely<Database>, episodeId: string): Promise<EpisodeProjection | undefined> {
  return snapshot(db, async (trx) => {
    const row = await trx.selectFrom('episodes').selectAll().where('episode_id', '=', episodeId).executeTakeFirst();
    if (row === undefined) return undefined;
    const [projection] = await withChildren(trx, [row], [episodeId]);
    return projection;
  });
}

/**
 * One region's episodes discharged in [fromDate, toDateExclusive): the monthly close reads a
 * month as ('2024-03-01', '2024-04-01') because an episode belongs to the month of its
 * discharge (docs/domain.md §7). Ordered by discharge date, then episode id, for stable invoice bases.
 */
export async function listEpisodesDischargedBetween(
  db: Kysely<Database>,
  region: string,
  fromDate: LocalDate,
  toDateExclusive: LocalDate,
): Promise<EpisodeProjection[]> {
  assertDate('fromDate', fromDate);
  assertDate('toDateExclusive', toDateExclusive);
  return snapshot(db, async (trx) => {
    const discharged = trx
      .selectFrom('episodes')
      .where('region', '=', region)
      .where('discharge_date', '>=', fromDate)
      .where('discharge_date', '<', toDateExclusive);
    const rows = await discharged.selectAll().orderBy('discharge_date').orderBy('episode_id').execute();
    // The children are selected by the same filter as a subquery, not by a list of ids: a
    // region-month may hold more episodes than a statement may have parameters.
    return withChildren(trx, rows, discharged.select('episode_id'));
  });
}

/**
 * Reads an episode and its children as of one moment, so a write committed in between can
 * never mix two versions of an episode in one answer.
 */
function snapshot<T>(db: Kysely<Database>, read: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(read);
}

/** The child rows of an episode, by table, as they are stored. */
function childRows(p: EpisodeProjection) {
  const id = p.episodeId;
  const periods = (p.readyPeriods ?? []).map((r) => ({
    episode_id: id,
    seq: r.seq,
    ready_date: date('readyPeriods.readyDate', r.readyDate),
    ended_date: optDate('readyPeriods.endedDate', r.endedDate),
    end_reason: r.endReason ?? null,
    withdrawal_reason: r.withdrawalReason ?? null,
  }));
  const messages = (p.messages ?? []).map((m) => ({
    process_type: PROCESS,
    process_id: id,
    message_id: m.messageId,
    type: m.type,
    version: m.version,
    sender_kind: m.sender.kind,
    sender_id: m.sender.id,
    sent_at: instant('messages.sentAt', m.sentAt),
    recorded_at: instant('messages.recordedAt', m.recordedAt),
  }));
  const obligations = (p.obligations ?? []).map((o) => ({
    process_type: PROCESS,
    process_id: id,
    obligation_id: o.obligationId,
    kind: o.kind,
    message_id: o.messageId ?? null,
    responsible_kind: o.responsible.kind,
    responsible_id: o.responsible.id,
    due_at: instant('obligations.dueAt', o.dueAt),
    met_at: optInstant('obligations.metAt', o.metAt),
    status: o.status,
    deviation_type: o.deviationType,
    deviation_id: o.deviationId ?? null,
    municipality: p.residenceMunicipality,
  }));
  const deviations = (p.deviations ?? []).map((d) => ({
    deviation_id: d.deviationId,
    process_type: PROCESS,
    process_id: id,
    region: p.region,
    municipality: p.residenceMunicipality,
    type: d.type,
    responsible_kind: d.responsible.kind,
    responsible_id: d.responsible.id,
    description: d.description,
    obligation_id: d.obligationId ?? null,
    deadline_at: instant('deviations.deadlineAt', d.deadlineAt),
    detected_at: instant('deviations.detectedAt', d.detectedAt),
    status: d.status,
    resolved_at: optInstant('deviations.resolvedAt', d.resolvedAt),
    closed_at: optInstant('deviations.closedAt', d.closedAt),
    closed_by: d.closedBy ?? null,
    comment: d.comment ?? null,
    downtime: d.downtime ?? false,
    escalation: d.escalation ?? 'none',
    reported_by: d.reportedBy ?? null,
    ...coordinatorColumns(d),
  }));
  return { periods, messages, obligations, deviations };
}

type ChildRows = ReturnType<typeof childRows>;
type ChildTable = keyof ChildRows;

/** Each child row's primary key within the episode (the episode's own key is implied). */
const CHILD_KEY: { [T in ChildTable]: (r: ChildRows[T][number]) => string } = {
  periods: (r) => String((r as ChildRows['periods'][number]).seq),
  messages: (r) => (r as ChildRows['messages'][number]).message_id,
  obligations: (r) => (r as ChildRows['obligations'][number]).obligation_id,
  deviations: (r) => (r as ChildRows['deviations'][number]).deviation_id,
};
const CHILD_TABLES = Object.keys(CHILD_KEY) as ChildTable[];
const rowKey = (table: ChildTable, key: string) => `${table}/${key}`;

function fingerprints(children: ChildRows): Map<string, string> {
  const rows = new Map<string, string>();
  for (const table of CHILD_TABLES) {
    for (const r of children[table] as ChildRows[ChildTable][number][]) rows.set(rowKey(table, CHILD_KEY[table](r as never)), JSON.stringify(r));
  }
  return rows;
}

async function replaceChildren(trx: Transaction<Database>, id: string, c: ChildRows): Promise<void> {
  for (const kind of CHILD_TABLES) await deleteOfEpisode(trx, kind, id).execute();
  await writeChildren(trx, c);
}

/** A delete of the episode's rows of one kind (ready periods by episode id, the others by process). */
function deleteOfEpisode(qb: QueryCreator<Database>, kind: ChildTable, id: string) {
  const d = qb.deleteFrom(CHILD_TABLE[kind].table as never);
  return kind === 'periods' ? d.where('episode_id' as never, '=', id as never) : d.where('process_type' as never, '=', PROCESS as never).where('process_id' as never, '=', id as never);
}

/** The table of each kind of child row and its key columns (the episode's own key included). */
const CHILD_TABLE = {
  periods: { table: 'episode_ready_periods', key: ['episode_id', 'seq'] },
  messages: { table: 'messages', key: ['process_type', 'process_id', 'message_id'] },
  obligations: { table: 'obligations', key: ['process_type', 'process_id', 'obligation_id'] },
  deviations: { table: 'deviations', key: ['deviation_id'] },
} as const satisfies Record<ChildTable, { table: keyof Database; key: string[] }>;

/** Columns of type jsonb: their values travel as JSON strings and must be embedded as JSON. */
const JSONB_COLUMNS: ReadonlySet<string> = new Set(['comments']);

/**
 * One statement (data-modifying CTEs): the episode row's changed columns under the version
 * check, and — only if that check held — the child rows that are gone deleted, the new ones
 * inserted and the changed ones brought up to date. A single statement is atomic; one round trip
 * instead of a transaction of three or more (begin, the update, one per kind of change, commit)
 * keeps an action's ledger write cheap on PGlite, where every statement has a fixed cost.
 * False (nothing written) when the ledger no longer holds `stored.version`.
 */
async function writeChanges(db: Kysely<Database>, episode: NewEpisodeRow, c: ChildRows, stored: StoredEpisode, now: ReadonlyMap<string, string>): Promise<boolean> {
  const id = episode.episode_id;
  const changed = Object.fromEntries(Object.entries(episode).filter(([col, v]) => col !== 'episode_id' && stored.episode[col as keyof NewEpisodeRow] !== v));
  const guard = sql<boolean>`exists (select 1 from moved)`;
  let q = db.with('moved', (qb) =>
    qb
      .updateTable('episodes')
      .set({ ...changed, updated_at: sql<Instant>`now()` })
      .where('episode_id', '=', id)
      .where('version', '=', stored.version)
      .returning('episode_id'),
  );
  for (const kind of CHILD_TABLES) {
    const { table, key } = CHILD_TABLE[kind];
    const added: Record<string, unknown>[] = [];
    const updated: Record<string, unknown>[] = [];
    for (const r of c[kind] as Record<string, unknown>[]) {
      const k = rowKey(kind, CHILD_KEY[kind](r as never));
      if (!stored.rows.has(k)) added.push(r);
      else if (stored.rows.get(k) !== now.get(k)) updated.push(r);
    }
    const gone = [...stored.rows.keys()].filter((k) => k.startsWith(`${kind}/`) && !now.has(k)).map((k) => k.slice(kind.length + 1));
    if (gone.length > 0) {
      // the last key column tells the rows of this episode apart
      const own = key[key.length - 1];
      q = q.with(`gone_${kind}`, (qb) =>
        deleteOfEpisode(qb as never, kind, id)
          .where(guard)
          .where(own as never, 'in', (kind === 'periods' ? gone.map(Number) : gone) as never) as never,
      ) as never;
    }
    // new rows are plain inserts, so a key taken elsewhere (deviation ids are global) still fails the write
    for (const [name, list, update] of [[`new_${kind}`, added, false], [`changed_${kind}`, updated, true]] as const) {
      if (list.length === 0) continue;
      const cols = Object.keys(list[0]);
      const json = JSON.stringify(list.map((r) => Object.fromEntries(Object.entries(r).map(([col, v]) => [col, JSONB_COLUMNS.has(col) && typeof v === 'string' ? JSON.parse(v) : v]))));
      const rowsFromJson = sql`select ${sql.join(cols.map((col) => sql.ref(col)))} from jsonb_populate_recordset(null::${sql.table(table)}, ${json}::jsonb) where ${guard}`;
      q = q.with(name, (qb) => {
        const ins = qb.insertInto(table as never).columns(cols as never).expression(rowsFromJson as never);
        return update ? ins.onConflict(conflict(list, [...key]) as never) : ins;
      }) as never;
    }
  }
  const moved = await q.selectFrom('moved').select('episode_id').execute();
  return moved.length === 1;
}

/** Every column but the key takes the new value of a conflicting insert. */
function conflict(rows: object[], key: string[]) {
  const set = (eb: { ref(c: string): unknown }) => Object.fromEntries(Object.keys(rows[0]).filter((col) => !key.includes(col)).map((col) => [col, eb.ref(`excluded.${col}`)])) as never;
  return (oc: OnConflictBuilder<Database, never>) => oc.columns(key as never).doUpdateSet(set);
}

/** Inserts child rows. */
async function writeChildren(trx: Transaction<Database>, c: ChildRows): Promise<void> {
  for (const kind of CHILD_TABLES) {
    const rows = c[kind] as object[];
    if (rows.length === 0) continue; // Kysely refuses an insert without rows
    await trx.insertInto(CHILD_TABLE[kind].table).values(rows as never).execute();
  }
}

/** Episode ids: a short list, or a subquery selecting them. */
type EpisodeIds = string[] | SelectQueryBuilder<Database, 'episodes', { episode_id: string }>;

/** Loads the child rows of many episodes with one query per table, not one per episode. */
async function withChildren(db: Transaction<Database>, rows: EpisodeRow[], ids: EpisodeIds): Promise<EpisodeProjection[]> {
  if (rows.length === 0) return [];
  const periods = await db
    .selectFrom('episode_ready_periods')
    .selectAll()
    .where('episode_id', 'in', ids)
    .orderBy('episode_id')
    .orderBy('seq')
    .execute();
  const messages = await db
    .selectFrom('messages')
    .selectAll()
    .where('process_type', '=', PROCESS)
    .where('process_id', 'in', ids)
    .orderBy('sent_at')
    .orderBy('message_id')
    .execute();
  const obligations = await db
    .selectFrom('obligations')
    .selectAll()
    .where('process_type', '=', PROCESS)
    .where('process_id', 'in', ids)
    .orderBy('due_at')
    .orderBy('obligation_id')
    .execute();
  const deviations = await db
    .selectFrom('deviations')
    .selectAll()
    .where('process_type', '=', PROCESS)
    .where('process_id', 'in', ids)
    .orderBy('detected_at')
    .orderBy('deviation_id')
    .execute();

  const byEpisode = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
    return m;
  };
  const p = byEpisode(periods, (r) => r.episode_id);
  const m = byEpisode(messages, (r) => r.process_id);
  const o = byEpisode(obligations, (r) => r.process_id);
  const d = byEpisode(deviations, (r) => r.process_id);

  return rows.map((r) => ({
    ...fromEpisodeRow(r),
    readyPeriods: (p.get(r.episode_id) ?? []).map(
      (x): ReadyPeriod => ({
        seq: x.seq,
        readyDate: x.ready_date,
        endedDate: x.ended_date,
        endReason: x.end_reason as ReadyPeriod['endReason'],
        withdrawalReason: x.withdrawal_reason,
      }),
    ),
    messages: (m.get(r.episode_id) ?? []).map(
      (x): MessageRecord => ({
        messageId: x.message_id,
        type: x.type,
        version: x.version,
        sender: { kind: x.sender_kind, id: x.sender_id },
        sentAt: x.sent_at,
        recordedAt: x.recorded_at,
      }),
    ),
    obligations: (o.get(r.episode_id) ?? []).map(
      (x): ObligationRecord => ({
        obligationId: x.obligation_id,
        kind: x.kind,
        messageId: x.message_id,
        responsible: { kind: x.responsible_kind, id: x.responsible_id },
        dueAt: x.due_at,
        metAt: x.met_at,
        status: x.status as ObligationRecord['status'],
        deviationType: x.deviation_type,
        deviationId: x.deviation_id,
      }),
    ),
    deviations: (d.get(r.episode_id) ?? []).map(
      (x): DeviationRecord => ({
        deviationId: x.deviation_id,
        type: x.type,
        responsible: { kind: x.responsible_kind, id: x.responsible_id },
        description: x.description,
        obligationId: x.obligation_id,
        deadlineAt: x.deadline_at,
        detectedAt: x.detected_at,
        status: x.status as DeviationRecord['status'],
        resolvedAt: x.resolved_at,
        closedAt: x.closed_at,
        closedBy: x.closed_by,
        comment: x.comment,
        downtime: x.downtime,
        escalation: x.escalation as DeviationRecord['escalation'],
        reportedBy: x.reported_by,
        ...(x.withdrawn_at ? { withdrawnAt: x.withdrawn_at } : {}),
        // the coordinators' side (§6, migration 0005), as coordinatorColumns wrote it
        escalatedAt: x.escalated_at,
        escalationAcknowledgedAt: x.escalation_acknowledged_at,
        escalationAcknowledgedBy: x.escalation_acknowledged_by,
        // stored as the unit handling it (the responsible one unless reassigned)
        assignedTo: x.assigned_kind && x.assigned_id && (x.assigned_kind !== x.responsible_kind || x.assigned_id !== x.responsible_id) ? { kind: x.assigned_kind, id: x.assigned_id } : null,
        resolution: x.resolution,
        comments: commentsOf(x.comments),
      }),
    ),
  }));
}

/** Every column explicitly, `?? null` included: a field lost in JSON must clear the column. */
function toEpisodeRow(p: EpisodeProjection): NewEpisodeRow {
  if (!Number.isInteger(p.version) || p.version < 1) {
    throw new Error(`episode ${p.episodeId}: version must be a positive integer, got ${String(p.version)}`);
  }
  return {
    episode_id: p.episodeId,
    version: p.version,
    region: p.region,
    residence_municipality: p.residenceMunicipality,
    inpatient_unit_hsa: p.inpatientUnitHsa,
    primary_care_unit_hsa: p.primaryCareUnitHsa ?? null,
    psychiatric_outpatient_unit_hsa: p.psychiatricOutpatientUnitHsa ?? null,
    hospital: p.hospital ?? null,
    psychiatric: p.psychiatric,
    form_of_care: p.formOfCare ?? null,
    out_of_county: p.outOfCounty ?? false,
    patient_ref: p.patientRef,
    age_at_admission: p.ageAtAdmission ?? null,
    status: p.status,
    admitted_at: instant('admittedAt', p.admittedAt),
    admission_notice_sent_at: optInstant('admissionNoticeSentAt', p.admissionNoticeSentAt),
    expected_ready_date: optDate('expectedReadyDate', p.expectedReadyDate),
    ready_date: optDate('readyDate', p.readyDate),
    discharged_at: optInstant('dischargedAt', p.dischargedAt),
    discharge_date: optDate('dischargeDate', p.dischargeDate),
    cancelled_at: optInstant('cancelledAt', p.cancelledAt),
    cancellation_reason: p.cancellationReason ?? null,
    consent: p.consent ?? null,
    planning_flow: p.planningFlow ?? null,
    needs_category: p.needsCategory ?? null,
    named_care_contact_at: optInstant('namedCareContactAt', p.namedCareContactAt),
    named_doctor_at: optInstant('namedDoctorAt', p.namedDoctorAt),
    invitation_sent_at: optInstant('invitationSentAt', p.invitationSentAt),
    sip_created_at: optInstant('sipCreatedAt', p.sipCreatedAt),
    sip_completed_at: optInstant('sipCompletedAt', p.sipCompletedAt),
    treatment_plan_at: optInstant('treatmentPlanAt', p.treatmentPlanAt),
    planning_basis_date: optDate('planningBasisDate', p.planningBasisDate),
    outpatient_services_unavailable: p.outpatientServicesUnavailable ?? false,
    downtime: p.downtime ?? false,
    checklist_complete: p.checklistComplete ?? false,
    admission_type: p.admissionType ?? null,
    sip_acknowledged_at: optInstant('sipAcknowledgedAt', p.sipAcknowledgedAt),
  };
}

type EpisodeScalars = Omit<EpisodeProjection, 'readyPeriods' | 'messages' | 'obligations' | 'deviations'>;

function fromEpisodeRow(r: EpisodeRow): EpisodeScalars {
  return {
    episodeId: r.episode_id,
    version: r.version,
    region: r.region,
    residenceMunicipality: r.residence_municipality,
    inpatientUnitHsa: r.inpatient_unit_hsa,
    primaryCareUnitHsa: r.primary_care_unit_hsa,
    psychiatricOutpatientUnitHsa: r.psychiatric_outpatient_unit_hsa,
    hospital: r.hospital,
    psychiatric: r.psychiatric,
    formOfCare: r.form_of_care,
    outOfCounty: r.out_of_county,
    patientRef: r.patient_ref,
    ageAtAdmission: r.age_at_admission,
    status: r.status,
    admittedAt: r.admitted_at,
    admissionNoticeSentAt: r.admission_notice_sent_at,
    expectedReadyDate: r.expected_ready_date,
    readyDate: r.ready_date,
    dischargedAt: r.discharged_at,
    dischargeDate: r.discharge_date,
    cancelledAt: r.cancelled_at,
    cancellationReason: r.cancellation_reason,
    consent: r.consent as EpisodeProjection['consent'],
    planningFlow: r.planning_flow as EpisodeProjection['planningFlow'],
    needsCategory: r.needs_category as EpisodeProjection['needsCategory'],
    namedCareContactAt: r.named_care_contact_at,
    namedDoctorAt: r.named_doctor_at,
    invitationSentAt: r.invitation_sent_at,
    sipCreatedAt: r.sip_created_at,
    sipCompletedAt: r.sip_completed_at,
    admissionType: r.admission_type as EpisodeProjection['admissionType'],
    sipAcknowledgedAt: r.sip_acknowledged_at,
    treatmentPlanAt: r.treatment_plan_at,
    planningBasisDate: r.planning_basis_date,
    outpatientServicesUnavailable: r.outpatient_services_unavailable,
    downtime: r.downtime,
    checklistComplete: r.checklist_complete,
  };
}

/** The comments column: jsonb (parsed by the driver) or, from some drivers, its text; none stored → []. */
function commentsOf(v: unknown): NonNullable<DeviationRecord['comments']> {
  if (v == null) return [];
  return (typeof v === 'string' ? JSON.parse(v) : v) as NonNullable<DeviationRecord['comments']>;
}

/*
 * Shape checks at the boundary. An instant without an offset would be read in the session's
 * time zone, which differs between servers: refuse it rather than store a shifted time.
 */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertDate(field: string, v: string): void {
  if (!DATE.test(v)) throw new Error(`ledger: ${field} must be a 'YYYY-MM-DD' date, got '${v}'`);
}
function date(field: string, v: string): LocalDate {
  assertDate(field, v);
  return v;
}
function optDate(field: string, v: string | null | undefined): LocalDate | null {
  return v == null ? null : date(field, v);
}
function instant(field: string, v: string): Instant {
  if (!INSTANT.test(v)) throw new Error(`ledger: ${field} must be an ISO-8601 instant with an offset, got '${v}'`);
  return v;
}
function optInstant(field: string, v: string | null | undefined): Instant | null {
  return v == null ? null : instant(field, v);
}
