/**
 * The escalation configuration (docs/domain.md §6: per region and organisation, validated at start-up
 * naming the field), who it reaches, the coordinators' pure rules, and webhook signatures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook, verifyWebhook } from '../../activities/channels';
import { loadConfig } from '../../src/config';
import { configError } from '../helpers/config';
import { applyCoordinatorAction, coordinatorRefusal } from '../../src/domain/coordination';
import { escalationRecipients, EscalationSchema, organisationOf, reminderRecipients } from '../../src/domain/escalation';
import { emptyTracking, raiseDeviation } from '../../src/domain/obligations';
import { DEFAULT_REGIONS } from '../../src/domain/regions';

const cfg = EscalationSchema.parse({
  organisations: [
    { id: 'region-halland', name: 'Region Halland', unitPrefixes: ['SE2321000115-'], reminderChannels: [{ type: 'email', to: 'enheter@halland.example' }], coordinators: [{ id: 'k1', name: 'K1', channels: [{ type: 'email', to: 'k1@halland.example' }, { type: 'webhook', url: 'https://hooks.halland.example/x', secretEnv: 'HOOK_KEY' }] }] },
    { id: 'psykiatri', name: 'Psykiatrin', unitPrefixes: ['SE2321000115-PSY'], coordinators: [{ id: 'k2', name: 'K2', channels: [{ type: 'email', to: 'k2@halland.example' }] }] },
    { id: 'kommun-1380', name: 'Halmstad', municipalities: ['1380'], unitChannels: { '1380': [{ type: 'email', to: 'mottagning@halmstad.example' }] } },
  ],
});

function regionsFile(regions: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'regions-')), 'regions.json');
  writeFileSync(f, JSON.stringify(regions));
  return f;
}
describe('escalation configuration', () => {
  it('a bad value stops start-up naming the field', () => {
    const bad = [{ ...DEFAULT_REGIONS[0], escalation: { organisations: [{ id: 'org', name: 'Org', coordinators: [{ id: 'k', name: 'K', channels: [{ type: 'email', to: 'not-an-address' }] }] }] } }];
    expect(configError({ REGIONS_FILE: regionsFile(bad) })).toContain('REGIONS_FILE 0.escalation.organisations.0.coordinators.0.channels.0.to: must be an e-mail address');
    const badHook = [{ ...DEFAULT_REGIONS[0], escalation: { organisations: [{ id: 'org', name: 'Org', reminderChannels: [{ type: 'webhook', url: 'ftp://x', secretEnv: 'K' }] }] } }];
    expect(configError({ REGIONS_FILE: regionsFile(badHook) })).toContain('REGIONS_FILE 0.escalation.organisations.0.reminderChannels.0.url');
    const dup = [{ ...DEFAULT_REGIONS[0], escalation: { organisations: [{ id: 'a', name: 'A' }, { id: 'a', name: 'B' }] } }];
    expect(configError({ REGIONS_FILE: regionsFile(dup) })).toContain('REGIONS_FILE 0.escalation.organisations.1.id: duplicate organisation id a');
    const badPeriod = [{ ...DEFAULT_REGIONS[0], escalation: { organisations: [{ id: 'org', name: 'Org', escalationWeekdays: -1 }] } }];
    expect(configError({ REGIONS_FILE: regionsFile(badPeriod) })).toContain('REGIONS_FILE 0.escalation.organisations.0.escalationWeekdays');
    expect(configError({ SMTP_URL: 'http://mail' })).toContain('SMTP_URL');
  });

  it('a webhook key must be in the environment, never in the file', () => {
    const f = regionsFile([{ ...DEFAULT_REGIONS[0], escalation: { organisations: [{ id: 'org', name: 'Org', coordinators: [{ id: 'k', name: 'K', channels: [{ type: 'webhook', url: 'https://h.example/x', secretEnv: 'HOOK_KEY' }] }] }] } }]);
    expect(configError({ REGIONS_FILE: f })).toContain('REGIONS_FILE 0.escalation.organisations.0.coordinators.0.channels.0.secretEnv: environment variable HOOK_KEY must be set');
    expect(loadConfig({ REGIONS_FILE: f, HOOK_KEY: 'a-long-enough-webhook-key' }).regions[0].escalation.organisations[0].id).toBe('org');
  });

  it('defaults: no organisations, digest at 07:00', () => {
    expect(loadConfig({}).regions[0].escalation).toEqual({ organisations: [], digestHour: 7, digestHorizonHours: 24 });
  });
});

describe('who the ladder reaches', () => {
  it('organisation by kommunkod, exact HSA-id or the longest HSA prefix', () => {
    expect(organisationOf(cfg, { kind: 'municipality', id: '1380' })?.id).toBe('kommun-1380');
    expect(organisationOf(cfg, { kind: 'municipality', id: '1383' })).toBeUndefined();
    expect(organisationOf(cfg, { kind: 'inpatient', id: 'SE2321000115-AVD1' })?.id).toBe('region-halland');
    expect(organisationOf(cfg, { kind: 'psychiatricOutpatient', id: 'SE2321000115-PSY3' })?.id).toBe('psykiatri');
    expect(organisationOf(cfg, { kind: 'inpatient', id: 'SE9999999999-X1' })).toBeUndefined();
  });

  it('reminders to the unit (own channel, else the organisation’s), escalations to every coordinator channel', () => {
    expect(reminderRecipients(cfg, { kind: 'municipality', id: '1380' })).toEqual([{ recipientKey: 'unit:1380', name: '1380', channel: { type: 'email', to: 'mottagning@halmstad.example' } }]);
    expect(reminderRecipients(cfg, { kind: 'inpatient', id: 'SE2321000115-AVD1' }).map((r) => r.channel)).toEqual([{ type: 'email', to: 'enheter@halland.example' }]);
    expect(escalationRecipients(cfg, { kind: 'inpatient', id: 'SE2321000115-AVD1' }).map((r) => `${r.recipientKey} ${r.channel.type}`)).toEqual(['coordinator:region-halland/k1 email', 'coordinator:region-halland/k1 webhook']);
    expect(escalationRecipients(cfg, { kind: 'municipality', id: '1380' })).toEqual([]); // no coordinators configured
  });
});

describe('coordinators’ rules', () => {
  const setup = () => {
    const t = emptyTracking();
    const d = raiseDeviation(t, { deviationId: 'd1', type: 'ACK_MISSING', responsible: { kind: 'municipality', id: '1380' }, description: 'x', deadlineAt: '2026-03-03T23:00:00Z', detectedAt: '2026-03-03T23:00:00Z' });
    return { t, d };
  };
  const actor = { userId: 'k1', organisation: 'kommun-1380' };

  it('acknowledge only an escalated deviation, once; nothing on a closed one', () => {
    const { t, d } = setup();
    expect(coordinatorRefusal(t, { type: 'acknowledgeEscalation', deviationId: 'd1', actor })?.code).toBe('NOT_ESCALATED');
    d.escalation = 'escalated';
    expect(coordinatorRefusal(t, { type: 'acknowledgeEscalation', deviationId: 'd1', actor })).toBeUndefined();
    applyCoordinatorAction(t, { type: 'acknowledgeEscalation', deviationId: 'd1', actor }, '2026-03-05T08:00:00Z');
    expect(d).toMatchObject({ escalationAcknowledgedAt: '2026-03-05T08:00:00Z', escalationAcknowledgedBy: 'k1' });
    expect(coordinatorRefusal(t, { type: 'acknowledgeEscalation', deviationId: 'd1', actor })?.code).toBe('ESCALATION_ALREADY_ACKNOWLEDGED');
    applyCoordinatorAction(t, { type: 'resolveDeviation', deviationId: 'd1', resolution: 'ACTION_TAKEN', comment: 'ok', actor }, '2026-03-05T09:00:00Z');
    expect(d).toMatchObject({ status: 'closed', closedBy: 'k1', resolution: 'ACTION_TAKEN', comment: 'ok', escalateAt: undefined });
    expect(coordinatorRefusal(t, { type: 'commentDeviation', deviationId: 'd1', comment: 'x', actor })?.code).toBe('DEVIATION_CLOSED');
    expect(coordinatorRefusal(t, { type: 'commentDeviation', deviationId: 'nope', comment: 'x', actor })?.code).toBe('UNKNOWN_DEVIATION');
  });

  it('reassign keeps who was responsible; not to the same unit', () => {
    const { t, d } = setup();
    expect(coordinatorRefusal(t, { type: 'reassignDeviation', deviationId: 'd1', unit: { kind: 'municipality', id: '1380' }, actor })?.code).toBe('ALREADY_ASSIGNED');
    applyCoordinatorAction(t, { type: 'reassignDeviation', deviationId: 'd1', unit: { kind: 'primaryCare', id: 'SE2321000115-VC01' }, comment: 'VC tar den', actor }, '2026-03-05T08:00:00Z');
    expect(d.responsible).toEqual({ kind: 'municipality', id: '1380' });
    expect(d.assignedTo).toEqual({ kind: 'primaryCare', id: 'SE2321000115-VC01' });
    expect(d.comments).toEqual([{ at: '2026-03-05T08:00:00Z', by: 'k1', text: 'VC tar den' }]);
  });
});

describe('webhook signatures (HMAC-SHA256 over timestamp and body)', () => {
  it('verifies the signed body; a changed body, another key or an old timestamp fail', () => {
    const body = '{"a":1}';
    const signature = signWebhook('k'.repeat(20), '1700000000', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('k'.repeat(20), { timestamp: '1700000000', signature }, body, 1700000010)).toBe(true);
    expect(verifyWebhook('k'.repeat(20), { timestamp: '1700000000', signature }, '{"a":2}', 1700000010)).toBe(false);
    expect(verifyWebhook('x'.repeat(20), { timestamp: '1700000000', signature }, body, 1700000010)).toBe(false);
    expect(verifyWebhook('k'.repeat(20), { timestamp: '1700000000', signature }, body, 1700000000 + 3600)).toBe(false);
    expect(verifyWebhook('k'.repeat(20), { timestamp: '1700000001', signature }, body, 1700000010)).toBe(false);
  });
});

describe('reminder and escalation periods in weekdays, per region and organisation (calendar activity)', () => {
  it('default: reminded at the deadline, escalated one weekday later; configured: a reminder period first, escalation counted from it', async () => {
    const { createCalendarActivities } = await import('../../activities/calendar');
    const { DEFAULT_REGIONS, RegionSchema } = await import('../../src/domain/regions');
    const gavle = DEFAULT_REGIONS.find((r) => r.id === 'gavleborg')!;
    const configured = RegionSchema.parse({ ...gavle, process: { ...gavle.process, reminderWeekdays: 1 }, escalation: { ...gavle.escalation, organisations: [{ id: 'gavle', name: 'Gävle kommun', municipalities: ['2180'], reminderWeekdays: 2, escalationWeekdays: 3 }] } });
    const request = { rule: 'acknowledgement' as const, from: '2026-12-23T09:00:00+01:00', region: 'gavleborg', responsible: { kind: 'municipality', id: '2180' } };
    // sent Wed 23 Dec: due end of Mon 28 Dec (24–27 are not weekdays)
    const [plain] = await createCalendarActivities({ invitationCutoff: '14:00' }, [gavle]).obligationDeadlines([request], 1);
    expect(plain).toMatchObject({ dueLocalDate: '2026-12-28', escalateAt: '2026-12-29T23:00:00.000Z' });
    expect(plain!.remindAt).toBeUndefined(); // nothing new in the histories of regions without a reminder period
    const [org] = await createCalendarActivities({ invitationCutoff: '14:00' }, [configured]).obligationDeadlines([request], 1);
    // +2 weekdays (Tue 29, Wed 30), then +3: Mon 4, Tue 5, Thu 7 Jan (nyårsafton, nyårsdagen, the weekend and trettondedag jul are not weekdays)
    expect(org).toMatchObject({ remindAt: '2026-12-30T23:00:00.000Z', escalateAt: '2027-01-07T23:00:00.000Z' });
    const [region] = await createCalendarActivities({ invitationCutoff: '14:00' }, [configured]).obligationDeadlines([{ ...request, responsible: { kind: 'primaryCare', id: 'SE2321000115-VC12' } }], 1);
    expect(region).toMatchObject({ remindAt: '2026-12-29T23:00:00.000Z', escalateAt: '2026-12-30T23:00:00.000Z' }); // the region's 1, then 1
  });
});
