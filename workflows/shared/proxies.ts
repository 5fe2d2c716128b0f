/**
 * Every workflow's activities, by the retry policy they run under: one place to read what a
 * process waits for and how long it keeps trying. Activities are idempotent (activities/),
 * so a retry is safe; what a retry cannot fix fails at once as non-retryable.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/** Quick, in the worker, recorded in the history like any activity: the calendar's deadlines and the ledger projections. */
export const local = proxyLocalActivities<Activities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '30s' } });

/** Notifications and escalations to people (process-runtime.ts): retried until delivered, backing off to 5 minutes. */
export const deliveries = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { maximumInterval: '5m' } });

/** A home care enrollment telling its discharge episode (linkHomeCareToDischarge): ten attempts. */
export const linking = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { maximumInterval: '1m', maximumAttempts: 10 } });

/** A monthly close's steps: freezing 100 000 episodes takes seconds, so five minutes an attempt, retried until done. */
export const billingSteps = proxyActivities<Activities>({ startToCloseTimeout: '5m', retry: { maximumInterval: '1m' } });

/** A monthly close's alerts to billing officers and administrators: deliveries retried with backoff, then given up (recorded as failed). */
export const billingAlerts = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { maximumInterval: '1m', maximumAttempts: 12 } });

/** The coordinators' daily digest: one activity for a region's organisations, up to two minutes, twelve attempts. */
export const digests = proxyActivities<Activities>({ startToCloseTimeout: '2m', retry: { maximumInterval: '5m', maximumAttempts: 12 } });
