/**
 * Value schemas every endpoint shares, so that "what is a valid instant or date" is decided
 * in one place. `Date.parse` alone rolls 2026-02-30 over to March: both schemas check that the
 * calendar date really exists.
 */
import { z } from 'zod';

const realDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** Plausible years for anything staff register (rejects year 0 and 9999 typos). */
const YEAR_MIN = 1990;
const YEAR_MAX = 2199;

/** ISO-8601 instant with an explicit offset or Z; a bare local time is ambiguous across DST. */
export const IsoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO-8601 instant with offset, e.g. 2026-12-23T09:30:00+01:00',
  )
  .refine((s) => {
    const [y, m, d] = s.slice(0, 10).split('-').map(Number);
    const [hh, mm] = [Number(s.slice(11, 13)), Number(s.slice(14, 16))];
    return y >= YEAR_MIN && y <= YEAR_MAX && realDate(y, m, d) && hh < 24 && mm < 60 && !Number.isNaN(Date.parse(s));
  }, `is not a real date and time between ${YEAR_MIN} and ${YEAR_MAX}`);

/** A calendar date YYYY-MM-DD (a Europe/Stockholm date). */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number);
    return y >= YEAR_MIN && y <= YEAR_MAX && realDate(y, m, d);
  }, `is not a real calendar date between ${YEAR_MIN} and ${YEAR_MAX}`);
