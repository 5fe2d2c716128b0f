/**
 * Issue 16, "Done when": the episode and close API show the new states — a confirmed contact, a
 * withdrawn or moved invitation, the planning basis, out-of-county lines, the 2018 psychiatric
 * individual lines — over HTTP against the real Temporal dev server, workflows and (PGlite)
 * ledger; every answer is checked against the response schema the OpenAPI document is generated
 * from, and the document itself must carry these fields.
 */
import { DateTime } from 'luxon';
import { upsertEpisode } from '../../src/db/ledger';
import { EpisodeViewSchema } from '../../src/api/schemas/views';
import { BasisBody, CloseViewSchema, DailyAmountsBody } from '../../src/api/schemas/billing';
import { isWeekday } from '../../src/domain/calendar';
import { pollUntil, stockholmDate, startBody, UNITS, useApi } from '../helpers/api';
import { billingEpisode, seed } from '../helpers/billing';

const ctx = useApi();

const municipality = { kind: 'municipality', id: '2180' };
const primaryCare = { kind: 'primaryCare', id: UNITS.primaryCare };
const inpatient = { kind: 'inpatient', id: UNITS.inpatient };

async function act(episodeId: string, path: string, body: unknown) {
  const r = await ctx.api.post(`/api/episodes/${episodeId}/${path}`, body);
  if (r.status !== 200) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  // the answer is what the OpenAPI document promises
  EpisodeViewSchema.parse(r.body);
  return r.body;
}

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[] };

/** The schema at a path of property names (`[]` steps into an array's items) in the OpenAPI document. */
function schemaAt(doc: { components: { schemas: Record<string, Schema> } }, root: string, path: string[]): Schema | undefined {
  const deref = (s: Schema | undefined): Schema | undefined => (s?.$ref ? deref(doc.components.schemas[s.$ref.split('/').pop()!]) : s);
  const step = (s: Schema | undefined, key: string): Schema | undefined => {
    const d = deref(s);
    if (!d) return undefined;
    if (key === '[]') return d.items ?? (d.anyOf ?? d.oneOf ?? []).map(deref).find((x) => x?.items)?.items;
    if (d.properties?.[key]) return d.properties[key];
    for (const part of [...(d.allOf ?? []), ...(d.anyOf ?? []), ...(d.oneOf ?? [])]) {
      const found = step(part, key);
      if (found) return found;
    }
    return undefined;
  };
  return path.reduce<Schema | undefined>((s, k) => step(s, k), doc.components.schemas[root]);
}

/** 10:00 Stockholm time on the first day from `from` (exclusive) that satisfies `ok`. */
function nextDay(from: DateTime, ok: (d: DateTime) => boolean): DateTime {
  let d = from.setZone('Europe/Stockholm').plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  while (!ok(d)) d = d.plus({ days: 1 });
  return d;
}

