/**
 * Request bodies of the billing endpoints (docs/domain.md §7). zod validates them (400 naming the
 * field) and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { DISPUTE_LEVELS, FLAG_REASONS, type Flag } from '../../domain/billing/review';
import { RULE_SETS, ruleSet, type BasisLine, type CannotComputeEpisode, type InvoiceLine, type MunicipalityBasis, type RuleSetParams } from '../../domain/billing';
import type { CloseSummary, SimulationResult } from '../../db/billing-close';
import type { invoicesOfClose } from '../../db/billing';
import type { listBillingAlerts } from '../../db/billing-alerts';
import type { CloseView } from '../../../workflows/monthly-close/contract';
import { describes, TimelineEntryView } from './views';
import { RegionIdSchema } from './common';

export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const kommunkod = z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod (SCB)');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const CloseParams = z.object({ region: RegionIdSchema, month: MonthSchema });

export const StartCloseBody = z.object({ region: RegionIdSchema, month: MonthSchema }).strict().meta({ id: 'StartMonthlyClose' });

/** Review actions: path segment → body; `type` is added by the route. */
export const REVIEW_BODIES = {
  flagLine: {
    path: 'flags',
    summary: 'Flag a basis line as an obvious error (municipality invoice reviewer)',
    body: z.object({ municipality: kommunkod, lineRef: z.string().regex(/^\d{4}-\d{5}$/, 'must be a line reference like 1380-00042'), reason: z.enum(FLAG_REASONS), text: text(1000).optional() }),
  },
  decideFlag: {
    path: 'flag-decisions',
    summary: 'Accept or reject a flag (region billing officer)',
    body: z.object({ flagId: z.string().min(1).max(40), decision: z.enum(['accept', 'reject']), note: text(1000).optional() }),
  },
  raiseDispute: {
    path: 'disputes',
    summary: 'Raise a rejected flag as a dispute (to the management level concerned)',
    body: z.object({ flagId: z.string().min(1).max(40), note: text(2000) }),
  },
  escalateDispute: {
    path: 'dispute-escalations',
    summary: 'Escalate a dispute to the county leadership',
    body: z.object({ flagId: z.string().min(1).max(40), note: text(2000).optional() }),
  },
  approveBasis: {
    path: 'approvals',
    summary: 'Approve the invoice basis (municipality)',
    body: z.object({ municipality: kommunkod }),
  },
} as const;

export const ExportQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  decimal: z.enum(['comma', 'point']).default('point').meta({ description: 'Swedish decimal comma for Excel' }),
  municipality: kommunkod.optional(),
});

export const NoteBody = z
  .object({
    reason: text(1000),
    lineRefs: z.array(z.string().regex(/^\d{4}-\d{5}$/)).min(1).max(1000).optional(),
    amountOre: z.number().int().refine((n) => n !== 0, 'must not be 0').optional(),
  })
  .strict()
  .refine((b) => (b.lineRefs === undefined) !== (b.amountOre === undefined), { message: 'give either lineRefs (recomputed) or amountOre', path: ['lineRefs'] })
  .meta({ id: 'CorrectionNote' });

export const DailyAmountBody = z
  .object({ amountOre: z.number().int().min(1).max(100_000_000), source: text(300) })
  .strict()
  .meta({ id: 'DailyAmount', description: 'Belopp per vårddygn in öre (9 300 kr = 930000), and its source (e.g. HSLF-FS 2021:xx)' });

export const NationalAverageBody = z
  .object({ hundredths: z.number().int().min(0).max(10_000), source: text(300) })
  .strict()
  .meta({ id: 'NationalAverage', description: 'National average of ready days for the year, in hundredths (2.3 days = 230)' });

