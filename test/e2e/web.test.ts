/**
 * The staff workspace (issue 19) in a real browser — the Debian Chromium driven by playwright-core —
 * against the real service: the app built by scripts/setup.mjs (web/dist), served by the same
 * express app, with the real Temporal dev server, workflows and PGlite ledger behind it. People
 * sign in through the development sign-in page, each in a browser context of their own.
 *
 * - a discharge episode by three people: the ward nurse admits and sends the admission notice, the
 *   municipality and the health centre see it arrive in their inboxes (without a reload) and
 *   acknowledge it there, the ward marks the patient ready and discharges;
 * - a refusal (409) in Swedish at the field it concerns, and a disabled action saying why;
 * - a deadline over Christmas with the right weekday;
 * - a coordinator takes an escalation; an invoice reviewer flags a line;
 * - hemsjukvård and enstaka hembesök: the health centre starts an enrollment and orders a visit
 *   through their forms (the shared schemas refuse a bad field in Swedish), the municipality
 *   acknowledges both from its inbox and accepts the order with the action its state allows;
 * - the personnummer on the episode page for the ward (its read in the access log), not for the
 *   coordinator;
 * - the inbox's filters and paging as the API has them;
 * - axe (WCAG 2.1 A/AA) on every page: no serious or critical violation;
 * - screenshots of the inbox, the episode page, the coordinator inbox, an enrollment and a visit
 *   order in .test-artifacts/web/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { DEFAULT_REGIONS, RegionSchema } from '../../src/domain/regions';
import { CHROMIUM_PATH } from '../helpers/browser';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { seed } from '../helpers/billing';
import { pollUntil, useApi } from '../helpers/api';
import { webDist } from '../../src/api/web';
import { closeTransports } from '../../activities/channels';
import { startSmtpServer } from '../helpers/receivers';

const WARD = 'SE2321000115-AVD7';
const HEALTH_CENTRE = 'SE2321000115-VC12';
const COORDINATION = 'samordning-gavleborg';
const SHOTS = join(ARTIFACTS_DIR, 'web');

/** Gävleborg with a coordinators' organisation for its units, and no grace period (a back-dated admission is escalated at once). */
const gavleborg = () =>
  RegionSchema.parse({
    ...DEFAULT_REGIONS[1],
    process: { ...DEFAULT_REGIONS[1]!.process, graceWeekdays: 0 },
    escalation: {
      organisations: [{ id: COORDINATION, name: 'Samordning Gävleborg', unitPrefixes: ['SE2321000115-'], coordinators: [{ id: 'samordnare-per', name: 'Per', channels: [{ type: 'email', to: 'samordnare@gavleborg.example' }] }] }],
    },
  });
// the coordinators' escalation e-mails go to a real (local) SMTP server
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  closeTransports();
  await smtp?.close();
});
const ctx = useApi(() => ({ regions: [DEFAULT_REGIONS[0]!, gavleborg()], smtpUrl: smtp.url }));

/** The API as the ward's nurse (the episodes the browser starts are unknown to the test client's guesses). */
const ward = () => ctx.api.as({ role: 'inpatientStaff', organisation: WARD, region: 'gavleborg', userId: 'ssk-lisa' });

