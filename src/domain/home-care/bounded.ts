/**
 * What a long-lived process carries into its next run (continue-as-new, docs/domain.md §5 "An
 * enrollment that lasts years must stay cheap to run and replay").
 *
 * Decision: the workflow keeps everything still open (obligations, deviations and the messages
 * they are about) plus the newest settled items and the last timeline entries; everything
 * older lives in the ledger, which the projection has written before the run continues. The
 * ledger projection never deletes a row (src/db/process-ledger.ts), so pruning the workflow's state never
 * loses a message, obligation, deviation or timeline entry from the record.
 */
import type { Tracking } from '../obligations';

export const CARRIED = {
  timeline: 100,
  settledMessages: 30,
  settledObligations: 30,
  settledDeviations: 30,
} as const;

const isOpen = (status: string) => status === 'open' || status === 'overdue';

/** Keeps the items of `all` for which `keep` holds, plus the newest `n` of the rest, in their order. */
function keepNewest<T>(all: T[], keep: (x: T) => boolean, n: number): T[] {
  const rest = all.filter((x) => !keep(x));
  const newest = new Set(rest.slice(Math.max(0, rest.length - n)));
  return all.filter((x) => keep(x) || newest.has(x));
}

/** Prunes `s` in place to what the next run needs. */
export function boundCarriedState<M extends { messageId: string }, E>(s: { messages: M[]; tracking: Tracking; timeline: E[] }): void {
  const t = s.tracking;
  t.obligations = keepNewest(t.obligations, (o) => isOpen(o.status), CARRIED.settledObligations);
  const keptObligations = new Set(t.obligations.map((o) => o.obligationId));
  t.deviations = keepNewest(t.deviations, (d) => d.status === 'open' || (!!d.obligationId && keptObligations.has(d.obligationId)), CARRIED.settledDeviations);
  const referenced = new Set(t.obligations.filter((o) => isOpen(o.status)).map((o) => o.messageId));
  s.messages = keepNewest(s.messages, (m) => referenced.has(m.messageId), CARRIED.settledMessages);
  s.timeline = s.timeline.slice(Math.max(0, s.timeline.length - CARRIED.timeline));
}
