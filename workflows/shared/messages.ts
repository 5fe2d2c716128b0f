/**
 * Messages on the shared runtime, the same in every process (docs/domain.md §4 "Every message",
 * §5): every message opens one acknowledgement obligation per recipient (001 §6.1 "Samtliga
 * meddelanden i processen ska kvitteras senast påföljande vardag"; a kallelse under the 14:00
 * rule, step 6a), met when that recipient acknowledges.
 */
import { uuid4 } from '@temporalio/workflow';
import { sameParty, type Party } from '../../src/domain/obligations';
import type { ProcessRuntime } from './process-runtime';

/** What every process's messages have in common. */
interface SentMessage {
  messageId: string;
  recordedAt: string;
  occurredAt: string;
  recipients: Party[];
}

/** Records a message and opens one acknowledgement obligation per recipient, due by `rule`. */
export async function sendMessage<M extends SentMessage>(
  rt: ProcessRuntime,
  messages: M[],
  m: Omit<M, 'messageId' | 'recordedAt'>,
  rule: 'acknowledgement' | 'invitation' = 'acknowledgement',
): Promise<M> {
  const msg = { messageId: uuid4(), recordedAt: rt.now(), ...m } as M;
  await rt.openObligations(
    m.recipients.map((r) => ({ kind: 'acknowledge', messageId: msg.messageId, responsible: r, deviationType: 'ACK_MISSING' as const, deadline: { rule, from: m.occurredAt } })),
  );
  messages.push(msg);
  return msg;
}

/** The recipient acknowledges; returns the staff-facing summary. */
export function acknowledge(rt: ProcessRuntime, messageId: string, party: Party, at: string): string {
  const o = rt.tracking.obligations.find((x) => x.messageId === messageId && x.kind === 'acknowledge' && sameParty(x.responsible, party));
  if (o) rt.meet(o.obligationId, at);
  return o?.status === 'late' ? 'Acknowledged after the deadline; the deviation is resolved and kept on record' : 'Acknowledged (kvitterat)';
}

/** Open obligations of a kind (optionally of one party). */
export const openOf = (rt: ProcessRuntime, kind: string, who?: Party) =>
  rt.tracking.obligations.filter((o) => o.kind === kind && (o.status === 'open' || o.status === 'overdue') && (!who || sameParty(o.responsible, who)));
