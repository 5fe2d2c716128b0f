/**
 * The workflow side of the shared acknowledgement / deadline / deviation machinery
 * (docs/domain.md §4 "Every message", §6). Discharge episodes, home-care enrollments and single
 * home visits each run one ProcessRuntime: it owns the process's Tracking, computes deadlines
 * in a local activity (recorded in history), waits with one durable timer for the next thing
 * that falls due, raises deviations, walks the escalation ladder, and projects every change.
 *
 * Deterministic: no clock but workflow time, ids from uuid4().
 */
import { allHandlersFinished, condition, patched, uuid4 } from '@temporalio/workflow';
import type { DeadlineRequest, ObligationDeadline } from '../../activities/calendar';
import {
  applyGrace,
  awaitingJudgement,
  cancelObligation,
  markDowntime,
  toCheckForDowntime,
  meet,
  meetObligation,
  nextDueAt,
  openObligation,
  processDue,
  raiseDeviation,
  type Deviation,
  type DeviationType,
  type Obligation,
  type Party,
  type Tracking,
  type TrackingEffect,
} from '../../src/domain/obligations';
import { appendTimeline, type ProcessType, type TimelineEntry } from '../../src/domain/process';
import { deliveries, local } from './proxies';

/** Workflow time (the time of the workflow task, as replay sees it again) as ISO: every workflow's `now`. */
export const workflowNow = (): string => new Date().toISOString();

/** Patch id of the fix that makes exclusive sections take turns when released together. */
export const PATCH_EXCLUSIVE_TURNS = 'exclusive-sections-take-turns';

/**
 * Patch id of back-registration without false alarms (docs/domain.md §4 Downtime): grace periods for
 * deadlines already past at registration or inside declared downtime, withdrawn deviations, and
 * late acts inside the grace period raising their deviation with its real times. Decided once,
 * when the process starts: processes started before it keep the old rules, so they replay.
 */
export const PATCH_BACK_REGISTRATION = 'back-registration-grace-period';

export interface ObligationSpec {
  kind: string;
  responsible: Party;
  deviationType: DeviationType;
  deadline: DeadlineRequest;
  messageId?: string;
}

export interface RuntimeState {
  version: number;
  tracking: Tracking;
  timeline: TimelineEntry[];
}

export interface RuntimeHost {
  processType: ProcessType;
  processId: string;
  region: string;
  escalationWeekdays: number;
  describe(o: Obligation): string;
  /** write the process's current state to the ledger (idempotent by version) */
  project(): Promise<void>;
}

export class ProcessRuntime {
  private changed = false;
  private projectedVersion = -1;
  private busy = false;
  /** docs/domain.md §4 Downtime rules apply (PATCH_BACK_REGISTRATION) */
  readonly judging: boolean;
  /** withdrawal notices waiting for the main loop (a staff action's `meet` is synchronous) */
  private pendingEffects: TrackingEffect[] = [];
  /** deviations raised by a late act inside a grace period, still to be checked against downtime */
  private unflagged: Deviation[] = [];

  constructor(
    readonly state: RuntimeState,
    private readonly host: RuntimeHost,
  ) {
    this.judging = patched(PATCH_BACK_REGISTRATION);
  }

  get tracking(): Tracking {
    return this.state.tracking;
  }

  /** Workflow time as ISO. */
  now(): string {
    return workflowNow();
  }

