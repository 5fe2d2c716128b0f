/**
 * Issue 17 item 7: the indicator report leaks no small counts and no other region's figures.
 *  - Every role reads the report of its own region only (administrators and auditors too): another
 *    region's is 403 NOT_YOUR_REGION, and the page's region list holds the caller's region alone.
 *  - With the default threshold (5), a figure resting on 1–4 episodes, patients or events is
 *    suppressed: null in JSON and named in the group's `suppressed`, `..` in the CSV and on the page.
 * Before the fix, the figures of 2 patients and another region's single patient were served.
 */
import { upsertEpisode, type EpisodeProjection } from '../../src/db/ledger';
import { billingEpisode } from '../helpers/billing';
import { launchBrowser } from '../helpers/browser';
import { authHeader, tokenFor, type TestPrincipal } from '../helpers/auth';
import { useApi } from '../helpers/api';

const ctx = useApi(); // the default configuration: INDICATOR_SUPPRESSION_THRESHOLD=5

const GAVLE: TestPrincipal = { role: 'municipalityStaff', organisation: '2180', region: 'gavleborg' };
const Q = { region: 'gavleborg', month: '2017-09', window: 'rolling12', care: 'psychiatric' };
const query = (q: Record<string, string>) => `/api/indicators?${new URLSearchParams(q)}`;

