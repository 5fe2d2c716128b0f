/**
 * The monthly close's steps that touch the ledger (docs/domain.md §7 steps 1, 2 and 4), plain async
 * functions so the activities, the benchmark and the simulation share them:
 * - `freezeClose`: reads the region-month's episodes once, computes the preliminary basis with the
 *   rule set in force then, and stores both (the frozen input is what finalisation recomputes);
 * - `finaliseClose`: recomputes from the frozen input and the accepted corrections and writes the
 *   immutable invoices;
 * - `correctionNote`: a later correction → credit/debit note referencing the final invoice;
 * - `simulate`: any rule sets over any past months, nothing written.
 */
import type { Kysely } from 'kysely';
import {
  addMonths,
  assumptionFor,
  BillingDomainRefusal,
  computeMonth,
  dailyAmountFor,
  firstDayOfMonth,
  needsDailyAmount,
  nextMonth,
  ruleSet,
  ruleSetIdFor,
  type AgreementPeriod,
  type BasisLine,
  type BillingEpisode,
  type CannotComputeEpisode,
  type EngineContext,
  type MonthBasis,
  type RuleSetParams,
} from '../domain/billing';
import {
  dailyAmounts,
  frozenEpisodes,
  getClose,
  getInvoice,
  insertNote,
  invoicesOfClose,
  listBillingEpisodes,
  nationalAverages,
  notesOfInvoice,
  saveFinalInvoices,
  saveFrozenClose,
  flagsOfClose,
  type FlagRow,
} from './billing';
import type { Database } from './schema';

type Db = Kysely<Database>;

export interface CloseInput {
  region: string;
  /** 'YYYY-MM' */
  month: string;
  /** every municipality of the region (each gets an invoice, possibly of 0 kr) */
  municipalities: string[];
  agreements: AgreementPeriod[];
}

export interface CloseSummary {
  closeId: string;
  region: string;
  month: string;
  ruleSetId: string;
  /**
   * Why the rule set is only assumed for this region and month (docs/domain.md §7: Halland 2018-11 …
   * 2022-10 under `law-2017-612`, the sources do not say which model applied), else null.
   */
  ruleSetAssumption?: string | null;
  dailyAmountOre: number | null;
  episodeCount: number;
  totalOre: number;
  /**
   * lines flagged for the billing officer: odd in the ledger though computed (e.g. counted 0 days).
   * `outOfCounty`: a municipality of another county, charged under `law-2017-612` on its own
   * basis (docs/domain.md §7), named from SCB's list.
   */
  municipalities: {
    municipality: string; lines: number; totalOre: number; hints: number; reviews: number; cannotCompute: number;
    outOfCounty?: { ruleSetId: string; municipalityName: string | null; countyName: string | null };
  }[];
  /** episodes the engine cannot compute: in no invoice, for the billing officer to look at (docs/domain.md §7) */
  cannotCompute: CannotComputeEpisode[];
}

/** What the close stores beside the rule set, so finalisation recomputes exactly what was frozen. */
interface StoredContext {
  municipalities: string[];
  nationalAverages: [number, number][];
  history: BillingEpisode[];
  summary: CloseSummary;
  /** the frozen episodes the engine could not compute (in no basis row), so a recomputation lists them again */
  cannotComputeEpisodes?: BillingEpisode[];
}

export const closeIdOf = (region: string, month: string) => `${region}-${month}`;
export const invoiceIdOf = (region: string, month: string, municipality: string) => `${region}-${month}-${municipality}`;

