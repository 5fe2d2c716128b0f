/**
 * Who the escalation ladder reaches (docs/domain.md §6): per region, the organisations whose units
 * and municipalities can be responsible for a deviation, their coordinators (Koordinatorgrupp)
 * and the channels that reach them. Configuration is data (docs/architecture.md): validated with zod
 * as part of the region, a bad value stops start-up naming the field.
 *
 * Ladder step 1 (the deadline passed): a reminder to the responsible unit, through the unit's
 * own channels or else its organisation's `reminderChannels`. Step 2 (still open after the
 * region's `process.escalationWeekdays`): an escalation to every coordinator of the responsible
 * unit's organisation. Once a day: a digest per coordinator (open escalations, what falls due).
 *
 * Pure: no I/O. Webhook secrets are never in the file: `secretEnv` names an environment variable.
 */
import { z } from 'zod';
import { addWeekdays } from './calendar';
import { endOfLocalDay, localDateOf } from './local-date';
import type { Party } from './obligations';
import type { Region } from './regions';

const kommunkod = z.string().regex(/^\d{4}$/, 'must be a 4-digit SCB kommunkod');
const unitId = z.string().regex(/^SE[0-9A-Za-z-]{4,60}$/, 'must be an HSA-id, e.g. SE2321000115-ABC1');

export const ChannelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), to: z.email('must be an e-mail address') }).strict(),
  z
    .object({
      type: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      /** name of the environment variable holding the HMAC-SHA256 key (never the key itself) */
      secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable, e.g. WEBHOOK_SECRET_HALLAND'),
    })
    .strict(),
]);
export type Channel = z.infer<typeof ChannelSchema>;

export const CoordinatorSchema = z
  .object({
    /** a login name or HSA-id of the person; shown in the digest, never patient data */
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    channels: z.array(ChannelSchema).min(1, 'a coordinator needs at least one channel'),
  })
  .strict();

export const OrganisationSchema = z
  .object({
    /** e.g. 'region-halland-slutenvard', 'kommun-1380' */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
    name: z.string().min(1),
    /** municipalities of this organisation (a kommun's own organisation): parties of kind municipality */
    municipalities: z.array(kommunkod).default([]),
    /** units (HSA-ids) of this organisation */
    units: z.array(unitId).default([]),
    /** or every unit whose HSA-id starts with one of these (e.g. a region's 'SE2321000115-') */
    unitPrefixes: z.array(z.string().regex(/^SE[0-9A-Za-z-]{1,60}$/, 'must be the start of an HSA-id')).default([]),
    coordinators: z.array(CoordinatorSchema).default([]),
    /** where reminders to this organisation's units go when a unit has no channels of its own */
    reminderChannels: z.array(ChannelSchema).default([]),
    /** weekdays from a missed deadline to the reminder of the responsible unit; default the region's `process.reminderWeekdays` */
    reminderWeekdays: z.number().int().min(0).max(20).optional(),
    /** weekdays from the reminder to the escalation for this organisation's units; default the region's `process.escalationWeekdays` */
    escalationWeekdays: z.number().int().min(0).max(20).optional(),
    /** a unit's own channels (its functional mailbox), by HSA-id or kommunkod */
    unitChannels: z.record(z.string().regex(/^(SE[0-9A-Za-z-]{4,60}|\d{4})$/, 'must be an HSA-id or kommunkod'), z.array(ChannelSchema)).default({}),
  })
  .strict();
export type Organisation = z.infer<typeof OrganisationSchema>;

export const EscalationSchema = z
  .object({
    organisations: z.array(OrganisationSchema).default([]),
    /** local hour (Europe/Stockholm) of the coordinators' daily digest */
    digestHour: z.number().int().min(0).max(23).default(7),
    /** the digest lists what falls due within this many hours */
    digestHorizonHours: z.number().int().min(1).max(168).default(24),
  })
  .strict()
  .superRefine((e, ctx) => {
    const seen = new Set<string>();
    e.organisations.forEach((o, i) => {
      if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: ['organisations', i, 'id'], message: `duplicate organisation id ${o.id}` });
      seen.add(o.id);
    });
  });
export type EscalationConfig = z.infer<typeof EscalationSchema>;

export const DEFAULT_ESCALATION: EscalationConfig = { organisations: [], digestHour: 7, digestHorizonHours: 24 };

/** The organisation a party belongs to: by kommunkod, by HSA-id, or by HSA-id prefix (longest wins). */
export function organisationOf(cfg: EscalationConfig, party: Pick<Party, 'kind' | 'id'>): Organisation | undefined {
  if (party.kind === 'municipality') return cfg.organisations.find((o) => o.municipalities.includes(party.id));
  const exact = cfg.organisations.find((o) => o.units.includes(party.id));
  if (exact) return exact;
  let best: { o: Organisation; len: number } | undefined;
  for (const o of cfg.organisations) {
    for (const p of o.unitPrefixes) if (party.id.startsWith(p) && (!best || p.length > best.len)) best = { o, len: p.length };
  }
  return best?.o;
}

export interface Recipient {
  /** 'unit:<id>' or 'coordinator:<organisation>/<id>': with the channel, what a delivery is unique by */
  recipientKey: string;
  name: string;
  channel: Channel;
}

