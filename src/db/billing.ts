/**
 * Billing persistence (docs/domain.md §7 on the ledger §8): the lean read of a region-month's
 * episodes for the engine, the administered yearly tables, and the close/invoice/flag/note rows.
 * Writes are idempotent (keyed by close id, invoice id, flag id, note id) so activity retries and
 * a second start of a close never duplicate anything.
 */
import { sql, type Kysely } from 'kysely';
import { localDateOf } from '../domain/calendar';
import type { BasisLine, BillingEpisode, InvoiceLine, MunicipalityBasis } from '../domain/billing/types';
import { NATIONAL_AVERAGES, NATIONAL_DAILY_AMOUNTS } from '../domain/reference';

/** Local date of an instant, memoised per UTC hour (Stockholm's offset changes only on whole hours). */
const localDateCache = new Map<string, string>();
function localDateOfInstant(iso: string): string {
  const d = new Date(iso);
  const key = d.toISOString().slice(0, 13);
  let v = localDateCache.get(key);
  if (v === undefined) {
    if (localDateCache.size > 100_000) localDateCache.clear();
    localDateCache.set(key, (v = localDateOf(d)));
  }
  return v;
}
import type { Database, Instant, LocalDate } from './schema';

type Db = Kysely<Database>;

// ---- episodes ------------------------------------------------------------------------------

/**
 * A region's episodes that belong to [from, toExclusive) for billing: discharged in the range,
 * or — decision for issue 5 — cancelled while ready (the patient died, planning cancelled) with
 * the cancelling ready period ending in the range. Such an episode has no discharge date but has
 * ready days; docs/domain.md §7 makes a death an obvious error that drops out *on review*, so it enters
 * the basis by its cancellation date, hinted `DIED_DURING_STAY`, for the municipality to flag.
 */
export async function listBillingEpisodes(db: Db, region: string, from: LocalDate, toExclusive: LocalDate): Promise<BillingEpisode[]> {
  // One JSON document instead of 100 000 rows: PGlite converts result rows value by value, which
  // was most of a close's time (bench:billing); PostgreSQL is no slower this way. The statements
  // use episodes_region_discharge_date; the few cancelled episodes come by a second branch.
  // `ready_sent`: when each ready message (utskrivningsklar) was sent, in the order the workflow
  // sent them — ready days run from that day (docs/domain.md §7), see `readyPeriodsOf`.
  const { rows } = await sql<{ json: string | null }>`
    select json_agg(x)::text as json from (
      select e.episode_id, e.residence_municipality, e.psychiatric, e.discharge_date, null::date as cancel_date, e.cancellation_reason,
             e.outpatient_services_unavailable, e.planning_basis_date, e.treatment_plan_at, e.out_of_county,
             json_agg(json_build_array(p.ready_date, p.ended_date) order by p.seq) as periods,
             ${readySent} as ready_sent
        from episodes e join episode_ready_periods p on p.episode_id = e.episode_id
       where e.region = ${region} and e.discharge_date >= ${from} and e.discharge_date < ${toExclusive}
       group by e.episode_id
      union all
      select e.episode_id, e.residence_municipality, e.psychiatric, e.discharge_date, c.ended_date, e.cancellation_reason,
             e.outpatient_services_unavailable, e.planning_basis_date, e.treatment_plan_at, e.out_of_county,
             (select json_agg(json_build_array(p.ready_date, p.ended_date) order by p.seq) from episode_ready_periods p where p.episode_id = e.episode_id),
             ${readySent}
        from episodes e join episode_ready_periods c on c.episode_id = e.episode_id and c.end_reason = 'CANCELLED'
       where e.region = ${region} and e.discharge_date is null and e.cancelled_at is not null and c.ended_date >= ${from} and c.ended_date < ${toExclusive}
    ) x`.execute(db);
  const raw = JSON.parse(rows[0]?.json ?? '[]') as {
    episode_id: string; residence_municipality: string; psychiatric: boolean; discharge_date: string | null; cancel_date: string | null;
    cancellation_reason: string | null; outpatient_services_unavailable: boolean; planning_basis_date: string | null; treatment_plan_at: string | null; out_of_county: boolean | null;
    periods: [string, string | null][] | null; ready_sent: string[] | null;
  }[];
  return raw.map((r): BillingEpisode => ({
    episodeId: r.episode_id,
    municipality: r.residence_municipality,
    psychiatric: r.psychiatric,
    readyPeriods: readyPeriodsOf(r.periods ?? [], r.ready_sent),
    endDate: (r.discharge_date ?? r.cancel_date) as string,
    ending: r.discharge_date === null ? 'cancelled' : 'discharged',
    cancellationReason: r.cancellation_reason,
    outpatientServicesUnavailable: r.outpatient_services_unavailable,
    planningBasisDate: r.planning_basis_date,
    treatmentPlanDate: r.treatment_plan_at ? localDateOfInstant(r.treatment_plan_at) : null,
    ...(r.out_of_county ? { outOfCounty: true } : {}),
  }));
}

