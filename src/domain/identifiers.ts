/**
 * Identifiers the domain already has (docs/domain.md §2): personnummer, samordningsnummer,
 * reservnummer, HSA-id and kommunkod.
 *
 * Pure: no I/O. The only clock read is the default `today = new Date()` of the personnummer
 * functions; callers that need determinism (workflows, tests) pass `today`. "Today" is the
 * calendar date in Europe/Stockholm.
 *
 * Every error is one English sentence a nurse can act on; it never echoes a whole
 * personnummer (only the date part when the date is the problem), so an error that ends up in
 * a log does not leak the identity (docs/domain.md §2, "must not appear ... in logs ... in clear").
 *
 * Personnummer rules (Skatteverket, SKV 704):
 * - accepted forms: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN, YYMMDD+NNNN;
 *   surrounding whitespace is ignored; normalised to YYYYMMDD-NNNN.
 * - 10-digit form with '-' or no separator: the century giving the most recent real date that
 *   is not after today. With '+': the most recent real date on which the person is already
 *   100 or older today.
 * - check digit: Luhn over YYMMDDNNN (weights 2,1,2,1,...), see `luhnCheckDigit`.
 * - day 61–91 is a samordningsnummer (coordination number): birth day = day − 60.
 * - the date must be real (leap years), from 1800 on, and not in the future.
 */
import { createHmac } from 'node:crypto';
import { ageOn, daysInMonth, localDateOf } from './local-date';
import { municipality } from './reference/municipalities';
import { z } from 'zod';

export type PatientIdKind = 'personnummer' | 'samordningsnummer' | 'reservnummer';
export const PATIENT_ID_KINDS: readonly PatientIdKind[] = Object.freeze([
  'personnummer',
  'samordningsnummer',
  'reservnummer',
]);

/** A validated patient identifier; `value` is normalised (YYYYMMDD-NNNN, or the trimmed reservnummer). */
export interface PatientIdentifier {
  kind: PatientIdKind;
  value: string;
}

/** `error` is one clear English sentence a nurse understands. */
export type IdResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ParsedPersonnummer {
  /** YYYYMMDD-NNNN (a samordningsnummer keeps its day + 60) */
  normalised: string;
  /** YYYY-MM-DD, the real date of birth (for a samordningsnummer: day − 60) */
  birthDate: string;
  kind: 'personnummer' | 'samordningsnummer';
}

const RESERVNUMMER_MAX_LENGTH = 20;
const EARLIEST_BIRTH_YEAR = 1800;
const SAMORDNING_DAY_OFFSET = 60;

const ok = <T>(value: T): IdResult<T> => ({ ok: true, value });
const fail = <T>(error: string): IdResult<T> => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------
// Luhn
// ---------------------------------------------------------------------------------------------

/**
 * The Luhn check digit of the nine digits YYMMDDNNN: weights 2,1,2,1,... from the left, the
 * digits of each product summed, check digit = (10 − sum mod 10) mod 10.
 * Throws RangeError unless given exactly nine digits (a programming error, not user input).
 */
