/**
 * Issue 15 "Done when": `POST /api/billing/simulate` over every rule set × every region × every
 * month 2018-01 … 2027-12, alone and compared with every other rule set, answers 200 (whole öre,
 * every total the sum of its parts) or 409 with a code and a sentence — never a 500; and
 * `GET /api/indicators` answers 200 for every region and month. The ledger holds, in every month,
 * an ordinary episode, one whose ready date was back-dated before its ready message, and one
 * written before the fix with a ready date after its discharge (the reported poison pill).
 *
 * Real service: the Temporal dev server, the worker, the PGlite ledger, the express app over HTTP.
 */
import { upsertEpisode } from '../../src/db/ledger';
import { RULE_SETS } from '../../src/domain/billing';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { episode } from '../db/fixtures';
import type { TestPrincipal } from '../helpers/auth';
import { useApi, type ApiResponse } from '../helpers/api';

// exact counts of the few episodes this file writes: no small-count suppression here (test/api/indicators-suppression.test.ts has it)
const ctx = useApi({ env: { INDICATOR_SUPPRESSION_THRESHOLD: '1' } });

const RULES = Object.keys(RULE_SETS);
const MONTHS: string[] = [];
for (let y = 2018; y <= 2027; y++) for (let m = 1; m <= 12; m++) MONTHS.push(`${y}-${String(m).padStart(2, '0')}`);
const officer = (region: string): TestPrincipal => ({ role: 'billingOfficer', organisation: `region-${region}`, region });

const readyMessage = (id: string, sentAt: string) => ({ messageId: id, type: 'readyForDischarge', version: 1, sender: { kind: 'inpatient', id: 'SE2321000115-HALM1' }, sentAt, recordedAt: sentAt });

/** Three episodes per region and month (see the file's comment). */
async function seedEveryMonth(): Promise<void> {
  for (const region of DEFAULT_REGIONS) {
    const municipality = region.municipalities[1]!.code;
    for (const month of MONTHS) {
      const common = { region: region.id, residenceMunicipality: municipality, status: 'discharged' as const, obligations: [], deviations: [] };
      // ordinary: ready on the 2nd, discharged on the 12th (10 days)
      await upsertEpisode(ctx.h.ledger.db, episode({
        ...common, episodeId: `m-${region.id}-${month}-fine`, admittedAt: `${month}-01T08:00:00.000Z`, readyDate: `${month}-02`, dischargedAt: `${month}-12T10:00:00.000Z`, dischargeDate: `${month}-12`,
        readyPeriods: [{ seq: 1, readyDate: `${month}-02`, endedDate: `${month}-12`, endReason: 'DISCHARGED', withdrawalReason: null }],
        messages: [readyMessage(`m-${region.id}-${month}-fine-r`, `${month}-02T09:00:00.000Z`)],
      }));
      // back-dated: ready date the 3rd, the ready message sent on the 8th, discharged the 10th (2 days, not 7)
      await upsertEpisode(ctx.h.ledger.db, episode({
        ...common, episodeId: `m-${region.id}-${month}-backdated`, psychiatric: month.endsWith('3'), admittedAt: `${month}-01T08:00:00.000Z`, readyDate: `${month}-03`, dischargedAt: `${month}-10T10:00:00.000Z`, dischargeDate: `${month}-10`,
        readyPeriods: [{ seq: 1, readyDate: `${month}-03`, endedDate: `${month}-10`, endReason: 'DISCHARGED', withdrawalReason: null }],
        messages: [readyMessage(`m-${region.id}-${month}-backdated-r`, `${month}-08T09:00:00.000Z`)],
      }));
      // written before the fix: marked ready on the 5th with the ready date the 25th, discharged on the 15th
      await upsertEpisode(ctx.h.ledger.db, episode({
        ...common, episodeId: `m-${region.id}-${month}-odd`, admittedAt: `${month}-01T08:00:00.000Z`, readyDate: `${month}-25`, dischargedAt: `${month}-15T10:00:00.000Z`, dischargeDate: `${month}-15`,
        readyPeriods: [{ seq: 1, readyDate: `${month}-25`, endedDate: `${month}-15`, endReason: 'DISCHARGED', withdrawalReason: null }],
        messages: [readyMessage(`m-${region.id}-${month}-odd-r`, `${month}-05T09:00:00.000Z`)],
      }));
    }
  }
}

const tally = new Map<string, number>();
const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);

async function send(method: 'GET' | 'POST' | 'PUT', path: string, who: TestPrincipal, body?: unknown): Promise<ApiResponse> {
  for (;;) {
    const r = await ctx.api.as(who).request(method, path, { body });
    if (r.status !== 429) return r; // the API's rate limit per client: wait and go on
    await new Promise((res) => setTimeout(res, 1_000));
  }
}