/**
 * The send instants of an episode's ready messages, oldest first: every ready period starts with
 * one (workflows/discharge/workflow.ts `markReady`), so the n-th message notified the n-th period. Ordered
 * by when the workflow recorded them (the order of the periods), then by the time given.
 */
export const readySent = sql<string[] | null>`(select json_agg(m.sent_at order by m.recorded_at, m.sent_at, m.message_id)
          from messages m where m.process_type = 'discharge' and m.process_id = e.episode_id and m.type = 'readyForDischarge')`;

/**
 * Ready periods with the day the municipality was notified (`notifiedDate`, Stockholm date of the
 * ready message). Only when there is one message per period are they paired; otherwise (rows
 * written without messages, a ledger that lost one) the ready date stands for the notification.
 */
export function readyPeriodsOf(periods: readonly [string, string | null][], readySentAt: readonly string[] | null | undefined): BillingEpisode['readyPeriods'] {
  const paired = readySentAt && readySentAt.length === periods.length ? readySentAt : null;
  return periods.map(([readyDate, endedDate], i) => {
    const sent = paired?.[i];
    const notifiedDate = sent && !Number.isNaN(Date.parse(sent)) ? localDateOfInstant(sent) : null;
    return { readyDate, endedDate, notifiedDate };
  });
}

// ---- administered yearly tables -------------------------------------------------------------

/** Who "set" a year the system knows from its sourced reference data, not from an administrator. */
export const REFERENCE_SET_BY = 'reference data (src/domain/reference)';

/**
 * year → öre: the sourced national amounts (src/domain/reference/daily-amounts.ts), known without
 * an administrator typing them, with an entry in the administered table winning. A year in
 * neither stays missing (DailyAmountMissingError, 409 DAILY_AMOUNT_MISSING).
 */
export async function dailyAmounts(db: Db): Promise<Map<number, number>> {
  const rows = await db.selectFrom('billing_daily_amounts').select(['year', 'amount_ore']).execute();
  const out = new Map<number, number>(NATIONAL_DAILY_AMOUNTS.map((d) => [d.year, d.amountOre]));
  for (const r of rows) out.set(r.year, Number(r.amount_ore));
  return new Map([...out].sort(([a], [b]) => a - b));
}

/**
 * Rows migration 0004 wrote from the values known then (2018, 2019, 2022 daily amounts; the 2021
 * average), with a weaker source ("docs/domain.md §7") than the reference data now cites: where
 * the reference data has that year, its figure and source are shown instead. An administrator's
 * own entry always wins.
 */
const MIGRATION_SEEDED = 'migration 0004';
const shadowedByReference = (r: { year: number; set_by: string | null }, referenceYears: ReadonlySet<number>) => r.set_by === MIGRATION_SEEDED && referenceYears.has(r.year);

/**
 * The administered rows and, for a year without one (or only migration 0004's), the sourced
 * reference amount (set_by REFERENCE_SET_BY, set_at null) with its regulation or publication.
 */
export async function listDailyAmounts(db: Db) {
  const referenceYears = new Set(NATIONAL_DAILY_AMOUNTS.map((d) => d.year));
  const rows = (await db.selectFrom('billing_daily_amounts').selectAll().orderBy('year').execute()).filter((r) => !shadowedByReference(r, referenceYears));
  const have = new Set(rows.map((r) => r.year));
  const reference = NATIONAL_DAILY_AMOUNTS.filter((d) => !have.has(d.year)).map((d) => ({
    year: d.year, amount_ore: d.amountOre, source: d.url ? `${d.source} (${d.url})` : d.source, set_by: REFERENCE_SET_BY, set_at: null as unknown as string,
  }));
  return [...rows, ...reference].sort((a, b) => a.year - b.year);
}

export async function setDailyAmount(db: Db, year: number, amountOre: number, source: string, setBy: string | null): Promise<void> {
  await db
    .insertInto('billing_daily_amounts')
    .values({ year, amount_ore: amountOre, source, set_by: setBy })
    .onConflict((oc) => oc.column('year').doUpdateSet({ amount_ore: amountOre, source, set_by: setBy, set_at: sql`now()` }))
    .execute();
}

/**
 * year → hundredths: the sourced national averages (src/domain/reference/national-averages.ts),
 * with an administrator's entry winning; a year in neither keeps NATIONAL_AVERAGE_MISSING.
 */
