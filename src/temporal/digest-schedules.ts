/**
 * The coordinators' daily digest Schedules (DOMAIN.md §6): one per region that has coordinators,
 * `coordinator-digest-<region>`, firing every day at the region's `escalation.digestHour`
 * (Europe/Stockholm). Created idempotently at start-up like the billing schedules: an existing
 * schedule is updated to the current configuration, never duplicated.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Region } from '../domain/regions';
import { coordinatorDigest } from '../../workflows/coordinatorDigest';

export const digestScheduleId = (region: string) => `coordinator-digest-${region}`;

export function digestScheduleOptions(region: Region, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: digestScheduleId(region.id),
    spec: { calendars: [{ hour: region.escalation.digestHour, minute: 0, dayOfWeek: '*', dayOfMonth: '*', month: '*' }], timezone: 'Europe/Stockholm' },
    action: { type: 'startWorkflow', workflowType: coordinatorDigest, workflowId: `coordinator-digest-${region.id}`, taskQueue, args: [{ region: region.id }] },
    // a digest missed while the server was down is sent within 6 hours, never two at once
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
  };
}

/** Creates or updates the schedule of every region with at least one coordinator; returns the ids created. */
export async function ensureDigestSchedules(client: Client, regions: Region[], taskQueue: string): Promise<string[]> {
  const created: string[] = [];
  for (const region of regions.filter((r) => r.escalation.organisations.some((o) => o.coordinators.length > 0))) {
    const options = digestScheduleOptions(region, taskQueue);
    try {
      await client.schedule.create(options);
      created.push(options.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((prev) => ({ ...prev, spec: options.spec, action: options.action, policies: options.policies }));
    }
  }
  return created;
}
