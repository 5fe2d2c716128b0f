/**
 * Coordinators' inbox and actions, and the units' worklist, over HTTP against the real dev
 * server, the real workflows and the real PGlite ledger (docs/domain.md §6, §10; issue 6 part A).
 * An episode back-registered a week after admission has missed its admission notice long ago:
 * its deviation is escalated at once, reaches the coordinator's inbox, and every coordinator
 * action is an Update on the episode (on its timeline; refusals 409, recording nothing).
 */
import { closeTransports } from '../../activities/channels';
import { DEFAULT_REGIONS, RegionSchema } from '../../src/domain/regions';
import { loadWorklist } from '../../scripts/lib/worklist-data';
import { ensureDigestSchedules, digestScheduleId } from '../../src/temporal/digest-schedules';
import { isoPlus, newKey, pollUntil, startBody, UNITS, useApi } from '../helpers/api';
import { startSmtpServer } from '../helpers/receivers';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  closeTransports();
  await smtp?.close();
});

const ORG = 'region-halland';
const COORDINATOR = { 'X-Actor-Id': 'koord-1', 'X-Actor-Organisation': ORG };
const halland = () =>
  RegionSchema.parse({
    ...DEFAULT_REGIONS[0],
    // no grace period: a back-dated admission is escalated at once, so the inbox has something today
    process: { ...DEFAULT_REGIONS[0]!.process, graceWeekdays: 0 },
    escalation: {
      organisations: [
        { id: ORG, name: 'Region Halland', unitPrefixes: ['SE2321000115-'], coordinators: [{ id: 'koord-1', name: 'Koordinator Ett', channels: [{ type: 'email', to: 'koord1@halland.example' }] }] },
        { id: 'kommun-1380', name: 'Halmstads kommun', municipalities: ['1380'], coordinators: [{ id: 'koord-k', name: 'Kommunkoordinator', channels: [{ type: 'email', to: 'koord@halmstad.example' }] }] },
      ],
    },
  });
const ctx = useApi(() => ({ regions: [halland(), DEFAULT_REGIONS[1]], smtpUrl: smtp.url }));
const DAY = 86_400_000;

async function escalatedEpisode(): Promise<{ episodeId: string; deviationId: string }> {
  const r = await ctx.api.post('/api/episodes', startBody({ region: 'halland', residenceMunicipality: '1380', admittedAt: isoPlus(-7 * DAY) }));
  expect(r.status).toBe(201);
  const episodeId = r.body.episodeId as string;
  const inbox = await pollUntil(
    () => ctx.api.get(`/api/coordinators/${ORG}/inbox?limit=500`),
    (x) => x.body.items?.some((i: { process_id: string }) => i.process_id === episodeId),
  );
  const item = inbox.body.items.find((i: { process_id: string }) => i.process_id === episodeId);
  return { episodeId, deviationId: item.deviation_id };
}

