/**
 * The coordinators' daily digest Schedules (docs/domain.md §6): one per region that has coordinators,
 * `coordinator-digest-<region>`, firing every day at the region's `escalation.digestHour`
 * (Europe/Stockholm). Created idempotently at start-up like the billing schedules: an existing
 * schedule is updated to the current configuration, never duplicated.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedules } from './schedules';
import type { Region } from '../domain/regions';
import { coordinatorDigestWorkflowType } from '../../workflows/coordinator-digest/contract';

export const digestScheduleId = (region: string) => `coordinator-digest-${region}`;

export function digestScheduleOptions(region: Region, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: digestScheduleId(region.id),
    spec: { calendars: [{ hour: region.escalation.digestHour, minute: 0, dayOfWeek: '*', dayOfMonth: '*', month: '*' }], timezone: 'Europe/Stockholm' },
    action: { type: 'startWorkflow', workflowType: coordinatorDigestWorkflowType, workflowId: `coordinator-digest-${region.id}`, taskQueue, args: [{ region: region.id }] },
    // a digest missed while the server was down is sent within 6 hours, never two at once
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
  };
}

/** Creates or updates the schedule of every region with at least one coordinator; returns the ids created. */
export function ensureDigestSchedules(client: Client, regions: Region[], taskQueue: string): Promise<string[]> {
  const withCoordinators = regions.filter((r) => r.escalation.organisations.some((o) => o.coordinators.length > 0));
  return ensureSchedules(client, withCoordinators.map((region) => digestScheduleOptions(region, taskQueue)));
}