  /**
   * Runs `fn` with exclusive access to the state: update handlers await activities (deadline
   * computation), and two staff actions must not interleave half-way.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.busy);
    // Two waiters released in the same pass (both saw "not busy") must still take turns: the
    // second waits again. Patched, so histories from before this fix keep replaying (README
    // "Versioning"); once none of those processes is open, this becomes deprecatePatch().
    if (patched(PATCH_EXCLUSIVE_TURNS)) while (this.busy) await condition(() => !this.busy);
    return this.hold(fn);
  }

  /**
   * A process's own start-up, begun before its staff actions are wired: it holds the state at
   * once (nothing else can hold it yet), so an action that arrives with the start
   * (update-with-start) waits its turn. Unlike `exclusive` it waits for nothing and issues no
   * command of its own, so the start's commands stay as they were.
   */
  async startUp<T>(fn: () => Promise<T>, recorded: 'hold' | 'asExclusive' = 'hold'): Promise<T> {
    if (this.busy) throw new Error('startUp must begin before anything else holds the state');
    // Discharge episodes and single home visits began their start-up with `exclusive`, whose
    // PATCH_EXCLUSIVE_TURNS marker is in every history they recorded: they keep it, or those
    // histories would no longer replay (tried: test/replay fails with non-determinism). The hold
    // itself is the same: nothing else holds the state yet, so `exclusive` does not wait.
    if (recorded === 'asExclusive') return this.exclusive(fn);
    return this.hold(fn);
  }

  private async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  /** Record a change: bump the version, append to the timeline, wake the main loop. */
  record(entry: Omit<TimelineEntry, 'seq' | 'recordedAt'>): TimelineEntry {
    this.state.version += 1;
    const e = appendTimeline(this.state.timeline, entry, this.now());
    this.changed = true;
    return e;
  }

  /** Opens one obligation per spec; deadlines come from the calendar in one local activity. */
  async openObligations(specs: ObligationSpec[]): Promise<Obligation[]> {
    if (specs.length === 0) return [];
    const deadlines = await local.obligationDeadlines(
      // the responsible organisation may have its own escalation period (§6)
      specs.map((s) => ({ ...s.deadline, region: this.host.region, responsible: s.responsible })),
      this.host.escalationWeekdays,
      // a deadline already past when the system learns of it is judged after a grace period (§4 Downtime)
      ...(this.judging ? [this.now()] : []),
    );
    const openedAt = this.now();
    return specs.map((s, i) =>
      openObligation(this.tracking, {
        obligationId: uuid4(),
        kind: s.kind,
        messageId: s.messageId,
        responsible: s.responsible,
        deviationType: s.deviationType,
        dueAt: deadlines[i].dueAt,
        dueLocalDate: deadlines[i].dueLocalDate,
        escalateAt: deadlines[i].escalateAt,
        ...(deadlines[i].remindAt ? { remindAt: deadlines[i].remindAt } : {}),
        ...(deadlines[i].judgeAt ? { judgeAt: deadlines[i].judgeAt } : {}),
        openedAt,
      }),
    );
  }

  /**
   * The party did what it had to, at its real time `at`. Under the back-registration rules an act
   * shown to be on time withdraws the deviation already raised (whoever it reached is told by the
   * main loop), and a late act inside the grace period raises its deviation, already resolved.
   */
  /** Deadlines computed by the calendar (one local activity), as `openObligations` computes them. */
  async deadlinesFor(requests: DeadlineRequest[], responsible?: Party): Promise<ObligationDeadline[]> {
    return local.obligationDeadlines(
      requests.map((r) => ({ ...r, region: this.host.region, ...(responsible ? { responsible } : {}) })),
      this.host.escalationWeekdays,
      ...(this.judging ? [this.now()] : []),
    );
  }

  /** An open obligation gets a new deadline (e.g. the first medical round moves the admission notice's). */
  moveDeadline(obligationId: string, d: ObligationDeadline): void {
    const o = this.tracking.obligations.find((x) => x.obligationId === obligationId);
    if (!o || o.status !== 'open') return;
    o.dueAt = d.dueAt;
    o.dueLocalDate = d.dueLocalDate;
    o.escalateAt = d.escalateAt;
    o.remindAt = d.remindAt;
    o.judgeAt = d.judgeAt;
    o.inDowntime = undefined; // the new deadline is checked against downtime when it falls due
  }