export async function nationalAverages(db: Db): Promise<Map<number, number>> {
  const rows = await db.selectFrom('billing_national_averages').select(['year', 'hundredths']).execute();
  const out = new Map<number, number>(NATIONAL_AVERAGES.map((a) => [a.year, a.hundredths]));
  for (const r of rows) out.set(r.year, r.hundredths);
  return new Map([...out].sort(([a], [b]) => a - b));
}

/**
 * The national averages with their sources (issue 16: every figure with its source): the
 * administered rows and, for a year without one (or only migration 0004's), the sourced reference
 * figure (set_by REFERENCE_SET_BY, set_at null).
 */
export async function listNationalAverages(db: Db): Promise<{ year: number; hundredths: number; source: string; set_by: string | null; set_at: string | null }[]> {
  const referenceYears = new Set(NATIONAL_AVERAGES.map((a) => a.year));
  const rows = (await db.selectFrom('billing_national_averages').selectAll().orderBy('year').execute())
    .filter((r) => !shadowedByReference(r, referenceYears))
    .map((r) => ({ year: r.year, hundredths: r.hundredths, source: r.source, set_by: r.set_by, set_at: r.set_at as string | null }));
  const have = new Set(rows.map((r) => r.year));
  const reference = NATIONAL_AVERAGES.filter((a) => !have.has(a.year)).map((a) => ({
    year: a.year, hundredths: a.hundredths, source: a.url ? `${a.source} (${a.url})` : a.source, set_by: REFERENCE_SET_BY, set_at: null,
  }));
  return [...rows, ...reference].sort((a, b) => a.year - b.year);
}

export async function setNationalAverage(db: Db, year: number, hundredths: number, source: string, setBy: string | null): Promise<void> {
  await db
    .insertInto('billing_national_averages')
    .values({ year, hundredths, source, set_by: setBy })
    .onConflict((oc) => oc.column('year').doUpdateSet({ hundredths, source, set_by: setBy, set_at: sql`now()` }))
    .execute();
}

// ---- closes ---------------------------------------------------------------------------------

export interface FrozenClose {
  closeId: string;
  region: string;
  month: string;
  ruleSetId: string;
  ruleSet: unknown;
  dailyAmountOre: number | null;
  context: unknown;
  bases: { municipality: string; totalOre: number; lines: BasisLine[]; episodes: BillingEpisode[] }[];
}

const BATCH = 1000;

/** Stores a frozen close once; returns false when it already existed (nothing is written then). */
export async function saveFrozenClose(db: Db, c: FrozenClose): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('billing_closes')
      .values({
        close_id: c.closeId, region: c.region, month: c.month, rule_set_id: c.ruleSetId, rule_set: JSON.stringify(c.ruleSet),
        daily_amount_ore: c.dailyAmountOre, context: JSON.stringify(c.context), status: 'review',
        episode_count: c.bases.reduce((s, b) => s + b.lines.length, 0),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('close_id')
      .executeTakeFirst();
    if (!inserted) return false;
    for (let i = 0; i < c.bases.length; i += 50) {
      await trx
        .insertInto('billing_bases')
        .values(c.bases.slice(i, i + 50).map((b) => ({
          close_id: c.closeId, municipality: b.municipality, line_count: b.lines.length, total_ore: b.totalOre,
          episodes: JSON.stringify(b.episodes),
        })))
        .execute();
    }
    return true;
  });
}

export async function getClose(db: Db, closeId: string) {
  return db.selectFrom('billing_closes').selectAll().where('close_id', '=', closeId).executeTakeFirst();
}

/** The frozen episodes of a close: the engine's input for the final recomputation. */
export async function frozenEpisodes(db: Db, closeId: string): Promise<BillingEpisode[]> {
  const rows = await db.selectFrom('billing_bases').select(sql<string>`episodes::text`.as('json')).where('close_id', '=', closeId).orderBy('municipality').execute();
  return rows.flatMap((r) => JSON.parse(r.json) as BillingEpisode[]);
}

