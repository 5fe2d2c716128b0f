/**
 * The OpenAPI document's date and instant patterns (src/api/schemas/common.ts) are the server's
 * rule itself (issue 17: the spec as strict as the server): every YYYY-MM-DD from 1985 to 2205,
 * real or not, matches the pattern exactly when it is a real date between 1990 and 2199, and the
 * schema accepts exactly what the pattern matches (the pattern is the one the document carries).
 */
import { IsoInstant, LocalDateSchema } from '../../src/api/schemas/common';

const real = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

describe('date and instant patterns', () => {
  const datePattern = new RegExp((LocalDateSchema.meta() as { pattern: string }).pattern);
  const instantPattern = new RegExp((IsoInstant.meta() as { pattern: string }).pattern);

  it('a date matches exactly when it is real and between 1990 and 2199; the schema agrees', () => {
    const wrong: string[] = [];
    for (let y = 1985; y <= 2205; y++) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const want = y >= 1990 && y <= 2199 && m >= 1 && m <= 12 && real(y, m, d);
          if (datePattern.test(s) !== want || LocalDateSchema.safeParse(s).success !== want) wrong.push(s);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(datePattern.test('2000-02-29') && datePattern.test('2096-02-29') && !datePattern.test('2100-02-29') && !datePattern.test('2026-02-30')).toBe(true);
  });

  it('an instant matches exactly what the server accepts: a real time and an offset within a day', () => {
    const cases: [string, boolean][] = [
      ['2026-12-23T09:30:00+01:00', true], ['2026-12-23T09:30Z', true], ['2026-12-23T23:59:59.123456789-23:59', true],
      ['2026-02-29T10:00Z', false], ['2026-12-23T24:00Z', false], ['2026-12-23T10:60Z', false], ['2026-12-23T10:00:60Z', false],
      ['2026-12-23T10:00+24:00', false], ['2026-12-23T10:00', false], ['1989-12-31T23:59Z', false], ['2200-01-01T00:00Z', false], ['0000-00-00T00:00Z', false],
    ];
    for (const [s, ok] of cases) {
      expect([s, instantPattern.test(s)]).toEqual([s, ok]);
      expect([s, IsoInstant.safeParse(s).success]).toEqual([s, ok]);
      if (ok) expect(Number.isNaN(Date.parse(s))).toBe(false);
    }
  });
});
