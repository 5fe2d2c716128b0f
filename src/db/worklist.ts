/**
 * A unit's worklist (inkorg) across every process (docs/domain.md §4 "Every message", §6, issue 6):
 * - `acknowledgements`: messages it must acknowledge (kvittera), soonest deadline first;
 * - `invitations`: invitations it must answer — planning invitations (kallelse) and single
 *   home-visit orders — a subset of the above plus the orders' answers, listed on their own;
 * - `checklists`: its patients ready for discharge today (or earlier, still in hospital) whose
 *   ready-to-go-home checklist (hemgångsklar, 001 §6.1 step 8) is incomplete;
 * - `deviations`: its open deviations (including those a coordinator reassigned to it).
 *
 * Filters: municipality, process type, deadline (due at or before). Pages: keyset by
 * (deadline, id), a stable order; each section has its own cursor. The partial indexes of
 * migration 0005 make a page a short index range scan even with tens of thousands of open items.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import { decodeCursor, encodeCursor } from './escalation';
import type { Database, Instant, LocalDate } from './schema';
import type { ProcessType } from '../domain/process';

export const WORKLIST_SECTIONS = ['acknowledgements', 'invitations', 'checklists', 'deviations'] as const;
export type WorklistSection = (typeof WORKLIST_SECTIONS)[number];

export interface WorklistFilters {
  municipality?: string;
  processType?: ProcessType;
  /** only items due at or before this instant */
  dueBefore?: Instant;
  /** the local date "today" of the checklist section (default: today in Stockholm) */
  today?: LocalDate;
}

export class BadCursorError extends Error {}

const OPEN_OBLIGATION = sql<SqlBool>`o.status in ('open', 'overdue')`; // a literal: the partial index matches

function keyset(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  const c = decodeCursor(cursor, 2);
  if (!c) throw new BadCursorError('not a cursor of this list');
  return c as [string, string];
}

