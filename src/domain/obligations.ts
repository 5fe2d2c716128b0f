/**
 * The acknowledgement / deadline / deviation machinery shared by every process
 * (discharge, home health care, single home visits): docs/domain.md §4 "Every message", §6.
 *
 * Pure data and functions: a workflow keeps a `Tracking` in its state, calls `openObligation`
 * when a message is sent, `meetObligation` when a party acts, and `processDue` whenever time
 * passes. Deadlines themselves are computed by the calendar module in an activity and arrive
 * here as ISO instants, so this module never consults the clock or the holiday data.
 */

export type PartyKind = 'inpatient' | 'primaryCare' | 'psychiatricOutpatient' | 'municipality' | 'emergencyDepartment';

/** A party of a process: an organisation's unit (HSA-id) or a municipality (kommunkod). */
export interface Party {
  kind: PartyKind;
  /** HSA-id of the unit, or the kommunkod for a municipality */
  id: string;
}

export const sameParty = (a: Party, b: Party): boolean => a.kind === b.kind && a.id === b.id;

export type DeviationType =
  | 'ADMISSION_NOTICE_LATE'
  | 'ACK_MISSING'
  | 'NAMED_CONTACT_MISSING'
  | 'NAMED_DOCTOR_MISSING'
  | 'INVITATION_LATE'
  | 'DISCHARGE_NOTICE_LATE'
  | 'NOT_READY_TO_GO_HOME_AT_DISCHARGE'
  | 'ORDER_UNANSWERED'
  | 'MANUAL';

export const DEVIATION_TYPES: readonly DeviationType[] = [
  'ADMISSION_NOTICE_LATE',
  'ACK_MISSING',
  'NAMED_CONTACT_MISSING',
  'NAMED_DOCTOR_MISSING',
  'INVITATION_LATE',
  'DISCHARGE_NOTICE_LATE',
  'NOT_READY_TO_GO_HOME_AT_DISCHARGE',
  'ORDER_UNANSWERED',
  'MANUAL',
];

/**
 * Something a party must do by a deadline: acknowledge a message, send a notice, appoint a
 * named care contact. Missing the deadline raises a deviation of `deviationType`.
 */
export interface Obligation {
  obligationId: string;
  /** what must be done, e.g. 'acknowledge', 'sendAdmissionNotice', 'appointNamedCareContact' */
  kind: string;
  /** the message it is about (acknowledgements) */
  messageId?: string;
  responsible: Party;
  dueAt: string;
  /** the local date the deadline belongs to, for staff-facing text */
  dueLocalDate: string;
  deviationType: DeviationType;
  /** if the deviation raised at dueAt is still open then, it goes to the coordinators (§6 ladder) */
  escalateAt: string;
  /** when the responsible unit is reminded of the deviation; absent: at dueAt (§6 ladder step 1) */
  remindAt?: string;
  status: 'open' | 'met' | 'late' | 'overdue' | 'cancelled';
  openedAt: string;
  /**
   * Back-registration (docs/domain.md §4 Downtime): the deadline had already passed when the system
   * learned of the obligation, or fell inside a declared downtime window. It is judged only at
   * this instant, the end of the grace period; `escalateAt`/`remindAt` then count from it.
   */
  judgeAt?: string;
  /** the deadline fell inside a declared downtime window (its deviation is marked downtime) */
  inDowntime?: boolean;
  /** when the party acted (its real time, `occurredAt`) */
  metAt?: string;
  cancelledReason?: string;
  deviationId?: string;
}

export type EscalationLevel = 'none' | 'reminded' | 'escalated';

export interface Deviation {
  deviationId: string;
  type: DeviationType;
  responsible: Party;
  description: string;
  /** the rule's deadline that was missed (manual reports: when it happened) */
  deadlineAt: string;
  detectedAt: string;
  /**
   * open → resolved (met late: `resolvedAt` is when, never before the deadline) or closed by a
   * coordinator; withdrawn when a later back-registration showed the deadline was met after all
   * (docs/domain.md §4 Downtime): kept on record, counted nowhere.
   */
  status: 'open' | 'resolved' | 'closed' | 'withdrawn';
  resolvedAt?: string;
  /** when the system learned that the obligation had been met on time */
  withdrawnAt?: string;
  withdrawnReason?: string;
  closedAt?: string;
  closedBy?: string;
  comment?: string;
  obligationId?: string;
  /** the deadline fell inside a declared downtime window: excluded from the party's figures */
  downtime: boolean;
  escalation: EscalationLevel;
  /** when the next step of the escalation ladder is due (escalation to coordinators) */
  escalateAt?: string;
  /** a reminder still to come (a configured reminder period after the deadline) */
  remindAt?: string;
  reportedBy?: string;
  /** when it reached the coordinators (ladder step 2) */
  escalatedAt?: string;
  /** a coordinator took it on (src/domain/coordination.ts) */
  escalationAcknowledgedAt?: string;
  escalationAcknowledgedBy?: string;
  /** the unit now handling it, when a coordinator reassigned it; `responsible` stays who missed the deadline */
  assignedTo?: Party;
  comments?: { at: string; by: string; text: string }[];
  /** how a coordinator closed it (with `comment` as the free text) */
  resolution?: string;
}