export const AlertsQuery = z
  .object({
    region: RegionIdSchema.optional().meta({ description: 'default: your region' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const YearParam = z.object({ year: z.coerce.number().int().min(2018).max(2100) });

/** A rule set as parameters; `base` starts from a named rule set and overrides what is given. */
export const RuleSetParamsBody = z
  .object({
    base: z.enum(Object.keys(RULE_SETS) as [string, ...string[]]).optional(),
    id: z.string().min(1).max(60).default('custom'),
    name: z.string().max(200).optional(),
    calculation: z.enum(['perEpisode', 'average']).optional(),
    freeDays: z.number().int().min(0).max(60).optional(),
    outpatientExemption: z.boolean().optional(),
    minReadyDays: z.number().int().min(0).max(30).optional(),
    benchmarkHundredths: z.number().int().min(0).max(10_000).optional().meta({ description: '1.5 days = 150; in force for every month' }),
    individual: z.object({ aboveDays: z.number().int().min(0).max(365), charge: z.enum(['beyond', 'all']), removeFromAverage: z.boolean() }).nullable().optional(),
    discountPercent: z.number().int().min(0).max(100).optional(),
    rollingWindowMonths: z.number().int().min(1).max(12).optional(),
    checkpoints: z.object({ planningBasisDate: z.boolean(), treatmentPlan: z.boolean() }).optional(),
  })
  .strict()
  .refine((b) => b.base !== undefined || b.calculation !== undefined, { message: 'give a base rule set or a calculation', path: ['calculation'] })
  .meta({ id: 'RuleSetParams' });

export function resolveRuleSet(spec: string | z.infer<typeof RuleSetParamsBody>): RuleSetParams {
  if (typeof spec === 'string') return ruleSet(spec);
  const base: RuleSetParams = spec.base
    ? ruleSet(spec.base)
    : { ...ruleSet('law-2017-612'), freeDays: 0, psychiatricFreeDays: [], outpatientExemption: false, calculation: spec.calculation! };
  const { base: _b, benchmarkHundredths, ...rest } = spec;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...base,
    ...defined,
    id: spec.id === 'custom' && spec.base ? `${spec.base}*` : spec.id,
    name: spec.name ?? `custom (${spec.base ?? spec.calculation})`,
    source: 'simulation parameters',
    benchmark: benchmarkHundredths !== undefined ? { fixed: [{ from: '0000-01', hundredths: benchmarkHundredths }], otherwiseNationalAverageOfPreviousYear: false } : base.benchmark,
  } as RuleSetParams;
}

const RuleSetRef = z.union([z.enum(Object.keys(RULE_SETS) as [string, ...string[]]), RuleSetParamsBody]);

export const SimulateBody = z
  .object({
    region: RegionIdSchema,
    from: MonthSchema,
    to: MonthSchema,
    ruleSet: RuleSetRef.meta({ description: 'a rule set id, or parameters' }),
    compareWith: RuleSetRef.optional().meta({ description: 'a second rule set over the same episodes' }),
  })
  .strict()
  .refine((b) => b.from <= b.to, { message: 'must not be after `to`', path: ['from'] })
  .refine((b) => monthsBetween(b.from, b.to) <= 36, { message: 'at most 36 months per simulation', path: ['to'] })
  .meta({ id: 'Simulate', description: '`from` not after `to`, at most 36 months (a rule between two fields: 400 naming the field)' });

function monthsBetween(a: string, b: string): number {
  const n = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return n(b) - n(a) + 1;
}

// ---- response bodies (issue 17), each checked against the server's type (./views.ts `describes`) ----

const nullableString = z.string().nullable();
const OutOfCounty = z.object({ ruleSetId: z.string(), municipalityName: nullableString, countyName: nullableString });

const RuleSetView = describes<RuleSetParams>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      source: z.string(),
      calculation: z.enum(['perEpisode', 'average', 'transitionalTwelfth']),
      freeDays: z.number().int(),
      psychiatricFreeDays: z.array(z.object({ year: z.number().int(), days: z.number().int() })),
      outpatientExemption: z.boolean(),
      minReadyDays: z.number().int(),
      benchmark: z
        .object({ fixed: z.array(z.object({ from: z.string(), to: z.string().optional(), hundredths: z.number().int() })), otherwiseNationalAverageOfPreviousYear: z.boolean() })
        .nullable(),
      individual: z.object({ aboveDays: z.number().int(), charge: z.enum(['beyond', 'all']), removeFromAverage: z.boolean() }).nullable(),
      discountPercent: z.number(),
      rollingWindowMonths: z.number().int(),
      checkpoints: z.object({ planningBasisDate: z.boolean(), treatmentPlan: z.boolean() }),
      transitional: z.object({ baseYear: z.number().int(), annualOre: z.record(z.string(), z.number()) }).nullable(),
      assumedFor: z.array(z.object({ region: z.string(), from: z.string(), to: z.string(), note: z.string() })).optional(),
    })
    .meta({ id: 'RuleSet', description: 'A rule set of payment liability (docs/domain.md §7) as parameters of the one engine' }),
);
export const RuleSetsBody = z.object({ ruleSets: z.array(RuleSetView) }).meta({ id: 'RuleSets' });