function episode(region: string, municipality: string, i: number, days: number): EpisodeProjection {
  const discharge = `2017-0${(i % 9) + 1}-20`;
  const ready = new Date(Date.parse(`${discharge}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
  return { ...billingEpisode({ region, municipality, psychiatric: true, periods: [[ready, discharge]] }), episodeId: `supp-${region}-${municipality}-${i}`, patientRef: `pseud-supp-${municipality}-${i}`, inpatientUnitHsa: 'SE2321000230-PSYK1', hospital: 'Gävle sjukhus' };
}

beforeAll(async () => {
  // Gävle: 6 patients (shown); Hudiksvall: 2 (suppressed); Halland: 1 (another region's)
  for (let i = 0; i < 6; i++) await upsertEpisode(ctx.h.ledger.db, episode('gavleborg', '2180', i, 2 + i));
  for (let i = 0; i < 2; i++) await upsertEpisode(ctx.h.ledger.db, episode('gavleborg', '2184', i, 10 + i));
  await upsertEpisode(ctx.h.ledger.db, episode('halland', '1380', 0, 30));
}, 60_000);

describe('indicators: the caller\'s region only', () => {
  it('another region\'s report is 403 NOT_YOUR_REGION for every role, administrators and auditors included; its own is 200', async () => {
    const roles: TestPrincipal[] = [
      GAVLE,
      { role: 'inpatientStaff', organisation: 'SE2321000115-AVD7', region: 'gavleborg' },
      { role: 'coordinator', organisation: 'region-gavleborg', region: 'gavleborg' },
      { role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg' },
      { role: 'administrator', organisation: 'region-gavleborg-it', region: 'gavleborg' },
      { role: 'auditor', organisation: 'region-gavleborg-audit', region: 'gavleborg' },
    ];
    for (const p of roles) {
      const other = await ctx.api.as(p).get(query({ ...Q, region: 'halland' }));
      expect([p.role, other.status, other.body.error?.code]).toEqual([p.role, 403, 'NOT_YOUR_REGION']);
      expect(JSON.stringify(other.body)).not.toMatch(/individuals|readyDays/);
      const csv = await fetch(`${ctx.h.baseUrl}${query({ ...Q, region: 'halland', format: 'csv' })}`, { headers: await authHeader(p) });
      expect([p.role, csv.status]).toEqual([p.role, 403]);
      expect([p.role, (await ctx.api.as(p).get(query(Q))).status]).toEqual([p.role, 200]);
    }
    // Halland's own staff read Halland's
    const halland = await ctx.api.as({ role: 'billingOfficer', organisation: 'region-halland', region: 'halland' }).get(query({ ...Q, region: 'halland' }));
    expect(halland.status).toBe(200);
    // the page's region selector offers the caller's region alone
    expect((await ctx.api.as(GAVLE).get('/api/indicators/regions')).body.regions.map((r: { id: string }) => r.id)).toEqual(['gavleborg']);
  });
});

describe('indicators: small counts suppressed (threshold 5 by default)', () => {
  it('JSON: figures of fewer than 5 are null and named in `suppressed`; 5 or more, and zero, are shown', async () => {
    const r = await ctx.api.as(GAVLE).get(query(Q));
    expect(r.status).toBe(200);
    expect(r.body.suppression).toMatchObject({ threshold: 5 });
    const group = (key: string) => r.body.groups.find((g: { key: string }) => g.key === key);
    // Hudiksvall, 2 patients: neither the count nor anything computed from it
    expect(group('2184').readyDays).toMatchObject({ episodes: null, count: null, sum: null, average: null, median: null, p90: null, individuals: null, daysPerIndividual: null });
    expect(group('2184').readyDays.dischargedOnReadyDay).toEqual({ count: 0, of: null, share: null });
    expect(group('2184').suppressed).toEqual(expect.arrayContaining(['readyDays.episodes', 'readyDays.individuals', 'readyDays.average', 'readyDays.median', 'lengthOfStay.average']));
    // Gävle, 6 patients: shown
    expect(group('2180').readyDays).toMatchObject({ episodes: 6, individuals: 6, sum: 2 + 3 + 4 + 5 + 6 + 7 });
    expect(group('2180').suppressed).not.toContain('readyDays.episodes');
    // Ockelbo, none: zero discloses no one
    expect(group('2101').readyDays.episodes).toBe(0);
    expect(group('2101').suppressed).toEqual([]);
    // the region total, 8 patients: shown
    expect(r.body.total.readyDays).toMatchObject({ episodes: 8, individuals: 8 });
    // no cell anywhere carries a count of 1–4 individuals
    expect(JSON.stringify(r.body)).not.toMatch(/"(individuals|episodes)":[1-4][,}]/);
  });

  it('CSV: a suppressed figure is ".."', async () => {
    const res = await fetch(`${ctx.h.baseUrl}${query({ ...Q, format: 'csv', decimal: 'comma' })}`, { headers: await authHeader(GAVLE) });
    const rows = (await res.text()).slice(1).split('\r\n').filter(Boolean).map((l) => l.split(';'));
    const h = rows[0]!;
    const row = (key: string) => rows.find((x) => x[h.indexOf('group')] === key)!;
    const cols = ['readyDischargedEpisodes', 'readyDaysTotal', 'readyDaysAverage', 'readyDaysMedian', 'individuals'];
    expect(cols.map((c) => row('2184')[h.indexOf(c)])).toEqual(['..', '..', '..', '..', '..']);
    expect(cols.map((c) => row('2180')[h.indexOf(c)])).toEqual(['6', '27', '4,5', '4,5', '6']);
    expect(row('2101')[h.indexOf('readyDischargedEpisodes')]).toBe('0');
  });

  it('the page shows ".." for a suppressed figure and says why', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${ctx.h.baseUrl}/reports/indicators?${new URLSearchParams(Q)}#token=${await tokenFor(GAVLE)}`);
      await page.waitForFunction((expected) => (globalThis as any).document.body.dataset.loaded === expected, new URLSearchParams({ ...Q, groupBy: 'municipality' }).toString());
      const cells = (key: string) => page.$$eval(`#municipalities tbody tr[data-group="${key}"] td`, (tds: any[]) => Object.fromEntries(tds.map((td) => [td.dataset.field, td.textContent])));
      expect(await cells('2184')).toMatchObject({ episodes: '..', days: '..', average: '..', median: '..', perIndividual: '..' });
      expect(await cells('2180')).toMatchObject({ episodes: '6', days: '27', average: '4,5' });
      expect(await page.textContent('#not-computable')).toContain('färre än 5');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