  meet(obligationId: string, at: string): Obligation {
    if (!this.judging) return meetObligation(this.tracking, obligationId, at);
    const now = this.now();
    const r = meet(this.tracking, obligationId, at, { now, newId: uuid4, describe: (o) => this.host.describe(o) });
    if (r.raised) {
      this.unflagged.push(r.raised);
      this.record({ action: 'deviationRaised', occurredAt: now, summary: `Deviation ${r.raised.type}: ${r.raised.description} (met late, at ${at})`, deviationId: r.raised.deviationId });
    }
    if (r.withdrawn) {
      this.record({ action: 'deviationWithdrawn', occurredAt: now, summary: `Deviation ${r.withdrawn.type} withdrawn: the obligation was met on time (${at}, before ${r.obligation.dueAt})`, deviationId: r.withdrawn.deviationId });
      this.pendingEffects.push(...r.effects);
    }
    return r.obligation;
  }

  cancel(obligationId: string, reason: string): void {
    cancelObligation(this.tracking, obligationId, reason);
  }

  /** A deviation reported by hand (001 §3: every professional involved must report them). */
  async reportDeviation(r: { type: DeviationType; responsible: Party; description: string; occurredAt: string; reportedBy?: string }): Promise<Deviation> {
    const escalateAt = await local.escalationAt(this.now(), this.host.escalationWeekdays, { region: this.host.region, responsible: r.responsible });
    const [downtime] = await local.downtimeFlags(this.host.region, [r.occurredAt]);
    const d = raiseDeviation(this.tracking, {
      deviationId: uuid4(),
      type: r.type,
      responsible: r.responsible,
      description: r.description,
      deadlineAt: r.occurredAt,
      detectedAt: this.now(),
      reportedBy: r.reportedBy,
      downtime,
    });
    d.escalation = 'reminded';
    d.escalateAt = escalateAt;
    await this.notify([{ kind: 'remind', deviationId: d.deviationId, to: d.responsible }]);
    return d;
  }

  /**
   * The main loop of a process: sleep on one durable timer until the next deadline or a change,
   * raise what fell due, project changes, and return when `isDone` holds.
   * `wakeAt` adds process-specific instants (e.g. the end of the follow-up period).
   */
  async run(isDone: () => boolean, wakeAt: () => string | undefined = () => undefined): Promise<void> {
    for (;;) {
      await this.handleDue();
      if (this.changed || this.projectedVersion < this.state.version) {
        this.changed = false;
        const version = this.state.version;
        await this.host.project();
        this.projectedVersion = version;
      }
      // A staff action in progress (busy) may leave the state looking done half-way: only a
      // settled state ends the process, and waiting on anything else would spin without yielding.
      // ... and nothing met late inside a grace period still awaits its judgement (§4 Downtime)
      const settledDone = () => isDone() && !this.busy && awaitingJudgement(this.tracking).length === 0;
      if (settledDone() && !this.changed) return;
      const now = Date.now();
      const due = nextDueAt(this.tracking);
      if (due && Date.parse(due) <= now) continue; // fell due while we projected: handle it first
      // a process wake-up already past has done its job (e.g. follow-up ended, a deviation still open)
      const wake = wakeAt();
      const times = [due, wake].filter((x): x is string => !!x).map((x) => Date.parse(x)).filter((t) => t > now);
      const wakeUp = () => this.changed || settledDone();
      if (times.length === 0) await condition(wakeUp);
      else await condition(wakeUp, Math.min(...times) - now);
    }
  }

  /**
   * After the main loop: staff actions still in flight finish, and whatever they changed is
   * projected before the workflow completes (the ledger must match the process, §8).
   */
  async finish(): Promise<void> {
    for (;;) {
      await condition(allHandlersFinished);
      if (this.projectedVersion >= this.state.version) return;
      const version = this.state.version;
      await this.host.project();
      this.projectedVersion = version;
    }
  }