/** A simulation answer's violations: not 200/409-with-code, or money that does not add up. */
function simulationViolations(what: string, r: ApiResponse): string[] {
  const out: string[] = [];
  if (r.status === 409) {
    if (!/^[A-Z][A-Z_]+$/.test(r.body?.error?.code ?? '') || typeof r.body?.error?.message !== 'string' || r.body.error.message.length < 10) out.push(`${what}: 409 without a code and a sentence: ${JSON.stringify(r.body)}`);
    count(`409 ${r.body?.error?.code}`);
    return out;
  }
  if (r.status !== 200) return [`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`];
  count('200');
  const whole = (v: unknown, where: string) => !Number.isSafeInteger(v) && out.push(`${what}: ${where} ${String(v)} is not whole öre`);
  for (const m of r.body.months) {
    for (const x of m.results) {
      whole(x.totalOre, `${m.month} ${x.ruleSetId} total`);
      const sum = x.municipalities.reduce((s: number, y: { totalOre: number }) => (whole(y.totalOre, `${m.month} ${x.ruleSetId} municipality`), s + y.totalOre), 0);
      if (sum !== x.totalOre) out.push(`${what}: ${m.month} ${x.ruleSetId} total ${x.totalOre} ≠ sum of municipalities ${sum}`);
      if (!Array.isArray(x.cannotCompute)) out.push(`${what}: no cannotCompute list`);
    }
  }
  r.body.totals.forEach((t: { ruleSetId: string; totalOre: number; byMunicipality: Record<string, number> }, i: number) => {
    const byMonth = r.body.months.reduce((s: number, m: { results: { totalOre: number }[] }) => s + m.results[i]!.totalOre, 0);
    const byMun = Object.values(t.byMunicipality).reduce((s, v) => s + v, 0);
    if (t.totalOre !== byMonth || t.totalOre !== byMun) out.push(`${what}: total ${t.ruleSetId} ${t.totalOre} ≠ by month ${byMonth} / by municipality ${byMun}`);
  });
  for (const c of r.body.comparison ?? []) if (c.differenceOre !== c.b - c.a) out.push(`${what}: comparison ${JSON.stringify(c)}`);
  return out;
}

/** Runs `tasks` a few at a time. */
async function pool<T>(items: readonly T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await task(items[i++]!);
  }));
}

