/**
 * Money in whole öre (docs/domain.md §7: "Amounts are kept in whole öre (integers); rounding only at
 * the presentation of a line or total").
 *
 * Rounding rule, the only one used anywhere in billing: **half away from zero to the whole öre**
 * (a computed 12.5 öre becomes 13, −12.5 becomes −13), applied once per invoice line. Totals are
 * sums of lines, never recomputed from unrounded figures, so line sums always equal totals.
 * Presentation in whole kronor (the 2018 appendix table, 001) rounds the same way.
 */

/** Öre per krona. */
export const ORE_PER_KRONA = 100;

/** round(a × b / c) half away from zero, exact for any safe integers (BigInt inside). */
export function mulDivRound(a: number, b: number, c: number): number {
  for (const [n, v] of [['a', a], ['b', b], ['c', c]] as const) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`mulDivRound: ${n} must be a safe integer, got ${String(v)}`);
  }
  if (c === 0) throw new RangeError('mulDivRound: division by zero');
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  const neg = num < 0n !== den < 0n && num !== 0n;
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  const q = (an * 2n + ad) / (ad * 2n);
  const r = Number(neg ? -q : q);
  if (!Number.isSafeInteger(r)) throw new RangeError('mulDivRound: result does not fit a safe integer');
  return r;
}

/** Whole kronor of an amount in öre, rounded half away from zero (presentation only). */
export function roundToKronor(ore: number): number {
  return mulDivRound(ore, 1, ORE_PER_KRONA);
}

export interface FormatOptions {
  /** Swedish decimal comma ("1234,50") instead of a point */
  decimalComma?: boolean;
}

/** Öre → kronor with two decimals, no thousands separator (what Excel parses). */
export function formatKronor(ore: number, opts: FormatOptions = {}): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const s = `${sign}${Math.floor(abs / ORE_PER_KRONA)}.${String(abs % ORE_PER_KRONA).padStart(2, '0')}`;
  return opts.decimalComma ? s.replace('.', ',') : s;
}

/** Hundredths of a day → "2.30" / "2,30". */
export function formatHundredths(h: number, opts: FormatOptions = {}): string {
  return formatKronor(h, opts);
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
