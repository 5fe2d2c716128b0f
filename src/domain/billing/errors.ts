/**
 * Billing's typed refusals (docs/domain.md §7): every error the engine can raise on valid input is one
 * of these, with a code and a sentence, never a RangeError. The API answers them with 409
 * `{ error: { code, message } }`; the monthly close fails on them at once (non-retryable) and
 * alerts the region's billing officers and administrators.
 */
import { DomainRefusal, type RefusalDetails } from '../refusal';

export class BillingDomainRefusal extends DomainRefusal {
  constructor(code: string, message: string, details?: RefusalDetails, status = 409) {
    super(code, message, details, status);
    this.name = 'BillingDomainRefusal';
  }
}

/** Codes of the billing engine's refusals (besides DAILY_AMOUNT_MISSING, NATIONAL_AVERAGE_MISSING and UNKNOWN_RULE_SET). */
export const BILLING_REFUSAL_CODES = {
  /** an average rule set with no benchmark for the month: the month lies outside the rule set's period */
  RULE_SET_NOT_IN_FORCE: 'RULE_SET_NOT_IN_FORCE',
  /** an average rule set (e.g. simulation parameters) without any benchmark */
  BENCHMARK_MISSING: 'BENCHMARK_MISSING',
  /** the transitional twelfth without the base year's invoiced amounts */
  TRANSITIONAL_BASE_MISSING: 'TRANSITIONAL_BASE_MISSING',
  /** a daily amount that is not a whole, non-negative number of öre */
  DAILY_AMOUNT_INVALID: 'DAILY_AMOUNT_INVALID',
  /** a month that is not 'YYYY-MM' */
  MONTH_INVALID: 'MONTH_INVALID',
} as const;
