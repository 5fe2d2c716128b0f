/**
 * The coordinators' daily digest's contract (docs/glossary.md: `coordinatorDigest`): what the
 * Schedule (src/temporal/digest-schedules.ts), the scripts and the tests need to start it without
 * importing ./workflow.ts. The workflow type `coordinatorDigest` is frozen.
 */

/** The workflow type, by name: start it with `client.workflow.start<CoordinatorDigestWorkflow>(coordinatorDigestWorkflowType, …)`. */
export const coordinatorDigestWorkflowType = 'coordinatorDigest';
export type CoordinatorDigestWorkflow = (input: CoordinatorDigestInput) => Promise<CoordinatorDigestResult>;

export interface CoordinatorDigestInput {
  region: string;
  /** the instant whose local day the digest is for; default workflow time (the schedule's firing) */
  at?: string;
}

export interface CoordinatorDigestResult {
  delivered: number;
  organisations: number;
}
