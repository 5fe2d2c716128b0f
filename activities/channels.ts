/**
 * The channels of the escalation ladder (docs/domain.md §6 "notified (e-mail or webhook)"):
 * - e-mail over SMTP (nodemailer), with a deterministic Message-ID per delivery;
 * - signed webhooks: POST of JSON with `X-Utskrivning-Timestamp` (unix seconds) and
 *   `X-Utskrivning-Signature: sha256=<hex HMAC-SHA256(key, "<timestamp>.<body>")>`, and an
 *   `Idempotency-Key` that is the same on every retry of the same delivery, so a receiver that
 *   saw it already can drop the copy.
 * Contents carry no patient data: process ids are opaque, units are HSA-ids and kommunkoder.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';

export interface OutgoingMessage {
  /** stable per delivery (notification + recipient + channel) */
  deliveryId: string;
  subject: string;
  text: string;
  /** the webhook body */
  payload: Record<string, unknown>;
}

export const SIGNATURE_HEADER = 'x-utskrivning-signature';
export const TIMESTAMP_HEADER = 'x-utskrivning-timestamp';

export function signWebhook(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): the signature matches and the timestamp is within `toleranceSeconds`. */
export function verifyWebhook(key: string, headers: { timestamp?: string; signature?: string }, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (!headers.timestamp || !headers.signature || !/^\d+$/.test(headers.timestamp)) return false;
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(key, headers.timestamp, body));
  const got = Buffer.from(headers.signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export async function sendWebhook(url: string, key: string, m: OutgoingMessage, now: Date = new Date()): Promise<void> {
  const body = JSON.stringify({ deliveryId: m.deliveryId, ...m.payload });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': m.deliveryId,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(key, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  // drain the body so the connection is released
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook ${url} answered ${res.status}`);
}

const transports = new Map<string, Transporter>();

export async function sendEmail(smtpUrl: string | undefined, from: string, to: string, m: OutgoingMessage): Promise<void> {
  if (!smtpUrl) throw new Error('no SMTP server configured (SMTP_URL)');
  let t = transports.get(smtpUrl);
  if (!t) {
    t = createTransport(smtpUrl);
    transports.set(smtpUrl, t);
  }
  await t.sendMail({
    from,
    to,
    subject: m.subject,
    text: m.text,
    // the same delivery always has the same Message-ID: a mail system can spot a duplicate
    messageId: `<${m.deliveryId.replace(/[^A-Za-z0-9.-]/g, '.')}@utskrivning>`,
    headers: { 'X-Utskrivning-Delivery': m.deliveryId },
  });
}

/** Closes pooled SMTP connections (worker shutdown, tests). */
export function closeTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