describe('issue 16: the new states in the API', () => {
  it('the OpenAPI document carries every new field of the episode and the close', async () => {
    const r = await ctx.api.get('/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    for (const path of [
      ['namedCareContacts', '[]', 'confirmed'],
      ['invitations', '[]', 'status'],
      ['invitations', '[]', 'moves'],
      ['invitations', '[]', 'withdrawnAt'],
      ['invitations', '[]', 'withdrawalReason'],
      ['planningBasis', 'date'],
      ['treatmentPlan', 'messageId'],
      ['firstMedicalRoundAt'],
      ['warnings'],
    ]) {
      expect([path.join('.'), schemaAt(doc, 'Episode', path)]).toEqual([path.join('.'), expect.anything()]);
    }
    for (const path of [
      ['lines', '[]', 'outOfCounty'],
      ['lines', '[]', 'municipalityName'],
      ['lines', '[]', 'ruleSetId'],
      ['lines', '[]', 'individual'],
    ]) {
      expect([path.join('.'), schemaAt(doc, 'InvoiceBasis', path)]).toEqual([path.join('.'), expect.anything()]);
    }
    for (const path of [
      ['preliminary', 'ruleSetAssumption'],
      ['preliminary', 'municipalities', '[]', 'outOfCounty'],
    ]) {
      expect([path.join('.'), schemaAt(doc, 'MonthlyClose', path)]).toEqual([path.join('.'), expect.anything()]);
    }
    expect(schemaAt(doc, 'DailyAmounts', ['nationalAverages', '[]', 'source'])).toBeDefined();
    expect(schemaAt(doc, 'RuleSet', ['assumedFor'])).toBeDefined();
    // the new actions are documented
    for (const p of ['invitations/withdraw', 'invitations/move', 'planning-basis', 'first-medical-round']) expect(doc.paths[`/api/episodes/{episodeId}/${p}`]?.post).toBeDefined();
  });

  it('episode: a confirmed contact, a moved invitation with its warning, a withdrawn one, the planning basis', async () => {
    const started = await ctx.api.post('/api/episodes', startBody({}));
    expect(started.status).toBe(201);
    const id = started.body.episodeId as string;
    await pollUntil(() => ctx.api.get(`/api/episodes/${id}`).then((x) => x.body), (b: any) => Array.isArray(b?.obligations) && b.obligations.some((o: any) => o.kind === 'sendAdmissionNotice'));
    const today = stockholmDate();
    await act(id, 'admission-notice', { expectedReadyDate: today });
    await act(id, 'planning-needed', { flow: 'a', consent: 'given' });

    // a confirmed contact (001 step 3: "får denne fortsätta")
    let s = await act(id, 'named-care-contact', { party: primaryCare, contact: 'Distriktssköterska Karin', existing: true });
    expect(s.namedCareContacts).toEqual([expect.objectContaining({ party: primaryCare, confirmed: true })]);

    // a moved invitation: to a Saturday, accepted with a warning in the answer (001 §5)
    const weekday = nextDay(DateTime.now().plus({ days: 1 }), (d) => isWeekday(d.toISODate()!));
    s = await act(id, 'invitations', { sender: primaryCare, meetingAt: weekday.toUTC().toISO(), place: 'VC', mode: 'inPerson', location: 'healthCentre', inviteInpatient: true });
    expect(s.warnings).toBeUndefined();
    const saturday = nextDay(weekday, (d) => d.weekday === 6);
    s = await act(id, 'invitations/move', { sender: primaryCare, meetingAt: saturday.toUTC().toISO() });
    expect(s.warnings).toEqual([expect.stringMatching(/not on a weekday/)]);
    expect(s.invitations).toEqual([
      expect.objectContaining({ status: 'sent', meetingAt: saturday.toUTC().toISO(), moves: [expect.objectContaining({ from: weekday.toUTC().toISO(), messageId: expect.any(String) })] }),
    ]);
    const moved = s.messages.find((m: any) => m.type === 'invitationMoved');
    expect(moved).toMatchObject({ sender: primaryCare, recipients: [municipality, inpatient] });
    expect(s.openObligations.filter((o: any) => o.messageId === moved.messageId)).toHaveLength(2);
    // a GET shows the same (the warning belongs to the answer only)
    const got = await ctx.api.get(`/api/episodes/${id}`);
    EpisodeViewSchema.parse(got.body);
    expect(got.body.invitations[0].moves).toHaveLength(1);

    // a withdrawn invitation: owes no acknowledgement; the withdrawal is a message to acknowledge
    s = await act(id, 'invitations/withdraw', { sender: primaryCare, reason: 'Patienten har feber' });
    expect(s.invitations[0]).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String), withdrawalReason: 'Patienten har feber' });
    const withdrawn = s.messages.find((m: any) => m.type === 'invitationWithdrawn');
    expect(s.openObligations.filter((o: any) => o.messageId === withdrawn.messageId).map((o: any) => o.responsible)).toEqual([municipality, inpatient]);
    expect(s.openObligations.filter((o: any) => o.messageId === moved.messageId)).toEqual([]);

    // the planning basis (002 checkpoint), its own document with its date, sent to the parties
    s = await act(id, 'planning-basis', { date: today });
    expect(s.planningBasis).toEqual({ date: today, recordedAt: expect.any(String), messageId: expect.any(String) });
    expect(s.messages.find((m: any) => m.type === 'planningBasis')).toMatchObject({ messageId: s.planningBasis.messageId, recipients: [municipality, primaryCare], details: { date: today } });
  });

  it('close: the 2018 psychiatric individual lines (Gävleborg), out-of-county lines under the law, the Halland 2018-11 assumption', async () => {
    // Gävleborg 2018-06: a psychiatric episode per individual after 30 days, out of the average (004 §3.2)
    await seed(ctx.h.ledger, [
      { region: 'gavleborg', municipality: '2180', psychiatric: true, periods: [['2018-05-01', '2018-06-05']] }, // 35 days → 5
      { region: 'gavleborg', municipality: '2180', periods: [['2018-06-01', '2018-06-11']] }, // 10 days → individual, 3
    ]);
    expect((await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2018-06' })).status).toBe(201);
    const gPath = '/api/billing/closes/gavleborg/2018-06';
    const g = await pollUntil(() => ctx.api.get(gPath), (r) => r.status === 200 && r.body.phase === 'review');
    CloseViewSchema.parse(g.body);
    expect(g.body.preliminary).toMatchObject({ ruleSetId: 'gavleborg-2019', ruleSetAssumption: null });
    const gBasis = await ctx.api.get(`${gPath}/basis`);
    expect(gBasis.status).toBe(200);
    BasisBody.parse(gBasis.body);
    const psych = gBasis.body.lines.find((l: any) => l.psychiatric);
    expect(psych).toMatchObject({ status: 'charged', readyDays: 35, chargeableDayHundredths: 500, individual: { basis: 'psychiatricFreeDays', freeDays: 30, notifiedYear: 2018 } });
    expect(gBasis.body.lines.find((l: any) => !l.psychiatric)).toMatchObject({ status: 'charged', chargeableDayHundredths: 300, individual: { basis: 'aboveThreshold', aboveDays: 7 } });

    // Halland 2024-03: Göteborg 1480 (another county) on its own basis under law-2017-612
    expect((await ctx.api.request('PUT', '/api/billing/daily-amounts/2024', { body: { amountOre: 10_000_00, source: 'test' } })).status).toBe(200);
    expect((await ctx.api.request('PUT', '/api/billing/national-averages/2023', { body: { hundredths: 280, source: 'test' } })).status).toBe(200);
    await upsertEpisode(ctx.h.ledger.db, { ...billingEpisode({ region: 'halland', municipality: '1480', periods: [['2024-03-01', '2024-03-11']] }), outOfCounty: true });
    await seed(ctx.h.ledger, [{ region: 'halland', municipality: '1380', periods: [['2024-03-01', '2024-03-11']] }]);
    expect((await ctx.api.post('/api/billing/closes', { region: 'halland', month: '2024-03' })).status).toBe(201);
    const hPath = '/api/billing/closes/halland/2024-03';
    const h = await pollUntil(() => ctx.api.get(hPath), (r) => r.status === 200 && r.body.phase === 'review');
    CloseViewSchema.parse(h.body);
    expect(h.body.preliminary.municipalities.find((m: any) => m.municipality === '1480')).toMatchObject({
      lines: 1, totalOre: 7 * 10_000_00, outOfCounty: { ruleSetId: 'law-2017-612', municipalityName: 'Göteborg', countyName: 'Västra Götalands län' },
    });
    const hBasis = await ctx.api.get(`${hPath}/basis`);
    BasisBody.parse(hBasis.body);
    expect(hBasis.body.lines.find((l: any) => l.municipality === '1480')).toMatchObject({ outOfCounty: true, municipalityName: 'Göteborg', ruleSetId: 'law-2017-612', status: 'charged', chargeableDayHundredths: 700 });
    expect(hBasis.body.lines.find((l: any) => l.municipality === '1380')).not.toHaveProperty('outOfCounty');

    // Halland 2018-11: law-2017-612 is an assumption, and the close says so
    await seed(ctx.h.ledger, [{ region: 'halland', municipality: '1383', periods: [['2018-11-01', '2018-11-11']] }]);
    expect((await ctx.api.post('/api/billing/closes', { region: 'halland', month: '2018-11' })).status).toBe(201);
    const a = await pollUntil(() => ctx.api.get('/api/billing/closes/halland/2018-11'), (r) => r.status === 200 && r.body.phase === 'review');
    CloseViewSchema.parse(a.body);
    expect(a.body.preliminary).toMatchObject({ ruleSetId: 'law-2017-612', ruleSetAssumption: expect.stringMatching(/^Assumption: the sources do not say which model applied in Halland/) });
  });

  it('daily amounts and national averages are listed each with its source (regulation or publication), none from docs/domain.md', async () => {
    const r = await ctx.api.get('/api/billing/daily-amounts');
    expect(r.status).toBe(200);
    DailyAmountsBody.parse(r.body);
    const byYear = new Map(r.body.dailyAmounts.map((d: any) => [d.year, d]));
    expect(byYear.get(2019)).toMatchObject({ amountOre: 7_800_00, source: expect.stringContaining('HSLF-FS 2018:67'), setAt: null });
    expect(byYear.get(2022)).toMatchObject({ amountOre: 9_300_00, source: expect.stringContaining('Vårdsamverkan Skåne'), setAt: null });
    for (const d of r.body.dailyAmounts) expect(d.source).not.toMatch(/^docs\/domain\.md/);
    expect(r.body.nationalAverages.find((x: any) => x.year === 2021)).toMatchObject({ hundredths: 230, source: expect.stringContaining('2021 års riksgenomsnitt'), setAt: null });
    // an administrator's entry is listed with its own source
    expect(r.body.nationalAverages.find((x: any) => x.year === 2023)).toMatchObject({ hundredths: 280, source: 'test', setBy: expect.any(String) });
  });
});
