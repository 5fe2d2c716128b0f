/**
 * Ledger rows of home health care enrollments (docs/domain.md §5, §8, §9), and the child rows
 * every long-lived process shares with them (single home visit orders: ./home-visit.ts).
 *
 * Writes are idempotent upserts guarded by the workflow's version, like episodes. Unlike
 * episodes, child rows (messages, obligations, deviations, timeline) are upserted and never
 * deleted: a years-long enrollment carries only its open and newest items across
 * continue-as-new (src/domain/home-care/bounded.ts), so the ledger is the full record.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { coordinatorColumns } from './escalation';
import type { DeviationRecord, MessageRecord, ObligationRecord } from './projection';
import type { Database, EnrollmentRow, HomeCareEnrollmentsTable, Instant } from './schema';
import type { ProcessType } from '../domain/process';


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

export interface ProcessChildren {
  region: string;
  municipality: string;
  messages: MessageRecord[];
  obligations: ObligationRecord[];
  deviations: DeviationRecord[];
  timeline: TimelineRecord[];
}

export type UpsertResult = 'written' | 'stale';

export async function upsertEnrollment(db: Kysely<Database>, row: Insertable<HomeCareEnrollmentsTable>, children: ProcessChildren): Promise<UpsertResult> {
  return db.transaction().execute(async (trx) => {
    const { enrollment_id: _key, ...changes } = row;
    const written = await trx
      .insertInto('home_care_enrollments')
      .values(row)
      .onConflict((oc) => oc.column('enrollment_id').doUpdateSet({ ...changes, updated_at: sql<Instant>`now()` }).whereRef('home_care_enrollments.version', '<', 'excluded.version'))
      .returning('version')
      .executeTakeFirst();
    if (written === undefined) return 'stale';
    await upsertChildren(trx, 'homeHealthCare', row.enrollment_id, children);
    return 'written';
  });
}

/** Messages, obligations, deviations and timeline entries of one process: inserted or brought up to date, never deleted. */
export async function upsertChildren(trx: Transaction<Database>, type: ProcessType, id: string, c: ProcessChildren): Promise<void> {
  if (c.messages.length) {
    await trx
      .insertInto('messages')
      .values(c.messages.map((m) => ({ process_type: type, process_id: id, message_id: m.messageId, type: m.type, version: m.version, sender_kind: m.sender.kind, sender_id: m.sender.id, sent_at: m.sentAt, recorded_at: m.recordedAt })))
      .onConflict((oc) => oc.columns(['process_type', 'process_id', 'message_id']).doNothing())
      .execute();
  }
  if (c.obligations.length) {
    await trx
      .insertInto('obligations')
      .values(c.obligations.map((o) => ({
        process_type: type, process_id: id, obligation_id: o.obligationId, kind: o.kind, message_id: o.messageId, responsible_kind: o.responsible.kind,
        responsible_id: o.responsible.id, due_at: o.dueAt, met_at: o.metAt, status: o.status, deviation_type: o.deviationType, deviation_id: o.deviationId,
        municipality: c.municipality,
      })))
      .onConflict((oc) => oc.columns(['process_type', 'process_id', 'obligation_id']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'), met_at: eb.ref('excluded.met_at'), deviation_id: eb.ref('excluded.deviation_id'), due_at: eb.ref('excluded.due_at'), municipality: eb.ref('excluded.municipality'),
      })))
      .execute();
  }
  if (c.deviations.length) {
    await trx
      .insertInto('deviations')
      .values(c.deviations.map((d) => ({
        deviation_id: d.deviationId, process_type: type, process_id: id, region: c.region, municipality: c.municipality, type: d.type,
        responsible_kind: d.responsible.kind, responsible_id: d.responsible.id, description: d.description, obligation_id: d.obligationId,
        deadline_at: d.deadlineAt, detected_at: d.detectedAt, status: d.status, resolved_at: d.resolvedAt, closed_at: d.closedAt, closed_by: d.closedBy,
        comment: d.comment, downtime: d.downtime, escalation: d.escalation, reported_by: d.reportedBy, ...coordinatorColumns(d),
      })))
      .onConflict((oc) => oc.column('deviation_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'), resolved_at: eb.ref('excluded.resolved_at'), closed_at: eb.ref('excluded.closed_at'), closed_by: eb.ref('excluded.closed_by'),
        comment: eb.ref('excluded.comment'), downtime: eb.ref('excluded.downtime'), escalation: eb.ref('excluded.escalation'),
        escalated_at: eb.ref('excluded.escalated_at'), escalation_acknowledged_at: eb.ref('excluded.escalation_acknowledged_at'),
        escalation_acknowledged_by: eb.ref('excluded.escalation_acknowledged_by'), assigned_kind: eb.ref('excluded.assigned_kind'),
        assigned_id: eb.ref('excluded.assigned_id'), resolution: eb.ref('excluded.resolution'), comments: eb.ref('excluded.comments'),
        withdrawn_at: eb.ref('excluded.withdrawn_at'),
      })))
      .execute();
  }
  if (c.timeline.length) {
    await trx
      .insertInto('process_timeline')
      .values(c.timeline.map((e) => ({
        process_type: type, process_id: id, seq: e.seq, action: e.action, occurred_at: e.occurredAt, recorded_at: e.recordedAt,
        actor_user_id: e.actor?.userId ?? null, actor_organisation: e.actor?.organisation ?? null, summary: e.summary, message_id: e.messageId ?? null, deviation_id: e.deviationId ?? null,
      })))
      .onConflict((oc) => oc.columns(['process_type', 'process_id', 'seq']).doNothing())
      .execute();
  }
}

