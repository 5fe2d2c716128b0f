/**
 * The billing engine's data: what it reads (episodes as the monthly close freezes them), how a
 * rule set is parameterised, and what it produces (an invoice basis per municipality).
 * Plain data only, so workflows may import the types and tests build them by hand.
 */
import type { LocalDate } from '../calendar';

export type { LocalDate };
/** 'YYYY-MM' */
export type Month = string;

/** One stretch of readiness; `endedDate` is the discharge, withdrawal or cancellation date. */
export interface BillingReadyPeriod {
  readyDate: LocalDate;
  endedDate: LocalDate | null;
  /**
   * The Stockholm date the ready message (utskrivningsklar) was sent: ready days run from it,
   * never before (docs/domain.md §7). Absent in episodes frozen before it was read; then the ready date.
   */
  notifiedDate?: LocalDate | null;
}

/** An episode as billing sees it (docs/domain.md §7, read from the ledger §8). No patient identity. */
export interface BillingEpisode {
  episodeId: string;
  /** kommunkod of the paying municipality */
  municipality: string;
  psychiatric: boolean;
  readyPeriods: BillingReadyPeriod[];
  /**
   * The date that puts the episode in a month: the discharge date, or for an episode cancelled
   * while ready (e.g. the patient died) the cancellation date. See `ending`.
   */
  endDate: LocalDate;
  ending: 'discharged' | 'cancelled';
  cancellationReason: string | null;
  /** law-2017-612: region-funded outpatient services were unavailable → no liability */
  outpatientServicesUnavailable: boolean;
  /**
   * The municipality lies in another county (StartEpisodeInput.outOfCounty, ledger out_of_county;
   * 001 §5.8): the region's agreement does not bind it, the episode is charged under
   * `law-2017-612` on its own basis line (docs/domain.md §7). Absent in episodes frozen before it was read.
   */
  outOfCounty?: boolean;
  /** halland-2027 checkpoints (002) */
  planningBasisDate: LocalDate | null;
  treatmentPlanDate: LocalDate | null;
}

export type Calculation = 'perEpisode' | 'average' | 'transitionalTwelfth';

/** A benchmark (riktmärke) in hundredths of a day: 2.3 days = 230. */
export interface BenchmarkSpec {
  /** fixed values for month ranges ('YYYY-MM', inclusive) */
  fixed: { from: Month; to?: Month; hundredths: number }[];
  /**
   * Outside the fixed ranges: the national average of ready days of the previous year, from the
   * administered table (000: "riktmärke … vilket är 2021 års riksgenomsnitt").
   */
  otherwiseNationalAverageOfPreviousYear: boolean;
}

/**
 * A rule set is parameters of the one engine (docs/domain.md §7 last paragraph), plus a named
 * calculation where the parameters cannot express the rule (the 2018 transitional twelfth).
 */
export interface RuleSetParams {
  id: string;
  name: string;
  /** where the rule comes from, for the invoice and for auditors */
  source: string;
  calculation: Calculation;
  /** perEpisode: free calendar days per ready period before liability starts (law: 3) */
  freeDays: number;
  /**
   * Psychiatric inpatient care free days by the year in which the patient was first notified ready
   * (not the billed month; 001: "30 dagar efter underrättelse om utskrivningsklar till och med 31
   * december"). perEpisode: these free days instead of `freeDays` (law 2018: 30). average: such an
   * episode is charged per individual after these days and kept out of the average (Gävleborg 2018,
   * 004 §3.2).
   */
  psychiatricFreeDays: { year: number; days: number }[];
  /** no liability for episodes flagged outpatient services unavailable (law-2017-612) */
  outpatientExemption: boolean;
  /** average: episodes with at least this many ready days enter the average (≥1 / ≥0) */
  minReadyDays: number;
  benchmark: BenchmarkSpec | null;
  /** episodes above `aboveDays` ready days are invoiced individually (gavleborg-2019, 004 §6) */
  individual: { aboveDays: number; charge: 'beyond' | 'all'; removeFromAverage: boolean } | null;
  /** discount on the total, in percent (halland 2023-11-01: 35) */
  discountPercent: number;
  /** average: the liability decision uses the average over this many months (1 = the month) */
  rollingWindowMonths: number;
  /** only episodes meeting these checkpoints can create liability (halland-2027, 002) */
  checkpoints: { planningBasisDate: boolean; treatmentPlan: boolean };
  /** transitionalTwelfth: each municipality's invoiced amount of the base year, in öre */
  transitional: { baseYear: number; annualOre: Record<string, number> } | null;
  /**
   * Regions and periods where this rule set is configured although no source says it applied
   * (docs/domain.md §7: Halland 2018-11-01 … 2022-10-31, `law-2017-612`): shown in the rule-set
   * listing, and the close and simulation of such a month say so. Dates inclusive.
   */
  assumedFor?: RuleSetAssumption[];
}

export interface RuleSetAssumption {
  region: string;
  from: LocalDate;
  to: LocalDate;
  note: string;
}

