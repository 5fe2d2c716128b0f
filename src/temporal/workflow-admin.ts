/**
 * What an administrator sees of one workflow (README "Administration API"): Temporal's
 * description, the pending timers and the reset points read from its history, pending
 * activities with their last failure, and the process's own open obligations and deviations
 * (by its query). No patient data: obligations name units and municipalities, never the
 * patient (docs/domain.md §10, administrator "no patient data beyond what the task needs").
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { closeQuery } from '../../workflows/monthly-close/contract';
import { episodeQuery } from '../../workflows/discharge/contract';
import { enrollmentQuery } from '../../workflows/home-care/contract';
import { visitOrderQuery } from '../../workflows/home-visit/contract';
import { SA } from './search-attributes';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const iso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null =>
  t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;
const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;
const eventName = (t: number | null | undefined) => (t != null ? (EventType[t] ?? String(t)).replace(/^EVENT_TYPE_/, '') : 'UNKNOWN');

/** The search attributes an administrator filters by, as plain values. */
export function attributesOf(d: Pick<WorkflowExecutionDescription, 'typedSearchAttributes'>) {
  const a = d.typedSearchAttributes;
  const readySince = a.get(SA.readySince);
  return {
    region: a.get(SA.region) ?? null,
    municipalityCode: a.get(SA.municipalityCode) ?? null,
    processStatus: a.get(SA.processStatus) ?? null,
    readySince: readySince ? new Date(readySince).toISOString() : null,
  };
}

/** Timers started and neither fired nor cancelled: when each fires. */
export function pendingTimers(events: HistoryEvent[]): { timerId: string; startedEventId: number; firesAt: string | null }[] {
  const open = new Map<string, { timerId: string; startedEventId: number; firesAt: string | null }>();
  // the workflow's clock is the time of the workflow task that started the timer
  let taskStartedAt: string | null = null;
  for (const e of events) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) taskStartedAt = iso(e.eventTime);
    const started = e.timerStartedEventAttributes;
    if (started?.timerId) {
      const at = taskStartedAt ?? iso(e.eventTime);
      open.set(started.timerId, {
        timerId: started.timerId,
        startedEventId: Number(e.eventId),
        firesAt: at ? new Date(Date.parse(at) + seconds(started.startToFireTimeout) * 1000).toISOString() : null,
      });
    }
    const closed = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (closed) open.delete(closed);
  }
  return [...open.values()];
}

/** Events a workflow can be reset to: every completed workflow task (newest last). */
export function resetPoints(events: HistoryEvent[]): { eventId: number; at: string | null }[] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    .map((e) => ({ eventId: Number(e.eventId), at: iso(e.eventTime) }));
}

const RESETTABLE = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/** Whether `eventId` is an event Temporal resets to; otherwise the type it has, for the error. */
export function resetTarget(events: HistoryEvent[], eventId: number): { ok: true } | { ok: false; found: string | null } {
  const e = events.find((x) => Number(x.eventId) === eventId);
  if (!e) return { ok: false, found: null };
  return RESETTABLE.has(e.eventType as number) ? { ok: true } : { ok: false, found: eventName(e.eventType) };
}

interface Settled { obligationId: string; kind: string; responsible: unknown; dueAt: string; status: string }
interface Dev { deviationId: string; type: string; responsible: unknown; status: string; escalation?: string; detectedAt?: string }
const obligationsOf = (v: { openObligations: Settled[]; deviations: Dev[]; status: string; version: number }) => ({
  status: v.status,
  version: v.version,
  openObligations: v.openObligations.map((o) => ({ obligationId: o.obligationId, kind: o.kind, responsible: o.responsible, dueAt: o.dueAt, status: o.status })),
  openDeviations: v.deviations
    .filter((d) => d.status === 'open')
    .map((d) => ({ deviationId: d.deviationId, type: d.type, responsible: d.responsible, escalation: d.escalation ?? null, detectedAt: d.detectedAt ?? null })),
});

/** The process's own view of what it still owes, by its query (each type has its own). */
export async function processState(client: Client, workflowId: string, type: string): Promise<Record<string, unknown> | null> {
  const h = client.workflow.getHandle(workflowId);
  switch (type) {
    case 'dischargeEpisode':
      return obligationsOf(await h.query(episodeQuery));
    case 'homeCareEnrollment':
      return obligationsOf(await h.query(enrollmentQuery));
    case 'singleHomeVisit':
      return obligationsOf(await h.query(visitOrderQuery));
    case 'monthlyClose': {
      const v = await h.query(closeQuery);
      return {
        status: v.phase,
        reviewEndsAt: v.reviewEndsAt,
        municipalitiesNotApproved: v.municipalities.filter((m) => !m.approvedAt).map((m) => m.municipality),
        undecidedFlags: v.flags.filter((f) => f.status === 'open').map((f) => f.flagId),
      };
    }
    default:
      return null;
  }
}

/** Pending activities as an administrator needs them to decide on a re-run. */
export function pendingActivities(d: WorkflowExecutionDescription) {
  return (d.raw.pendingActivities ?? []).map((a) => ({
    activityId: a.activityId ?? '',
    activityType: a.activityType?.name ?? null,
    state: a.state != null ? (temporal.api.enums.v1.PendingActivityState[a.state] ?? String(a.state)).replace(/^PENDING_ACTIVITY_STATE_/, '') : null,
    attempt: a.attempt ?? null,
    maximumAttempts: a.maximumAttempts || null,
    lastFailure: a.lastFailure?.message ?? null,
    lastAttemptCompletedAt: iso(a.lastAttemptCompleteTime),
    nextAttemptAt: iso(a.nextAttemptScheduleTime),
  }));
}