describe('coordinator inbox and actions', () => {
  it('an escalated deviation in the inbox with the episode’s state and the missed deadline; acknowledge, comment, reassign, close — each on the timeline', async () => {
    const { episodeId, deviationId } = await escalatedEpisode();
    const inbox = await ctx.api.get(`/api/coordinators/${ORG}/inbox`);
    expect(inbox.status).toBe(200);
    const item = inbox.body.items.find((i: { deviation_id: string }) => i.deviation_id === deviationId);
    expect(item).toMatchObject({ type: 'ADMISSION_NOTICE_LATE', process_type: 'discharge', process_status: 'admitted', responsible_id: UNITS.inpatient, municipality: '1380', escalation_acknowledged_at: null });
    expect(Date.parse(item.deadline_at)).toBeLessThan(Date.now());
    expect(item.escalated_at).toEqual(expect.any(String));
    // the escalation e-mail reached the coordinator (real SMTP)
    await smtp.inbox.waitFor((all) => all.some((m) => m.to.includes('koord1@halland.example') && (m.header('X-Utskrivning-Delivery') ?? '').startsWith(`${deviationId}:escalate`)), 'escalation e-mail');
    // the municipality's coordinators do not see the hospital's deviation
    const other = await ctx.api.get('/api/coordinators/kommun-1380/inbox');
    expect(other.body.items.map((i: { deviation_id: string }) => i.deviation_id)).not.toContain(deviationId);

    const post = (path: string, body: unknown, headers: Record<string, string> = COORDINATOR) => ctx.api.post(`/api/deviations/${deviationId}/${path}`, body, headers);
    // who may act: a signed-in coordinator, and only of the responsible organisation
    expect((await ctx.api.as('anonymous').post(`/api/deviations/${deviationId}/acknowledge-escalation`, {})).body.error).toMatchObject({ code: 'TOKEN_MISSING' });
    expect((await ctx.api.as({ role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg' }).post(`/api/deviations/${deviationId}/acknowledge-escalation`, {})).body.error).toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    expect((await post('acknowledge-escalation', {}, { 'X-Actor-Id': 'koord-k', 'X-Actor-Organisation': 'kommun-1380' })).status).toBe(403);

    const key = newKey('ack');
    const ack = await post('acknowledge-escalation', {}, { ...COORDINATOR, 'Idempotency-Key': key });
    expect(ack.status).toBe(200);
    expect(ack.body.deviation).toMatchObject({ deviationId, escalationAcknowledgedBy: 'koord-1', status: 'open' });
    // a retry with the same key answers the same and records nothing; without it, a clear 409
    const retry = await post('acknowledge-escalation', {}, { ...COORDINATOR, 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(ack.body.version);
    expect((await post('acknowledge-escalation', {})).body.error.code).toBe('ESCALATION_ALREADY_ACKNOWLEDGED');

    expect((await post('comments', { comment: '' })).status).toBe(400);
    expect((await post('comments', { comment: 'Ringt avdelningen', extra: 1 })).status).toBe(400);
    expect((await post('comments', { comment: 'Ringt avdelningen' })).body.deviation.comments).toEqual([expect.objectContaining({ by: 'koord-1', text: 'Ringt avdelningen' })]);

    const avd2 = 'SE2321000115-AVD2';
    expect((await post('reassign', { unit: { kind: 'inpatient', id: 'nope' } })).body.error.details[0].field).toBe('body.unit.id');
    expect((await post('reassign', { unit: { kind: 'inpatient', id: avd2 }, comment: 'Avd 2 tar över' })).body.deviation.assignedTo).toEqual({ kind: 'inpatient', id: avd2 });
    expect((await post('reassign', { unit: { kind: 'inpatient', id: avd2 } })).body.error.code).toBe('ALREADY_ASSIGNED');
    // the reassigned deviation is in the new unit's worklist, no longer in the old one's
    await pollUntil(() => ctx.api.get(`/api/units/${avd2}/inbox?section=deviations`), (x) => x.body.deviations?.some((d: { deviation_id: string }) => d.deviation_id === deviationId));
    const old = await ctx.api.get(`/api/units/${UNITS.inpatient}/inbox?section=deviations&limit=500`);
    expect(old.body.deviations.map((d: { deviation_id: string }) => d.deviation_id)).not.toContain(deviationId);

    // acknowledged filter
    const acked = await pollUntil(() => ctx.api.get(`/api/coordinators/${ORG}/inbox?acknowledged=true&limit=500`), (x) => x.body.items.some((i: { deviation_id: string }) => i.deviation_id === deviationId));
    expect(acked.body.items.every((i: { escalation_acknowledged_at: string | null }) => i.escalation_acknowledged_at !== null)).toBe(true);

    expect((await post('close', { resolution: 'MAYBE', comment: 'x' })).body.error.details[0].field).toBe('body.resolution');
    const closed = await post('close', { resolution: 'ACTION_TAKEN', comment: 'Rutinen genomgången med avdelningen' });
    expect(closed.body.deviation).toMatchObject({ status: 'closed', closedBy: 'koord-1', resolution: 'ACTION_TAKEN', comment: 'Rutinen genomgången med avdelningen' });
    expect((await post('close', { resolution: 'ACTION_TAKEN', comment: 'igen' })).body.error.code).toBe('DEVIATION_CLOSED');
    await pollUntil(() => ctx.api.get(`/api/coordinators/${ORG}/inbox?limit=500`), (x) => !x.body.items.some((i: { deviation_id: string }) => i.deviation_id === deviationId));

    // every action on the episode's timeline, once (the retried acknowledgement is not there twice)
    const episode = await ctx.api.get(`/api/episodes/${episodeId}`);
    const actions = episode.body.timeline.map((e: { action: string }) => e.action).filter((a: string) => /Deviation$|Escalation$|Escalated$/.test(a));
    expect(actions).toEqual(['deviationEscalated', 'acknowledgeEscalation', 'commentDeviation', 'reassignDeviation', 'resolveDeviation']);
    expect(episode.body.timeline.find((e: { action: string }) => e.action === 'resolveDeviation').actor).toEqual({ userId: 'koord-1', organisation: ORG });
  });

  it('unknown deviation 403 (as one of another organisation), unknown organisation 404, bad cursor 400', async () => {
    expect((await ctx.api.post('/api/deviations/no-such-deviation/comments', { comment: 'x' }, COORDINATOR)).body.error.code).toBe('NOT_ACCESSIBLE');
    expect((await ctx.api.get('/api/coordinators/no-such-org/inbox')).body.error.code).toBe('ORGANISATION_NOT_FOUND');
    expect((await ctx.api.get(`/api/coordinators/${ORG}/inbox?cursor=garbage`)).status).toBe(400);
    expect((await ctx.api.get(`/api/coordinators/${ORG}/inbox?limit=0`)).body.error.details[0].field).toBe('query.limit');
  });
});

describe('the daily digest schedule', () => {
  it('one Schedule per region with coordinators, at the configured local hour; re-running start-up updates it, never duplicates', async () => {
    const client = ctx.h.env.client;
    const regions = [{ ...halland(), escalation: { ...halland().escalation, digestHour: 6 } }, DEFAULT_REGIONS[1]];
    expect(await ensureDigestSchedules(client, regions, ctx.h.taskQueue)).toEqual([digestScheduleId('halland')]); // Gävleborg has no coordinators
    const d = await client.schedule.getHandle(digestScheduleId('halland')).describe();
    expect(d.spec.timezone).toBe('Europe/Stockholm');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }] });
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'coordinatorDigest', args: [{ region: 'halland' }] });
    expect(await ensureDigestSchedules(client, [halland()], ctx.h.taskQueue)).toEqual([]);
    expect((await client.schedule.getHandle(digestScheduleId('halland')).describe()).spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }] });
    await client.schedule.getHandle(digestScheduleId('halland')).delete();
  });
});

