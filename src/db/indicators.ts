/**
 * What the monthly indicator report (docs/domain.md §9) reads from the ledger (§8): the ledger is the
 * only source, never workflow histories (docs/architecture.md "The episode ledger"). The queries select
 * by instant with a day's margin either side of the period, and the exact local-date cut is made
 * in `src/domain/indicators.ts`, because the ledger keeps instants in UTC and the period is a
 * Europe/Stockholm calendar month.
 */
import type { Kysely } from 'kysely';
import { localDateOf } from '../domain/calendar';
import type { IndicatorAdmission, IndicatorDeviation, IndicatorEnrollment, IndicatorEpisode, IndicatorPayment, NeedsCategory, Period } from '../domain/indicators';
import { READMISSION_DAYS } from '../domain/indicators';
import type { Database, LocalDate } from './schema';
import { enrollmentsActiveDuring } from './home-care';
import { readyPeriodsOf } from './billing';

type Db = Kysely<Database>;

export interface IndicatorData {
  episodes: IndicatorEpisode[];
  admissionsByPatient: Map<string, IndicatorAdmission[]>;
  deviations: IndicatorDeviation[];
  enrollments: IndicatorEnrollment[];
  payments: IndicatorPayment[];
  /** months of the period with a final invoice */
  invoicedMonths: string[];
}

const DAY = 86_400_000;
/** The instant `days` days from a local date's UTC midnight: a safe outer bound for a local day. */
const bound = (d: LocalDate, days: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + days * DAY).toISOString();
const localDate = (iso: string): LocalDate => localDateOf(new Date(iso));
const optLocalDate = (iso: string | null): LocalDate | null => (iso === null ? null : localDate(iso));
const within = (d: LocalDate | null, p: Period): boolean => d !== null && p.from <= d && d < p.toExclusive;

/** 'YYYY-MM' months covered by the period. */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  for (let m = p.from.slice(0, 7); `${m}-01` < p.toExclusive; ) {
    out.push(m);
    const [y, mm] = m.split('-').map(Number) as [number, number];
    m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
  }
  return out;
}