  private async handleDue(): Promise<void> {
    if (this.judging) return this.judgeDue();
    const now = this.now();
    const { raised, effects } = processDue(this.tracking, {
      now,
      newId: uuid4,
      describe: (o) => this.host.describe(o),
    });
    if (raised.length > 0) {
      // Deviations whose deadline fell inside declared downtime are marked (docs/domain.md §4 Downtime).
      const flags = await local.downtimeFlags(this.host.region, raised.map((d) => d.deadlineAt));
      raised.forEach((d, i) => (d.downtime = flags[i]));
      for (const d of raised) {
        this.record({ action: 'deviationRaised', occurredAt: now, summary: `Deviation ${d.type}: ${d.description}`, deviationId: d.deviationId });
      }
    }
    const escalations = effects.filter((e) => e.kind === 'escalate');
    for (const e of escalations) {
      this.record({ action: 'deviationEscalated', occurredAt: now, summary: 'Deviation escalated to the coordinators', deviationId: e.deviationId });
    }
    if (effects.length > 0) await this.notify(effects);
  }

  /**
   * handleDue under the back-registration rules (docs/domain.md §4 Downtime). Before an obligation's
   * deviation is raised, its deadline is checked against the declared downtime windows: inside
   * one, it is judged only at the end of a grace period after the window's end, so the parties'
   * back-registrations can still show it was met on time.
   */
  private async judgeDue(): Promise<void> {
    const now = this.now();
    const checked = toCheckForDowntime(this.tracking, now);
    const flagged = this.unflagged.splice(0);
    if (checked.length + flagged.length > 0) {
      const ends = await local.downtimeEnds(this.host.region, [...checked.map((o) => o.dueAt), ...flagged.map((d) => d.deadlineAt)]);
      flagged.forEach((d, i) => (d.downtime = ends[checked.length + i] !== null));
      const graced = markDowntime(checked, ends.slice(0, checked.length));
      if (graced.length > 0) {
        const grace = await local.graceDeadlines(
          graced.map(({ o, from }) => ({ from, region: this.host.region, responsible: o.responsible })),
          this.host.escalationWeekdays,
        );
        applyGrace(graced, grace, now);
      }
      // no new version: the grace is bookkeeping of the loop's next wake-up; what it leads to is recorded
    }
    const { raised, effects } = processDue(this.tracking, { now, newId: uuid4, describe: (o) => this.host.describe(o) });
    for (const d of raised) {
      this.record({ action: 'deviationRaised', occurredAt: now, summary: `Deviation ${d.type}: ${d.description}`, deviationId: d.deviationId });
    }
    for (const e of effects.filter((x) => x.kind === 'escalate')) {
      this.record({ action: 'deviationEscalated', occurredAt: now, summary: 'Deviation escalated to the coordinators', deviationId: e.deviationId });
    }
    const all = [...this.pendingEffects.splice(0), ...effects];
    if (all.length > 0) await this.notify(all);
  }

  private async notify(effects: TrackingEffect[]): Promise<void> {
    await deliveries.recordNotifications(
      effects.map((e) => {
        const d = this.tracking.deviations.find((x) => x.deviationId === e.deviationId);
        return {
          // deterministic id: a retried activity never notifies twice
          notificationId: `${e.deviationId}:${e.kind === 'withdraw' ? 'withdrawal' : e.kind}`,
          processType: this.host.processType,
          processId: this.host.processId,
          region: this.host.region,
          deviationId: e.deviationId,
          deviationType: d?.type ?? 'MANUAL',
          kind: e.kind === 'remind' ? ('reminder' as const) : e.kind === 'escalate' ? ('escalation' as const) : ('withdrawal' as const),
          ...(e.kind === 'withdraw' ? { reached: e.reached } : {}),
          recipientKind: e.to.kind,
          recipientId: e.to.id,
          createdAt: this.now(),
        };
      }),
    );
  }
}
