import fc from 'fast-check';
import {
  HsaIdSchema,
  KommunkodFormatSchema,
  PatientIdentifierSchema,
  isValidHsaId,
  luhnCheckDigit,
  parsePersonnummer,
  patientAge,
  pseudonymousPatientRef,
  validateKommunkod,
  validateOutOfCountyKommunkod,
  validatePatientIdentifier,
  type IdResult,
} from '../../src/domain/identifiers';
import { DEFAULT_REGIONS } from '../../src/domain/regions';

/** 2025-06-15 at 14:00 in Stockholm (CEST, UTC+2). */
const TODAY = new Date('2025-06-15T12:00:00Z');

function value<T>(r: IdResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.error}`);
  return r.value;
}
function error<T>(r: IdResult<T>): string {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

/*
 * Hand-computed Luhn check digits (weights 2,1,2,1,... over YYMMDDNNN; a product ≥ 10 counts as
 * the sum of its digits; check = (10 − sum mod 10) mod 10):
 *
 * 19121212-1212 (Skatteverket's classic test number): 1 2 1 2 1 2 1 2 1
 *   → 2,2,2,2,2,2,2,2,2 = 18 → check 2.
 * 811228-9874: 8 1 1 2 2 8 9 8 7 → 16→7, 1, 2, 2, 4, 8, 18→9, 8, 14→5 = 46 → check 4.
 * Samordningsnummer for someone born 1970-10-03: day 03 + 60 = 63, serial 238:
 *   7 0 1 0 6 3 2 3 8 → 14→5, 0, 2, 0, 12→3, 3, 4, 3, 16→7 = 27 → check 3 → 701063-2383.
 *   (Skatteverket's own example 701063-2391: last product 9·2=18→9, sum 29 → check 1.)
 * 20000229-1235 (leap day): 0 0 0 2 2 9 1 2 3 → 0, 0, 0, 2, 4, 9, 2, 2, 6 = 25 → check 5.
 * 20301212-1236 (future): 3 0 1 2 1 2 1 2 3 → 6, 0, 2, 2, 2, 2, 2, 2, 6 = 24 → check 6.
 * 20250615-1238 (born "today"): 2 5 0 6 1 5 1 2 3 → 4, 5, 0, 6, 2, 5, 2, 2, 6 = 32 → check 8.
 */
describe('luhnCheckDigit', () => {
  it.each([
    ['121212121', 2],
    ['811228987', 4],
    ['701063238', 3],
    ['701063239', 1],
    ['000229123', 5],
    ['301212123', 6],
    ['250615123', 8],
  ])('%s → %i', (nine, digit) => {
    expect(luhnCheckDigit(nine)).toBe(digit);
  });

  it('rejects anything but nine digits', () => {
    expect(() => luhnCheckDigit('12345678')).toThrow(RangeError);
    expect(() => luhnCheckDigit('12345678a')).toThrow(RangeError);
  });
});

describe('parsePersonnummer: valid numbers', () => {
  it.each([
    ['19121212-1212', '19121212-1212', '1912-12-12'],
    ['191212121212', '19121212-1212', '1912-12-12'],
    ['  19121212-1212 ', '19121212-1212', '1912-12-12'],
    ['811228-9874', '19811228-9874', '1981-12-28'],
    ['8112289874', '19811228-9874', '1981-12-28'],
    ['19811228-9874', '19811228-9874', '1981-12-28'],
  ])('%s → %s', (input, normalised, birthDate) => {
    expect(value(parsePersonnummer(input, TODAY))).toEqual({ normalised, birthDate, kind: 'personnummer' });
  });

  it('recognises a samordningsnummer (day + 60) and gives the real date of birth', () => {
    expect(value(parsePersonnummer('701063-2383', TODAY))).toEqual({
      normalised: '19701063-2383',
      birthDate: '1970-10-03',
      kind: 'samordningsnummer',
    });
    expect(value(parsePersonnummer('19701063-2391', TODAY)).kind).toBe('samordningsnummer');
  });

  it('defaults today to now', () => {
    expect(value(parsePersonnummer('19121212-1212')).normalised).toBe('19121212-1212');
  });
});

describe('parsePersonnummer: century of the 10-digit forms', () => {
  it("'-' or no separator: the most recent date not in the future", () => {
    expect(value(parsePersonnummer('121212-1212', TODAY)).normalised).toBe('20121212-1212');
    expect(value(parsePersonnummer('1212121212', TODAY)).normalised).toBe('20121212-1212');
    // born today → this century; born tomorrow's date → last century
    expect(value(parsePersonnummer('250615-1238', TODAY)).birthDate).toBe('2025-06-15');
    expect(value(parsePersonnummer('250615-1238', new Date('2025-06-14T12:00:00Z'))).birthDate).toBe('1925-06-15');
  });

  it("'+': the person is 100 or older", () => {
    expect(value(parsePersonnummer('121212+1212', TODAY))).toEqual({
      normalised: '19121212-1212',
      birthDate: '1912-12-12',
      kind: 'personnummer',
    });
    expect(value(parsePersonnummer('811228+9874', TODAY)).normalised).toBe('18811228-9874');
    // exactly 100 today → 1925; one day short of 100 in 1925 → 1825
    expect(value(parsePersonnummer('250615+1238', TODAY)).birthDate).toBe('1925-06-15');
    expect(value(parsePersonnummer('250615+1238', new Date('2025-06-14T12:00:00Z'))).birthDate).toBe('1825-06-15');
    const id = value(validatePatientIdentifier({ kind: 'personnummer', value: '121212+1212' }, TODAY));
    expect(patientAge(id, '2025-06-15')).toBeGreaterThanOrEqual(100);
  });

  it('"today" is the Stockholm calendar date', () => {
    // 22:30 UTC on 14 June is 00:30 on 15 June in Stockholm
    expect(value(parsePersonnummer('20250615-1238', new Date('2025-06-14T22:30:00Z'))).birthDate).toBe('2025-06-15');
    // 21:30 UTC is 23:30 on 14 June in Stockholm
    expect(error(parsePersonnummer('20250615-1238', new Date('2025-06-14T21:30:00Z')))).toMatch(/in the future/);
  });
});

describe('parsePersonnummer: leap days', () => {
  it('20000229 exists (2000 is a leap year)', () => {
    expect(value(parsePersonnummer('20000229-1235', TODAY)).birthDate).toBe('2000-02-29');
    expect(value(parsePersonnummer('000229-1235', TODAY)).birthDate).toBe('2000-02-29');
  });

  it('19000229 does not exist (1900 is not a leap year), although its check digit is right', () => {
    expect(error(parsePersonnummer('19000229-1235', TODAY))).toBe(
      'The date part 19000229 of the personnummer is not a real date.',
    );
  });

  it('29 February in a common year does not exist', () => {
    // 2023-02-29; check digit irrelevant, the date is checked first
    expect(error(parsePersonnummer('20230229-1234', TODAY))).toMatch(/not a real date/);
  });
});

describe('parsePersonnummer: errors', () => {
  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['19121212-12A2', /may only contain digits/],
    ['19121212 1212', /may only contain digits/],
    ['19121212-121', /wrong length.*not 11/],
    ['1912121212123', /wrong length.*not 13/],
    ['12121-21212', /wrong format/],
    ['19121212--1212', /wrong length|wrong format/],
    ['1912-12121212', /wrong format/],
    ['19121212+1212', /wrong format.*'\+' is only used in the 10-digit form/],
    ['19121312-1212', /date part 19121312 .* not a real date/],
    ['19120012-1212', /not a real date/],
    ['19121200-1212', /not a real date/],
    ['19120431-1212', /not a real date/],
    ['19121260-1212', /not a real date/],
    ['00121212-1212', /not a real date/],
    ['19121292-1212', /samordningsnummer is not a real date \(in a samordningsnummer the day is the day of birth plus 60\)/],
    ['20301212-1236', /date of birth 2030-12-12 .* is in the future/],
    ['19121212-1213', /check digit \(the last digit\) of the personnummer is wrong/],
    ['811228-9875', /check digit/],
    ['701063-2384', /check digit \(the last digit\) of the samordningsnummer is wrong/],
  ])('%j → %s', (input, message) => {
    expect(error(parsePersonnummer(input, TODAY))).toMatch(message);
  });

  it('messages are single sentences and do not echo the whole number', () => {
    for (const input of ['19121212-1213', '20301212-1236', '19121212-12A2', '19121212-121']) {
      const e = error(parsePersonnummer(input, TODAY));
      expect(e).toMatch(/^[A-Z].*\.$/);
      expect(e).not.toContain('1212-12');
      expect(e).not.toContain('12121212');
    }
  });
});

describe('validatePatientIdentifier', () => {
  it('normalises a personnummer and a samordningsnummer of the right kind', () => {
    expect(value(validatePatientIdentifier({ kind: 'personnummer', value: '811228-9874' }, TODAY))).toEqual({
      kind: 'personnummer',
      value: '19811228-9874',
    });
    expect(value(validatePatientIdentifier({ kind: 'samordningsnummer', value: '7010632383' }, TODAY))).toEqual({
      kind: 'samordningsnummer',
      value: '19701063-2383',
    });
  });

  it('rejects a samordningsnummer given as personnummer and vice versa, saying which it is', () => {
    expect(error(validatePatientIdentifier({ kind: 'personnummer', value: '701063-2383' }, TODAY))).toBe(
      'This is a samordningsnummer (the day of birth plus 60), not a personnummer; register it with the kind samordningsnummer.',
    );
    expect(error(validatePatientIdentifier({ kind: 'samordningsnummer', value: '19121212-1212' }, TODAY))).toBe(
      'This is a personnummer, not a samordningsnummer (whose day of birth is plus 60); register it with the kind personnummer.',
    );
  });

  it("names the caller's kind in format errors", () => {
    expect(error(validatePatientIdentifier({ kind: 'samordningsnummer', value: '' }, TODAY))).toBe(
      'The samordningsnummer is empty; enter it as YYYYMMDD-NNNN.',
    );
  });

  it('accepts a reservnummer only as an explicit kind, trimmed, never parsed as a personnummer', () => {
    expect(value(validatePatientIdentifier({ kind: 'reservnummer', value: '  RES-2025-0001 ' }, TODAY))).toEqual({
      kind: 'reservnummer',
      value: 'RES-2025-0001',
    });
    // looks like a personnummer (even a valid one): stays a reservnummer, not normalised
    expect(value(validatePatientIdentifier({ kind: 'reservnummer', value: '121212-1212' }, TODAY))).toEqual({
      kind: 'reservnummer',
      value: '121212-1212',
    });
    // looks like a personnummer with a bad check digit: still fine as a reservnummer
    expect(value(validatePatientIdentifier({ kind: 'reservnummer', value: '191212121213' }, TODAY)).value).toBe(
      '191212121213',
    );
    // a reservnummer is not a personnummer
    expect(error(validatePatientIdentifier({ kind: 'personnummer', value: 'RES-2025-0001' }, TODAY))).toMatch(
      /may only contain digits/,
    );
  });

  it.each([
    ['', /reservnummer is empty/],
    ['   ', /reservnummer is empty/],
    ['A'.repeat(21), /at most 20 characters/],
    ['RES 0001', /letters A–Z, digits and '-'/],
    ['RES_0001', /letters A–Z, digits and '-'/],
    ['RÖS-0001', /letters A–Z, digits and '-'/],
  ])('reservnummer %j → %s', (input, message) => {
    expect(error(validatePatientIdentifier({ kind: 'reservnummer', value: input }, TODAY))).toMatch(message);
  });

  it('accepts a reservnummer of exactly 20 characters', () => {
    expect(value(validatePatientIdentifier({ kind: 'reservnummer', value: 'A'.repeat(20) }, TODAY)).value).toHaveLength(20);
  });

  it('rejects an unknown kind', () => {
    const bad = { kind: 'passport', value: 'X1' } as unknown as { kind: 'personnummer'; value: string };
    expect(error(validatePatientIdentifier(bad, TODAY))).toMatch(/must be personnummer, samordningsnummer or reservnummer/);
  });
});

describe('patientAge', () => {
  it('whole years on the given date', () => {
    expect(patientAge({ kind: 'personnummer', value: '19121212-1212' }, '2025-06-15')).toBe(112);
    expect(patientAge({ kind: 'personnummer', value: '19811228-9874' }, '2025-12-27')).toBe(43);
    expect(patientAge({ kind: 'personnummer', value: '19811228-9874' }, '2025-12-28')).toBe(44);
    expect(patientAge({ kind: 'samordningsnummer', value: '19701063-2383' }, '2025-10-02')).toBe(54);
    expect(patientAge({ kind: 'samordningsnummer', value: '19701063-2383' }, '2025-10-03')).toBe(55);
  });

  it('leap-day birthday: one year older on 1 March in common years', () => {
    const id = { kind: 'personnummer' as const, value: '20000229-1235' };
    expect(patientAge(id, '2025-02-28')).toBe(24);
    expect(patientAge(id, '2025-03-01')).toBe(25);
    expect(patientAge(id, '2024-02-29')).toBe(24);
  });

  it('undefined for a reservnummer and before birth', () => {
    expect(patientAge({ kind: 'reservnummer', value: 'RES-1' }, '2025-06-15')).toBeUndefined();
    expect(patientAge({ kind: 'personnummer', value: '20000229-1235' }, '1999-12-31')).toBeUndefined();
  });

  it('throws on a malformed date or an unvalidated identifier', () => {
    expect(() => patientAge({ kind: 'personnummer', value: '19121212-1212' }, '2025-02-30')).toThrow(RangeError);
    expect(() => patientAge({ kind: 'personnummer', value: '19121212-1213' }, '2025-06-15')).toThrow(RangeError);
  });
});

describe('pseudonymousPatientRef', () => {
  const pnr = { kind: 'personnummer' as const, value: '19121212-1212' };
  const keyA = 'a-secret-key-of-reasonable-length-0001';
  const keyB = 'a-secret-key-of-reasonable-length-0002';

  it("'p_' + 32 lower-case hex characters, stable for the same key", () => {
    const ref = pseudonymousPatientRef(pnr, keyA);
    expect(ref).toMatch(/^p_[0-9a-f]{32}$/);
    expect(pseudonymousPatientRef({ ...pnr }, keyA)).toBe(ref);
  });

  it('is the same for every accepted spelling of the number (value normalised first)', () => {
    const spellings = ['121212+1212', '19121212-1212', '191212121212'];
    const refs = spellings.map((s) =>
      pseudonymousPatientRef(value(validatePatientIdentifier({ kind: 'personnummer', value: s }, TODAY)), keyA),
    );
    expect(new Set(refs).size).toBe(1);
  });

  it('differs for another key, another number and another kind', () => {
    const ref = pseudonymousPatientRef(pnr, keyA);
    expect(pseudonymousPatientRef(pnr, keyB)).not.toBe(ref);
    expect(pseudonymousPatientRef({ kind: 'personnummer', value: '19811228-9874' }, keyA)).not.toBe(ref);
    expect(pseudonymousPatientRef({ kind: 'reservnummer', value: '19121212-1212' }, keyA)).not.toBe(ref);
  });

  it('never contains the digits of the personnummer', () => {
    for (const id of [pnr, { kind: 'personnummer' as const, value: '19811228-9874' }]) {
      for (const key of [keyA, keyB]) {
        const ref = pseudonymousPatientRef(id, key);
        const digits = id.value.replace('-', '');
        expect(ref).not.toContain(digits);
        expect(ref).not.toContain(digits.slice(2));
        expect(ref).not.toContain(digits.slice(0, 8));
        expect(ref).not.toContain(digits.slice(8));
        expect(ref).not.toContain(id.value);
      }
    }
  });

  it('refuses an empty key', () => {
    expect(() => pseudonymousPatientRef(pnr, '')).toThrow(RangeError);
  });
});

describe('HSA-id', () => {
  it.each([
    ['SE2321000115-XXXX', true],
    ['SE2321000115-E1', true],
    ['SE2321000115-a', true],
    [`SE2321000115-${'A'.repeat(31)}`, true],
    [`SE2321000115-${'A'.repeat(32)}`, false],
    ['SE2321000115-', false],
    ['se2321000115-XXXX', false],
    ['SE232100011-XXXX', false],
    ['SE23210001150-XXXX', false],
    ['SE2321000115XXXX', false],
    ['SE2321000115-AB_C', false],
    [' SE2321000115-XXXX', false],
    ['', false],
  ])('%j → %s', (s, expected) => {
    expect(isValidHsaId(s)).toBe(expected);
    expect(HsaIdSchema.safeParse(s).success).toBe(expected);
  });
});

describe('kommunkod', () => {
  const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
  const known = halland.municipalities.map((m) => m.code);

  it('accepts a known kommunkod of the region', () => {
    expect(value(validateKommunkod('1380', known))).toBe('1380');
    expect(value(validateKommunkod(' 1315 ', known))).toBe('1315');
  });

  it('rejects a wrong format and an unknown municipality', () => {
    expect(error(validateKommunkod('138', known))).toMatch(/exactly four digits/);
    expect(error(validateKommunkod('13800', known))).toMatch(/exactly four digits/);
    expect(error(validateKommunkod('13a0', known))).toMatch(/exactly four digits/);
    expect(error(validateKommunkod('', known))).toMatch(/exactly four digits/);
    expect(error(validateKommunkod('2180', known))).toBe('Kommunkod 2180 is not one of the municipalities of this region.');
  });

  it('out-of-county: another county 01..25, not the region’s own', () => {
    expect(value(validateOutOfCountyKommunkod('2180', halland.countyCode))).toBe('2180');
    expect(value(validateOutOfCountyKommunkod('0180', halland.countyCode))).toBe('0180');
    expect(value(validateOutOfCountyKommunkod('2584', halland.countyCode))).toBe('2584');
    expect(error(validateOutOfCountyKommunkod('1380', halland.countyCode))).toMatch(/this region's own county \(13\)/);
    expect(error(validateOutOfCountyKommunkod('0080', halland.countyCode))).toMatch(/between 01 and 25/);
    expect(error(validateOutOfCountyKommunkod('2680', halland.countyCode))).toMatch(/between 01 and 25/);
    expect(error(validateOutOfCountyKommunkod('218', halland.countyCode))).toMatch(/exactly four digits/);
    // in a county, but no municipality of SCB's list (issue 16: out-of-county municipalities from SCB)
    expect(error(validateOutOfCountyKommunkod('0199', halland.countyCode))).toMatch(/not one of Sweden's 290 municipalities/);
    expect(value(validateOutOfCountyKommunkod('1480', halland.countyCode))).toBe('1480');
  });

  it('KommunkodFormatSchema checks the format only', () => {
    expect(KommunkodFormatSchema.safeParse('9999').success).toBe(true);
    expect(KommunkodFormatSchema.safeParse('999').success).toBe(false);
    expect(KommunkodFormatSchema.safeParse('99a9').success).toBe(false);
  });
});

describe('PatientIdentifierSchema', () => {
  it('outputs the normalised identifier', () => {
    expect(PatientIdentifierSchema.parse({ kind: 'personnummer', value: '121212+1212' })).toEqual({
      kind: 'personnummer',
      value: '19121212-1212',
    });
    expect(PatientIdentifierSchema.parse({ kind: 'reservnummer', value: ' R-1 ' })).toEqual({ kind: 'reservnummer', value: 'R-1' });
  });

  it('names the field in the error', () => {
    const r = PatientIdentifierSchema.safeParse({ kind: 'personnummer', value: '19121212-1213' });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toHaveLength(1);
    expect(r.error!.issues[0]!.path).toEqual(['value']);
    expect(r.error!.issues[0]!.message).toMatch(/check digit/);

    const nested = PatientIdentifierSchema.array().safeParse([{ kind: 'reservnummer', value: 'ok' }, { kind: 'personnummer', value: '701063-2383' }]);
    expect(nested.error!.issues[0]!.path).toEqual([1, 'value']);
    expect(nested.error!.issues[0]!.message).toMatch(/This is a samordningsnummer/);
  });

  it('rejects an unknown kind on the path kind', () => {
    const r = PatientIdentifierSchema.safeParse({ kind: 'passport', value: 'X' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['kind']);
  });
});

describe('property: the computed Luhn digit is accepted, every other last digit is rejected', () => {
  const MS_PER_DAY = 86_400_000;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const ymd = (t: number) => {
    const d = new Date(t);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
  };
  const FIRST = Date.UTC(1890, 0, 1);
  const LAST = Date.UTC(2025, 5, 15); // TODAY's date

  const arbitraryNumber = (fromMs: number) =>
    fc.record({
      day: fc.integer({ min: 0, max: Math.floor((LAST - fromMs) / MS_PER_DAY) }),
      serial: fc.integer({ min: 0, max: 999 }),
      samordning: fc.boolean(),
    }).map(({ day, serial, samordning }) => {
      const b = ymd(fromMs + day * MS_PER_DAY);
      const yymmdd = `${pad(b.y % 100, 2)}${pad(b.m, 2)}${pad(b.d + (samordning ? 60 : 0), 2)}`;
      const nine = `${yymmdd}${pad(serial, 3)}`;
      return {
        century: pad(Math.floor(b.y / 100), 2),
        yymmdd,
        serial3: pad(serial, 3),
        check: luhnCheckDigit(nine),
        birthDate: `${pad(b.y, 4)}-${pad(b.m, 2)}-${pad(b.d, 2)}`,
        kind: samordning ? 'samordningsnummer' : 'personnummer',
      };
    });

  it('12-digit form', () => {
    fc.assert(
      fc.property(arbitraryNumber(FIRST), (n) => {
        const normalised = `${n.century}${n.yymmdd}-${n.serial3}${n.check}`;
        expect(value(parsePersonnummer(normalised, TODAY))).toEqual({ normalised, birthDate: n.birthDate, kind: n.kind });
        expect(value(parsePersonnummer(normalised.replace('-', ''), TODAY)).normalised).toBe(normalised);
        for (let other = 0; other <= 9; other++) {
          if (other === n.check) continue;
          expect(error(parsePersonnummer(`${n.century}${n.yymmdd}-${n.serial3}${other}`, TODAY))).toMatch(/check digit/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('10-digit form within the last hundred years resolves to the right century', () => {
    const hundredYearsAgoPlusOne = Date.UTC(1925, 5, 16);
    fc.assert(
      fc.property(arbitraryNumber(hundredYearsAgoPlusOne), (n) => {
        const r = value(parsePersonnummer(`${n.yymmdd}-${n.serial3}${n.check}`, TODAY));
        expect(r.birthDate).toBe(n.birthDate);
        expect(r.normalised).toBe(`${n.century}${n.yymmdd}-${n.serial3}${n.check}`);
        expect(error(parsePersonnummer(`${n.yymmdd}-${n.serial3}${(n.check + 1) % 10}`, TODAY))).toMatch(/check digit/);
      }),
      { numRuns: 300 },
    );
  });
});