/** Why an episode line does not count. */
export type LineStatus =
  | 'charged' // creates a charge on its own line (per-episode, individual)
  | 'counted' // enters the municipality's average
  | 'notCounted' // below minReadyDays, or no liability (free days, exemption)
  | 'excludedCheckpoint' // halland-2027: a checkpoint is not met
  | 'corrected' // removed on review (an accepted flag)
  | 'informational'; // listed, but the rule does not look at episodes (transitional)

export type CheckpointStatus = 'notRequired' | 'met' | 'NO_PLANNING_BASIS_DATE' | 'NO_TREATMENT_PLAN' | 'NO_PLANNING_BASIS_DATE_AND_TREATMENT_PLAN';

/** One episode in the invoice basis. */
export type IndividualBasis =
  | { basis: 'aboveThreshold'; aboveDays: number; removedFromAverage: boolean }
  | { basis: 'psychiatricFreeDays'; freeDays: number; notifiedYear: number };

export interface BasisLine {
  /** anonymised, stable within the close: '<kommunkod>-<seq>' */
  lineRef: string;
  episodeId: string;
  municipality: string;
  firstReadyDate: LocalDate | null;
  endDate: LocalDate;
  ending: 'discharged' | 'cancelled';
  readyPeriods: number;
  readyDays: number;
  psychiatric: boolean;
  checkpoint: CheckpointStatus;
  status: LineStatus;
  /** hundredths of a day charged on this line's own invoice line (0 when it only counts) */
  chargeableDayHundredths: number;
  amountOre: number;
  /** why the line does not count, or what a reviewer should look at */
  note: string | null;
  /** a likely obvious error for the municipality's review (000), e.g. 'DIED_DURING_STAY' */
  hint: string | null;
  /** only on an out-of-county episode's line: charged under `ruleSetId`, never the region's agreement */
  outOfCounty?: true;
  /** SCB name of the municipality (src/domain/reference), on out-of-county lines */
  municipalityName?: string | null;
  /** the rule set the line was charged under, on out-of-county lines (`law-2017-612`) */
  ruleSetId?: string;
  /**
   * Average models: why the line is invoiced per individual and not (or not only) in the average.
   * `aboveThreshold`: more than `aboveDays` ready days (004 §6, individfakturering);
   * `psychiatricFreeDays`: psychiatric care notified ready in `notifiedYear`, charged per individual
   * after `freeDays` calendar days and never in the average (Gävleborg 2018, 004 §3.2), also when
   * it stays within them (then nothing is charged). Absent on other lines.
   */
  individual?: IndividualBasis;
  /**
   * For the region's billing officer: what is odd in the ledger about this episode although it
   * computes (a ready period that ends before it starts counts 0 days), else null.
   */
  review: string | null;
}

/**
 * An episode the engine cannot compute (a ready period without a valid date, no end date): listed
 * with the reason for the billing officer, in no total, and the rest of the month is computed
 * (docs/domain.md §7: one odd episode never stops a region's close).
 */
export interface CannotComputeEpisode {
  episodeId: string;
  municipality: string | null;
  endDate: string | null;
  code: import('./readiness').CannotComputeCode;
  reason: string;
  /** who must look at it: the region's billing officer */
  review: 'billingOfficer';
}

export type InvoiceLineKind = 'episode' | 'individual' | 'average' | 'transitional' | 'discount';

/** One line of a municipality's invoice; the invoice total is the sum of its lines. */
export interface InvoiceLine {
  kind: InvoiceLineKind;
  lineRef: string | null;
  description: string;
  dayHundredths: number;
  amountOre: number;
}

export interface MunicipalityBasis {
  municipality: string;
  /**
   * Only for a municipality of another county (docs/domain.md §7, 001 §5.8): its episodes are charged
   * under `ruleSetId` (`law-2017-612`), never the region's agreement; named from SCB's list.
   */
  outOfCounty?: { ruleSetId: string; municipalityName: string | null; countyName: string | null };
  lines: BasisLine[];
  /** this municipality's episodes the engine cannot compute: not in `lines`, nor in any total */
  cannotCompute: CannotComputeEpisode[];
  invoiceLines: InvoiceLine[];
  totals: {
    episodes: number;
    countedEpisodes: number;
    countedReadyDays: number;
    /** average ready days × 100 of the counted episodes (floor), null without counted episodes */
    averageHundredths: number | null;
    /** the average the liability decision used (rolling window), null when not an average model */
    decisionAverageHundredths: number | null;
    benchmarkHundredths: number | null;
    chargeableDayHundredths: number;
    grossOre: number;
    discountOre: number;
    totalOre: number;
  };
}

export interface MonthBasis {
  ruleSetId: string;
  month: Month;
  dailyAmountOre: number | null;
  municipalities: MunicipalityBasis[];
  totalOre: number;
  /** every episode of the month the engine cannot compute (also those of no known municipality) */
  cannotCompute: CannotComputeEpisode[];
}

/** Accepted corrections: line ref → reason code; those lines drop out (docs/domain.md §7 step 4). */
export type Corrections = ReadonlyMap<string, string>;
