/**
 * The published figures `npm run bench:national` plays a month from, each with its source, and
 * the assumptions where no figure was found (issue 21, "A national-scale load model").
 *
 * Found with the project's search tool on 2026-12-03. Where a number is derived, the derivation
 * is written out; where none was found, the assumption says so.
 */

export interface Figure {
  value: number;
  /** what the number is */
  what: string;
  /** where it comes from: a URL and its date, a seed document, or "assumption" */
  source: string;
}

/**
 * Somatic hospital beds occupied by patients who were ready for discharge (utskrivningsklara),
 * on average per day, in all of Sweden in 2023: "drygt 580".
 */
export const NATIONAL_READY_BEDS_PER_DAY_2023: Figure = {
  value: 580,
  what: 'beds occupied by utskrivningsklara patients per day, Sweden, somatic care, 2023 average ("drygt 580")',
  source:
    'Läkartidningen, "Lag har frigjort 700 vårdplatser", May 2024, https://lakartidningen.se/aktuellt/nyheter/2024/05/lag-har-frigjort-700-vardplatser/ — reporting SKR, "Fakta om utskrivningsklara patienter – från betalningsansvar till sammanhållen vård", published 2 May 2024, https://skr.se/skr/tjanster/rapporterochskrifter/publikationer/faktaomutskrivningsklarapatienterfranbetalningsansvartillsammanhallenvard.81407.html',
};

/**
 * Mean ready days (utskrivningsklara dagar) per episode with at least one ready day, all of
 * Sweden, October 2022 (Väntetider i vården, as quoted on Region Halland's slides); the 2021
 * national mean was 2.3 (Halland's benchmark 2022-11 – 2023-12).
 */
export const NATIONAL_MEAN_READY_DAYS: Figure = {
  value: 2.8,
  what: 'mean ready days per episode of 1 ready day or more, Sweden ("Riket 2,8 dagar (okt 2022)"; 2021: 2,3)',
  source:
    'Region Halland slides 2023 (seed 000 in /work/shared/seeds, "Källa: Väntetider i vården"); measurement definition: https://www.vantetider.se/veta-mer/utskrivningsklara/ (episodes ended in the month with 1 ready day or more)',
};

/**
 * Share of coordinated-discharge episodes discharged the same day they were ready. No published
 * share was found: Vårdanalys writes only that "a large share" are
 * (https://www.vardanalys.se/press/artikel/snabbare-utskrivningar-fran-slutenvarden-men-oklara-effekter-for-patienter-och-brukare/,
 * Rapport 2020:4 "Laga efter läge", 2020). Derived instead from Halland's 2027 model (seed 002):
 * the invoicing level is 1.5 days once 0-day episodes are included, against a mean of 2.3–2.8
 * days over episodes of 1 day or more; mean over all = mean over ≥1 × (1 − same-day share), so the
 * share is 1 − 1.5/2.3 … 1 − 1.5/2.8 = 35–46 %. We use 40 %.
 */
export const SAME_DAY_SHARE: Figure = {
  value: 0.4,
  what: 'share discharged the same day they are ready (0 ready days)',
  source:
    'assumption, derived: 1 − 1.5 / (2.3 … 2.8) = 35–46 % from Region Halland 2026 slides (seed 002: "Ny nivå för fakturering (efter inkludering av 0-dagar) 1,5 dag") and the national means above; no published share found (Vårdanalys 2020:4 says only "en stor andel")',
};

/** Population share of Sweden's largest region (Region Stockholm), for scaling national to regional volume. */
export const LARGE_REGION_POPULATION_SHARE: Figure = {
  value: 0.235,
  what: "Region Stockholm's share of Sweden's population (about 2.45 of 10.5 million)",
  source: 'assumption: SCB population figures, from memory, not retrieved by search (no page found); the 65+ share, which drives these episodes, is lower in Stockholm than nationally, so this errs high',
};

const DAYS_PER_MONTH = 365.25 / 12;

/**
 * Coordinated-discharge episodes per month of a Stockholm-sized region, derived:
 * 580 beds × 30.4 days = ready days per month nationally; ÷ 2.8 = episodes with ≥ 1 ready day;
 * ÷ (1 − 0.40) = all episodes incl. same-day; × 0.235 = the region.
 */
export function regionEpisodesPerMonth(): number {
  const readyDays = NATIONAL_READY_BEDS_PER_DAY_2023.value * DAYS_PER_MONTH;
  const withReadyDays = readyDays / NATIONAL_MEAN_READY_DAYS.value;
  const all = withReadyDays / (1 - SAME_DAY_SHARE.value);
  return Math.round(all * LARGE_REGION_POPULATION_SHARE.value);
}

export const DERIVATION =
  `${NATIONAL_READY_BEDS_PER_DAY_2023.value} beds × ${DAYS_PER_MONTH.toFixed(1)} days ÷ ${NATIONAL_MEAN_READY_DAYS.value} ready days per episode ÷ (1 − ${SAME_DAY_SHARE.value}) × ${LARGE_REGION_POPULATION_SHARE.value}`;

/**
 * Ready days of an episode with at least one: geometric with the national mean (P(k) = (1−q)q^(k−1),
 * mean 1/(1−q) = 2.8). Assumption: the shape; only the mean is published. Its tail (P(> 7 days)
 * = q^7 ≈ 4.6 %) is what Gävleborg's model charges per individual.
 */
export const READY_DAYS_SHAPE = 'geometric over 1, 2, 3, … days with the national mean (assumption: only the mean is published), capped at 30';

/** Assumptions about the process itself (no published figures sought or found). */
export const PROCESS_ASSUMPTIONS = {
  /** days from admission to ready: 1 + a skewed draw (mean about 3.5) */
  daysToReady: 'admission to ready: 1 + ⌊10·u·v⌋ days (u, v uniform; mean 3.5) — assumption',
  /** share of acknowledgements given after their deadline (→ deviation, reminder, escalation) */
  lateAckShare: 0.04,
  lateAck: '4 % of acknowledgements are given 2 weekdays late, after their deadline, so deviations, reminders and escalations happen — assumption',
  hours: 'inpatient staff act every day 08–20 (admission notices, ready, discharge); municipality and primary-care staff on weekdays 08–16:30 by the Swedish calendar (src/domain/calendar.ts: weekends and public holidays off); admissions round the clock, 70 % between 08 and 22 — assumption',
};