export async function loadIndicatorData(db: Db, region: string, period: Period): Promise<IndicatorData> {
  const lo = bound(period.from, -1);
  const hi = bound(period.toExclusive, 1);
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    // Every episode that can fall into a cohort of the period: admitted, discharged, or with a SIP event in it.
    const relevant = trx
      .selectFrom('episodes')
      .where('region', '=', region)
      .where((eb) =>
        eb.or([
          eb.and([eb('admitted_at', '>=', lo), eb('admitted_at', '<', hi)]),
          eb.and([eb('discharge_date', '>=', period.from), eb('discharge_date', '<', period.toExclusive)]),
          eb.and([eb('sip_created_at', '>=', lo), eb('sip_created_at', '<', hi)]),
          eb.and([eb('sip_completed_at', '>=', lo), eb('sip_completed_at', '<', hi)]),
          eb.and([eb('sip_acknowledged_at', '>=', lo), eb('sip_acknowledged_at', '<', hi)]),
        ]),
      );
    const rows = await relevant
      .select([
        'episode_id', 'patient_ref', 'residence_municipality', 'hospital', 'inpatient_unit_hsa', 'primary_care_unit_hsa', 'psychiatric', 'age_at_admission',
        'admitted_at', 'admission_notice_sent_at', 'discharge_date', 'consent', 'planning_flow', 'needs_category',
        'named_care_contact_at', 'invitation_sent_at', 'sip_created_at', 'sip_completed_at', 'sip_acknowledged_at',
      ])
      .execute();
    const periods = await trx
      .selectFrom('episode_ready_periods')
      .select(['episode_id', 'ready_date', 'ended_date'])
      .where('episode_id', 'in', relevant.select('episode_id'))
      .orderBy('episode_id')
      .orderBy('seq')
      .execute();
    // when each ready message was sent: ready days run from that day (docs/domain.md §7, db/billing.ts readyPeriodsOf)
    const readyMessages = await trx
      .selectFrom('messages')
      .select(['process_id', 'sent_at'])
      .where('process_type', '=', 'discharge')
      .where('type', '=', 'readyForDischarge')
      .where('process_id', 'in', relevant.select('episode_id'))
      .orderBy('process_id')
      .orderBy('recorded_at')
      .orderBy('sent_at')
      .orderBy('message_id')
      .execute();
    const sentOf = new Map<string, string[]>();
    for (const m of readyMessages) sentOf.set(m.process_id, [...(sentOf.get(m.process_id) ?? []), new Date(m.sent_at).toISOString()]);
    const rawPeriods = new Map<string, [LocalDate, LocalDate | null][]>();
    for (const p of periods) rawPeriods.set(p.episode_id, [...(rawPeriods.get(p.episode_id) ?? []), [p.ready_date, p.ended_date]]);
    const periodsOf = new Map([...rawPeriods].map(([id, ps]) => [id, readyPeriodsOf(ps, sentOf.get(id))]));

    const episodes = rows.map(
      (r): IndicatorEpisode => ({
        episodeId: r.episode_id,
        patientRef: r.patient_ref,
        municipality: r.residence_municipality,
        hospital: r.hospital,
        unit: r.inpatient_unit_hsa,
        healthCentre: r.primary_care_unit_hsa,
        psychiatric: r.psychiatric,
        ageAtAdmission: r.age_at_admission,
        admittedAt: r.admitted_at,
        admittedDate: localDate(r.admitted_at),
        admissionNoticeSentAt: r.admission_notice_sent_at,
        readyPeriods: periodsOf.get(r.episode_id) ?? [],
        dischargeDate: r.discharge_date,
        consent: r.consent as IndicatorEpisode['consent'],
        planningFlow: r.planning_flow,
        needsCategory: r.needs_category as NeedsCategory | null,
        namedCareContactAt: r.named_care_contact_at,
        invitationSentDate: optLocalDate(r.invitation_sent_at),
        sipCreatedDate: optLocalDate(r.sip_created_at),
        sipCompletedDate: optLocalDate(r.sip_completed_at),
        sipAcknowledgedDate: optLocalDate(r.sip_acknowledged_at),
      }),
    );

    // §9 readmission: admissions of the region from the period's start to 30 days after its end
    const admissions = await trx
      .selectFrom('episodes')
      .select(['episode_id', 'patient_ref', 'admitted_at', 'admission_type'])
      .where('region', '=', region)
      .where('admitted_at', '>=', lo)
      .where('admitted_at', '<', bound(period.toExclusive, READMISSION_DAYS + 2))
      .execute();
    const admissionsByPatient = new Map<string, IndicatorAdmission[]>();
    for (const a of admissions) {
      const admissionType = a.admission_type === 'acute' || a.admission_type === 'planned' ? a.admission_type : null;
      admissionsByPatient.set(a.patient_ref, [...(admissionsByPatient.get(a.patient_ref) ?? []), { episodeId: a.episode_id, admittedDate: localDate(a.admitted_at), admissionType }]);
    }

    // §6: deviations by type, responsible party and municipality; hospital and unit from the episode
    const devRows = await trx
      .selectFrom('deviations as d')
      .leftJoin('episodes as e', (j) => j.onRef('e.episode_id', '=', 'd.process_id').on('d.process_type', '=', 'discharge'))
      .select(['d.municipality', 'd.type', 'd.responsible_kind', 'd.responsible_id', 'd.downtime', 'd.detected_at', 'e.hospital', 'e.inpatient_unit_hsa', 'e.psychiatric'])
      .where('d.region', '=', region)
      // withdrawn: a back-registration showed it never happened (docs/domain.md §4 Downtime)
      .where('d.status', '!=', 'withdrawn')
      .where('d.detected_at', '>=', lo)
      .where('d.detected_at', '<', hi)
      .execute();
    const deviations = devRows
      .filter((d) => within(localDate(d.detected_at), period))
      .map((d): IndicatorDeviation => ({
        psychiatric: d.psychiatric ?? null,
        municipality: d.municipality,
        hospital: d.hospital ?? null,
        unit: d.inpatient_unit_hsa ?? null,
        type: d.type,
        responsibleKind: d.responsible_kind,
        responsibleId: d.responsible_id,
        downtime: d.downtime,
      }));

    // §9 home health care: enrolled before the period ended and not ended before it began
    const enrollRows = await enrollmentsActiveDuring(trx, region, lo, hi);
    const enrollments = enrollRows.map((r): IndicatorEnrollment => {
      const enrolled = localDate(r.enrolled_at!);
      const ended = optLocalDate(r.ended_at);
      return {
        municipality: r.residence_municipality,
        ageAtStart: r.age_at_start,
        activeInPeriod: enrolled < period.toExclusive && (ended === null || ended >= period.from),
        newInPeriod: within(enrolled, period),
        endedInPeriod: within(ended, period),
      };
    });

    // §9 payment: final invoices of the period's months (§7)
    const months = monthsOf(period);
    const invoices = await trx
      .selectFrom('billing_invoices')
      .select(['invoice_id', 'month', 'municipality', 'total_ore'])
      .where('region', '=', region)
      .where('month', 'in', months)
      .execute();
    const individual = invoices.length === 0
      ? []
      : await trx
          .selectFrom('billing_invoice_lines')
          .select(['invoice_id', 'amount_ore'])
          .where('kind', '=', 'individual')
          .where('invoice_id', 'in', invoices.map((i) => i.invoice_id))
          .execute();
    const payments = invoices.map((i): IndicatorPayment => ({
      municipality: i.municipality,
      totalOre: Number(i.total_ore),
      individualOre: individual.filter((l) => l.invoice_id === i.invoice_id).map((l) => Number(l.amount_ore)),
    }));
    const invoicedMonths = [...new Set(invoices.map((i) => i.month))].sort();

    return { episodes, admissionsByPatient, deviations, enrollments, payments, invoicedMonths };
  });
}