describe('simulate and indicators over every rule set × region × month 2018-2027', () => {
  beforeAll(async () => {
    await seedEveryMonth();
    // configuration for most years, so most months compute; 2021's daily amount and 2026's national average stay missing (409s)
    const admin: TestPrincipal = { role: 'administrator', organisation: 'region-halland', region: 'halland' };
    for (const year of [2020, 2023, 2024, 2025, 2026, 2027]) expect((await send('PUT', `/api/billing/daily-amounts/${year}`, admin, { amountOre: 9_000_00 + year, source: 'test' })).status).toBe(200);
    for (const year of [2021, 2022, 2023, 2024, 2025]) expect((await send('PUT', `/api/billing/national-averages/${year}`, admin, { hundredths: 250 + (year % 7), source: 'test' })).status).toBe(200);
  }, 300_000);
  afterAll(() => {
    console.log(`billing matrix: ${[...tally].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  });

  it('the reported request answers 409 RULE_SET_NOT_IN_FORCE with a sentence, not 500', async () => {
    // (the reported request was gavleborg-2019 over 2018-03; since issue 16 that rule set applies from 2018-01, so the
    // same refusal is shown with a rule set whose period has not begun)
    const r = await send('POST', '/api/billing/simulate', officer('halland'), { region: 'halland', from: '2026-12', to: '2026-12', ruleSet: 'halland-2027', compareWith: 'law-2017-612' });
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({ code: 'RULE_SET_NOT_IN_FORCE', message: expect.stringMatching(/halland-2027 has no benchmark for 2026-12/), details: { ruleSetId: 'halland-2027', month: '2026-12' } });
    // with the benchmark as a parameter, the same simulation computes
    const p = await send('POST', '/api/billing/simulate', officer('halland'), { region: 'halland', from: '2026-12', to: '2026-12', ruleSet: { base: 'halland-2027', benchmarkHundredths: 150 }, compareWith: 'law-2017-612' });
    expect(p.status).toBe(200);
  });

  it('the poison pill of the issue: a ready date after the discharge in the ledger; simulate and indicators answer 200, it counts 0 days', async () => {
    // halland 2019-03 under the law: fine 10 days → 7 chargeable; back-dated 2 days (from the message) → 0; odd → 0 days
    const r = await send('POST', '/api/billing/simulate', officer('halland'), { region: 'halland', from: '2019-03', to: '2019-03', ruleSet: 'law-2017-612', compareWith: 'gavleborg-2019' });
    expect(r.status).toBe(200);
    expect(r.body.totals.map((t: { totalOre: number }) => t.totalOre)).toEqual([7 * 7_800_00, 3 * 7_800_00]);
    expect(r.body.months[0].results[0].cannotCompute).toEqual([]);
    const ind = await send('GET', '/api/indicators?region=halland&month=2019-03', officer('halland'));
    expect(ind.status).toBe(200);
    // three discharged ready episodes: 10, 2 (from the message) and 0 days (ends before it starts)
    expect(ind.body.groups.find((g: { key: string }) => g.key === '1380').readyDays).toMatchObject({ episodes: 3, sum: 12, cannotCompute: 0, dischargedOnReadyDay: { count: 1, of: 3 } });
  });

  it('every rule set alone, every month: 200 or 409 with a code', async () => {
    // Each region × rule set × year is asked as one simulation of its 12 months first: answered 200,
    // every month of it computed, and each month's results are checked as a one-month answer's
    // would be (the engine computes month by month from the ledger, the same for either request).
    // Refused (a 409 with a code), each of its months is asked alone, as before, so every month gets an
    // answer of its own: 200 with its sums, or 409 with a code and a sentence. (One request per
    // month throughout took about a third of this file's time.)
    const violations: string[] = [];
    const years = [...new Set(MONTHS.map((m) => m.slice(0, 4)))];
    const cases = DEFAULT_REGIONS.flatMap((region) => RULES.flatMap((ruleSet) => years.map((year) => ({ region: region.id, ruleSet, year }))));
    const checked = new Set<string>();
    await pool(cases, 3, async ({ region, ruleSet, year }) => {
      const months = MONTHS.filter((m) => m.startsWith(`${year}-`));
      const whole = await send('POST', '/api/billing/simulate', officer(region), { region, from: months[0], to: months.at(-1), ruleSet });
      if (whole.status === 200) {
        const answered = whole.body.months.map((m: { month: string }) => m.month);
        if (JSON.stringify(answered) !== JSON.stringify(months)) violations.push(`${region} ${ruleSet} ${year}: months ${answered.join(', ')}`);
        violations.push(...simulationViolations(`${region} ${ruleSet} ${year}`, whole));
        for (const month of answered) checked.add(`${region} ${ruleSet} ${month}`);
        return;
      }
      violations.push(...simulationViolations(`${region} ${ruleSet} ${year}`, whole)); // the year's refusal itself: a 409 with a code
      for (const month of months) {
        const r = await send('POST', '/api/billing/simulate', officer(region), { region, from: month, to: month, ruleSet });
        violations.push(...simulationViolations(`${region} ${ruleSet} ${month}`, r));
        checked.add(`${region} ${ruleSet} ${month}`);
      }
    });
    expect(violations).toEqual([]);
    expect(checked.size).toBe(DEFAULT_REGIONS.length * RULES.length * MONTHS.length); // every region × rule set × month answered
  }, 900_000);

  it('every rule set compared with every rule set, year by year: 200 or 409 with a code', async () => {
    const violations: string[] = [];
    const cases = DEFAULT_REGIONS.flatMap((region) => RULES.flatMap((ruleSet) => RULES.flatMap((compareWith) => Array.from({ length: 10 }, (_, i) => ({ region: region.id, ruleSet, compareWith, year: 2018 + i })))));
    await pool(cases, 3, async ({ region, ruleSet, compareWith, year }) => {
      const r = await send('POST', '/api/billing/simulate', officer(region), { region, from: `${year}-01`, to: `${year}-12`, ruleSet, compareWith });
      violations.push(...simulationViolations(`${region} ${ruleSet} vs ${compareWith} ${year}`, r));
    });
    expect(violations).toEqual([]);
  }, 900_000);

  it('the whole 2018-2027 range in 36-month simulations, with compareWith: 200 or 409 with a code', async () => {
    const violations: string[] = [];
    const ranges = [['2018-01', '2020-12'], ['2021-01', '2023-12'], ['2024-01', '2026-12'], ['2025-01', '2027-12']] as const;
    const cases = DEFAULT_REGIONS.flatMap((region) => RULES.flatMap((ruleSet) => ranges.map(([from, to]) => ({ region: region.id, ruleSet, from, to }))));
    await pool(cases, 3, async ({ region, ruleSet, from, to }) => {
      const r = await send('POST', '/api/billing/simulate', officer(region), { region, from, to, ruleSet, compareWith: 'law-2017-612' });
      violations.push(...simulationViolations(`${region} ${ruleSet} ${from}…${to}`, r));
    });
    expect(violations).toEqual([]);
  }, 900_000);

  it('indicators for every region and month answer 200', async () => {
    const violations: string[] = [];
    const cases = DEFAULT_REGIONS.flatMap((region) => MONTHS.map((month) => ({ region: region.id, month })));
    await pool(cases, 3, async ({ region, month }) => {
      const r = await send('GET', `/api/indicators?region=${region}&month=${month}`, officer(region));
      if (r.status !== 200) violations.push(`indicators ${region} ${month}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else count('indicators 200');
    });
    expect(violations).toEqual([]);
  }, 900_000);
});
