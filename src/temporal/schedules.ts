/**
 * The monthly close's Schedules (docs/architecture.md "Monthly close": started by a Temporal
 * Schedule"): one per region, `monthly-close-<region>`, firing on a configurable day after the
 * month ends. Created idempotently at start-up: an existing schedule is updated to the current
 * configuration, never duplicated.
 *
 * Settings (environment, validated with zod; a bad value stops start-up naming it):
 * - BILLING_CLOSE_DAY (1–28, default 5): day of the month the previous month is closed; late
 *   registrations are allowed until then (docs/domain.md §7);
 * - BILLING_CLOSE_HOUR (5–23, default 6): local hour (Europe/Stockholm) it fires;
 * - BILLING_REVIEW_WEEKDAYS (1–60, default 10): the municipalities' review period.
 */
import { z } from 'zod';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Region } from '../domain/regions';
import { monthlyCloseScheduledWorkflowType, type ScheduledCloseInput } from '../../workflows/monthly-close/contract';

export const BillingSettingsSchema = z.object({
  BILLING_CLOSE_DAY: z.coerce.number().int().min(1).max(28).default(5),
  BILLING_CLOSE_HOUR: z.coerce.number().int().min(5).max(23).default(6),
  BILLING_REVIEW_WEEKDAYS: z.coerce.number().int().min(1).max(60).default(10),
});

export interface BillingSettings {
  closeDay: number;
  closeHour: number;
  reviewWeekdays: number;
}

export function billingSettings(env: Record<string, string | undefined> = process.env): BillingSettings {
  const r = BillingSettingsSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`Invalid billing configuration: ${i.path.join('.')}: ${i.message}`);
  }
  return { closeDay: r.data.BILLING_CLOSE_DAY, closeHour: r.data.BILLING_CLOSE_HOUR, reviewWeekdays: r.data.BILLING_REVIEW_WEEKDAYS };
}

export const billingScheduleId = (region: string) => `monthly-close-${region}`;

/** The input a close of this region starts with: configuration frozen into the workflow's history. */
export function closeInputFor(region: Region, settings: BillingSettings): ScheduledCloseInput {
  return {
    region: region.id,
    municipalities: region.municipalities.map((m) => m.code),
    agreements: region.agreements.map((a) => ({ ruleSetId: a.ruleSetId, from: a.from, ...(a.to ? { to: a.to } : {}) })),
    reviewWeekdays: settings.reviewWeekdays,
  };
}

function scheduleOptions(region: Region, taskQueue: string, settings: BillingSettings): ScheduleOptions {
  return {
    scheduleId: billingScheduleId(region.id),
    spec: { calendars: [{ dayOfMonth: settings.closeDay, hour: settings.closeHour, minute: 0 }], timezone: 'Europe/Stockholm' },
    action: {
      type: 'startWorkflow',
      workflowType: monthlyCloseScheduledWorkflowType,
      workflowId: `monthly-close-trigger-${region.id}`,
      taskQueue,
      args: [closeInputFor(region, settings)],
    },
    // a missed firing (server down) is caught up within a week; never two at once
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
  };
}

/**
 * Creates each schedule, or updates an existing one to these options (never a second schedule):
 * the start-up step of every scheduled process. Returns the ids created (not the updated ones).
 */
export async function ensureSchedules(client: Client, schedules: ScheduleOptions[]): Promise<string[]> {
  const created: string[] = [];
  for (const options of schedules) {
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

/** Creates or updates one schedule per region; returns the ids created (not the updated ones). */
export function ensureBillingSchedules(client: Client, regions: Region[], taskQueue: string, settings: BillingSettings = billingSettings()): Promise<string[]> {
  return ensureSchedules(client, regions.map((region) => scheduleOptions(region, taskQueue, settings)));
}
