/**
 * Billing's typed refusals (docs/domain.md §7): every error the engine can raise on valid input is one
 * of these, with a code and a sentence, never a RangeError. The API answers them with 409
 * `{ error: { code, message } }`; the monthly close fails on them at once (non-retryable) and
 * alerts the region's billing officers and administrators.
 *
 * The engine's codes (src/domain/billing/engine.ts), besides DAILY_AMOUNT_MISSING,
 * NATIONAL_AVERAGE_MISSING and UNKNOWN_RULE_SET: RULE_SET_NOT_IN_FORCE (an average rule set with no
 * benchmark for the month), BENCHMARK_MISSING (an average rule set without any benchmark),
 * TRANSITIONAL_BASE_MISSING (the transitional twelfth without the base year's invoiced amounts),
 * DAILY_AMOUNT_INVALID (not a whole, non-negative number of öre), MONTH_INVALID (not 'YYYY-MM').
 */
import { DomainRefusal, type RefusalDetails } from '../refusal';

export class BillingDomainRefusal extends DomainRefusal {
  constructor(code: string, message: string, details?: RefusalDetails, status = 409) {
    super(code, message, details, status);
    this.name = 'BillingDomainRefusal';
  }
}