export const CloseStarted = z
  .object({ workflowId: z.string(), closeId: z.string(), ruleSetId: z.string(), alreadyStarted: z.boolean() })
  .meta({ id: 'MonthlyCloseStarted' });

const FlagView = describes<Flag>()(
  z.object({
    flagId: z.string(),
    municipality: z.string(),
    lineRef: z.string(),
    reason: z.enum(FLAG_REASONS),
    text: nullableString,
    status: z.enum(['open', 'accepted', 'rejected', 'lapsed']),
    raisedBy: nullableString,
    raisedAt: z.string(),
    decidedBy: nullableString,
    decidedAt: nullableString,
    decisionNote: nullableString,
    dispute: z.object({ level: z.enum(DISPUTE_LEVELS), raisedAt: z.string(), notes: z.array(z.string()) }).nullable(),
  }),
);

const CloseSummaryView = describes<CloseSummary>()(
  z.object({
    closeId: z.string(),
    region: z.string(),
    month: z.string(),
    ruleSetId: z.string(),
    ruleSetAssumption: nullableString.optional(),
    dailyAmountOre: z.number().nullable(),
    episodeCount: z.number().int(),
    totalOre: z.number(),
    municipalities: z.array(
      z.object({
        municipality: z.string(), lines: z.number().int(), totalOre: z.number(), hints: z.number().int(), reviews: z.number().int(), cannotCompute: z.number().int(),
        outOfCounty: OutOfCounty.optional(),
      }),
    ),
  }),
);

/**
 * A close as the billing officer sees it; an invoice reviewer sees their municipality's review
 * state and flags only (no preliminary totals, final summary or timeline).
 */
export const CloseViewSchema = describes<CloseView | Omit<CloseView, 'preliminary' | 'final' | 'timeline'>>()(
  z
    .object({
      closeId: z.string(),
      region: z.string(),
      month: z.string(),
      phase: z.enum(['freezing', 'review', 'final']),
      ruleSetId: nullableString,
      dailyAmountOre: z.number().nullable(),
      reviewEndsAt: nullableString,
      preliminary: CloseSummaryView.nullable().optional().meta({ description: 'billing officers only' }),
      municipalities: z.array(z.object({ municipality: z.string(), lines: z.number().int(), approvedAt: nullableString })),
      flags: z.array(FlagView),
      final: z
        .object({ closeId: z.string(), totalOre: z.number(), invoices: z.array(z.object({ invoiceId: z.string(), municipality: z.string(), totalOre: z.number(), lines: z.number().int() })) })
        .nullable()
        .optional()
        .meta({ description: 'billing officers only' }),
      timeline: z.array(TimelineEntryView).optional().meta({ description: 'billing officers only' }),
    })
    .meta({ id: 'MonthlyClose' }),
);

