/** What every process records about who did what, and when (docs/domain.md §4, §10). */

/**
 * The processes that run on the shared obligation machinery, by the name the ledger, the
 * notifications and the access rules use for them (`process_type`). Stored data: never renamed.
 * The code's own name of each process is in docs/glossary.md (discharge, homeCare, homeVisit).
 */
export const PROCESS_TYPES = ['discharge', 'homeHealthCare', 'singleHomeVisit'] as const;
export type ProcessType = (typeof PROCESS_TYPES)[number];

export interface Actor {
  /** staff member's user id (HSA-id of the person or a login name), never a patient */
  userId: string;
  /** HSA-id of the unit or kommunkod the person acts for */
  organisation: string;
}

export interface TimelineEntry {
  seq: number;
  action: string;
  /** when it really happened (back-registration may put it before recordedAt) */
  occurredAt: string;
  recordedAt: string;
  actor?: Actor;
  summary: string;
  messageId?: string;
  deviationId?: string;
}

/**
 * Appends an entry to a process's timeline, recorded at `recordedAt`: its seq follows the last
 * entry's, not the length (a long-lived process may keep only its newest entries). Every
 * process's timeline grows by this, the monthly close's included.
 */
export function appendTimeline(timeline: TimelineEntry[], entry: Omit<TimelineEntry, 'seq' | 'recordedAt'>, recordedAt: string): TimelineEntry {
  const e: TimelineEntry = { seq: (timeline[timeline.length - 1]?.seq ?? 0) + 1, recordedAt, ...entry };
  timeline.push(e);
  return e;
}


/**
 * Refusal rules added after processes were already running (issue 15: the real times staff give
 * must make sense). A workflow started before them keeps them off, so its history replays
 * (README "Versioning"); every process started since has them on.
 */
export interface RuleVersion {
  /**
   * A ready or withdrawal date cannot lie after the day its message is sent (docs/domain.md §7 "Ready
   * days"); nothing is acknowledged before the message was sent.
   */
  realTimes: boolean;
}

export const CURRENT_RULES: RuleVersion = { realTimes: true };

/** Why an acknowledgement at `at` of a message sent at `sentAt` is refused, or undefined. */
export function acknowledgedBeforeSent(rules: RuleVersion, sentAt: string | undefined, at: string): { code: string; message: string } | undefined {
  if (!rules.realTimes || !sentAt || Date.parse(at) >= Date.parse(sentAt)) return undefined;
  return { code: 'ACKNOWLEDGED_BEFORE_SENT', message: `A message cannot be acknowledged before it was sent (${sentAt}).` };
}

/** Why the state does not allow an action: a machine-readable code and a sentence staff understand (the API's 409). */
export interface Refusal {
  code: string;
  message: string;
}

export const refuse = (code: string, message: string): Refusal => ({ code, message });

/** An action the workspace offers (issue 19), with the process's own answer now: allowed, or the refusal its 409 would give. */
export interface AllowedProcessAction<T extends string> {
  type: T;
  /** the message the action concerns (acknowledgements: one entry per message awaiting the caller) */
  messageId?: string;
  allowed: boolean;
  /** why not: the code and sentence of the 409 the action would get now */
  refusal?: Refusal;
}

/**
 * The workspace's answer for each action of `types`, in their order (issue 19): every probe of an
 * action tried against the process's own refusal rule. Acknowledgements list only the messages
 * still awaiting the caller (one probe per message); a message already acknowledged or withdrawn
 * is no longer something to do. Every other action is answered allowed, or with its refusal.
 */
export function answerActions<T extends string, A extends { type: T }>(types: readonly T[], probe: (t: T) => A[], refuse: (a: A) => Refusal | undefined): AllowedProcessAction<T>[] {
  const out: AllowedProcessAction<T>[] = [];
  for (const type of types) {
    for (const a of probe(type)) {
      const r = refuse(a);
      if (type === 'acknowledge') {
        if (!r) out.push({ type, messageId: (a as unknown as { messageId: string }).messageId, allowed: true });
        continue;
      }
      out.push(r ? { type, allowed: false, refusal: r } : { type, allowed: true });
    }
  }
  return out;
}

/**
 * A process's action types as a list the workflow can hold (it registers one Update per type)
 * without the zod of the process's action catalog: `everyType<DischargeActionType>()([…])` does
 * not compile while a type of the union is missing from the list, and names the missing one.
 */
export const everyType =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> })): readonly T[] =>
    list;