export interface Tracking {
  obligations: Obligation[];
  deviations: Deviation[];
}

export const emptyTracking = (): Tracking => ({ obligations: [], deviations: [] });

/** The messages still awaiting the party's acknowledgement (its open or overdue obligation to acknowledge them). */
export function awaitingAcknowledgement<M extends { messageId: string }>(s: { messages: readonly M[]; tracking: Tracking }, party: Party): M[] {
  return s.messages.filter((m) =>
    s.tracking.obligations.some((o) => o.kind === 'acknowledge' && o.messageId === m.messageId && sameParty(o.responsible, party) && (o.status === 'open' || o.status === 'overdue')),
  );
}

/** A side effect the workflow must carry out after a change (notification, downtime lookup). */
export type TrackingEffect =
  | { kind: 'remind'; deviationId: string; to: Party }
  | { kind: 'escalate'; deviationId: string; to: Party }
  /** a withdrawal notice to whoever was told of the deviation (`reached`: how far it went) */
  | { kind: 'withdraw'; deviationId: string; to: Party; reached: 'reminded' | 'escalated' };

/** The instant an open obligation is judged: its deadline, or the end of its grace period. */
export const judgedAt = (o: Obligation): string => (o.judgeAt && Date.parse(o.judgeAt) > Date.parse(o.dueAt) ? o.judgeAt : o.dueAt);

export function openObligation(t: Tracking, o: Omit<Obligation, 'status'>): Obligation {
  if (t.obligations.some((x) => x.obligationId === o.obligationId)) {
    throw new Error(`obligation ${o.obligationId} already exists`);
  }
  const ob: Obligation = { ...o, status: 'open' };
  t.obligations.push(ob);
  return ob;
}

export function findObligation(t: Tracking, id: string): Obligation | undefined {
  return t.obligations.find((o) => o.obligationId === id);
}

export const openObligations = (t: Tracking): Obligation[] => t.obligations.filter((o) => o.status === 'open' || o.status === 'overdue');

/**
 * The party did what it had to. On time → 'met'. After the deadline → 'late', and the
 * deviation it raised is resolved but stays on record (docs/domain.md §6).
 *
 * With `judging` (every process started since back-registration was fixed; histories from before
 * keep the old rule so they replay), docs/domain.md §4 Downtime applies as well:
 * - met on time, but a deviation was raised already (the act was back-registered after the
 *   deadline had been judged): the deviation is **withdrawn** and whoever it reached is told;
 * - met late before the deviation was raised: the deviation is raised with its real times,
 *   resolved at `metAt` — at once, or inside a grace period at its end (`processDue`), so that
 *   nothing is raised before the grace period is over.
 * A deviation is never resolved before its deadline.
 */
export function meetObligation(t: Tracking, id: string, metAt: string, judging?: { now: string; newId: () => string; describe: (o: Obligation) => string }): Obligation {
  return meet(t, id, metAt, judging).obligation;
}

export interface MeetResult {
  obligation: Obligation;
  /** raised now: met late inside the grace period, so no deviation existed yet */
  raised?: Deviation;
  withdrawn?: Deviation;
  effects: TrackingEffect[];
}

export function meet(t: Tracking, id: string, metAt: string, judging?: { now: string; newId: () => string; describe: (o: Obligation) => string }): MeetResult {
  const o = findObligation(t, id);
  if (!o) throw new Error(`no obligation ${id}`);
  if (o.status !== 'open' && o.status !== 'overdue') return { obligation: o, effects: [] };
  o.metAt = metAt;
  const onTime = Date.parse(metAt) < Date.parse(o.dueAt);
  o.status = onTime ? 'met' : 'late';
  const d = o.deviationId ? t.deviations.find((x) => x.deviationId === o.deviationId) : undefined;
  if (!judging) {
    if (d && d.status === 'open') {
      d.status = 'resolved';
      d.resolvedAt = metAt;
      d.escalateAt = undefined;
    }
    return { obligation: o, effects: [] };
  }
  if (onTime) {
    if (!d || d.status === 'withdrawn') return { obligation: o, effects: [] };
    const withdrawn = withdrawDeviation(d, judging.now, 'The obligation was met before its deadline (back-registered)');
    return { obligation: o, withdrawn, effects: withdrawalEffects(withdrawn) };
  }
  if (d) {
    if (d.status === 'open') {
      d.status = 'resolved';
      d.resolvedAt = metAt;
      d.escalateAt = undefined;
      d.remindAt = undefined;
    }
    return { obligation: o, effects: [] };
  }
  // met late inside its grace period: judged at the grace period's end (processDue), not before
  if (o.judgeAt && Date.parse(o.judgeAt) > Date.parse(judging.now)) return { obligation: o, effects: [] };
  // met late before the loop raised its deviation (the same instant as the deadline)
  const raised = deviationOf(t, o, judging, metAt);
  return { obligation: o, raised, effects: [] };
}