/** Step 1–2: freeze and compute. Idempotent: a close that exists is returned as stored. */
export async function freezeClose(db: Db, input: CloseInput): Promise<CloseSummary> {
  const closeId = closeIdOf(input.region, input.month);
  const existing = await getClose(db, closeId);
  if (existing) return (existing.context as StoredContext).summary;

  const params = ruleSet(ruleSetIdFor(input.agreements, input.month));
  const ctx = await engineContext(db, params, input.month, input.municipalities);
  const episodes = await listBillingEpisodes(db, input.region, firstDayOfMonth(input.month), firstDayOfMonth(nextMonth(input.month)));
  const history = params.rollingWindowMonths > 1
    ? await listBillingEpisodes(db, input.region, firstDayOfMonth(addMonths(input.month, 1 - params.rollingWindowMonths)), firstDayOfMonth(input.month))
    : [];
  const basis = computeMonth(params, episodes, { ...ctx, history });
  const summary = summarise(closeId, input, basis);
  const byId = new Map(episodes.map((e) => [e.episodeId, e]));
  const cannot = new Set(basis.cannotCompute.map((c) => c.episodeId));
  const stored: StoredContext = {
    municipalities: input.municipalities, nationalAverages: [...(ctx.nationalAverages ?? new Map())], history, summary,
    cannotComputeEpisodes: episodes.filter((e) => cannot.has(e.episodeId)),
  };
  const written = await saveFrozenClose(db, {
    closeId,
    region: input.region,
    month: input.month,
    ruleSetId: params.id,
    ruleSet: params,
    dailyAmountOre: ctx.dailyAmountOre,
    context: stored,
    bases: basis.municipalities.map((m) => ({ municipality: m.municipality, totalOre: m.totals.totalOre, lines: m.lines, episodes: m.lines.map((l) => byId.get(l.episodeId)!) })),
  });
  // a concurrent freeze won the race: return what it stored
  return written ? summary : ((await getClose(db, closeId))!.context as StoredContext).summary;
}

async function engineContext(db: Db, params: RuleSetParams, month: string, municipalities: string[]): Promise<EngineContext> {
  const year = Number(month.slice(0, 4));
  // docs/domain.md §7: the year's amount must exist before a month of that year can be closed
  // (a rule set without one — the 2018 twelfth — still takes the year's amount when known: out-of-county episodes are charged under the law)
  const table = await dailyAmounts(db);
  const dailyAmountOre = needsDailyAmount(params) ? dailyAmountFor(table, year) : (table.get(year) ?? null);
  return { month, municipalities, dailyAmountOre, nationalAverages: await nationalAverages(db) };
}

function summarise(closeId: string, input: CloseInput, basis: MonthBasis): CloseSummary {
  return {
    closeId,
    region: input.region,
    month: input.month,
    ruleSetId: basis.ruleSetId,
    ruleSetAssumption: assumptionFor(basis.ruleSetId, input.region, input.month)?.note ?? null,
    dailyAmountOre: basis.dailyAmountOre,
    episodeCount: basis.municipalities.reduce((s, m) => s + m.lines.length, 0),
    totalOre: basis.totalOre,
    municipalities: basis.municipalities.map((m) => ({
      municipality: m.municipality,
      lines: m.lines.length,
      totalOre: m.totals.totalOre,
      hints: m.lines.filter((l) => l.hint !== null).length,
      reviews: m.lines.filter((l) => l.review !== null).length,
      cannotCompute: m.cannotCompute.length,
      ...(m.outOfCounty ? { outOfCounty: m.outOfCounty } : {}),
    })),
    cannotCompute: basis.cannotCompute,
  };
}

/**
 * The basis lines of a close, recomputed from the frozen input: as preliminary during review,
 * with the accepted corrections once final (so an export shows which lines dropped out and why),
 * and the frozen episodes the engine cannot compute (for the billing officer).
 */
export async function basisAndCannotCompute(db: Db, closeId: string, municipality?: string): Promise<{ lines: BasisLine[]; cannotCompute: CannotComputeEpisode[] }> {
  const close = await getClose(db, closeId);
  if (!close) return { lines: [], cannotCompute: [] };
  const corrections = new Map<string, string>();
  if (close.status === 'final') for (const f of await flagsOfClose(db, closeId)) if (f.status === 'accepted') corrections.set(f.line_ref, f.reason);
  const basis = await recompute(db, closeId, corrections);
  return {
    lines: basis.municipalities.filter((m) => !municipality || m.municipality === municipality).flatMap((m) => m.lines),
    cannotCompute: basis.cannotCompute.filter((c) => !municipality || c.municipality === municipality),
  };
}

