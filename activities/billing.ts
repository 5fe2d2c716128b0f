/**
 * Billing I/O of the monthly close workflow (docs/domain.md §7). Each activity is idempotent: the
 * close and its invoices are keyed by region and month, so a retry or a replay writes nothing twice.
 *
 * Failures (issue 15): a typed refusal of the domain (a missing daily amount or national average,
 * a rule set outside its period, …) and a RangeError or TypeError (the same input fails the same
 * way) cannot heal by retrying: the activity fails at once as non-retryable, with the refusal's
 * code as the failure type and the episode at fault (when one is) in the details, and the
 * workflow alerts the region's billing officers and administrators. Anything else (the database
 * unreachable) is retried; after a few attempts the same people are told it keeps failing.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { addWeekdays, endOfLocalDay, localDateOf } from '../src/domain/calendar';
import { DomainRefusal } from '../src/domain/refusal';
import type { BillingAlert } from '../src/domain/billing/alerts';
import type { LedgerStore } from '../src/db/ledger';
import type { FlagRow } from '../src/db/billing';
import { closeIdOf, finaliseClose, freezeClose, type CloseInput, type CloseSummary, type FinalSummary } from '../src/db/billing-close';

/** Failure type of a close that cannot be computed for a reason that is not a typed refusal. */
export const CLOSE_COMPUTATION_FAILED = 'CLOSE_COMPUTATION_FAILED';
/** From this attempt on, a close that keeps failing (and is retried) is told to the billing officers. */
export const ALERT_AFTER_ATTEMPTS = 5;

/** The details of a non-retryable close failure (ApplicationFailure.details[0]). */
export interface CloseFailureDetails {
  code: string;
  /** the episodes at fault, when any are */
  episodeIds: string[];
  [key: string]: unknown;
}

/** An episode an error names ('episode <id>: …' in the messages of the ledger and the engine). */
function episodesNamedIn(message: string): string[] {
  return [...new Set([...message.matchAll(/\bepisode ([A-Za-z0-9][A-Za-z0-9_.:-]{3,})/g)].map((m) => m[1]!.replace(/[:.]$/, '')))];
}

/** Refusals and deterministic errors fail the activity at once (non-retryable); anything else is rethrown for a retry. */
export function failureOf(err: unknown): ApplicationFailure | null {
  if (err instanceof DomainRefusal) {
    const episodeIds = typeof err.details?.episodeId === 'string' ? [err.details.episodeId] : [];
    const details: CloseFailureDetails = { ...(err.details ?? {}), code: err.code, episodeIds };
    return ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: true, details: [details] });
  }
  if (err instanceof RangeError || err instanceof TypeError || err instanceof SyntaxError) {
    const details: CloseFailureDetails = { code: CLOSE_COMPUTATION_FAILED, error: err.name, episodeIds: episodesNamedIn(err.message) };
    return ApplicationFailure.create({ message: `The close cannot be computed (${err.name}: ${err.message}); retrying cannot fix it.`, type: CLOSE_COMPUTATION_FAILED, nonRetryable: true, details: [details] });
  }
  return null;
}

function activityInfo() {
  try {
    return Context.current().info;
  } catch {
    return undefined; // called outside an activity
  }
}

type Alert = (a: BillingAlert) => Promise<unknown>;

export function createBillingActivities(ledger: LedgerStore, alert?: Alert) {
  /** Runs a step: a failure that cannot heal is non-retryable; one that keeps failing is told after some attempts. */
  async function step<T>(name: BillingAlert['step'], where: { region: string; month: string; closeId: string }, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const failure = failureOf(err);
      if (failure) throw failure;
      const info = activityInfo();
      if (alert && info && info.attempt >= ALERT_AFTER_ATTEMPTS) {
        // best effort and idempotent (one alert per run): the retry itself goes on either way
        await alert({
          ...where, runId: info.workflowExecution?.runId ?? 'unknown-run', kind: 'closeRetrying', step: name, code: (err as Error)?.name ?? 'Error',
          message: `Attempt ${info.attempt} failed: ${(err as Error)?.message ?? String(err)}`, episodeIds: [], at: new Date().toISOString(),
        }).catch(() => undefined);
      }
      throw err;
    }
  }

  return {
    /** Steps 1–2: freeze the month's episodes and compute each municipality's basis. */
    async billingFreezeClose(input: CloseInput): Promise<CloseSummary> {
      return step('freeze', { region: input.region, month: input.month, closeId: closeIdOf(input.region, input.month) }, () => freezeClose(ledger.db, input));
    },
    /** End of the review period: the end of the n-th weekday after the day the basis was opened. */
    async billingReviewDeadline(openedAtIso: string, weekdays: number): Promise<string> {
      return endOfLocalDay(addWeekdays(localDateOf(new Date(openedAtIso)), weekdays)).toISOString();
    },
    /** Step 4: final, immutable invoices recomputed from the accepted corrections. */
    async billingFinaliseClose(closeId: string, corrections: { lineRef: string; reason: string }[], flags: FlagRow[], finalisedAt: string): Promise<FinalSummary> {
      // closeIdOf: '<region>-<YYYY-MM>'
      const where = { region: closeId.slice(0, -8), month: closeId.slice(-7), closeId };
      return step('finalise', where, () => finaliseClose(ledger.db, closeId, corrections, flags, finalisedAt));
    },
  };
}