/** Ladder step 1: the responsible unit's own channels, else its organisation's reminder channels. */
export function reminderRecipients(cfg: EscalationConfig, unit: Pick<Party, 'kind' | 'id'>): Recipient[] {
  const org = organisationOf(cfg, unit);
  if (!org) return [];
  const channels = org.unitChannels[unit.id] ?? org.reminderChannels;
  return channels.map((channel) => ({ recipientKey: `unit:${unit.id}`, name: unit.id, channel }));
}

/** Ladder step 2: every coordinator of the responsible unit's organisation, on each of their channels. */
export function escalationRecipients(cfg: EscalationConfig, unit: Pick<Party, 'kind' | 'id'>): Recipient[] {
  const org = organisationOf(cfg, unit);
  if (!org) return [];
  return org.coordinators.flatMap((c) => c.channels.map((channel) => ({ recipientKey: `coordinator:${org.id}/${c.id}`, name: c.name, channel })));
}

/** Stable text of a channel's address: part of the delivery's idempotency key. */
export const channelAddress = (c: Channel): string => (c.type === 'email' ? `email:${c.to.toLowerCase()}` : `webhook:${c.url}`);

/** Every `secretEnv` named in the configuration must be set; returns the fields that are not. */
export function missingWebhookSecrets(cfg: EscalationConfig, env: Record<string, string | undefined>, path: string): string[] {
  const missing: string[] = [];
  const check = (chs: Channel[], p: string) =>
    chs.forEach((c, i) => {
      if (c.type === 'webhook' && !(env[c.secretEnv] && env[c.secretEnv]!.length >= 16)) missing.push(`${p}.${i}.secretEnv: environment variable ${c.secretEnv} must be set (at least 16 characters)`);
    });
  cfg.organisations.forEach((o, oi) => {
    const base = `${path}.organisations.${oi}`;
    o.coordinators.forEach((c, ci) => check(c.channels, `${base}.coordinators.${ci}.channels`));
    check(o.reminderChannels, `${base}.reminderChannels`);
    Object.entries(o.unitChannels).forEach(([u, chs]) => check(chs, `${base}.unitChannels.${u}`));
  });
  return missing;
}

// ---- the ladder's instants: reminder, escalation and grace (docs/domain.md §4 Downtime, §6) ------

/** Who is responsible, in which region: an organisation may set its own periods (§6). */
export interface EscalationScope {
  region?: string;
  responsible?: { kind: string; id: string };
}

/** When a deviation's ladder reaches the next step: the reminder (when a reminder period is configured), then the coordinators. */
export interface Ladder {
  escalateAt: string;
  remindAt?: string;
}

/** An obligation judged at the end of a grace period (back-registration, docs/domain.md §4 Downtime), and its ladder from then. */
export interface Grace extends Ladder {
  judgeAt: string;
}

/**
 * The reminder, escalation and grace policy of the configured regions: how long each
 * responsible organisation has before the next step of the ladder, counted in Swedish weekdays
 * to the end of a local day. The calendar activities apply it (activities/calendar.ts), so the
 * instants are recorded in the history.
 */
export function escalationPolicy(regions: readonly Region[]) {
  const regionOf = (scope: EscalationScope) => (scope.region ? regions.find((r) => r.id === scope.region) : undefined);
  const organisation = (scope: EscalationScope) => {
    const region = regionOf(scope);
    return region && scope.responsible ? organisationOf(region.escalation, scope.responsible as Pick<Party, 'kind' | 'id'>) : undefined;
  };
  /** End of the n-th weekday after the local day in which `instant` falls. */
  const weekdaysAfter = (instant: Date, n: number): string => {
    // an end-of-day deadline is the midnight that *ends* a day: count from the day it ends
    const day = localDateOf(new Date(instant.getTime() - 1));
    return endOfLocalDay(addWeekdays(day, n)).toISOString();
  };
  const policy = {
    weekdaysAfter,
    /** The responsible organisation's own escalation period, else the process's (the region's). */
    escalationWeekdaysFor: (scope: EscalationScope, fallback: number): number => organisation(scope)?.escalationWeekdays ?? fallback,
    /** The responsible organisation's reminder period, else the region's; 0 = at the deadline. */
    reminderWeekdaysFor: (scope: EscalationScope): number => organisation(scope)?.reminderWeekdays ?? regionOf(scope)?.process.reminderWeekdays ?? 0,
    /** The region's grace period for back-registration (docs/domain.md §4 Downtime); default 1, 0 = none. */
    graceWeekdaysFor: (scope: EscalationScope): number => regionOf(scope)?.process.graceWeekdays ?? 1,
    /** §6 ladder from `at`: the reminder (at once unless a reminder period is configured), then escalation. */
    ladderFrom(at: Date, scope: EscalationScope, escalationWeekdays: number): Ladder {
      const reminderDays = policy.reminderWeekdaysFor(scope);
      const remindAt = reminderDays > 0 ? weekdaysAfter(at, reminderDays) : undefined;
      const escalateAt = weekdaysAfter(remindAt ? new Date(remindAt) : at, policy.escalationWeekdaysFor(scope, escalationWeekdays));
      return { escalateAt, ...(remindAt ? { remindAt } : {}) };
    },
    /** docs/domain.md §4 Downtime: judged at the end of the grace period after `from`; the ladder counts from then. */
    graceOf(from: string, scope: EscalationScope, escalationWeekdays: number): Grace {
      const judgeAt = weekdaysAfter(new Date(new Date(from).getTime() + 1), policy.graceWeekdaysFor(scope));
      return { judgeAt, ...policy.ladderFrom(new Date(judgeAt), scope, escalationWeekdays) };
    },
  };
  return policy;
}