let browser: Browser;
beforeAll(async () => {
  expect(webDist()).toBeDefined(); // built by scripts/setup.mjs (npm test runs it)
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
afterAll(async () => {
  await browser?.close();
});

/** Every page opened, for screenshots when a test fails (.test-artifacts/web/failed-*.png). */
const opened: Page[] = [];
afterEach(async () => {
  // a test that passed has closed its pages; one that failed left them open
  for (const [i, p] of opened.entries()) {
    if (!p.isClosed()) await p.screenshot({ path: join(SHOTS, `failed-${i}.png`), fullPage: true }).catch(() => undefined);
  }
  opened.length = 0;
});

/** A person's own browser context, signed in through the development sign-in page. */
async function signIn(name: string, organisation: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const page = await context.newPage();
  opened.push(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${ctx.h.baseUrl}/`);
  await page.getByRole('button', { name: `Logga in som ${name}, ${organisation}` }).click();
  await page.getByRole('button', { name: 'Logga ut' }).waitFor();
  return page;
}

/** axe with the WCAG 2.0/2.1 A and AA rules: the serious and critical violations, by rule and element. */
async function axe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Retries `check` until it passes (the page updates by itself: polling, re-renders). */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
const visible = (l: Locator, timeout = 10_000) => l.first().waitFor({ state: 'visible', timeout });
const textOf = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const hasText = (l: Locator, expected: string | RegExp, timeout?: number) =>
  eventually(async () => (typeof expected === 'string' ? expect(await textOf(l)).toContain(expected) : expect(await textOf(l)).toMatch(expected)), timeout);
const count = (l: Locator, n: number, timeout?: number) => eventually(async () => expect(await l.count()).toBe(n), timeout);
const attribute = (l: Locator, name: string, value: string) => eventually(async () => expect(await l.getAttribute(name)).toBe(value));
/** An action's form on the episode page: opened by its summary, submitted by its button. */
async function openAction(page: Page, label: string): Promise<Locator> {
  await page.locator('summary', { hasText: label }).click();
  return page.getByRole('form', { name: label });
}

const inbox = (page: Page) => page.getByRole('list', { name: 'Meddelanden att kvittera' });

describe('staff workspace in the browser', () => {
  it('a discharge episode by three people in three browsers: admitted and notified, acknowledged from two inboxes, ready and discharged; a refusal in Swedish at its field', async () => {
    // the sign-in page (development: no identity provider configured), with axe
    const first = await (await browser.newContext()).newPage();
    await first.goto(`${ctx.h.baseUrl}/`);
    await visible(first.getByRole('heading', { name: 'Logga in (utvecklingsläge)' }));
    expect(await axe(first)).toEqual([]);
    await first.context().close();

    const nurse = await signIn('Lisa, sjuksköterska', 'Avdelning 7, Gävle sjukhus');
    const municipality = await signIn('Anna, biståndshandläggare', 'Gävle kommun');
    const healthCentre = await signIn('Karin, distriktssköterska', 'Vårdcentralen Brynäs');
    await visible(municipality.getByRole('heading', { name: 'Inkorg – Gävle kommun' }));
    await visible(municipality.getByText('Inget att kvittera.'));

    // Inskrivning: the shared schema refuses a mistyped personnummer at its field, in Swedish
    await nurse.getByRole('link', { name: 'Inskrivning' }).click();
    await nurse.getByRole('heading', { name: 'Inskrivning' }).waitFor();
    expect(await axe(nurse)).toEqual([]);
    await nurse.getByLabel('Personnummer', { exact: true }).fill('19121212-1213');
    await nurse.getByLabel('Folkbokföringskommun (kommunkod)').fill('2180');
    await nurse.getByLabel('Vårdcentral där patienten är listad (HSA-id)').fill(HEALTH_CENTRE);
    await nurse.getByRole('button', { name: 'Skriv in patienten' }).click();
    await hasText(nurse.locator('#f-value-err'), /^Kontrollsiffran \(sista siffran\) i personnumret stämmer inte/);
    await attribute(nurse.getByLabel('Personnummer', { exact: true }), 'aria-invalid', 'true');
    await nurse.getByLabel('Personnummer', { exact: true }).fill('19121212-1212');
    await nurse.getByRole('button', { name: 'Skriv in patienten' }).click();
    await nurse.getByRole('heading', { name: /^Vårdtillfälle / }).waitFor();
    const episodeId = decodeURIComponent(nurse.url().split('/').pop()!);
    await hasText(nurse.locator('.status-line'), 'Status: Inskriven');

    // an action the state does not allow is shown disabled, with the sentence of its 409
    const noticeButton = nurse.getByRole('button', { name: 'Skicka utskrivningsmeddelande' });
    expect(await noticeButton.isDisabled()).toBe(true);
    expect(await noticeButton.getAttribute('aria-describedby')).toBe('act-sendDischargeNotice--why');
    expect(await textOf(nurse.locator('#act-sendDischargeNotice--why'))).toBe('Utskrivningsmeddelandet skickas när patienten lämnar sjukhuset: registrera utskrivningen först.');
    const refused = await ward().post(`/api/episodes/${episodeId}/discharge-notice`, {});
    expect(refused.status).toBe(409);
    // the button's answer is the API's allowed-actions, the domain's refusal: the same code and sentence as the 409
    const allowed = await ward().get(`/api/episodes/${episodeId}/allowed-actions`);
    expect(allowed.body.actions.find((a: { type: string }) => a.type === 'sendDischargeNotice')).toEqual({
      type: 'sendDischargeNotice', path: 'discharge-notice', sv: 'utskrivningsmeddelande', allowed: false, refusal: refused.body.error.code && { code: refused.body.error.code, message: refused.body.error.message },
    });
    expect(refused.body.error.code).toBe('NOT_DISCHARGED');

    // the admission notice
    const noticeForm = await openAction(nurse, 'Skicka inskrivningsmeddelande');
    const preliminary = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await nurse.getByLabel('Preliminärt datum för utskrivningsklar').fill(preliminary);
    await noticeForm.getByRole('button').click();
    await visible(nurse.getByRole('cell', { name: 'Inskrivningsmeddelande skickat' }));
    await hasText(nurse.locator('.obligations'), /kvitteras senast \p{L}+dag \d+ \p{L}+/u);
    expect(await axe(nurse)).toEqual([]);

    // the municipality's and the health centre's inboxes show it without a reload (polling), and it leaves when acknowledged
    for (const [page, name] of [[municipality, 'inbox-kommun'], [healthCentre, 'inbox-vardcentral']] as const) {
      const item = inbox(page).getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Öppna' }) }).filter({ hasText: 'Inskrivningsmeddelande' });
      await count(item, 1, 10_000); // polled: no reload
      await hasText(item, /kvitteras senast \p{L}+dag \d+ \p{L}+/u);
      if (name === 'inbox-kommun') {
        await page.screenshot({ path: join(SHOTS, 'inkorg.png'), fullPage: true });
        expect(await axe(page)).toEqual([]); // the inbox with an item in it
      }
      await item.getByRole('button', { name: 'Kvittera inskrivningsmeddelande' }).click();
      await hasText(page.getByRole('status'), 'Inskrivningsmeddelande kvitterat.');
      await count(item, 0);
    }
    // …and stays gone when the inbox is read again from the ledger
    await municipality.reload();
    await visible(municipality.getByText('Inget att kvittera.'));

    // the ward sees the acknowledgements on the timeline; a future ready date is refused at the date field, in Swedish
    await nurse.reload();
    await count(nurse.getByRole('cell', { name: 'Meddelande kvitterat' }), 2, 15_000);
    const readyForm = await openAction(nurse, 'Markera utskrivningsklar');
    const dateField = readyForm.getByLabel('Utskrivningsklar från och med');
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    await dateField.fill(tomorrow);
    await readyForm.getByRole('button').click();
    const fieldError = nurse.locator('#act-markReady--date-err');
    await hasText(fieldError, new RegExp(`^⚠? ?Datumet för utskrivningsklar, ${tomorrow}, ligger efter dagen meddelandet skickas \\(${today}\\)`));
    await attribute(dateField, 'aria-describedby', 'act-markReady--date-err');
    await attribute(dateField, 'aria-invalid', 'true');
    await dateField.fill(today);
    await readyForm.getByRole('button').click();
    await hasText(nurse.locator('.status-line'), 'Status: Utskrivningsklar');
    await nurse.screenshot({ path: join(SHOTS, 'vardtillfalle.png'), fullPage: true });

    // discharge, with the notice
    await (await openAction(nurse, 'Skriv ut patienten')).getByRole('button').click();
    await hasText(nurse.locator('.status-line'), 'Status: Utskriven');
    await visible(nurse.getByRole('cell', { name: 'Utskriven', exact: true }));
    const v = await ward().get(`/api/episodes/${episodeId}`);
    expect(v.body.status).toBe('discharged');
    expect(v.body.discharge.noticeSentAt).toEqual(expect.any(String));
    expect(v.body.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['admitted', 'admissionNotice', 'acknowledge', 'markReady', 'discharge']));
    for (const p of [nurse, municipality, healthCentre]) expect((p as Page & { errors: string[] }).errors).toEqual([]);
    await Promise.all([nurse, municipality, healthCentre].map((p) => p.context().close()));
  }, 120_000);

  it('a deadline over Christmas: a notice sent on 23 December at 14:01 is acknowledged by Monday 29 December (2025), in words', async () => {
    // back-registered through the API: the admission and the notice a year ago
    const start = await ctx.api.post('/api/episodes', {
      region: 'gavleborg', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '2180',
      inpatientUnit: WARD, primaryCareUnit: HEALTH_CENTRE, admittedAt: '2025-12-23T08:00:00+01:00',
    });
    expect(start.status).toBe(201);
    const episodeId = start.body.episodeId as string;
    expect((await ctx.api.post(`/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate: '2025-12-30', occurredAt: '2025-12-23T14:01:00+01:00' })).status).toBe(200);

    const municipality = await signIn('Anna, biståndshandläggare', 'Gävle kommun');
    const item = inbox(municipality).getByRole('listitem').filter({ has: municipality.getByRole('link', { name: 'Öppna' }) }).filter({ hasText: 'måndag 29 december' });
    await count(item, 1, 10_000);
    await hasText(item, 'kvitteras senast måndag 29 december');
    await hasText(item, /försenad \d+ dagar/); // overdue, in red, with how long
    expect(await item.getAttribute('class')).toBe('overdue');
    // the episode page says the same from the obligation's own local date
    await item.getByRole('link', { name: 'Öppna' }).click();
    await hasText(municipality.locator('.obligations'), 'kvitteras senast måndag 29 december');
    await municipality.context().close();
  }, 60_000);

  it('a coordinator takes on an escalation from the coordinators’ inbox', async () => {
    // the ward back-registers an admission of a week ago through Inskrivning's driftstopp switch: the admission notice is long late
    const nurse = await signIn('Lisa, sjuksköterska', 'Avdelning 7, Gävle sjukhus');
    await nurse.getByRole('link', { name: 'Inskrivning' }).click();
    await nurse.getByLabel('Personnummer', { exact: true }).fill('19121212-1212');
    await nurse.getByLabel('Folkbokföringskommun (kommunkod)').fill('2180');
    await nurse.getByLabel('Vårdcentral där patienten är listad (HSA-id)').fill(HEALTH_CENTRE);
    await count(nurse.getByLabel('Inskriven (datum och tid)'), 0);
    await nurse.getByRole('switch', { name: 'Efterregistrering efter driftstopp' }).check();
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' }).slice(0, 16).replace(' ', 'T');
    await nurse.getByLabel('Inskriven (datum och tid)').fill(weekAgo);
    await nurse.getByRole('button', { name: 'Skriv in patienten' }).click();
    await nurse.getByRole('heading', { name: /^Vårdtillfälle / }).waitFor();
    const episodeId = decodeURIComponent(nurse.url().split('/').pop()!);
    await nurse.context().close();
    await pollUntil(() => ctx.api.get(`/api/coordinators/${COORDINATION}/inbox?limit=500`, { 'X-Actor-Id': 'samordnare-per', 'X-Actor-Organisation': COORDINATION }), (r) => r.body.items?.some((i: { process_id: string }) => i.process_id === episodeId), 20_000);

    const coordinator = await signIn('Per, samordnare', 'Samordning Gävleborg');
    await coordinator.getByRole('heading', { name: 'Samordnarens inkorg – Samordning Gävleborg' }).waitFor();
    const item = coordinator.locator('li', { has: coordinator.locator(`a[href="#/vardtillfalle/${episodeId}"]`) });
    await hasText(item, 'Ingen har tagit den');
    await hasText(item, /försenad \d+ dagar/);
    expect(await axe(coordinator)).toEqual([]);
    await coordinator.screenshot({ path: join(SHOTS, 'samordnare.png'), fullPage: true });
    await item.getByRole('button', { name: 'Ta ärendet' }).click();
    await hasText(item, 'Tagen av samordnare-per');
    const episode = await ward().get(`/api/episodes/${episodeId}`);
    expect(episode.body.timeline.find((e: { action: string }) => e.action === 'acknowledgeEscalation')?.actor).toEqual({ userId: 'samordnare-per', organisation: COORDINATION });
    await coordinator.context().close();
  }, 60_000);

  it('an invoice reviewer flags a basis line as an obvious error; the billing officer sees the flag; axe on the billing and admin pages', async () => {
    await seed(ctx.h.ledger, [
      { region: 'gavleborg', municipality: '2180', periods: [['2019-05-01', '2019-05-11']] },
      { region: 'gavleborg', municipality: '2181', periods: [['2019-05-01', '2019-05-20']] },
    ]);
    expect((await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2019-05' })).status).toBe(201);
    await pollUntil(() => ctx.api.get('/api/billing/closes/gavleborg/2019-05'), (r) => r.body.phase === 'review', 20_000);

    const reviewer = await signIn('Eva, fakturagranskare', 'Gävle kommun');
    await reviewer.getByLabel('Månad').fill('2019-05');
    await visible(reviewer.getByText('Granskning pågår'));
    const rows = reviewer.getByRole('button', { name: /^Flagga rad 2180-/ });
    await count(rows, 1); // the reviewer sees its own municipality's lines only
    expect(await axe(reviewer)).toEqual([]);
    const lineRef = (await rows.getAttribute('aria-label'))!.replace('Flagga rad ', '');
    await reviewer.getByLabel(`Skäl för rad ${lineRef}`).selectOption('DIED_DURING_STAY');
    await rows.click();
    await hasText(reviewer.getByRole('status'), 'Raden flaggad: registrerat.');
    await visible(reviewer.getByRole('row', { name: new RegExp(`${lineRef} Gävle Avled under vårdtiden Öppen`) }));
    const close = await ctx.api.get('/api/billing/closes/gavleborg/2019-05');
    expect(close.body.flags).toEqual([expect.objectContaining({ municipality: '2180', lineRef, reason: 'DIED_DURING_STAY', status: 'open' })]);
    await reviewer.context().close();

    const officer = await signIn('Jon, debiteringsansvarig', 'Region Gävleborg');
    await officer.getByLabel('Månad').fill('2019-05');
    await visible(officer.getByRole('button', { name: 'Godta' }));
    expect(await axe(officer)).toEqual([]);
    await officer.context().close();

    const admin = await signIn('Sara, administratör', 'Region Gävleborg');
    await admin.getByRole('heading', { name: 'Administratör' }).waitFor();
    // the admin actions that exist (issue 19): the region's processes, one described, a reset with
    // its reason, and the audit log that records it
    const firstProcess = admin.getByRole('table', { name: 'Processer, de senast startade först' }).getByRole('button').first();
    await visible(firstProcess);
    const workflowId = (await firstProcess.textContent())!;
    await firstProcess.click();
    await visible(admin.getByRole('heading', { name: workflowId }));
    await admin.getByRole('button', { name: 'Återställ till senaste arbetsuppgift' }).click();
    await visible(admin.getByRole('alert').filter({ hasText: 'Ange ett skäl' }));
    await admin.getByLabel('Skäl (loggas)').fill('test: återställning från arbetsytan');
    await admin.getByRole('button', { name: 'Återställ till senaste arbetsuppgift' }).click();
    await hasText(admin.locator('#adm-message'), 'registrerat i loggen');
    await visible(admin.getByText(`Återställd ${workflowId} av`));
    expect(await axe(admin)).toEqual([]);
    await admin.context().close();
  }, 60_000);
  it('hemsjukvård and enstaka hembesök: the health centre starts an enrollment and orders a visit through their forms; the municipality acknowledges from its inbox and accepts the order', async () => {
    const healthCentre = await signIn('Karin, distriktssköterska', 'Vårdcentralen Brynäs');
    const municipality = await signIn('Anna, biståndshandläggare', 'Gävle kommun');

    // Beställ enstaka hembesök: the shared schema refuses a mistyped personnummer and an end before the start, in Swedish at their fields
    await healthCentre.getByRole('link', { name: 'Beställ enstaka hembesök' }).click();
    await healthCentre.getByRole('heading', { name: 'Beställ enstaka hembesök' }).waitFor();
    expect(await axe(healthCentre)).toEqual([]);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    await healthCentre.getByLabel('Personnummer', { exact: true }).fill('19121212-1213');
    await healthCentre.getByLabel('Folkbokföringskommun (kommunkod)').fill('2180');
    await healthCentre.getByLabel('Ordinerade insatser (en per rad)').fill('Såromläggning\nBlodprov');
    await healthCentre.getByLabel('Startdatum').fill(today);
    await healthCentre.getByLabel('Slutdatum').fill(yesterday);
    await healthCentre.getByRole('button', { name: 'Skicka beställningen' }).click();
    await hasText(healthCentre.locator('#f-value-err'), /^Kontrollsiffran \(sista siffran\) i personnumret stämmer inte/);
    await hasText(healthCentre.locator('#f-endDate-err'), 'Slutdatumet kan inte ligga före startdatumet.');
    await attribute(healthCentre.getByLabel('Slutdatum'), 'aria-invalid', 'true');
    await healthCentre.getByLabel('Personnummer', { exact: true }).fill('19121212-1212');
    await healthCentre.getByLabel('Slutdatum').fill(inAWeek);
    await healthCentre.getByRole('button', { name: 'Skicka beställningen' }).click();
    await healthCentre.getByRole('heading', { name: /^Enstaka hembesök / }).waitFor();
    const orderId = decodeURIComponent(healthCentre.url().split('/').pop()!);
    await hasText(healthCentre.locator('.status-line'), 'Status: Beställd – väntar på svar');
    await hasText(healthCentre.getByRole('main'), 'Ordinerade insatser: Såromläggning, Blodprov');
    expect(await axe(healthCentre)).toEqual([]);
    // the health centre's actions: it may cancel; accepting is the municipality's (not offered)
    await visible(healthCentre.locator('summary', { hasText: 'Återkalla beställningen' }));
    await count(healthCentre.getByRole('button', { name: 'Acceptera uppdraget' }), 0);

    // Ny inskrivning i hemsjukvård: consent is required (the schema's literal), then the kallelse from the enrollment's actions
    await healthCentre.getByRole('link', { name: 'Ny inskrivning i hemsjukvård' }).click();
    await healthCentre.getByRole('heading', { name: 'Ny inskrivning i hemsjukvård' }).waitFor();
    expect(await axe(healthCentre)).toEqual([]);
    await healthCentre.getByLabel('Personnummer', { exact: true }).fill('19121212-1212');
    await healthCentre.getByLabel('Folkbokföringskommun (kommunkod)').fill('2180');
    expect(await healthCentre.getByLabel('Vårdcentral där patienten är listad (HSA-id)').inputValue()).toBe(HEALTH_CENTRE);
    await healthCentre.getByRole('button', { name: 'Starta samordnad planering' }).click();
    await hasText(healthCentre.locator('#f-consent-err'), 'Planeringen startar bara med patientens samtycke.');
    await healthCentre.getByLabel('Patienten samtycker till samordnad planering').check();
    await healthCentre.getByRole('button', { name: 'Starta samordnad planering' }).click();
    await healthCentre.getByRole('heading', { name: /^Hemsjukvård / }).waitFor();
    const enrollmentId = decodeURIComponent(healthCentre.url().split('/').pop()!);
    await hasText(healthCentre.locator('.status-line'), 'Status: Samordnad planering pågår');
    // a refused action says why, in the sentence of its 409 (the domain's rule through allowed-actions)
    const meeting = healthCentre.getByRole('button', { name: 'Registrera genomförd samordnad planering' });
    expect(await meeting.isDisabled()).toBe(true);
    expect(await textOf(healthCentre.locator('#act-recordPlanningMeeting--why'))).toBe('Inget planeringsmöte är bokat: skicka en kallelse först.');
    const pc = ctx.api.as({ role: 'primaryCareStaff', organisation: HEALTH_CENTRE, region: 'gavleborg', userId: 'dsk-karin' });
    const refused = await pc.post(`/api/home-care/enrollments/${enrollmentId}/planning-meetings`, {});
    expect(refused.status).toBe(409);
    const allowed = await pc.get(`/api/home-care/enrollments/${enrollmentId}/allowed-actions`);
    expect(allowed.body.actions.find((a: { type: string }) => a.type === 'recordPlanningMeeting')).toEqual({
      type: 'recordPlanningMeeting', path: 'planning-meetings', sv: 'samordnad planering genomförd', allowed: false, refusal: { code: refused.body.error.code, message: refused.body.error.message },
    });
    const invitation = await openAction(healthCentre, 'Skicka kallelse till samordnad planering');
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    await invitation.getByLabel('Mötestid').fill(`${tomorrow}T10:00`);
    await invitation.getByRole('button').click();
    await hasText(healthCentre.getByRole('status'), 'Skicka kallelse till samordnad planering: registrerat.');
    await visible(healthCentre.getByRole('cell', { name: 'Kallelse skickad' }));
    expect(await axe(healthCentre)).toEqual([]);
    await healthCentre.screenshot({ path: join(SHOTS, 'hemsjukvard.png'), fullPage: true });

    // the municipality: both arrive in its inbox without a reload and are acknowledged there
    for (const [type, id, label] of [['hembesok', orderId, 'Kvittera beställning av enstaka hembesök'], ['hemsjukvard', enrollmentId, 'Kvittera kallelse till samordnad planering']] as const) {
      const item = inbox(municipality).getByRole('listitem').filter({ has: municipality.locator(`a[href="#/${type}/${id}"]`) });
      await count(item, 1, 15_000);
      await hasText(item, /kvitteras senast \p{L}+dag \d+ \p{L}+/u);
      await item.getByRole('button', { name: label }).click();
      await count(item, 0);
    }
    // the order still waits for its answer (Kallelser att besvara): open it, the accept is the action its state allows
    const toAnswer = municipality.getByRole('list', { name: 'Kallelser' }).getByRole('listitem').filter({ has: municipality.locator(`a[href="#/hembesok/${orderId}"]`) });
    await count(toAnswer, 1, 15_000);
    await toAnswer.getByRole('link', { name: 'Öppna' }).click();
    await municipality.getByRole('heading', { name: /^Enstaka hembesök / }).waitFor();
    const report = municipality.getByRole('button', { name: 'Återkoppla utfört hembesök' });
    await eventually(async () => expect(await report.isDisabled()).toBe(true));
    await hasText(municipality.locator('#act-reportVisit--why'), 'Kommunen har inte accepterat beställningen.');
    expect(await axe(municipality)).toEqual([]);
    await municipality.getByRole('button', { name: 'Acceptera uppdraget' }).click();
    await hasText(municipality.locator('.status-line'), 'Status: Accepterad');
    await visible(municipality.getByRole('cell', { name: 'Uppdraget accepterat' }));
    await visible(municipality.locator('summary', { hasText: 'Återkoppla utfört hembesök' }));
    await municipality.screenshot({ path: join(SHOTS, 'hembesok.png'), fullPage: true });
    // the visit reported back: only the ordered interventions are offered, each checked, with the day's date
    const visit = await openAction(municipality, 'Återkoppla utfört hembesök');
    expect(await visit.getByRole('checkbox').count()).toBe(2);
    expect(await axe(municipality)).toEqual([]);
    await visit.getByRole('checkbox', { name: 'Blodprov' }).uncheck();
    await visit.getByRole('button').click();
    await visible(municipality.getByRole('cell', { name: 'Utfört hembesök återkopplat' }));
    expect((await pc.get(`/api/home-visits/${orderId}`)).body.visits).toEqual([expect.objectContaining({ performedOn: today, interventions: ['Såromläggning'] })]);

    const order = await pc.get(`/api/home-visits/${orderId}`);
    expect(order.body.status).toBe('accepted');
    expect(order.body.interventions).toEqual(['Såromläggning', 'Blodprov']);
    const enrollment = await pc.get(`/api/home-care/enrollments/${enrollmentId}`);
    expect(enrollment.body.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['planningStarted', 'sendInvitation', 'acknowledge']));
    for (const p of [healthCentre, municipality]) expect((p as Page & { errors: string[] }).errors).toEqual([]);
    await Promise.all([healthCentre, municipality].map((p) => p.context().close()));
  }, 120_000);

  it('the personnummer on the episode page for the ward, its read in the access log; not for the coordinator', async () => {
    const start = await ward().post('/api/episodes', {
      region: 'gavleborg', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '2180', inpatientUnit: WARD, primaryCareUnit: HEALTH_CENTRE,
    });
    expect(start.status).toBe(201);
    const episodeId = start.body.episodeId as string;

    const nurse = await signIn('Lisa, sjuksköterska', 'Avdelning 7, Gävle sjukhus');
    await nurse.goto(`${ctx.h.baseUrl}/#/vardtillfalle/${episodeId}`);
    await hasText(nurse.locator('.patient'), 'Patient: Personnummer 19121212-1212');
    expect(await axe(nurse)).toEqual([]);
    const auditor = ctx.api.as({ role: 'auditor', organisation: 'region-gavleborg-audit', region: 'gavleborg', userId: 'granskare-1' });
    const reads = await auditor.get(`/api/audit/access-log?processId=${episodeId}&userId=ssk-lisa`);
    expect(reads.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ endpoint: 'GET /api/episodes/:episodeId/patient', outcome: 'granted', role: 'inpatientStaff', patientRefs: [expect.any(String)] })]));

    const coordinator = await signIn('Per, samordnare', 'Samordning Gävleborg');
    await coordinator.goto(`${ctx.h.baseUrl}/#/vardtillfalle/${episodeId}`);
    await visible(coordinator.getByRole('heading', { name: /^Vårdtillfälle / }));
    await visible(coordinator.getByRole('heading', { name: 'Parter' }));
    await count(coordinator.locator('.patient'), 0);
    expect(await coordinator.content()).not.toContain('19121212');
    // the coordinator's browser never asked: no read of the identity, granted or refused, by the coordinator
    const byCoordinator = await auditor.get(`/api/audit/access-log?processId=${episodeId}&userId=samordnare-per`);
    expect(byCoordinator.body.entries.map((e: { endpoint: string }) => e.endpoint)).not.toContain('GET /api/episodes/:episodeId/patient');
    // and the API refuses it
    const asCoordinator = await ctx.api.as({ role: 'coordinator', organisation: COORDINATION, region: 'gavleborg', userId: 'samordnare-per' }).get(`/api/episodes/${episodeId}/patient`);
    expect(asCoordinator.status).toBe(403);
    expect(asCoordinator.body.error.code).toBe('ROLE_NOT_PERMITTED');
    await Promise.all([nurse, coordinator].map((p) => p.context().close()));
  }, 60_000);

  it('the inbox pages and filters as the API does: a kommun, a page size, the next page', async () => {
    // six admission notices for Sandviken's residents (2181), listed at the health centre
    for (let i = 0; i < 6; i++) {
      const start = await ward().post('/api/episodes', {
        region: 'gavleborg', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '2181', inpatientUnit: WARD, primaryCareUnit: HEALTH_CENTRE,
      });
      expect((await ward().post(`/api/episodes/${start.body.episodeId}/admission-notice`, { expectedReadyDate: new Date(Date.now() + (3 + i) * 86_400_000).toISOString().slice(0, 10) })).status).toBe(200);
    }
    const healthCentre = await signIn('Karin, distriktssköterska', 'Vårdcentralen Brynäs');
    const rows = inbox(healthCentre).getByRole('listitem').filter({ hasText: 'Sandviken' });
    await healthCentre.getByLabel('Kommun (kommunkod)').fill('2181');
    await count(rows, 6, 20_000);
    await count(inbox(healthCentre).getByRole('listitem'), 6); // only Sandviken's
    await healthCentre.getByLabel('Antal per sida').selectOption('5');
    await count(rows, 5);
    expect(await axe(healthCentre)).toEqual([]);
    await healthCentre.getByRole('button', { name: 'Visa fler att kvittera' }).click();
    await count(rows, 6);
    await count(healthCentre.getByRole('button', { name: 'Visa fler att kvittera' }), 0);
    // another process: none of them
    await healthCentre.getByLabel('Process').selectOption('homeHealthCare');
    await visible(healthCentre.getByText('Inget att kvittera.'));
    await healthCentre.getByLabel('Process').selectOption('discharge');
    await count(rows, 5);
    // due by yesterday: none (every deadline is ahead)
    const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    await healthCentre.getByLabel('Förfaller senast').fill(yesterday);
    await visible(healthCentre.getByText('Inget att kvittera.'));
    await healthCentre.context().close();
  }, 90_000);
});
