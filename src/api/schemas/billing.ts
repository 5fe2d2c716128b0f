/**
 * Request bodies of the billing endpoints (docs/domain.md §7). zod validates them (400 naming the
 * field) and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { FLAG_REASONS } from '../../domain/billing/review';
import { RULE_SETS, ruleSet, type RuleSetParams } from '../../domain/billing';

export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const kommunkod = z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod (SCB)');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const CloseParams = z.object({ region: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a region id'), month: MonthSchema });

export const StartCloseBody = z.object({ region: z.string().min(1).max(40), month: MonthSchema }).strict().meta({ id: 'StartMonthlyClose' });

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
    region: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a region id').optional().meta({ description: 'default: your region' }),
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
    region: z.string().min(1).max(40),
    from: MonthSchema,
    to: MonthSchema,
    ruleSet: RuleSetRef.meta({ description: 'a rule set id, or parameters' }),
    compareWith: RuleSetRef.optional().meta({ description: 'a second rule set over the same episodes' }),
  })
  .strict()
  .refine((b) => b.from <= b.to, { message: 'must not be after `to`', path: ['from'] })
  .refine((b) => monthsBetween(b.from, b.to) <= 36, { message: 'at most 36 months per simulation', path: ['to'] })
  .meta({ id: 'Simulate' });

function monthsBetween(a: string, b: string): number {
  const n = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  return n(b) - n(a) + 1;
}