export interface FlagRow {
  flagId: string;
  municipality: string;
  lineRef: string;
  reason: string;
  text: string | null;
  status: string;
  disputeLevel: string | null;
  raisedBy: string | null;
  raisedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export interface FinalInvoice {
  invoiceId: string;
  municipality: string;
  totalOre: number;
  totals: MunicipalityBasis['totals'];
  lines: InvoiceLine[];
  /** the rule set of this invoice when not the close's (an out-of-county municipality: `law-2017-612`) */
  ruleSetId?: string;
}

/**
 * Writes the final invoices, their lines and the review's flags, and marks the close final, in
 * one transaction. A close that is already final keeps its invoices (returns false).
 */
export async function saveFinalInvoices(db: Db, closeId: string, invoices: FinalInvoice[], flags: FlagRow[], finalisedAt: Instant): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const close = await trx.selectFrom('billing_closes').selectAll().where('close_id', '=', closeId).forUpdate().executeTakeFirst();
    if (!close) throw new Error(`billing: no close ${closeId}`);
    if (close.status === 'final') return false;
    for (const inv of invoices) {
      await trx.insertInto('billing_invoices').values({
        invoice_id: inv.invoiceId, close_id: closeId, region: close.region, month: close.month, municipality: inv.municipality,
        rule_set_id: inv.ruleSetId ?? close.rule_set_id, daily_amount_ore: close.daily_amount_ore, total_ore: inv.totalOre, totals: JSON.stringify(inv.totals), finalised_at: finalisedAt,
      }).execute();
      const lines = inv.lines.map((l, i) => ({
        invoice_id: inv.invoiceId, line_no: i + 1, kind: l.kind, line_ref: l.lineRef, description: l.description, day_hundredths: l.dayHundredths, amount_ore: l.amountOre,
      }));
      for (let i = 0; i < lines.length; i += BATCH) await trx.insertInto('billing_invoice_lines').values(lines.slice(i, i + BATCH)).execute();
    }
    for (let i = 0; i < flags.length; i += BATCH) {
      await trx.insertInto('billing_flags').values(flags.slice(i, i + BATCH).map((f) => ({
        flag_id: f.flagId, close_id: closeId, municipality: f.municipality, line_ref: f.lineRef, reason: f.reason, text: f.text, status: f.status,
        dispute_level: f.disputeLevel, raised_by: f.raisedBy, raised_at: f.raisedAt, decided_by: f.decidedBy, decided_at: f.decidedAt, decision_note: f.decisionNote,
      }))).onConflict((oc) => oc.column('flag_id').doNothing()).execute();
    }
    await trx.updateTable('billing_closes').set({ status: 'final', finalised_at: finalisedAt }).where('close_id', '=', closeId).execute();
    return true;
  });
}

export async function invoicesOfClose(db: Db, closeId: string) {
  const invoices = await db.selectFrom('billing_invoices').selectAll().where('close_id', '=', closeId).orderBy('municipality').execute();
  if (invoices.length === 0) return [];
  const lines = await db.selectFrom('billing_invoice_lines').selectAll().where('invoice_id', 'in', invoices.map((i) => i.invoice_id)).orderBy('invoice_id').orderBy('line_no').execute();
  const notes = await db.selectFrom('billing_notes').selectAll().where('invoice_id', 'in', invoices.map((i) => i.invoice_id)).orderBy('created_at').execute();
  return invoices.map((i) => ({
    invoiceId: i.invoice_id,
    closeId: i.close_id,
    region: i.region,
    month: i.month,
    municipality: i.municipality,
    ruleSetId: i.rule_set_id,
    dailyAmountOre: i.daily_amount_ore === null ? null : Number(i.daily_amount_ore),
    totalOre: Number(i.total_ore),
    totals: i.totals as MunicipalityBasis['totals'],
    finalisedAt: i.finalised_at,
    lines: lines.filter((l) => l.invoice_id === i.invoice_id).map((l): InvoiceLine => ({
      kind: l.kind as InvoiceLine['kind'], lineRef: l.line_ref, description: l.description, dayHundredths: l.day_hundredths, amountOre: Number(l.amount_ore),
    })),
    notes: notes.filter((n) => n.invoice_id === i.invoice_id).map((n) => ({
      noteId: n.note_id, kind: n.kind, amountOre: Number(n.amount_ore), reason: n.reason, lineRefs: n.line_refs as string[], createdBy: n.created_by, createdAt: n.created_at,
    })),
  }));
}

export async function getInvoice(db: Db, invoiceId: string) {
  return db.selectFrom('billing_invoices').selectAll().where('invoice_id', '=', invoiceId).executeTakeFirst();
}

export async function flagsOfClose(db: Db, closeId: string) {
  return db.selectFrom('billing_flags').selectAll().where('close_id', '=', closeId).orderBy('raised_at').execute();
}

/** Idempotent by note id (the API derives it from the Idempotency-Key). */
export async function insertNote(db: Db, n: { noteId: string; invoiceId: string; kind: 'credit' | 'debit'; amountOre: number; reason: string; lineRefs: string[]; createdBy: string | null }) {
  await db.insertInto('billing_notes').values({
    note_id: n.noteId, invoice_id: n.invoiceId, kind: n.kind, amount_ore: n.amountOre, reason: n.reason, line_refs: JSON.stringify(n.lineRefs), created_by: n.createdBy,
  }).onConflict((oc) => oc.column('note_id').doNothing()).execute();
  return db.selectFrom('billing_notes').selectAll().where('note_id', '=', n.noteId).executeTakeFirstOrThrow();
}

export async function notesOfInvoice(db: Db, invoiceId: string) {
  return db.selectFrom('billing_notes').selectAll().where('invoice_id', '=', invoiceId).orderBy('created_at').execute();
}