/**
 * The deviation of an obligation whose deadline was missed, with its real deadline, detected now;
 * `resolvedAt`: the obligation was met late at that instant, so it is resolved from the start.
 */
function deviationOf(t: Tracking, o: Obligation, ctx: { now: string; newId: () => string; describe: (o: Obligation) => string }, resolvedAt?: string): Deviation {
  const d = raiseDeviation(t, {
    deviationId: ctx.newId(),
    type: o.deviationType,
    responsible: o.responsible,
    description: ctx.describe(o),
    deadlineAt: o.dueAt,
    detectedAt: ctx.now,
    obligationId: o.obligationId,
    downtime: o.inDowntime ?? false,
  });
  if (resolvedAt) {
    d.status = 'resolved';
    d.resolvedAt = resolvedAt;
  }
  o.deviationId = d.deviationId;
  return d;
}

/** Withdraws a deviation (docs/domain.md §4 Downtime): it stays on record, counted nowhere, its ladder stops. */
export function withdrawDeviation(d: Deviation, at: string, reason: string): Deviation {
  const reached = d.escalation;
  d.status = 'withdrawn';
  d.withdrawnAt = at;
  d.withdrawnReason = reason;
  d.escalateAt = undefined;
  d.remindAt = undefined;
  // `escalation` keeps how far it went: the withdrawal notices go the same way
  d.escalation = reached;
  return d;
}

/** Whoever was told of a deviation is told of its withdrawal, on the same channel. */
export function withdrawalEffects(d: Deviation): TrackingEffect[] {
  if (d.escalation === 'none') return [];
  return [{ kind: 'withdraw', deviationId: d.deviationId, to: d.responsible, reached: d.escalation }];
}

/** No longer required (invitation withdrawn, episode cancelled): no deviation will be raised. */
export function cancelObligation(t: Tracking, id: string, reason: string): void {
  const o = findObligation(t, id);
  if (!o || (o.status !== 'open' && o.status !== 'overdue')) return;
  o.status = 'cancelled';
  o.cancelledReason = reason;
  if (o.deviationId) {
    const d = t.deviations.find((x) => x.deviationId === o.deviationId);
    if (d && d.status === 'open') d.escalateAt = undefined; // stays open for a coordinator to close
  }
}

export function raiseDeviation(
  t: Tracking,
  d: Omit<Deviation, 'status' | 'escalation' | 'downtime'> & { downtime?: boolean },
): Deviation {
  const dev: Deviation = { downtime: false, ...d, status: 'open', escalation: 'none' };
  t.deviations.push(dev);
  return dev;
}

/** Why a deviation can no longer be acted on (closed, or withdrawn by a back-registration), or undefined. */
export function settledDeviationRefusal(d: Deviation): { code: string; message: string } | undefined {
  if (d.status === 'closed') return { code: 'DEVIATION_CLOSED', message: 'This deviation has already been closed.' };
  if (d.status === 'withdrawn') return { code: 'DEVIATION_WITHDRAWN', message: 'This deviation was withdrawn: a back-registered action showed the deadline was met.' };
  return undefined;
}

export function closeDeviation(t: Tracking, id: string, by: string, comment: string, at: string): Deviation {
  const d = t.deviations.find((x) => x.deviationId === id);
  if (!d) throw new Error(`no deviation ${id}`);
  d.status = 'closed';
  d.closedAt = at;
  d.closedBy = by;
  d.comment = comment;
  d.escalateAt = undefined;
  return d;
}

/** Met late inside a grace period: the deviation is raised (already resolved) at `judgeAt`. */
export const awaitingJudgement = (t: Tracking): Obligation[] => t.obligations.filter((o) => o.status === 'late' && !o.deviationId && !!o.judgeAt);

/**
 * docs/domain.md §4 Downtime, step 1 of judging what falls due at `now`: the obligations whose
 * deadline must first be checked against the declared downtime windows (each is checked once).
 */
