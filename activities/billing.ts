/**
 * Billing I/O of the monthly close workflow (DOMAIN.md §7). Each activity is idempotent: the
 * close and its invoices are keyed by region and month, so a retry or a replay writes nothing twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { addWeekdays, endOfLocalDay, localDateOf } from '../src/domain/calendar';
import { DailyAmountMissingError, NationalAverageMissingError, UnknownRuleSetError } from '../src/domain/billing';
import type { LedgerStore } from '../src/db/ledger';
import type { FlagRow } from '../src/db/billing';
import { finaliseClose, freezeClose, type CloseInput, type CloseSummary, type FinalSummary } from '../src/db/billing-close';

/** Configuration errors cannot heal by retrying: fail the close with the clear message at once. */
function nonRetryable(err: unknown): never {
  if (err instanceof DailyAmountMissingError || err instanceof NationalAverageMissingError || err instanceof UnknownRuleSetError) {
    throw ApplicationFailure.nonRetryable(err.message, err.code);
  }
  throw err;
}

export function createBillingActivities(ledger: LedgerStore) {
  return {
    /** Steps 1–2: freeze the month's episodes and compute each municipality's basis. */
    async billingFreezeClose(input: CloseInput): Promise<CloseSummary> {
      try {
        return await freezeClose(ledger.db, input);
      } catch (err) {
        nonRetryable(err);
      }
    },
    /** End of the review period: the end of the n-th weekday after the day the basis was opened. */
    async billingReviewDeadline(openedAtIso: string, weekdays: number): Promise<string> {
      return endOfLocalDay(addWeekdays(localDateOf(new Date(openedAtIso)), weekdays)).toISOString();
    },
    /** Step 4: final, immutable invoices recomputed from the accepted corrections. */
    async billingFinaliseClose(closeId: string, corrections: { lineRef: string; reason: string }[], flags: FlagRow[], finalisedAt: string): Promise<FinalSummary> {
      return finaliseClose(ledger.db, closeId, corrections, flags, finalisedAt);
    },
  };
}