/** Recomputes a stored close from its frozen input with the given corrections (line ref → reason). */
export async function recompute(db: Db, closeId: string, corrections: ReadonlyMap<string, string>): Promise<MonthBasis> {
  const close = await getClose(db, closeId);
  if (!close) throw new BillingRefusal('CLOSE_NOT_FOUND', `There is no frozen close ${closeId}.`, 404);
  const stored = close.context as StoredContext;
  return computeMonth(close.rule_set as RuleSetParams, [...(await frozenEpisodes(db, closeId)), ...(stored.cannotComputeEpisodes ?? [])], {
    month: close.month,
    municipalities: stored.municipalities,
    dailyAmountOre: close.daily_amount_ore === null ? null : Number(close.daily_amount_ore),
    nationalAverages: new Map(stored.nationalAverages),
    history: stored.history,
    corrections,
  });
}

export interface FinalSummary {
  closeId: string;
  totalOre: number;
  invoices: { invoiceId: string; municipality: string; totalOre: number; lines: number }[];
}

/** Step 4: the final invoices, recomputed from the accepted corrections; idempotent. */
export async function finaliseClose(db: Db, closeId: string, corrections: { lineRef: string; reason: string }[], flags: FlagRow[], finalisedAt: string): Promise<FinalSummary> {
  const close = await getClose(db, closeId);
  if (!close) throw new BillingRefusal('CLOSE_NOT_FOUND', `There is no frozen close ${closeId}: it cannot be finalised.`, 404);
  if (close.status !== 'final') {
    const basis = await recompute(db, closeId, new Map(corrections.map((c) => [c.lineRef, c.reason])));
    await saveFinalInvoices(
      db,
      closeId,
      basis.municipalities.map((m) => ({
        invoiceId: invoiceIdOf(close.region, close.month, m.municipality),
        municipality: m.municipality,
        totalOre: m.totals.totalOre,
        totals: m.totals,
        lines: m.invoiceLines,
        ...(m.outOfCounty ? { ruleSetId: m.outOfCounty.ruleSetId } : {}),
      })),
      flags,
      finalisedAt,
    );
  }
  const invoices = await invoicesOfClose(db, closeId);
  return {
    closeId,
    totalOre: invoices.reduce((s, i) => s + i.totalOre, 0),
    invoices: invoices.map((i) => ({ invoiceId: i.invoiceId, municipality: i.municipality, totalOre: i.totalOre, lines: i.lines.length })),
  };
}

/** A refusal of a close or invoice action (a typed domain refusal: the API answers `status` with the code). */
export class BillingRefusal extends BillingDomainRefusal {
  constructor(code: string, message: string, status = 409) {
    super(code, message, undefined, status);
    this.name = 'BillingRefusal';
  }
}

/**
 * A correction after the invoice is final (docs/domain.md §7 step 4): the municipality's basis is
 * recomputed with the accepted review corrections, every earlier note's lines and these lines
 * removed; the difference to what is invoiced so far becomes a credit (negative) or debit note.
 * With `amountOre` instead of lines, the note carries that amount as stated.
 */
export async function correctionNote(
  db: Db,
  invoiceId: string,
  req: { noteId: string; reason: string; lineRefs?: string[]; amountOre?: number; createdBy: string | null },
) {
  const invoice = await getInvoice(db, invoiceId);
  if (!invoice) throw new BillingRefusal('INVOICE_NOT_FOUND', `There is no invoice ${invoiceId}.`, 404);
  const notes = await notesOfInvoice(db, invoiceId);
  const already = notes.find((n) => n.note_id === req.noteId);
  if (already) return already;
  let amount: number;
  const lineRefs = req.lineRefs ?? [];
  if (req.amountOre !== undefined) {
    amount = req.amountOre;
  } else {
    const corrections = new Map<string, string>();
    for (const f of await flagsOfClose(db, invoice.close_id)) if (f.status === 'accepted') corrections.set(f.line_ref, f.reason);
    for (const n of notes) for (const ref of n.line_refs as string[]) corrections.set(ref, n.reason);
    for (const ref of lineRefs) corrections.set(ref, req.reason);
    const basis = await recompute(db, invoice.close_id, corrections);
    const m = basis.municipalities.find((x) => x.municipality === invoice.municipality);
    const known = new Set(m?.lines.map((l) => l.lineRef));
    const unknown = lineRefs.filter((r) => !known.has(r));
    if (unknown.length) throw new BillingRefusal('UNKNOWN_LINE', `Not lines of invoice ${invoiceId}: ${unknown.join(', ')}`, 400);
    const invoicedSoFar = Number(invoice.total_ore) + notes.reduce((s, n) => s + Number(n.amount_ore), 0);
    amount = (m?.totals.totalOre ?? 0) - invoicedSoFar;
  }
  if (amount === 0) throw new BillingRefusal('NO_CHANGE', 'The correction does not change the amount invoiced; no note was created.');
  return insertNote(db, { noteId: req.noteId, invoiceId, kind: amount < 0 ? 'credit' : 'debit', amountOre: amount, reason: req.reason, lineRefs, createdBy: req.createdBy });
}

