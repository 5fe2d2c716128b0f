/**
 * What the monthly close's activities do with a failure (issue 15, activities/billing.ts): a typed
 * refusal or a deterministic error (RangeError, TypeError) fails at once as non-retryable, with the
 * refusal's code as the type and the episode at fault in the details; anything else (the database
 * unreachable) is retried. And what the alert to the billing officers says (no patient data).
 */
import { CLOSE_COMPUTATION_FAILED, failureOf } from '../../activities/billing';
import { billingAlertId, billingAlertMessage, billingAlertRecipients, BillingDomainRefusal, DailyAmountMissingError } from '../../src/domain/billing';
import { BillingContactSchema } from '../../src/domain/billing/alerts';

describe('failureOf', () => {
  it('a typed refusal: non-retryable, its code the type, the episode at fault in the details', () => {
    const f = failureOf(new BillingDomainRefusal('SOME_REFUSAL', 'Episode e-42 cannot be billed this way.', { episodeId: 'e-42' }))!;
    expect(f).toMatchObject({ type: 'SOME_REFUSAL', nonRetryable: true, message: 'Episode e-42 cannot be billed this way.' });
    expect(f.details).toEqual([{ episodeId: 'e-42', code: 'SOME_REFUSAL', episodeIds: ['e-42'] }]);
    expect(failureOf(new DailyAmountMissingError(2021))).toMatchObject({ type: 'DAILY_AMOUNT_MISSING', nonRetryable: true, details: [{ code: 'DAILY_AMOUNT_MISSING', year: 2021, episodeIds: [] }] });
  });
  it('a RangeError (the poison pill of the issue, before the fix): non-retryable, naming the episode', () => {
    const f = failureOf(new RangeError('episode ep-7f3a: bad ready period 2019-03-20 … 2019-03-10: Invalid range'))!;
    expect(f).toMatchObject({ type: CLOSE_COMPUTATION_FAILED, nonRetryable: true, message: expect.stringContaining('RangeError') });
    expect(f.details).toEqual([{ code: CLOSE_COMPUTATION_FAILED, error: 'RangeError', episodeIds: ['ep-7f3a'] }]);
  });
  it('anything else is retried', () => {
    expect(failureOf(new Error('connection terminated unexpectedly'))).toBeNull();
  });
});

describe('the alert', () => {
  const alert = { region: 'halland', month: '2019-03', closeId: 'halland-2019-03', runId: 'run-1', kind: 'closeFailed' as const, step: 'freeze' as const, code: 'DAILY_AMOUNT_MISSING', message: 'No daily amount for 2019.', episodeIds: ['ep-1'], at: '2019-04-05T06:00:00.000Z' };
  it('names the close, the code and the episodes; one id per run, kind and code', () => {
    const m = billingAlertMessage(alert);
    expect(m.subject).toContain('halland 2019-03 — DAILY_AMOUNT_MISSING');
    expect(m.text).toContain('Episoder (episodes): ep-1');
    expect(m.payload).toMatchObject({ event: 'billing.closeFailed', alertId: 'billing:halland-2019-03:run-1:closeFailed:DAILY_AMOUNT_MISSING', episodeIds: ['ep-1'] });
    expect(billingAlertId({ ...alert, runId: 'run-2' })).not.toBe(billingAlertId(alert));
  });
  it('goes to every billing officer and administrator configured, on each channel', () => {
    const contacts = [
      BillingContactSchema.parse({ id: 'a', name: 'A', role: 'billingOfficer', channels: [{ type: 'email', to: 'a@x.example' }, { type: 'webhook', url: 'https://x.example/h', secretEnv: 'X_KEY' }] }),
      BillingContactSchema.parse({ id: 'b', name: 'B', role: 'administrator', channels: [{ type: 'email', to: 'b@x.example' }] }),
    ];
    expect(billingAlertRecipients(contacts).map((r) => r.recipientKey)).toEqual(['billing:billingOfficer/a', 'billing:billingOfficer/a', 'billing:administrator/b']);
    expect(() => BillingContactSchema.parse({ id: 'c', name: 'C', role: 'coordinator', channels: [] })).toThrow();
  });
});