function page<T>(rows: T[], limit: number, key: (r: T) => [string, string]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

function obligationsOf(db: Kysely<Database>, unitId: string, f: WorklistFilters, cursor?: [string, string]) {
  let q = db
    .selectFrom('obligations as o')
    .leftJoin('messages as m', (j) => j.onRef('m.process_id', '=', 'o.process_id').onRef('m.process_type', '=', 'o.process_type').onRef('m.message_id', '=', 'o.message_id'))
    .select(['o.process_type', 'o.process_id', 'o.obligation_id', 'o.kind', 'o.message_id', 'm.type as message_type', 'm.sent_at', 'o.due_at', 'o.status', 'o.municipality'])
    .where('o.responsible_id', '=', unitId)
    .where(OPEN_OBLIGATION);
  if (f.municipality) q = q.where('o.municipality', '=', f.municipality);
  if (f.processType) q = q.where('o.process_type', '=', f.processType);
  if (f.dueBefore) q = q.where('o.due_at', '<=', f.dueBefore);
  if (cursor) q = q.where((eb) => eb(eb.refTuple('o.due_at', 'o.obligation_id'), '>', eb.tuple(cursor[0], cursor[1]))); // row comparison: one index range
  return q.orderBy('o.due_at').orderBy('o.obligation_id');
}

export async function acknowledgementsPage(db: Kysely<Database>, unitId: string, f: WorklistFilters, limit: number, cursor?: string) {
  const rows = await obligationsOf(db, unitId, f, keyset(cursor)).where('o.kind', '=', 'acknowledge').limit(limit + 1).execute();
  return page(rows, limit, (r) => [r.due_at, r.obligation_id]);
}

export async function invitationsPage(db: Kysely<Database>, unitId: string, f: WorklistFilters, limit: number, cursor?: string) {
  const rows = await obligationsOf(db, unitId, f, keyset(cursor))
    .where((eb) => eb.or([eb.and([eb('o.kind', '=', 'acknowledge'), eb('m.type', '=', 'planningInvitation')]), eb('o.kind', '=', 'answerOrder')]))
    .limit(limit + 1)
    .execute();
  return page(rows, limit, (r) => [r.due_at, r.obligation_id]);
}

export async function checklistsPage(db: Kysely<Database>, unitId: string, f: WorklistFilters, limit: number, cursor?: string) {
  if (f.processType && f.processType !== 'discharge') return { items: [], nextCursor: null };
  const today = f.today ?? new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
  const c = keyset(cursor);
  let q = db
    .selectFrom('episodes')
    .select(['episode_id', 'residence_municipality as municipality', 'ready_date', 'expected_ready_date', 'status'])
    .where('inpatient_unit_hsa', '=', unitId)
    .where(sql<SqlBool>`status = 'readyForDischarge' and not checklist_complete`) // literals: the partial index matches
    .where('ready_date', '<=', today);
  if (f.municipality) q = q.where('residence_municipality', '=', f.municipality);
  if (c) q = q.where((eb) => eb(eb.refTuple('ready_date', 'episode_id'), '>', eb.tuple(c[0], c[1])));
  const rows = await q.orderBy('ready_date').orderBy('episode_id').limit(limit + 1).execute();
  return page(
    rows.map((r) => ({ process_type: 'discharge' as const, process_id: r.episode_id, ...r })),
    limit,
    (r) => [r.ready_date as string, r.episode_id],
  );
}

export async function deviationsPage(db: Kysely<Database>, unitId: string, f: WorklistFilters, limit: number, cursor?: string) {
  const c = keyset(cursor);
  let q = db
    .selectFrom('deviations')
    .select(['process_type', 'process_id', 'deviation_id', 'type', 'description', 'deadline_at', 'detected_at', 'escalation', 'downtime', 'municipality', 'responsible_kind', 'responsible_id', 'assigned_id', 'escalation_acknowledged_at'])
    .where('assigned_id', '=', unitId)
    .where(sql<SqlBool>`status = 'open'`);
  if (f.municipality) q = q.where('municipality', '=', f.municipality);
  if (f.processType) q = q.where('process_type', '=', f.processType);
  if (f.dueBefore) q = q.where('deadline_at', '<=', f.dueBefore);
  if (c) q = q.where((eb) => eb(eb.refTuple('deadline_at', 'deviation_id'), '>', eb.tuple(c[0], c[1])));
  const rows = await q.orderBy('deadline_at').orderBy('deviation_id').limit(limit + 1).execute();
  return page(rows, limit, (r) => [r.deadline_at, r.deviation_id]);
}

const PAGES = { acknowledgements: acknowledgementsPage, invitations: invitationsPage, checklists: checklistsPage, deviations: deviationsPage };

/**
 * The worklist: every section's first page (or, with `section`, one page of that section from
 * `cursor`). `next` holds each section's cursor for its next page (null: nothing more).
 */
export async function unitInbox(db: Kysely<Database>, unitId: string, opts: WorklistFilters & { limit?: number; section?: WorklistSection; cursor?: string } = {}) {
  const limit = opts.limit ?? 200;
  const sections = opts.section ? [opts.section] : WORKLIST_SECTIONS;
  const out: Partial<Record<WorklistSection, unknown[]>> & { next: Partial<Record<WorklistSection, string | null>> } = { next: {} };
  for (const s of sections) {
    const p = await PAGES[s](db, unitId, opts, limit, opts.section ? opts.cursor : undefined);
    out[s] = p.items;
    out.next[s] = p.nextCursor;
  }
  return out as {
    acknowledgements: Awaited<ReturnType<typeof acknowledgementsPage>>['items'];
    invitations: Awaited<ReturnType<typeof invitationsPage>>['items'];
    checklists: Awaited<ReturnType<typeof checklistsPage>>['items'];
    deviations: Awaited<ReturnType<typeof deviationsPage>>['items'];
    next: Partial<Record<WorklistSection, string | null>>;
  };
}
