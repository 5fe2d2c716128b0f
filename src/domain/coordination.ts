/**
 * What coordinators (Koordinatorgrupp, docs/domain.md §6, §10) do with an escalated deviation, the
 * same in every process: acknowledge the escalation (take it on), comment, close it with a
 * resolution, or reassign it to a unit. Pure rules, like each process's `refusal`: which action
 * the deviation's state allows, and what the action changes. The workflows run them as Updates
 * (workflows/shared/coordinator-actions.ts), so each one is on the process's timeline.
 */
import type { Actor } from './process';
import { closeDeviation, settledDeviationRefusal, type Deviation, type Party, type Tracking } from './obligations';

/** How a coordinator closed a deviation (the comment carries the details). */
export const RESOLUTIONS = ['ACTION_TAKEN', 'ROUTINE_CHANGED', 'NOT_A_DEVIATION', 'DUPLICATE', 'OTHER'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

interface Base {
  deviationId: string;
  actor?: Actor;
  occurredAt?: string;
  /** the API's hash of the request: a reused Idempotency-Key is detected */
  requestHash?: string;
}

export type CoordinatorAction =
  | ({ type: 'acknowledgeEscalation' } & Base)
  | ({ type: 'commentDeviation'; comment: string } & Base)
  | ({ type: 'resolveDeviation'; resolution: Resolution; comment: string } & Base)
  | ({ type: 'reassignDeviation'; unit: Party; comment?: string } & Base);
export type CoordinatorActionType = CoordinatorAction['type'];

export const COORDINATOR_ACTIONS: readonly CoordinatorActionType[] = ['acknowledgeEscalation', 'commentDeviation', 'resolveDeviation', 'reassignDeviation'];

/** Comments kept per deviation: a bounded list (every one is also on the timeline). */
export const MAX_COMMENTS = 50;

/** Why the deviation's state does not allow the action, or undefined. Refusals record nothing. */
export function coordinatorRefusal(t: Tracking, a: CoordinatorAction): { code: string; message: string } | undefined {
  const d = t.deviations.find((x) => x.deviationId === a.deviationId);
  if (!d) return { code: 'UNKNOWN_DEVIATION', message: 'There is no such deviation in this process.' };
  const settled = settledDeviationRefusal(d);
  if (settled) return settled;
  switch (a.type) {
    case 'acknowledgeEscalation':
      if (d.escalation !== 'escalated') return { code: 'NOT_ESCALATED', message: 'This deviation has not been escalated to the coordinators.' };
      if (d.escalationAcknowledgedAt) return { code: 'ESCALATION_ALREADY_ACKNOWLEDGED', message: `The escalation was already acknowledged by ${d.escalationAcknowledgedBy ?? 'a coordinator'}.` };
      return undefined;
    case 'commentDeviation':
      if ((d.comments?.length ?? 0) >= MAX_COMMENTS) return { code: 'TOO_MANY_COMMENTS', message: `A deviation keeps at most ${MAX_COMMENTS} comments; close it with a resolution.` };
      return undefined;
    case 'resolveDeviation':
      return undefined;
    case 'reassignDeviation': {
      const current = d.assignedTo ?? d.responsible;
      if (current.kind === a.unit.kind && current.id === a.unit.id) return { code: 'ALREADY_ASSIGNED', message: 'The deviation is already with that unit.' };
      if (d.status !== 'open') return { code: 'DEVIATION_NOT_OPEN', message: 'Only an open deviation can be reassigned.' };
      return undefined;
    }
  }
}

/** Applies an allowed action at `at`; returns the timeline summary. */
export function applyCoordinatorAction(t: Tracking, a: CoordinatorAction, at: string): { deviation: Deviation; summary: string } {
  const d = t.deviations.find((x) => x.deviationId === a.deviationId)!;
  const by = a.actor?.userId ?? 'unknown';
  switch (a.type) {
    case 'acknowledgeEscalation':
      d.escalationAcknowledgedAt = at;
      d.escalationAcknowledgedBy = by;
      return { deviation: d, summary: `Escalation of deviation ${d.type} acknowledged by coordinator ${by}` };
    case 'commentDeviation':
      d.comments = [...(d.comments ?? []), { at, by, text: a.comment }];
      return { deviation: d, summary: `Coordinator comment on deviation ${d.type}: ${a.comment}` };
    case 'resolveDeviation':
      // §6: "closed by a coordinator with a comment"; the ladder stops
      closeDeviation(t, d.deviationId, by, a.comment, at);
      d.resolution = a.resolution;
      return { deviation: d, summary: `Deviation ${d.type} closed by coordinator ${by} (${a.resolution}): ${a.comment}` };
    case 'reassignDeviation':
      d.assignedTo = { kind: a.unit.kind, id: a.unit.id };
      if (a.comment) d.comments = [...(d.comments ?? []), { at, by, text: a.comment }].slice(-MAX_COMMENTS);
      return { deviation: d, summary: `Deviation ${d.type} reassigned to ${a.unit.kind} ${a.unit.id}${a.comment ? `: ${a.comment}` : ''}` };
  }
}