export function luhnCheckDigit(nineDigits: string): number {
  if (!/^\d{9}$/.test(nineDigits)) {
    throw new RangeError('luhnCheckDigit needs exactly nine digits (YYMMDDNNN)');
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function isRealDate({ y, m, d }: Ymd): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Lexical comparison of (y, m, d) triples; works for non-existent dates too. */
function compareYmd(a: Ymd, b: Ymd): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const formatYmd = ({ y, m, d }: Ymd): string => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

const ymdOf = (date: string): Ymd => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { y, m, d };
};

/** The calendar date in Stockholm of `today`. */
function stockholmToday(today: Date): string {
  if (!(today instanceof Date) || Number.isNaN(today.getTime())) {
    throw new RangeError('today must be a valid Date');
  }
  return localDateOf(today);
}

/**
 * The year for a two-digit year `yy` such that (year, m, d) is the most recent real date not
 * after `ref`; undefined if no century gives a real date (e.g. 31 April).
 */
function resolveCentury(yy: number, m: number, d: number, ref: Ymd): number | undefined {
  let year = Math.floor(ref.y / 100) * 100 + yy;
  if (compareYmd({ y: year, m, d }, ref) > 0) year -= 100;
  // Only 29 February can be real in one century and not in the other (2000 vs 1900/2100).
  for (const candidate of [year, year - 100]) {
    if (isRealDate({ y: candidate, m, d })) return candidate;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Personnummer / samordningsnummer
// ---------------------------------------------------------------------------------------------

type NumberLabel = 'personnummer' | 'samordningsnummer';

/** `today` (an instant, or a Stockholm date 'YYYY-MM-DD') resolves the century and bounds the date of birth. */
function parseNumber(input: string, today: Date | string, label: NumberLabel, checkFuture = true): IdResult<ParsedPersonnummer> {
  if (typeof input !== 'string') return fail(`The ${label} is missing.`);
  const s = input.trim();
  if (s === '') return fail(`The ${label} is empty; enter it as YYYYMMDD-NNNN.`);
  if (/[^0-9+-]/.test(s)) {
    return fail(
      `The ${label} may only contain digits, with a '-' (or '+' for someone aged 100 or more) before the last four digits.`,
    );
  }
  const digits = s.replace(/[+-]/g, '');
  if (digits.length !== 10 && digits.length !== 12) {
    return fail(
      `The ${label} has the wrong length: it must have 10 or 12 digits (YYMMDD-NNNN or YYYYMMDD-NNNN), not ${digits.length}.`,
    );
  }
  const separators = s.length - digits.length;
  const separator = separators === 1 ? s[s.length - 5] : undefined;
  if (separators > 1 || (separators === 1 && separator !== '-' && separator !== '+')) {
    return fail(`The ${label} has the wrong format: only one '-' or '+' is allowed, just before the last four digits.`);
  }
  if (separator === '+' && digits.length === 12) {
    return fail(`The ${label} has the wrong format: '+' is only used in the 10-digit form YYMMDD+NNNN; with the full year write YYYYMMDD-NNNN.`);
  }

  const datePart = digits.slice(0, digits.length - 4);
  const serial = digits.slice(-4);
  const m = Number(datePart.slice(-4, -2));
  const rawDay = Number(datePart.slice(-2));
  const kind: NumberLabel = rawDay > SAMORDNING_DAY_OFFSET ? 'samordningsnummer' : 'personnummer';
  const d = kind === 'samordningsnummer' ? rawDay - SAMORDNING_DAY_OFFSET : rawDay;
  const dateLabel = kind === 'samordningsnummer' ? 'samordningsnummer' : label;
  const samordningHint = kind === 'samordningsnummer' ? ' (in a samordningsnummer the day is the day of birth plus 60)' : '';
  const invalidDate = fail<ParsedPersonnummer>(
    `The date part ${datePart} of the ${dateLabel} is not a real date${samordningHint}.`,
  );

  const todayYmd = ymdOf(typeof today === 'string' ? today : stockholmToday(today));
  let y: number;
  if (digits.length === 12) {
    y = Number(datePart.slice(0, 4));
    if (y < EARLIEST_BIRTH_YEAR || !isRealDate({ y, m, d })) return invalidDate;
  } else {
    const yy = Number(datePart.slice(0, 2));
    // '+': the person is 100 or older today, so the date is not after today minus 100 years.
    const ref = separator === '+' ? { y: todayYmd.y - 100, m: todayYmd.m, d: todayYmd.d } : todayYmd;
    const resolved = resolveCentury(yy, m, d, ref);
    if (resolved === undefined) return invalidDate;
    y = resolved;
  }

  const tenDigits = digits.slice(-10);
  if (luhnCheckDigit(tenDigits.slice(0, 9)) !== Number(tenDigits[9])) {
    return fail(
      `The check digit (the last digit) of the ${dateLabel} is wrong, so a digit has probably been mistyped; check the number again.`,
    );
  }

  const birth: Ymd = { y, m, d };
  if (checkFuture && compareYmd(birth, todayYmd) > 0) {
    return fail(`The date of birth ${formatYmd(birth)} in the ${dateLabel} is in the future.`);
  }

  return ok({
    normalised: `${pad(y, 4)}${datePart.slice(-4)}-${serial}`,
    birthDate: formatYmd(birth),
    kind,
  });
}

/**
 * Parses a personnummer or samordningsnummer in any of the accepted forms (see the module
 * comment) and normalises it to YYYYMMDD-NNNN. `today` (default now) resolves the century of the
 * 10-digit forms and bounds the date of birth.
 */
export function parsePersonnummer(input: string, today: Date = new Date()): IdResult<ParsedPersonnummer> {
  return parseNumber(input, today, 'personnummer');
}

function validateReservnummer(value: string): IdResult<PatientIdentifier> {
  const v = value.trim();
  if (v === '') return fail('The reservnummer is empty.');
  if (v.length > RESERVNUMMER_MAX_LENGTH) {
    return fail(`The reservnummer is too long: it may have at most ${RESERVNUMMER_MAX_LENGTH} characters.`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(v)) {
    return fail("The reservnummer may only contain the letters A–Z, digits and '-'.");
  }
  return ok({ kind: 'reservnummer', value: v });
}

/**
 * Validates a patient identifier of an explicit kind and returns it normalised. A reservnummer
 * is never parsed as a personnummer (even when it looks like one); a personnummer given as
 * kind 'samordningsnummer', or the other way round, is rejected saying which it is.
 */
export function validatePatientIdentifier(
  id: { kind: PatientIdKind; value: string },
  today: Date = new Date(),
): IdResult<PatientIdentifier> {
  if (id === null || typeof id !== 'object') return fail('The patient identifier is missing.');
  const { kind, value } = id;
  if (!PATIENT_ID_KINDS.includes(kind)) {
    return fail('The kind of patient identifier must be personnummer, samordningsnummer or reservnummer.');
  }
  if (typeof value !== 'string') return fail(`The ${kind} is missing.`);
  if (kind === 'reservnummer') return validateReservnummer(value);

  const parsed = parseNumber(value, today, kind);
  if (!parsed.ok) return parsed;
  if (parsed.value.kind !== kind) {
    return fail(
      parsed.value.kind === 'samordningsnummer'
        ? 'This is a samordningsnummer (the day of birth plus 60), not a personnummer; register it with the kind samordningsnummer.'
        : 'This is a personnummer, not a samordningsnummer (whose day of birth is plus 60); register it with the kind personnummer.',
    );
  }
  return ok({ kind, value: parsed.value.normalised });
}

/**
 * The patient's age in whole years on `on` (YYYY-MM-DD): undefined for a reservnummer (no date
 * of birth) and for a date before the birth. Someone born on 29 February gets one year older
 * on 1 March in non-leap years. Throws RangeError for a malformed `on` or an identifier whose
 * value is not a valid personnummer/samordningsnummer (validate it first).
 */
export function patientAge(id: PatientIdentifier, on: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  const onYmd: Ymd | undefined = match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : undefined;
  if (!onYmd || !isRealDate(onYmd)) throw new RangeError('patientAge: `on` must be a real date YYYY-MM-DD');
  if (id.kind === 'reservnummer') return undefined;

  // A normalised (12-digit) value needs no century resolution; a 10-digit one is resolved
  // relative to `on` (no clock read). The future check is replaced by ageOn's.
  const parsed = parseNumber(id.value, on, id.kind, false);
  if (!parsed.ok) throw new RangeError(`patientAge: the identifier is not valid: ${parsed.error}`);
  return ageOn(parsed.value.birthDate, on);
}

/**
 * A pseudonymous reference for ledgers and indicators: never reversible to the personnummer
 * without the key. HMAC-SHA256 over `kind:value` (value normalised, so every accepted spelling
 * of one number gives the same reference), hex, first 32 characters, prefixed 'p_'.
 *
 * Personnummer are few and guessable, so the key is what protects them: it must be a secret
 * (at least 32 random bytes recommended), kept out of source, logs and the database.
 */
export function pseudonymousPatientRef(id: PatientIdentifier, key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new RangeError('pseudonymousPatientRef needs a non-empty secret key');
  }
  const digest = createHmac('sha256', key).update(`${id.kind}:${id.value}`, 'utf8').digest('hex');
  return `p_${digest.slice(0, 32)}`;
}

// ---------------------------------------------------------------------------------------------
// HSA-id and kommunkod
// ---------------------------------------------------------------------------------------------

const HSA_ID = /^SE\d{10}-[A-Za-z0-9]{1,31}$/;
const KOMMUNKOD = /^\d{4}$/;

/** HSA-id of a care unit, e.g. SE2321000115-XXXX: 'SE' + 10 digits + '-' + 1..31 of [A-Za-z0-9]. */
export function isValidHsaId(s: string): boolean {
  return typeof s === 'string' && HSA_ID.test(s);
}

/** An SCB kommunkod (4 digits, surrounding whitespace ignored) that is one of `known`. */
export function validateKommunkod(code: string, known: readonly string[]): IdResult<string> {
  const c = typeof code === 'string' ? code.trim() : '';
  if (!KOMMUNKOD.test(c)) return fail('The kommunkod must be exactly four digits, such as 1380 for Halmstad.');
  if (!known.includes(c)) return fail(`Kommunkod ${c} is not one of the municipalities of this region.`);
  return ok(c);
}

/**
 * A kommunkod of a municipality outside the region (a patient registered in another county):
 * 4 digits, county part (länskod, first two digits) 01..25, and not the region's own county.
 */
export function validateOutOfCountyKommunkod(code: string, regionCountyCode: string): IdResult<string> {
  const c = typeof code === 'string' ? code.trim() : '';
  if (!KOMMUNKOD.test(c)) return fail('The kommunkod must be exactly four digits, such as 0180 for Stockholm.');
  const county = Number(c.slice(0, 2));
  if (county < 1 || county > 25) {
    return fail(`Kommunkod ${c} does not exist: its first two digits (the county) must be between 01 and 25.`);
  }
  if (c.slice(0, 2) === regionCountyCode) {
    return fail(`Kommunkod ${c} is in this region's own county (${regionCountyCode}), so it is not a municipality in another county.`);
  }
  // SCB's list of the 290 municipalities (src/domain/reference/municipalities.ts)
  if (!municipality(c)) return fail(`Kommunkod ${c} is not one of Sweden's 290 municipalities (SCB's kommunkoder).`);
  return ok(c);
}

// ---------------------------------------------------------------------------------------------
// zod schemas (API validation: the error names the field)
// ---------------------------------------------------------------------------------------------

/**
 * { kind, value }: validated with `validatePatientIdentifier` (an error is reported on the path
 * `value`, or `kind`), and the output carries the normalised value.
 */
/**
 * The shapes the API accepts, for the OpenAPI document: 12 digits (YYYYMMDD-NNNN, '-' optional)
 * or 10 (YYMMDD-NNNN, '-' or '+'), the day plus 60 in a samordningsnummer. What a pattern cannot
 * say — a real date, not in the future, the check digit (Luhn) — is the format `personnummer` /
 * `samordningsnummer` (issue 17); `validatePatientIdentifier` checks all of it.
 */
const numberPattern = (day: string) =>
  `^ *(?:(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])${day}-?\\d{4}|\\d{2}(?:0[1-9]|1[0-2])${day}[-+]?\\d{4}) *$`;
const PERSONNUMMER_PATTERN = numberPattern('(?:0[1-9]|[12]\\d|3[01])');
const SAMORDNINGSNUMMER_PATTERN = numberPattern('(?:6[1-9]|[78]\\d|9[01])');
const RESERVNUMMER_PATTERN = `^ *[A-Za-z0-9-]{1,${RESERVNUMMER_MAX_LENGTH}} *$`;

const identifierOf = <K extends PatientIdKind>(kind: K, value: Record<string, unknown>) =>
  z.object({ kind: z.literal(kind), value: z.string().meta(value) });

export const PatientIdentifierSchema: z.ZodType<PatientIdentifier, { kind: PatientIdKind; value: string }> = z
  .discriminatedUnion('kind', [
    identifierOf('personnummer', { pattern: PERSONNUMMER_PATTERN, format: 'personnummer', example: '19121212-1212', description: 'a real date of birth, not in the future, with a correct check digit' }),
    identifierOf('samordningsnummer', { pattern: SAMORDNINGSNUMMER_PATTERN, format: 'samordningsnummer', description: 'the day of birth plus 60; a real date, with a correct check digit' }),
    identifierOf('reservnummer', { pattern: RESERVNUMMER_PATTERN }),
  ], { error: 'The kind of patient identifier must be personnummer, samordningsnummer or reservnummer.' })
  .superRefine((id, ctx) => {
    // spaces around the number, as it is often pasted, are allowed by the document's pattern and trimmed
    const result = validatePatientIdentifier(id);
    if (!result.ok) ctx.addIssue({ code: 'custom', path: ['value'], message: result.error });
  })
  .transform((id): PatientIdentifier => {
    const result = validatePatientIdentifier(id);
    // superRefine has already rejected invalid input; the fallback is unreachable.
    return result.ok ? result.value : id;
  })
  .meta({ id: 'PatientIdentifier', description: 'personnummer, samordningsnummer or reservnummer' });

export const HsaIdSchema = z
  .string()
  .regex(HSA_ID, { message: "must be an HSA-id: 'SE', 10 digits, '-' and 1–31 letters or digits, e.g. SE2321000115-XXXX" });

/** Format only (4 digits); whether the municipality belongs to a region is `validateKommunkod`. */
export const KommunkodFormatSchema = z.string().regex(KOMMUNKOD, 'must be a 4-digit SCB kommunkod');
