/**
 * The coordinators' actions' contract (docs/domain.md §6, §10): the same Updates
 * (`acknowledgeEscalation`, `commentDeviation`, `resolveDeviation`, `reassignDeviation`) on every
 * process that runs a ProcessRuntime (./coordinator-actions.ts registers them). The API and the
 * tests send them through these definitions; the Update names are frozen.
 */
import { defineUpdate } from '@temporalio/workflow';
import { COORDINATOR_ACTIONS, type CoordinatorAction, type CoordinatorActionType } from '../../src/domain/coordination';
import type { Deviation } from '../../src/domain/obligations';

/** The answer: the deviation as it is now, and the hash of the request it answers. */
export interface CoordinatorActionResult {
  deviation: Deviation;
  version: number;
  requestHash?: string;
}

export const coordinatorUpdates = Object.fromEntries(
  COORDINATOR_ACTIONS.map((t) => [t, defineUpdate<CoordinatorActionResult, [CoordinatorAction]>(t)]),
) as Record<CoordinatorActionType, ReturnType<typeof defineUpdate<CoordinatorActionResult, [CoordinatorAction]>>>;