// ---- simulation -----------------------------------------------------------------------------

export interface SimulationResult {
  ruleSets: string[];
  months: {
    month: string;
    results: {
      ruleSetId: string;
      /** why this rule set is only assumed for the region in this month (docs/domain.md §7), else null */
      assumption: string | null;
      totalOre: number;
      municipalities: {
        municipality: string; totalOre: number; episodes: number; countedEpisodes: number; averageHundredths: number | null; chargeableDayHundredths: number;
        /** a municipality of another county: charged under this rule set (`law-2017-612`), named from SCB */
        outOfCounty?: { ruleSetId: string; municipalityName: string | null; countyName: string | null };
      }[];
      /** episodes of the month the engine cannot compute: in no total (docs/domain.md §7) */
      cannotCompute: CannotComputeEpisode[];
    }[];
  }[];
  totals: { ruleSetId: string; totalOre: number; byMunicipality: Record<string, number> }[];
}

/** docs/domain.md §7 "Model simulation": rule sets over past months' episodes; reads only. */
export async function simulate(db: Db, req: { region: string; municipalities: string[]; from: string; to: string; ruleSets: RuleSetParams[] }): Promise<SimulationResult> {
  const amounts = await dailyAmounts(db);
  const averages = await nationalAverages(db);
  const months: SimulationResult['months'] = [];
  const totals = req.ruleSets.map((r) => ({ ruleSetId: r.id, totalOre: 0, byMunicipality: Object.fromEntries(req.municipalities.map((m) => [m, 0])) as Record<string, number> }));
  for (let month = req.from; month <= req.to; month = nextMonth(month)) {
    const episodes = await listBillingEpisodes(db, req.region, firstDayOfMonth(month), firstDayOfMonth(nextMonth(month)));
    const year = Number(month.slice(0, 4));
    const results = [];
    for (const [i, params] of req.ruleSets.entries()) {
      const history = params.rollingWindowMonths > 1
        ? await listBillingEpisodes(db, req.region, firstDayOfMonth(addMonths(month, 1 - params.rollingWindowMonths)), firstDayOfMonth(month))
        : [];
      const basis = computeMonth(params, episodes, {
        month, municipalities: req.municipalities, nationalAverages: averages, history,
        dailyAmountOre: needsDailyAmount(params) ? dailyAmountFor(amounts, year) : (amounts.get(year) ?? null),
      });
      const t = totals[i]!;
      t.totalOre += basis.totalOre;
      for (const m of basis.municipalities) t.byMunicipality[m.municipality] = (t.byMunicipality[m.municipality] ?? 0) + m.totals.totalOre;
      results.push({
        ruleSetId: params.id,
        assumption: assumptionFor(params.id, req.region, month)?.note ?? null,
        totalOre: basis.totalOre,
        municipalities: basis.municipalities.map((m) => ({
          municipality: m.municipality, totalOre: m.totals.totalOre, episodes: m.totals.episodes, countedEpisodes: m.totals.countedEpisodes,
          averageHundredths: m.totals.averageHundredths, chargeableDayHundredths: m.totals.chargeableDayHundredths,
          ...(m.outOfCounty ? { outOfCounty: m.outOfCounty } : {}),
        })),
        cannotCompute: basis.cannotCompute,
      });
    }
    months.push({ month, results });
  }
  return { ruleSets: req.ruleSets.map((r) => r.id), months, totals };
}
