/**
 * Home health care and single home visits over HTTP against the real Temporal dev server, the
 * real workflows and activities and the real (PGlite) ledger: start (validation, idempotency,
 * the discharge link), actions as Updates (409 with the workflow's code, nothing recorded),
 * 404, idempotent retries, the full timeline, the items in the unit inbox, the OpenAPI terms.
 */
import { newKey, pollUntil, startBody, stockholmDate, UNITS, useApi } from '../helpers/api';

const ctx = useApi();

const HOUR = 3_600_000;
const MUNICIPALITY = '2180';
const municipality = { kind: 'municipality', id: MUNICIPALITY };
const primaryCare = { kind: 'primaryCare', id: UNITS.primaryCare };
const enrollmentBody = (overrides: Record<string, unknown> = {}) => ({
  region: 'gavleborg',
  patient: { kind: 'personnummer', value: '19121212-1212' },
  residenceMunicipality: MUNICIPALITY,
  primaryCareUnit: UNITS.primaryCare,
  consent: 'given',
  ...overrides,
});

async function act(base: string, id: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await ctx.api.post(`${base}/${id}/${path}`, body, headers);
  if (r.status !== 200) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const enrollmentAct = (id: string, path: string, body: unknown, headers?: Record<string, string>) => act('/api/home-care/enrollments', id, path, body, headers);

describe('hemsjukvård over HTTP', () => {
  it('starts with consent; the same Idempotency-Key finds the same enrollment; bad input is 400 naming the field', async () => {
    const key = newKey('enr');
    const r1 = await ctx.api.post('/api/home-care/enrollments', enrollmentBody(), { 'Idempotency-Key': key });
    expect(r1.status).toBe(201);
    const r2 = await ctx.api.post('/api/home-care/enrollments', enrollmentBody(), { 'Idempotency-Key': key });
    expect(r2.status).toBe(200);
    expect(r2.body.enrollmentId).toBe(r1.body.enrollmentId);

    const bad = await ctx.api.post('/api/home-care/enrollments', enrollmentBody({ consent: undefined, residenceMunicipality: '9999' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.consent']);
    const badMun = await ctx.api.post('/api/home-care/enrollments', enrollmentBody({ residenceMunicipality: '1380' }));
    expect(badMun.status).toBe(400);
    expect(badMun.body.error.message).toMatch(/residenceMunicipality/);

    const s = await (await ctx.api.get(`/api/home-care/enrollments/${r1.body.enrollmentId}`)).body;
    expect(s).toMatchObject({ status: 'planning', initiatedBy: 'primaryCare', parties: { municipality, primaryCare } });
    await enrollmentAct(r1.body.enrollmentId, 'move', {});
  });

  it('an unknown enrollment, order or discharge episode: 403 NOT_ACCESSIBLE, as for one that is not yours (§10)', async () => {
    expect((await ctx.api.get('/api/home-care/enrollments/nope')).body.error.code).toBe('NOT_ACCESSIBLE');
    const r = await ctx.api.post('/api/home-care/enrollments/nope/messages', { sender: primaryCare, text: 'x' });
    expect([r.status, r.body.error.code]).toEqual([403, 'NOT_ACCESSIBLE']);
    expect((await ctx.api.get('/api/home-visits/nope')).status).toBe(403);
    const start = await ctx.api.post('/api/home-care/enrollments', enrollmentBody({ dischargeEpisodeId: 'no-such-episode' }));
    expect([start.status, start.body.error.code]).toEqual([403, 'NOT_ACCESSIBLE']);
  });

  it('planning to enrollment: the kallelse in the municipality’s inbox, refusals are 409 and record nothing, retries record once, the full timeline', async () => {
    const id = (await ctx.api.post('/api/home-care/enrollments', enrollmentBody())).body.enrollmentId as string;
    let s = await enrollmentAct(id, 'invitations', { meetingAt: new Date(Date.now() + 2 * HOUR).toISOString(), location: 'home' });
    const inv = s.messages.find((m: { type: string }) => m.type === 'planningInvitation');
    const inbox = await pollUntil(() => ctx.api.get(`/api/units/${MUNICIPALITY}/inbox`), (r) => r.body.acknowledgements.some((a: { process_id: string }) => a.process_id === id));
    expect(inbox.body.acknowledgements.find((a: { process_id: string }) => a.process_id === id)).toMatchObject({ process_type: 'homeHealthCare', message_type: 'planningInvitation', message_id: inv.messageId });

    const key = newKey('ack');
    const a1 = await enrollmentAct(id, 'acknowledgements', { messageId: inv.messageId, party: municipality }, { 'Idempotency-Key': key });
    const a2 = await enrollmentAct(id, 'acknowledgements', { messageId: inv.messageId, party: municipality }, { 'Idempotency-Key': key });
    expect(a2.version).toBe(a1.version);

    await enrollmentAct(id, 'planning-meetings', {});
    const before = (await ctx.api.get(`/api/home-care/enrollments/${id}`)).body;
    const refused = await ctx.api.post(`/api/home-care/enrollments/${id}/decision`, { decision: 'enroll' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'SIP_REQUIRED']);
    expect(refused.body.error.message).toMatch(/SIP/);
    expect((await ctx.api.get(`/api/home-care/enrollments/${id}`)).body.version).toBe(before.version);
    const strict = await ctx.api.post(`/api/home-care/enrollments/${id}/decision`, { decision: 'enroll', extra: 1 });
    expect(strict.status).toBe(400);

    await enrollmentAct(id, 'sip', { selfCareAssessment: 'Behöver stöd', party: primaryCare, part: 'Läkarkontakt' });
    await enrollmentAct(id, 'named-doctor', { doctor: 'Dr Berg', unit: UNITS.primaryCare });
    await enrollmentAct(id, 'named-care-contact', { contact: 'Distriktssköterska Lind' });
    s = await enrollmentAct(id, 'decision', { decision: 'enroll' });
    expect(s.status).toBe('enrolled');

    const t = await pollUntil(() => ctx.api.get(`/api/home-care/enrollments/${id}/timeline`), (r) => r.body.timeline.length === s.version);
    expect(t.body.timeline.map((e: { action: string }) => e.action)).toEqual([
      'planningStarted', 'sendInvitation', 'acknowledge', 'recordPlanningMeeting', 'recordSip', 'appointNamedDoctor', 'appointNamedCareContact', 'decideEnrollment',
    ]);
    await enrollmentAct(id, 'move', {});
  });

  it('concurrent actions across continue-as-new: every one answered 200 and recorded exactly once', async () => {
    const id = (await ctx.api.post('/api/home-care/enrollments', enrollmentBody())).body.enrollmentId as string;
    const rounds = 80;
    for (let i = 0; i < rounds; i++) {
      const sent = await Promise.all([
        enrollmentAct(id, 'messages', { sender: primaryCare, text: `Meddelande ${i}` }),
        enrollmentAct(id, 'messages', { sender: municipality, text: `Svar ${i}` }),
      ]);
      expect(sent).toHaveLength(2);
      const open = (await ctx.api.get(`/api/home-care/enrollments/${id}`)).body.openObligations as { messageId: string; responsible: unknown }[];
      expect(open).toHaveLength(2);
      await Promise.all(open.map((o) => enrollmentAct(id, 'acknowledgements', { messageId: o.messageId, party: o.responsible })));
    }
    const s = (await ctx.api.get(`/api/home-care/enrollments/${id}`)).body;
    expect(s.run).toBeGreaterThanOrEqual(2);
    expect(s.openObligations).toEqual([]);
    const t = await pollUntil(() => ctx.api.get(`/api/home-care/enrollments/${id}/timeline`), (r) => r.body.timeline.length === s.version);
    expect(t.body.timeline.filter((e: { action: string }) => e.action === 'sendMessage')).toHaveLength(2 * rounds);
    expect(t.body.timeline.filter((e: { action: string }) => e.action === 'acknowledge')).toHaveLength(2 * rounds);
    expect(t.body.timeline.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: s.version }, (_, i) => i + 1));
    await enrollmentAct(id, 'move', {});
  }, 240_000);

  it('links a discharge episode started over HTTP', async () => {
    const ep = await ctx.api.post('/api/episodes', startBody({ homeHealthCare: 'planned' }));
    expect(ep.status).toBe(201);
    const id = (await ctx.api.post('/api/home-care/enrollments', enrollmentBody({ dischargeEpisodeId: ep.body.episodeId }))).body.enrollmentId;
    const episode = await pollUntil(() => ctx.api.get(`/api/episodes/${ep.body.episodeId}`), (r) => r.body.homeCareEnrollmentId === id);
    expect(episode.body.homeCareEnrollmentId).toBe(id);
    await enrollmentAct(id, 'move', {});
  });
});

describe('enstaka hembesök over HTTP', () => {
  it('ordered, accepted, a visit reported back into the health centre’s inbox; unordered interventions are 409', async () => {
    const today = stockholmDate();
    const { consent: _c, ...visitBase } = enrollmentBody();
    const r = await ctx.api.post('/api/home-visits', { ...visitBase, interventions: ['såromläggning'], startDate: today, endDate: today });
    expect(r.status).toBe(201);
    const id = r.body.orderId;
    const base = '/api/home-visits';
    const bad = await ctx.api.post(base, { ...visitBase, interventions: ['x'], startDate: today, endDate: '2000-01-01' });
    expect(bad.status).toBe(400);

    await act(base, id, 'accept', {});
    const refused = await ctx.api.post(`${base}/${id}/visits`, { performedOn: today, interventions: ['injektion'] });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'NOT_ORDERED']);
    const s = await act(base, id, 'visits', { performedOn: today, interventions: ['såromläggning'] });
    expect(s.visits).toHaveLength(1);
    const inbox = await pollUntil(() => ctx.api.get(`/api/units/${UNITS.primaryCare}/inbox`), (x) => x.body.acknowledgements.some((a: { process_id: string }) => a.process_id === id));
    expect(inbox.body.acknowledgements.find((a: { process_id: string }) => a.process_id === id)).toMatchObject({ process_type: 'singleHomeVisit', message_type: 'visitReport' });
    await act(base, id, 'cancel', { reason: 'Test klart' }).catch(() => undefined);
  });

  it('the OpenAPI document lists the endpoints with the Swedish terms', async () => {
    const doc = (await ctx.api.get('/openapi.json')).body;
    expect(doc.paths['/api/home-care/enrollments/{id}/out-of-episode-message'].post.summary).toMatch(/meddelande utanför vårdtillfälle/);
    expect(doc.paths['/api/home-visits/{id}/accept'].post.summary).toMatch(/accepteras/);
    expect(doc.paths['/api/home-care/enrollments/{id}/timeline'].get).toBeDefined();
  });
});
