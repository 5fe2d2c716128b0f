/**
 * The coordinators' daily digest (docs/domain.md §6): one short workflow per region and day, started
 * by the Schedule `coordinator-digest-<region>` (src/temporal/digest-schedules.ts). The activity
 * sends, per organisation, what is open and what is about to fall due by the same channels as
 * the escalations; it is idempotent per coordinator and local day.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CoordinatorDigestInput, CoordinatorDigestResult } from './contract';

const { sendCoordinatorDigests } = proxyActivities<Activities>({ startToCloseTimeout: '2m', retry: { maximumInterval: '5m', maximumAttempts: 12 } });

export async function coordinatorDigest(input: CoordinatorDigestInput): Promise<CoordinatorDigestResult> {
  // workflow time decides the digest's day, so a retried or replayed run means the same day
  return sendCoordinatorDigests(input.region, input.at ?? new Date().toISOString());
}
