/**
 * Structured JSON logs (pino). Patient data never goes into logs: log opaque ids
 * (episode id, workflow id), never personnummer or names. The redaction below is a
 * second line of defence for fields that must never be printed even by mistake.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACTED_FIELDS = [
  'personnummer',
  'patientId',
  'patientName',
  'name',
  '*.personnummer',
  '*.patientId',
  '*.patientName',
  'req.headers.authorization',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'utskrivning' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_FIELDS, censor: '[redacted]' },
  });
}
