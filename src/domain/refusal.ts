/**
 * A refusal of the domain: valid input the rules cannot compute or allow (a rule set used outside
 * its period, a missing benchmark or daily amount). It carries a machine-readable `code` and a
 * sentence a member of staff understands; the API answers it with `status` (409 unless said
 * otherwise) and the usual error body `{ error: { code, message, details } }` (src/api/errors.ts),
 * and an activity fails with it as non-retryable (a retry cannot fix it).
 *
 * A `RangeError` or `TypeError` reaching the API's error handler is a bug, never a refusal.
 */
export interface RefusalDetails {
  /** the episode at fault, when one is */
  episodeId?: string;
  [key: string]: unknown;
}

export class DomainRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: RefusalDetails,
    readonly status: number = 409,
  ) {
    super(message);
    this.name = 'DomainRefusal';
  }
}
