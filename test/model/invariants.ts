/**
 * Invariants every process state must keep, whatever the staff did (issue 15): checked after
 * every generated sequence, on the pure domain, on the real workflows and through the API.
 * Each returns the violations it found, as sentences, so a failure says what broke.
 */
import type { Deviation, Obligation } from '../../src/domain/obligations';

export interface TrackedState {
  obligations: Obligation[];
  deviations: Deviation[];
}

const t = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);
/** the clock's resolution between activations: a deviation is raised in the task after the timer */
const SLACK_MS = 1000;

/**
 * docs/domain.md §4 Downtime and §6:
 * - no deviation is resolved or withdrawn before its deadline;
 * - none is raised before its deadline, nor before the end of its grace period where there is one;
 * - an obligation met before its deadline has no deviation that counts (none, or withdrawn);
 * - a withdrawn deviation belongs to an obligation met on time;
 * - an obligation has at most one deviation.
 */
export function deviationViolations(s: TrackedState): string[] {
  const out: string[] = [];
  const byId = new Map(s.obligations.map((o) => [o.obligationId, o]));
  const seen = new Map<string, number>();
  for (const d of s.deviations) {
    const what = `deviation ${d.type} ${d.deviationId.slice(0, 8)} (${d.status})`;
    if (d.status === 'resolved' && t(d.resolvedAt) < t(d.deadlineAt)) out.push(`${what} resolved at ${d.resolvedAt}, before its deadline ${d.deadlineAt}`);
    if (d.status === 'withdrawn' && !(t(d.withdrawnAt) >= t(d.deadlineAt))) out.push(`${what} withdrawn at ${d.withdrawnAt}, before its deadline ${d.deadlineAt}`);
    if (!d.obligationId) continue; // reported by hand
    seen.set(d.obligationId, (seen.get(d.obligationId) ?? 0) + 1);
    const o = byId.get(d.obligationId);
    if (!o) {
      out.push(`${what} names an obligation the process does not have`);
      continue;
    }
    if (d.deadlineAt !== o.dueAt) out.push(`${what} has deadline ${d.deadlineAt}, its obligation ${o.dueAt}`);
    if (t(d.detectedAt) < t(o.dueAt) - SLACK_MS) out.push(`${what} raised at ${d.detectedAt}, before its deadline ${o.dueAt}`);
    if (o.judgeAt && t(d.detectedAt) < t(o.judgeAt) - SLACK_MS) out.push(`${what} raised at ${d.detectedAt}, before the end of its grace period ${o.judgeAt}`);
    if (d.status === 'withdrawn' && o.status !== 'met') out.push(`${what} withdrawn, but its obligation is ${o.status}`);
    if (o.status === 'met' && d.status !== 'withdrawn') out.push(`${what} counts, but its obligation was met on time (${o.metAt} < ${o.dueAt})`);
  }
  for (const [id, n] of seen) if (n > 1) out.push(`obligation ${id.slice(0, 8)} has ${n} deviations`);
  for (const o of s.obligations) {
    if (o.status === 'met' && !(t(o.metAt) < t(o.dueAt))) out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} is met, but at ${o.metAt}, not before ${o.dueAt}`);
    if (o.status === 'late' && !(t(o.metAt) >= t(o.dueAt))) out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} is late, but was met at ${o.metAt}, before ${o.dueAt}`);
  }
  return out;
}

/**
 * Once time has passed every deadline and grace period: each obligation met late or never met
 * has exactly one deviation, and it is not withdrawn.
 */
export function settledViolations(s: TrackedState, now: string): string[] {
  const out: string[] = [];
  for (const o of s.obligations) {
    const judged = Math.max(t(o.dueAt), o.judgeAt ? t(o.judgeAt) : -Infinity);
    if (judged > t(now) - SLACK_MS) continue;
    if (o.status === 'late' || o.status === 'overdue') {
      const d = s.deviations.find((x) => x.obligationId === o.obligationId);
      if (!d) out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} is ${o.status} since ${o.dueAt}, judged by ${new Date(judged).toISOString()}, without a deviation`);
      else if (d.status === 'withdrawn') out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} is ${o.status}, but its deviation was withdrawn`);
    }
    if (o.status === 'open') out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} is still open at ${now}, judged at ${new Date(judged).toISOString()}`);
  }
  return out;
}

/** Whole öre, and every total the sum of its parts. */
export function moneyViolations(totalOre: number, parts: number[], what: string): string[] {
  const out: string[] = [];
  if (!Number.isSafeInteger(totalOre)) out.push(`${what}: total ${totalOre} is not whole öre`);
  for (const p of parts) if (!Number.isSafeInteger(p)) out.push(`${what}: part ${p} is not whole öre`);
  const sum = parts.reduce((a, b) => a + b, 0);
  if (sum !== totalOre) out.push(`${what}: total ${totalOre} ≠ sum of its parts ${sum}`);
  return out;
}

/** Nothing is acknowledged before the message was sent (its real time), nor met before its obligation arose. */
export function orderViolations(s: TrackedState & { messages: { messageId: string; occurredAt?: string }[] }): string[] {
  const out: string[] = [];
  for (const o of s.obligations) {
    if (!o.metAt || !o.messageId) continue;
    const m = s.messages.find((x) => x.messageId === o.messageId);
    if (m?.occurredAt && t(o.metAt) < t(m.occurredAt)) out.push(`obligation ${o.kind} ${o.obligationId.slice(0, 8)} met at ${o.metAt}, before its message was sent at ${m.occurredAt}`);
  }
  return out;
}
