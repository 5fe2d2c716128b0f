/** Ledger episodes for billing tests: discharged (or cancelled) episodes with given ready periods. */
import { upsertEpisode, type EpisodeProjection, type LedgerStore } from '../../src/db/ledger';
import { episode } from '../db/fixtures';

export interface BillingSpec {
  region?: string;
  municipality?: string;
  /** [readyDate, endedDate] per ready period; the last one ends with the discharge / cancellation */
  periods: [string, string][];
  /** the patient died while ready: cancelled, no discharge date */
  died?: boolean;
  psychiatric?: boolean;
}

export function billingEpisode(spec: BillingSpec): EpisodeProjection {
  const last = spec.periods[spec.periods.length - 1]!;
  const end = last[1];
  return episode({
    region: spec.region ?? 'halland',
    residenceMunicipality: spec.municipality ?? '1380',
    psychiatric: spec.psychiatric ?? false,
    status: spec.died ? 'cancelled' : 'discharged',
    admittedAt: `${spec.periods[0]![0]}T08:00:00.000Z`,
    readyDate: last[0],
    dischargedAt: spec.died ? null : `${end}T10:00:00.000Z`,
    dischargeDate: spec.died ? null : end,
    cancelledAt: spec.died ? `${end}T10:00:00.000Z` : null,
    cancellationReason: spec.died ? 'PATIENT_DIED' : null,
    treatmentPlanAt: `${spec.periods[0]![0]}T07:00:00.000Z`,
    planningBasisDate: spec.periods[0]![0],
    readyPeriods: spec.periods.map(([readyDate, endedDate], i) => ({
      seq: i + 1,
      readyDate,
      endedDate,
      endReason: i < spec.periods.length - 1 ? 'WITHDRAWN' : spec.died ? 'CANCELLED' : 'DISCHARGED',
      withdrawalReason: i < spec.periods.length - 1 ? 'worse' : null,
    })),
    messages: [],
    obligations: [],
    deviations: [],
  });
}

export async function seed(ledger: LedgerStore, specs: BillingSpec[]): Promise<EpisodeProjection[]> {
  const out: EpisodeProjection[] = [];
  for (const s of specs) {
    const e = billingEpisode(s);
    await upsertEpisode(ledger.db, e);
    out.push(e);
  }
  return out;
}
