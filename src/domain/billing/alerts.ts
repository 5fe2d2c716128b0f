/**
 * Alerts of the monthly close to the region's billing officers and administrators (issue 15: an
 * activity failing for a reason a retry cannot fix, or episodes the engine cannot compute, reach
 * people instead of retrying silently). They go through the same channels as the escalation
 * ladder (docs/domain.md §6: e-mail or signed webhook; `notifications` / `notification_deliveries`),
 * to the region's configured `billingContacts`. Pure: no I/O.
 *
 * Contents carry no patient data: episode ids are opaque, municipalities are kommunkoder.
 */
import { z } from 'zod';
import { ChannelSchema, type Recipient } from '../escalation';

export const BillingContactSchema = z
  .object({
    /** a login name or HSA-id of the person, or a functional mailbox's name */
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    role: z.enum(['billingOfficer', 'administrator']),
    channels: z.array(ChannelSchema).min(1, 'a billing contact needs at least one channel'),
  })
  .strict();
export type BillingContact = z.infer<typeof BillingContactSchema>;

export type BillingAlertKind =
  /** an activity of the close failed for a reason a retry cannot fix: the close stopped */
  | 'closeFailed'
  /** the close keeps failing and is retried (e.g. the database is unreachable) */
  | 'closeRetrying'
  /** the close was frozen, but some episodes cannot be computed: in no invoice until looked at */
  | 'cannotCompute';

export interface BillingAlert {
  region: string;
  month: string;
  closeId: string;
  /** the workflow run: the same failure of a later run (after a fix) is a new alert */
  runId: string;
  kind: BillingAlertKind;
  step: 'freeze' | 'finalise';
  /** the refusal's code (DAILY_AMOUNT_MISSING, RULE_SET_NOT_IN_FORCE, …) or CANNOT_COMPUTE */
  code: string;
  message: string;
  /** the episodes at fault, when any are */
  episodeIds: string[];
  at: string;
}

const KIND_SV: Record<BillingAlertKind, string> = {
  closeFailed: 'Månadsavstämningen stoppad (monthly close failed)',
  closeRetrying: 'Månadsavstämningen misslyckas upprepade gånger (monthly close retrying)',
  cannotCompute: 'Episoder som inte kan beräknas (cannot compute)',
};

/** Deterministic: recording or delivering the same alert twice never notifies twice. */
export const billingAlertId = (a: Pick<BillingAlert, 'closeId' | 'runId' | 'kind' | 'code'>): string => `billing:${a.closeId}:${a.runId}:${a.kind}:${a.code}`;

/** Every configured billing officer and administrator of the region, on each of their channels. */
export function billingAlertRecipients(contacts: readonly BillingContact[]): Recipient[] {
  return contacts.flatMap((c) => c.channels.map((channel) => ({ recipientKey: `billing:${c.role}/${c.id}`, name: c.name, channel })));
}

export function billingAlertMessage(a: BillingAlert): { subject: string; text: string; payload: Record<string, unknown> } {
  const what = KIND_SV[a.kind];
  const subject = `${what}: ${a.region} ${a.month} — ${a.code}`;
  const episodes = a.episodeIds.length ? a.episodeIds : [];
  const text = [
    what,
    `Region: ${a.region}`,
    `Månad (month): ${a.month}`,
    `Steg (step): ${a.step === 'freeze' ? 'frysning och beräkning (freeze)' : 'slutfaktura (finalise)'}`,
    `Kod (code): ${a.code}`,
    a.message,
    ...(episodes.length ? [`Episoder (episodes): ${episodes.join(', ')}`] : []),
    a.kind === 'cannotCompute'
      ? `Underlaget listar dem under "cannotCompute": GET /api/billing/closes/${a.region}/${a.month}/basis`
      : a.kind === 'closeFailed'
        ? `Rätta orsaken och starta avstämningen igen: POST /api/billing/closes { "region": "${a.region}", "month": "${a.month}" }`
        : 'Avstämningen försöker igen av sig själv; kontakta driften om felet består.',
  ].join('\n');
  return {
    subject,
    text,
    payload: {
      event: `billing.${a.kind}`,
      alertId: billingAlertId(a),
      region: a.region,
      month: a.month,
      closeId: a.closeId,
      step: a.step,
      code: a.code,
      message: a.message,
      episodeIds: episodes,
      createdAt: a.at,
    },
  };
}