describe('a unit’s worklist: sections, filters, pages', () => {
  const PC = 'SE2321000115-WLVC1';
  const units = ['SE2321000115-WL01', 'SE2321000115-WL02'];
  const readyDate = '2026-01-15';
  beforeAll(async () => {
    // 60 episodes × 3 messages × 2 recipients, written straight into the ledger the API reads
    await loadWorklist(ctx.h.ledger.db, { prefix: 'wl', episodes: 60, units, municipalities: ['1380', '1383'], messagesPerEpisode: 3, from: new Date('2026-01-12T07:00:00Z'), readyDate, primaryCareUnit: PC });
  });
  const get = (unit: string, q: string) => ctx.api.get(`/api/units/${unit}/inbox?${q}`);

  it('pages through the acknowledgements in deadline order without gaps or repeats', async () => {
    const seen: { due_at: string; obligation_id: string }[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: any } = await get(PC, `section=acknowledgements&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.acknowledgements.length).toBeLessThanOrEqual(25);
      seen.push(...r.body.acknowledgements);
      cursor = r.body.next.acknowledgements;
    } while (cursor);
    expect(seen).toHaveLength(180);
    expect(new Set(seen.map((s) => s.obligation_id)).size).toBe(180);
    const order = seen.map((s) => `${s.due_at}|${s.obligation_id}`);
    expect(order).toEqual([...order].sort());
  });

  it('filters by municipality, process and deadline; invitations, checklists and deviations are their own sections', async () => {
    const all = await get(PC, 'limit=500');
    expect(Object.keys(all.body).sort()).toEqual(['acknowledgements', 'checklists', 'deviations', 'invitations', 'next']);
    const varberg = await get(PC, 'section=acknowledgements&municipality=1383&limit=500');
    expect(varberg.body.acknowledgements).toHaveLength(90);
    expect(varberg.body.acknowledgements.every((a: { municipality: string }) => a.municipality === '1383')).toBe(true);
    expect((await get(PC, 'section=acknowledgements&processType=homeHealthCare')).body.acknowledgements).toEqual([]);
    const cutoff = all.body.acknowledgements[9].due_at;
    expect((await get(PC, `section=acknowledgements&limit=500&dueBefore=${encodeURIComponent(cutoff)}`)).body.acknowledgements).toHaveLength(10);
    // every message of type planningInvitation (m % 4 === 1: one per episode) is an invitation to answer
    const inv = await get(PC, 'section=invitations&limit=500');
    expect(inv.body.invitations).toHaveLength(60);
    expect(inv.body.invitations.every((i: { message_type: string }) => i.message_type === 'planningInvitation')).toBe(true);
    // ready (every third episode) with the checklist incomplete (odd ones): episodes 3, 9, 15, … of the unit
    const checklists = await get(units[1], `section=checklists&limit=500`);
    expect(checklists.body.checklists.length).toBeGreaterThan(0);
    expect(checklists.body.checklists.every((c: { ready_date: string; status: string }) => c.ready_date === readyDate && c.status === 'readyForDischarge')).toBe(true);
    expect(checklists.body.checklists).toHaveLength(10);
    const devs = await get(PC, 'section=deviations&limit=500');
    expect(devs.body.deviations).toHaveLength(60);
    // bad input: a named field, nothing else
    expect((await get(PC, 'municipality=13')).body.error.details[0].field).toBe('query.municipality');
    expect((await get(PC, 'cursor=abc')).body.error.details[0].field).toBe('query.cursor');
    expect((await get(PC, 'section=acknowledgements&cursor=abc')).body.error.details[0].field).toBe('query.cursor');
    expect((await get(PC, 'processType=other')).status).toBe(400);
  });
});
