/**
 * Messages of the home-care processes (docs/domain.md §5) on the shared runtime: every message
 * opens one acknowledgement obligation per recipient (001 §6.1 "Samtliga meddelanden i
 * processen ska kvitteras senast påföljande vardag"), met when that recipient acknowledges.
 */
import { uuid4 } from '@temporalio/workflow';
import { sameParty, type Party } from '../../src/domain/obligations';
import type { HomeCareMessage } from '../../src/domain/homecare/types';
import type { ProcessRuntime } from './process-runtime';

export async function sendMessage(
  rt: ProcessRuntime,
  messages: HomeCareMessage[],
  m: Omit<HomeCareMessage, 'messageId' | 'recordedAt'>,
  rule: 'acknowledgement' | 'invitation' = 'acknowledgement',
): Promise<HomeCareMessage> {
  const msg: HomeCareMessage = { messageId: uuid4(), recordedAt: rt.now(), ...m };
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
