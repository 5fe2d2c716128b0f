/**
 * Replay: run recorded workflow histories against the current workflow code and report the
 * first non-determinism (README "Replay"). A deploy that changes workflow code must pass this
 * against the open workflows of production first (docs/architecture.md "Testing": replay tests).
 *
 * Histories come from a running server (a visibility query, e.g. every open discharge episode
 * of a region) or from history JSON files (the committed fixtures, or files downloaded with
 * `temporal workflow show --output json` or from the Web UI). The same function serves
 * `npm run replay` and the replay test under test/replay/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client, HistoryAndWorkflowId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { dataConverter } from './codec';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJson } from './history-json';

type History = temporal.api.history.v1.IHistory;

export interface ReplayFailure {
  workflowId: string;
  runId: string;
  /** e.g. `dischargeEpisode` */
  workflowType: string;
  /** where the history came from: a file path or `server` */
  source: string;
  /** the first event the current code disagrees with, when the error names one */
  divergingEvent?: { eventId: number; eventType: string };
  kind: 'nondeterminism' | 'error';
  message: string;
}

export interface ReplaySummary {
  replayed: number;
  failures: ReplayFailure[];
  byType: Record<string, number>;
  durationMs: number;
}

export interface ReplaySource extends HistoryAndWorkflowId {
  source: string;
}

/** Workflow type of a history (the first event is always WorkflowExecutionStarted). */
export function workflowTypeOf(history: History): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown';
}

const EVENT_TYPE = temporal.api.enums.v1.EventType;

/**
 * The event the replay diverged at. Core's non-determinism messages name the history event
 * (`HistoryEvent(id: 12, ...)`) or what the event scheduled (`scheduled event 'billingFreezeClose'`);
 * either is looked up in the history for its id and type.
 */
export function divergingEvent(message: string, history: History): ReplayFailure['divergingEvent'] {
  const events = history.events ?? [];
  const byId = /HistoryEvent\s*\(\s*id:\s*(\d+)/i.exec(message);
  const named = (name: string) =>
    events.find((e) =>
      [
        e.activityTaskScheduledEventAttributes?.activityType?.name,
        e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name,
        e.timerStartedEventAttributes?.timerId,
        e.markerRecordedEventAttributes?.markerName,
      ].includes(name),
    );
  const quoted = /(?:scheduled|recorded|started|initiated) event '([^']+)'/i.exec(message);
  const ev = byId ? events.find((e) => Number(e.eventId) === Number(byId[1])) : quoted ? named(quoted[1]!) : undefined;
  if (!ev) return byId ? { eventId: Number(byId[1]), eventType: 'unknown' } : undefined;
  const type = ev.eventType != null ? EVENT_TYPE[ev.eventType as number] : undefined;
  return { eventId: Number(ev.eventId), eventType: type ? type.replace(/^EVENT_TYPE_/, '') : 'unknown' };
}

/** History JSON files: each path is a file or a folder of `*.json` (not recursive). */
export function historiesFromFiles(paths: string[]): ReplaySource[] {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f))
      : [p],
  );
  return files.map((file) => {
    const history = historyFromJson(JSON.parse(readFileSync(file, 'utf8')));
    // histories do not carry the workflow id; the file name stands in for it
    return { workflowId: basename(file, '.json'), history, source: file };
  });
}

/** Histories of the workflows a visibility query selects, e.g. `WorkflowType = 'dischargeEpisode' AND Region = 'halland' AND ExecutionStatus = 'Running'`. */
export async function* historiesFromServer(client: Client, query: string): AsyncIterable<ReplaySource> {
  for await (const h of client.workflow.list({ query }).intoHistories()) {
    yield { ...h, source: 'server' };
  }
}

/**
 * Replays every history with one replay worker. `onResult` sees each result as it comes
 * (progress); the summary lists every failure with the workflow and the first diverging event.
 */
export async function replayHistories(
  options: ReplayWorkerOptions,
  histories: Iterable<ReplaySource> | AsyncIterable<ReplaySource>,
  onResult: (r: { index: number; workflowId: string; workflowType: string; failure?: ReplayFailure }) => void = () => undefined,
): Promise<ReplaySummary> {
  const started = Date.now();
  // per workflow id, in order: a continued-as-new workflow yields several runs under one id
  const seen = new Map<string, ReplaySource[]>();
  const summary: ReplaySummary = { replayed: 0, failures: [], byType: {}, durationMs: 0 };
  async function* tap(): AsyncIterable<HistoryAndWorkflowId> {
    for await (const h of histories) {
      seen.set(h.workflowId, [...(seen.get(h.workflowId) ?? []), h]);
      yield h;
    }
  }
  // histories hold encrypted payloads (src/temporal/codec.ts): the replayer needs the same keys
  for await (const r of Worker.runReplayHistories({ dataConverter: dataConverter(), ...options }, tap())) {
    const src = seen.get(r.workflowId)?.shift();
    const history = (src?.history ?? {}) as History;
    const workflowType = workflowTypeOf(history);
    summary.replayed += 1;
    summary.byType[workflowType] = (summary.byType[workflowType] ?? 0) + 1;
    let failure: ReplayFailure | undefined;
    if (r.error) {
      failure = {
        workflowId: r.workflowId,
        runId: r.runId,
        workflowType,
        source: src?.source ?? 'unknown',
        kind: r.error instanceof DeterminismViolationError || /nondeterminism/i.test(r.error.message) ? 'nondeterminism' : 'error',
        // core wraps the one sentence that matters in a Rust debug dump: keep the sentence
        message: /message: "([^"]+)"/.exec(r.error.message)?.[1] ?? r.error.message,
        divergingEvent: divergingEvent(r.error.message, history),
      };
      summary.failures.push(failure);
    }
    onResult({ index: summary.replayed, workflowId: r.workflowId, workflowType, failure });
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/** One line per failure, for the console and for test messages. */
export function describeFailure(f: ReplayFailure): string {
  const at = f.divergingEvent ? ` at event ${f.divergingEvent.eventId} (${f.divergingEvent.eventType})` : '';
  return `${f.workflowType} ${f.workflowId}${at} [${f.source}]: ${f.kind === 'nondeterminism' ? 'non-determinism' : 'replay error'}: ${f.message}`;
}
