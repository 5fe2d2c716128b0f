/**
 * No patient data in clear outside the service (docs/domain.md §2 and §10, issue 7 "Patient data
 * protection"): the real service, driven through its API with a personnummer, staff names and
 * free text, leaves none of them readable in workflow histories as the Temporal server stores
 * them, in workflow ids or search attributes, in its logs (at debug level) or in its metrics —
 * neither the test's own values nor any other personnummer-shaped string.
 *
 * The control: decoded with the service's payload codec, the same histories do hold the data —
 * so the scan looks in the right places, and the codec is what protects them.
 */
import { autoAuth, authHeader, rememberStart } from '../helpers/auth';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { dataConverter } from '../../src/temporal/codec';
import { RealStack } from '../helpers/real-service';
import { parsePersonnummer } from '../../src/domain/identifiers';

jest.setTimeout(240_000);

const PERSONNUMMER = '19121212-1212';
/** every form a personnummer could leak in */
const PERSONNUMMER_FORMS = ['19121212-1212', '191212121212', '121212-1212', '1212121212'];
const CONTACT = 'Distriktssköterska Ingegerd Fjällström';
const DOCTOR = 'Doktor Ragnvald Åkerlund';
const FREE_TEXT = 'Patienten Sixten Granqvist har svårt att svälja';
const SECRETS = [...PERSONNUMMER_FORMS, 'Fjällström', 'Åkerlund', 'Granqvist'];
const PRIMARY_CARE = 'SE2321000115-VC12';

let stack: RealStack;

async function post(path: string, body: unknown): Promise<any> {
  const r = await fetch(`${stack.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': randomUUID(), ...(await autoAuth('POST', path, body)) },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  rememberStart('POST', path, body, r.status, json);
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Every string in a value, with byte arrays read as UTF-8 text (payload data is bytes). */
function texts(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 60 || v === null || v === undefined) return out;
  if (typeof v === 'string') out.push(v);
  else if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'), Buffer.from(v).toString('latin1'));
  else if (Array.isArray(v)) v.forEach((x) => texts(x, out, depth + 1));
  else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(k); texts(x, out, depth + 1); }
  else out.push(String(v));
  return out;
}

const found = (haystack: string[]) => SECRETS.filter((s) => haystack.some((h) => h.includes(s)));

/**
 * Every personnummer-shaped string, whoever's: YYMMDD-NNNN / YYMMDD+NNNN, or YYYYMMDD(-)NNNN of
 * the 19th–21st century, standing alone (not inside a longer run of letters, digits or '-', so
 * the digits of a UUID are not one), that the domain's own parser takes as a personnummer or
 * samordningsnummer: a real date of birth and a right check digit.
 */
const SHAPED = /(?<![0-9A-Za-z-])(?:(?:18|19|20)\d{6}[-+]?|\d{6}[-+])\d{4}(?![0-9A-Za-z-])/g;
const personnummerShaped = (haystack: string[]) =>
  [...new Set(haystack.flatMap((h) => [...h.matchAll(SHAPED)].map((m) => m[0])))].filter((c) => parsePersonnummer(c).ok);

async function everyWorkflow(client: Client) {
  const all = [];
  for await (const w of client.workflow.list()) all.push(w);
  return all;
}

beforeAll(async () => {
  stack = await RealStack.start({ logLevel: 'debug' });
  const ep = await post('/api/episodes', { region: 'gavleborg', patient: { kind: 'personnummer', value: PERSONNUMMER }, residenceMunicipality: '2180', inpatientUnit: 'SE2321000115-AVD7', primaryCareUnit: PRIMARY_CARE, homeHealthCare: 'planned' });
  const id = ep.episodeId;
  await post(`/api/episodes/${id}/admission-notice`, { expectedReadyDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10) });
  await post(`/api/episodes/${id}/named-care-contact`, { party: { kind: 'primaryCare', id: PRIMARY_CARE }, contact: CONTACT });
  await post(`/api/episodes/${id}/named-doctor`, { doctor: DOCTOR, unit: PRIMARY_CARE });
  await post(`/api/episodes/${id}/deviations`, { responsible: { kind: 'municipality', id: '2180' }, description: FREE_TEXT });
  const en = await post('/api/home-care/enrollments', { region: 'gavleborg', patient: { kind: 'personnummer', value: PERSONNUMMER }, residenceMunicipality: '2180', primaryCareUnit: PRIMARY_CARE, consent: 'given' });
  await post(`/api/home-care/enrollments/${en.enrollmentId}/named-care-contact`, { contact: CONTACT });
  await post(`/api/home-care/enrollments/${en.enrollmentId}/messages`, { sender: { kind: 'primaryCare', id: PRIMARY_CARE }, text: FREE_TEXT });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

test('histories as stored, workflow ids, search attributes, logs and metrics hold no personnummer, name or free text', async () => {
  const { client, close } = await stack.client({ raw: true });
  try {
    const workflows = await everyWorkflow(client);
    expect(workflows.length).toBeGreaterThanOrEqual(2);
    const stored: string[] = [];
    for (const w of workflows) {
      stored.push(w.workflowId, ...texts(w.searchAttributes), ...texts(w.memo));
      stored.push(...texts(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()));
    }
    expect(found(stored)).toEqual([]);
    expect(personnummerShaped(stored)).toEqual([]);
  } finally {
    await close();
  }
  expect(found([stack.serviceLog()])).toEqual([]);
  expect(personnummerShaped([stack.serviceLog()])).toEqual([]);
  expect(stack.serviceLog().length).toBeGreaterThan(0); // debug logs were written and scanned
  const metrics = await (await fetch(`${stack.base}/metrics`, { headers: await authHeader({ role: 'administrator', organisation: 'region-gavleborg-it', region: 'gavleborg' }) })).text();
  expect(metrics).toMatch(/http_request/);
  expect(found([metrics])).toEqual([]);
  expect(personnummerShaped([metrics])).toEqual([]);
});

test('control: decoded with the service’s codec, the histories do hold them', async () => {
  const { client, close } = await stack.client({ raw: true });
  try {
    const decoded: string[] = [];
    for (const w of await everyWorkflow(client)) {
      const h = client.workflow.getHandle(w.workflowId, w.runId);
      // the history's payloads as stored, decoded the way the Web UI's codec endpoint decodes them
      const history = await h.fetchHistory();
      const payloads: unknown[] = [];
      const collect = (v: unknown): void => {
        if (v && typeof v === 'object') {
          if ('data' in v && 'metadata' in v) payloads.push(v);
          else Object.values(v).forEach(collect);
        }
      };
      collect(history);
      for (const codec of dataConverter().payloadCodecs) decoded.push(...texts(await codec.decode(payloads as Payload[])));
    }
    expect(found(decoded)).toEqual(expect.arrayContaining(['19121212-1212', 'Fjällström', 'Granqvist']));
    // and the shape scan finds the number without being told which it is
    expect(personnummerShaped(decoded)).toContain('19121212-1212');
  } finally {
    await close();
  }
});
