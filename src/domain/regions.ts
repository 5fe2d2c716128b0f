/**
 * Regions as configuration data (docs/architecture.md "Configuration is data"): municipalities,
 * the agreement timeline, and the process settings that differ between regions.
 * Validated with zod; a bad entry stops start-up naming the field.
 */
import { z } from 'zod';
import { DEFAULT_ESCALATION, EscalationSchema } from './escalation';
import { BillingContactSchema } from './billing/alerts';

const kommunkod = z.string().regex(/^\d{4}$/, 'must be a 4-digit SCB kommunkod');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const RegionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string(),
  /** SCB county code (länskod), the first two digits of its kommunkoder */
  countyCode: z.string().regex(/^\d{2}$/),
  municipalities: z.array(z.object({ code: kommunkod, name: z.string() })).min(1),
  /**
   * Agreement rule sets in force, effective-dated (docs/domain.md §7). `requiresTreatmentPlan`:
   * marking a patient ready without a treatment plan is refused (002, 2027 agreement).
   */
  agreements: z
    .array(
      z.object({
        ruleSetId: z.string(),
        from: localDate,
        to: localDate.optional(),
        requiresTreatmentPlan: z.boolean().default(false),
      }),
    )
    .default([]),
  process: z
    .object({
      /** §6: weekdays after a missed deadline before the responsible unit is reminded (0: at the deadline, docs/domain.md §6) */
      reminderWeekdays: z.number().int().min(0).max(20).default(0),
      /**
       * docs/domain.md §4 Downtime: an obligation whose deadline had passed when it was registered (or
       * fell inside a declared downtime window) is judged at the end of this many weekdays after
       * the registration (or the window's end): 1 = the end of the first weekday after it; 0 = no
       * grace period, judged at once (the rule before back-registration was fixed)
       */
      graceWeekdays: z.number().int().min(0).max(20).default(1),
      /** §6: weekdays after the reminder before the coordinators get the deviation */
      escalationWeekdays: z.number().int().min(0).max(20).default(1),
      /** 004 §4.1: invitation within this many days after the ready notice (Gävleborg: 3) */
      invitationLateDays: z.number().int().min(0).max(30).default(3),
      /** §10-style follow-up: days after discharge the episode stays open for SIP completion */
      followUpDays: z.number().int().min(0).max(365).default(30),
      /**
       * docs/domain.md §5: when the municipality's acknowledgement of a home care planning invitation
       * is due ("snarast", 001 §7.2). `acknowledgement`: the general acknowledgement deadline, the end
       * of the next weekday (the decision, and the default); `invitation`: the discharge planning
       * invitation's 14:00 rule (001 §6.1 step 6a). Applies to enrollments started after a change.
       */
      homeCareInvitationAck: z.enum(['acknowledgement', 'invitation']).default('acknowledgement'),
    })
    .default({ reminderWeekdays: 0, graceWeekdays: 1, escalationWeekdays: 1, invitationLateDays: 3, followUpDays: 30, homeCareInvitationAck: 'acknowledgement' }),
  /** §6 escalation ladder: organisations, coordinators, channels, digest (src/domain/escalation.ts) */
  escalation: EscalationSchema.default(DEFAULT_ESCALATION),
  /** the region's billing officers and administrators reached by the monthly close's alerts (src/domain/billing/alerts.ts) */
  billingContacts: z.array(BillingContactSchema).default([]),
});

export type Region = z.infer<typeof RegionSchema>;

export const DEFAULT_REGIONS: Region[] = RegionSchema.array().parse([
  {
    id: 'halland',
    name: 'Region Halland',
    countyCode: '13',
    municipalities: [
      { code: '1315', name: 'Hylte' },
      { code: '1380', name: 'Halmstad' },
      { code: '1381', name: 'Laholm' },
      { code: '1382', name: 'Falkenberg' },
      { code: '1383', name: 'Varberg' },
      { code: '1384', name: 'Kungsbacka' },
    ],
    agreements: [
      { ruleSetId: 'halland-2018-transitional', from: '2018-01-01', to: '2018-10-31' },
      // no agreement known from the sources for this period: the law's default applies
      { ruleSetId: 'law-2017-612', from: '2018-11-01', to: '2022-10-31' },
      { ruleSetId: 'halland-average-2022', from: '2022-11-01', to: '2023-10-31' },
      { ruleSetId: 'halland-average-2023-discount', from: '2023-11-01', to: '2026-12-31' },
      { ruleSetId: 'halland-2027', from: '2027-01-01', requiresTreatmentPlan: true },
    ],
  },
  {
    id: 'gavleborg',
    name: 'Region Gävleborg',
    countyCode: '21',
    municipalities: [
      { code: '2101', name: 'Ockelbo' },
      { code: '2104', name: 'Hofors' },
      { code: '2121', name: 'Ovanåker' },
      { code: '2132', name: 'Nordanstig' },
      { code: '2161', name: 'Ljusdal' },
      { code: '2180', name: 'Gävle' },
      { code: '2181', name: 'Sandviken' },
      { code: '2182', name: 'Söderhamn' },
      { code: '2183', name: 'Bollnäs' },
      { code: '2184', name: 'Hudiksvall' },
    ],
    // 004 §3.2: the 2.0/>7 model applied to the other patients already in 2018; psychiatry joins it in
    // 2019, in 2018 it is charged per individual after 30 calendar days (rule set gavleborg-2019)
    agreements: [{ ruleSetId: 'gavleborg-2019', from: '2018-01-01' }],
  },
]);

export function findRegion(regions: Region[], id: string): Region | undefined {
  return regions.find((r) => r.id === id);
}

/** The agreement in force in a region on a local date (docs/domain.md §7: past dates use the rules then). */
export function agreementOn(region: Pick<Region, 'agreements'>, date: string) {
  return region.agreements.find((a) => a.from <= date && (!a.to || date <= a.to));
}