const CannotComputeView = describes<CannotComputeEpisode>()(
  z.object({
    episodeId: z.string(),
    municipality: nullableString,
    endDate: nullableString,
    code: z.enum(['READY_PERIOD_UNDATED', 'END_DATE_MISSING', 'EPISODE_MALFORMED', 'COMPUTATION_FAILED', 'DAILY_AMOUNT_MISSING']),
    reason: z.string(),
    review: z.literal('billingOfficer'),
  }),
);

const BasisLineView = describes<BasisLine>()(
  z.object({
    lineRef: z.string(),
    episodeId: z.string(),
    municipality: z.string(),
    firstReadyDate: nullableString,
    endDate: z.string(),
    ending: z.enum(['discharged', 'cancelled']),
    readyPeriods: z.number().int(),
    readyDays: z.number(),
    psychiatric: z.boolean(),
    checkpoint: z.enum(['notRequired', 'met', 'NO_PLANNING_BASIS_DATE', 'NO_TREATMENT_PLAN', 'NO_PLANNING_BASIS_DATE_AND_TREATMENT_PLAN']),
    status: z.enum(['charged', 'counted', 'notCounted', 'excludedCheckpoint', 'corrected', 'informational']),
    chargeableDayHundredths: z.number(),
    amountOre: z.number(),
    note: nullableString,
    hint: nullableString,
    outOfCounty: z.literal(true).optional(),
    municipalityName: nullableString.optional(),
    ruleSetId: z.string().optional(),
    individual: z
      .discriminatedUnion('basis', [
        z.object({ basis: z.literal('aboveThreshold'), aboveDays: z.number().int(), removedFromAverage: z.boolean() }),
        z.object({ basis: z.literal('psychiatricFreeDays'), freeDays: z.number().int(), notifiedYear: z.number().int() }),
      ])
      .optional()
      .meta({ description: 'average models: why the line is invoiced per individual (above the threshold, 004 §6; or psychiatric care per individual after the year\'s free days, out of the average: Gävleborg 2018, 004 §3.2)' }),
    review: nullableString,
  }),
);

export const BasisBody = z
  .object({ closeId: z.string(), ruleSetId: z.string(), status: z.string(), lines: z.array(BasisLineView), cannotCompute: z.array(CannotComputeView) })
  .meta({ id: 'InvoiceBasis', description: 'fakturaunderlag: one anonymised line per episode' });

const TotalsView = describes<MunicipalityBasis['totals']>()(
  z.object({
    episodes: z.number().int(),
    countedEpisodes: z.number().int(),
    countedReadyDays: z.number(),
    averageHundredths: z.number().nullable(),
    decisionAverageHundredths: z.number().nullable(),
    benchmarkHundredths: z.number().nullable(),
    chargeableDayHundredths: z.number(),
    grossOre: z.number(),
    discountOre: z.number(),
    totalOre: z.number(),
  }),
);
const InvoiceLineView = describes<InvoiceLine>()(
  z.object({ kind: z.enum(['episode', 'individual', 'average', 'transitional', 'discount']), lineRef: nullableString, description: z.string(), dayHundredths: z.number(), amountOre: z.number() }),
);

export const NoteView = z
  .object({ noteId: z.string(), invoiceId: z.string(), kind: z.enum(['credit', 'debit']), amountOre: z.number(), reason: z.string(), lineRefs: z.unknown() })
  .meta({ id: 'CorrectionNoteCreated', description: 'kredit-/debetfaktura referring to a final invoice' });

export const InvoicesBody = describes<{ closeId: string; invoices: Awaited<ReturnType<typeof invoicesOfClose>> }>()(
  z
    .object({
      closeId: z.string(),
      invoices: z.array(
        z.object({
          invoiceId: z.string(),
          closeId: z.string(),
          region: z.string(),
          month: z.string(),
          municipality: z.string(),
          ruleSetId: z.string(),
          dailyAmountOre: z.number().nullable(),
          totalOre: z.number(),
          totals: TotalsView,
          finalisedAt: z.string(),
          lines: z.array(InvoiceLineView),
          notes: z.array(z.object({ noteId: z.string(), kind: z.enum(['credit', 'debit']), amountOre: z.number(), reason: z.string(), lineRefs: z.array(z.string()), createdBy: nullableString, createdAt: z.string() })),
        }),
      ),
    })
    .meta({ id: 'Invoices' }),
);

