/**
 * The coordinators' daily digest (docs/domain.md §6): one short workflow per region and day, started
 * by the Schedule `coordinator-digest-<region>` (src/temporal/digest-schedules.ts). The activity
 * sends, per organisation, what is open and what is about to fall due by the same channels as
 * the escalations; it is idempotent per coordinator and local day.
 */
import { digests } from '../shared/proxies';
import type { CoordinatorDigestInput, CoordinatorDigestResult } from './contract';

const { sendCoordinatorDigests } = digests;

export async function coordinatorDigest(input: CoordinatorDigestInput): Promise<CoordinatorDigestResult> {
  // workflow time decides the digest's day, so a retried or replayed run means the same day
  return sendCoordinatorDigests(input.region, input.at ?? new Date().toISOString());
}