export async function getEnrollmentRow(db: Kysely<Database>, enrollmentId: string): Promise<EnrollmentRow | undefined> {
  return db.selectFrom('home_care_enrollments').selectAll().where('enrollment_id', '=', enrollmentId).executeTakeFirst();
}

/** The full timeline of a process from the ledger, oldest first. */
export async function processTimeline(db: Kysely<Database>, type: ProcessType, id: string): Promise<TimelineRecord[]> {
  const rows = await db.selectFrom('process_timeline').selectAll().where('process_type', '=', type).where('process_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => ({
    seq: r.seq, action: r.action, occurredAt: r.occurred_at, recordedAt: r.recorded_at, summary: r.summary,
    ...(r.actor_user_id ? { actor: { userId: r.actor_user_id, organisation: r.actor_organisation ?? '' } } : {}),
    ...(r.message_id ? { messageId: r.message_id } : {}),
    ...(r.deviation_id ? { deviationId: r.deviation_id } : {}),
  }));
}

/** How many messages, obligations and deviations the ledger holds for a process. */
export async function processCounts(db: Kysely<Database>, type: ProcessType, id: string) {
  const count = async (table: 'messages' | 'obligations' | 'deviations' | 'process_timeline') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('process_type', '=', type).where('process_id', '=', id).executeTakeFirstOrThrow()).n);
  return { messages: await count('messages'), obligations: await count('obligations'), deviations: await count('deviations'), timeline: await count('process_timeline') };
}

/** The region's enrollments enrolled before `to` and not ended before `from` (docs/domain.md §9 home health care). */
export function enrollmentsActiveDuring(db: Kysely<Database>, region: string, from: Instant, to: Instant) {
  return db
    .selectFrom('home_care_enrollments')
    .select(['residence_municipality', 'age_at_start', 'enrolled_at', 'ended_at'])
    .where('region', '=', region)
    .where('enrolled_at', 'is not', null)
    .where('enrolled_at', '<', to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]))
    .execute();
}

/**
 * docs/domain.md §9 "home health care: patients per municipality, new and ended, under/over 65" for
 * one region and period [from, to): per municipality, the patients enrolled at some time in the
 * period split by age at the start of planning (> 65 and ≤ 65, as the other indicators), how
 * many are still enrolled at its end, how many were newly enrolled and how many ended within it.
 */
export async function homeCareFigures(db: Kysely<Database>, region: string, from: Instant, to: Instant) {
  const rows = await enrollmentsActiveDuring(db, region, from, to);
  const figures = new Map<string, { municipality: string; patients: number; enrolled: number; new: number; ended: number; over65: number; upTo65: number; unknownAge: number }>();
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  for (const r of rows) {
    const f = figures.get(r.residence_municipality) ?? { municipality: r.residence_municipality, patients: 0, enrolled: 0, new: 0, ended: 0, over65: 0, upTo65: 0, unknownAge: 0 };
    f.patients += 1;
    const enrolled = Date.parse(r.enrolled_at!);
    const ended = r.ended_at ? Date.parse(r.ended_at) : undefined;
    if (ended === undefined || ended >= t1) f.enrolled += 1;
    if (enrolled >= t0) f.new += 1;
    if (ended !== undefined && ended < t1) f.ended += 1;
    if (r.age_at_start === null) f.unknownAge += 1;
    else if (r.age_at_start > 65) f.over65 += 1;
    else f.upTo65 += 1;
    figures.set(r.residence_municipality, f);
  }
  return [...figures.values()].sort((a, b) => a.municipality.localeCompare(b.municipality));
}