export const SimulationBody = describes<SimulationResult & { ruleSetParams: RuleSetParams[]; comparison: { municipality: string; a: number; b: number; differenceOre: number }[] | undefined }>()(
  z
    .object({
      ruleSets: z.array(z.string()),
      months: z.array(
        z.object({
          month: z.string(),
          results: z.array(
            z.object({
              ruleSetId: z.string(),
              assumption: nullableString,
              totalOre: z.number(),
              municipalities: z.array(
                z.object({
                  municipality: z.string(), totalOre: z.number(), episodes: z.number().int(), countedEpisodes: z.number().int(), averageHundredths: z.number().nullable(), chargeableDayHundredths: z.number(),
                  outOfCounty: OutOfCounty.optional(),
                }),
              ),
              cannotCompute: z.array(CannotComputeView),
            }),
          ),
        }),
      ),
      totals: z.array(z.object({ ruleSetId: z.string(), totalOre: z.number(), byMunicipality: z.record(z.string(), z.number()) })),
      ruleSetParams: z.array(RuleSetView),
      comparison: z.array(z.object({ municipality: z.string(), a: z.number(), b: z.number(), differenceOre: z.number() })).optional(),
    })
    .meta({ id: 'Simulation' }),
);

export const AlertsBody = describes<{ region: string; alerts: Awaited<ReturnType<typeof listBillingAlerts>> }>()(
  z
    .object({
      region: z.string(),
      alerts: z.array(
        z.object({
          alertId: z.string(),
          region: z.string(),
          month: z.string(),
          closeId: z.string(),
          runId: nullableString,
          kind: z.string(),
          step: nullableString,
          code: z.string(),
          message: z.string(),
          episodeIds: z.array(z.string()),
          createdAt: z.string(),
          deliveries: z.array(
            z.object({ recipient: z.string(), channel: z.enum(['email', 'webhook']), status: z.enum(['pending', 'delivered', 'failed']), attempts: z.number().int(), lastError: nullableString, deliveredAt: nullableString }),
          ),
        }),
      ),
    })
    .meta({ id: 'BillingAlerts' }),
);

export const DailyAmountsBody = z
  .object({
    dailyAmounts: z.array(
      z.object({ year: z.number().int(), amountOre: z.number(), source: z.string(), setBy: nullableString, setAt: nullableString.meta({ description: 'null for the national reference amounts no one has overridden' }) }),
    ),
    nationalAverages: z.array(
      z.object({
        year: z.number().int(),
        hundredths: z.number(),
        source: z.string().meta({ description: 'where the figure was read (issue 16: every figure with its source)' }),
        setBy: nullableString,
        setAt: nullableString.meta({ description: 'null for the national reference figures no one has overridden' }),
      }),
    ),
  })
  .meta({ id: 'DailyAmounts' });
export const DailyAmountSet = z.object({ year: z.number().int(), amountOre: z.number().int(), source: z.string() }).meta({ id: 'DailyAmountSet' });
export const NationalAverageSet = z.object({ year: z.number().int(), hundredths: z.number().int(), source: z.string() }).meta({ id: 'NationalAverageSet' });

/** A final invoice: `<region>-<month>-<kommunkod>` (invoiceIdOf in src/db/billing-close.ts). */
export const InvoiceIdParam = z.object({
  invoiceId: z.string().regex(/^[a-z][a-z0-9-]{0,39}-\d{4}-(0[1-9]|1[0-2])-\d{4}$/, 'must be an invoice id like gavleborg-2026-01-2180'),
});
