/**
 * Coordinators' actions on deviations (docs/domain.md §6, §10), registered once for every process
 * that runs a ProcessRuntime: the same Updates (`acknowledgeEscalation`, `commentDeviation`,
 * `resolveDeviation`, `reassignDeviation`) on discharge episodes, home-care enrollments and
 * single home visits, with the pure rules of src/domain/coordination.ts as validator and
 * handler, through the shared staff-action wiring (so each action is on the timeline, refusals
 * record nothing, and the Idempotency-Key is the update id).
 */
import { applyCoordinatorAction, COORDINATOR_ACTIONS, coordinatorRefusal, type CoordinatorAction } from '../../src/domain/coordination';
import type { ProcessRuntime } from './process-runtime';
import { registerStaffActions } from './staff-actions';
import { coordinatorUpdates, type CoordinatorActionResult } from './coordinator-contract';

export function registerCoordinatorActions(rt: ProcessRuntime, status: () => string): void {
  registerStaffActions<CoordinatorAction, CoordinatorActionResult>({
    rt,
    types: COORDINATOR_ACTIONS,
    updates: coordinatorUpdates,
    refusal: (a) => coordinatorRefusal(rt.tracking, a),
    apply: async (a, at) => applyCoordinatorAction(rt.tracking, a, at).summary,
    respond: (a) => ({ deviation: rt.tracking.deviations.find((d) => d.deviationId === a.deviationId)!, version: rt.state.version, requestHash: a.requestHash }),
    status,
  });
}
