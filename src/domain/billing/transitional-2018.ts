/**
 * Halland's 2018 transitional rule (001 §46 / §114 and its appendix): "Respektive kommun erlägger
 * månatligen en tolftedel av det belopp som fakturerades för hela 2017 till Region Halland".
 *
 * The appendix table, kronor ("Totalt fakturerade belopp per kommun 2017" / "Tolftedelar"):
 *
 *   Falkenberg        5 042       420
 *   Kungsbacka    1 501 612   125 134
 *   Varberg         428 570    35 714
 *   Halmstad        156 302    13 025
 *   Laholm          177 061    14 755
 *   Hylte                 0         0
 *   (total)       2 268 587   189 049
 *
 * Reproduction: the monthly twelfth is computed in öre (annual öre / 12, rounded half away from
 * zero to the öre, money.ts) and presented in whole kronor. The appendix total 189 049 is the
 * whole-kronor presentation of the sum of the öre lines (18 904 892 öre = 189 048.92 kr), not the
 * sum of the rounded kronor column (189 048): keeping öre and rounding only at presentation
 * (docs/domain.md §7) reproduces every row and the total exactly.
 */
import { mulDivRound } from './money';

/** kommunkod → 2017 invoiced amount in öre (001 appendix). */
export const TRANSITIONAL_2018_ANNUAL_ORE: Readonly<Record<string, number>> = Object.freeze({
  '1382': 5_042_00, // Falkenberg
  '1384': 1_501_612_00, // Kungsbacka
  '1383': 428_570_00, // Varberg
  '1380': 156_302_00, // Halmstad
  '1381': 177_061_00, // Laholm
  '1315': 0, // Hylte
});

/** One month's charge: 1/12 of the base year's invoiced amount, in öre. */
export function monthlyTwelfthOre(annualOre: number): number {
  return mulDivRound(annualOre, 1, 12);
}