export function toCheckForDowntime(t: Tracking, now: string): Obligation[] {
  const judgedNow = (o: Obligation) => o.inDowntime === undefined && Date.parse(judgedAt(o)) <= Date.parse(now);
  // open ones may be judged later; those met late inside a grace period are only marked
  return [...t.obligations.filter((o) => o.status === 'open' && judgedNow(o)), ...awaitingJudgement(t).filter(judgedNow)];
}

/**
 * Step 2: `ends[i]` is the end of the downtime window the deadline of `checked[i]` fell inside,
 * or null. Marks them; returns the open ones to be judged after a grace period counted from the
 * window's end (not those registered after the window ended: their registration's grace covers it).
 */
export function markDowntime(checked: Obligation[], ends: (string | null)[]): { o: Obligation; from: string }[] {
  const graced: { o: Obligation; from: string }[] = [];
  checked.forEach((o, i) => {
    const end = ends[i] ?? null;
    o.inDowntime = end !== null;
    if (end === null || o.status !== 'open') return;
    if (!(o.judgeAt && Date.parse(end) <= Date.parse(o.openedAt))) graced.push({ o, from: end });
  });
  return graced;
}

/** Step 3: the grace periods computed for `graced` (by the calendar); one already over changes nothing. */
export function applyGrace(graced: { o: Obligation }[], grace: { judgeAt: string; escalateAt: string; remindAt?: string }[], now: string): void {
  graced.forEach(({ o }, i) => {
    const g = grace[i];
    if (!g || Date.parse(g.judgeAt) <= Date.parse(now)) return;
    o.judgeAt = g.judgeAt;
    o.escalateAt = g.escalateAt;
    o.remindAt = g.remindAt;
  });
}

/** The next instant at which `processDue` has something to do, or undefined. */
export function nextDueAt(t: Tracking): string | undefined {
  const times = [
    ...t.obligations.filter((o) => o.status === 'open').map(judgedAt),
    ...awaitingJudgement(t).map((o) => o.judgeAt as string),
    ...t.deviations.filter((d) => d.status === 'open' && d.escalateAt).map((d) => d.escalateAt as string),
    ...t.deviations.filter((d) => d.status === 'open' && d.escalation === 'none' && d.remindAt).map((d) => d.remindAt as string),
  ];
  if (times.length === 0) return undefined;
  return times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

export interface DueContext {
  now: string;
  /** id generator (the workflow passes a deterministic one) */
  newId: () => string;
  describe: (o: Obligation) => string;
}

/**
 * Everything whose time has come: open obligations past their deadline raise a deviation and
 * remind the responsible unit (ladder step 1) — at once, or at the obligation's `remindAt` when a
 * reminder period is configured; open deviations past `escalateAt` are escalated to the
 * responsible organisation's coordinators (step 2).
 */
export function processDue(t: Tracking, ctx: DueContext): { raised: Deviation[]; effects: TrackingEffect[] } {
  const now = Date.parse(ctx.now);
  const raised: Deviation[] = [];
  const effects: TrackingEffect[] = [];
  const remind = (d: Deviation, o: Obligation | undefined) => {
    d.escalation = 'reminded';
    d.remindAt = undefined;
    d.escalateAt = o?.escalateAt;
    effects.push({ kind: 'remind', deviationId: d.deviationId, to: d.responsible });
  };
  for (const o of t.obligations) {
    if (o.status !== 'open' || Date.parse(judgedAt(o)) > now) continue;
    o.status = 'overdue';
    const d = deviationOf(t, o, ctx);
    raised.push(d);
    if (o.remindAt && Date.parse(o.remindAt) > now) d.remindAt = o.remindAt;
    else remind(d, o);
  }
  // met late inside the grace period: judged now, with its real times, already resolved (§4 Downtime)
  for (const o of awaitingJudgement(t)) {
    if (Date.parse(o.judgeAt as string) > now) continue;
    raised.push(deviationOf(t, o, ctx, o.metAt));
  }
  for (const d of t.deviations) {
    if (d.status !== 'open' || d.escalation !== 'none' || !d.remindAt || Date.parse(d.remindAt) > now) continue;
    remind(d, t.obligations.find((o) => o.obligationId === d.obligationId));
  }
  for (const d of t.deviations) {
    if (d.status !== 'open' || !d.escalateAt || Date.parse(d.escalateAt) > now) continue;
    d.escalation = 'escalated';
    d.escalatedAt = ctx.now;
    d.escalateAt = undefined;
    effects.push({ kind: 'escalate', deviationId: d.deviationId, to: d.responsible });
  }
  return { raised, effects };
}
