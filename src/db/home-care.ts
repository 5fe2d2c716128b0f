/**
 * Home health care enrollments in the ledger (docs/domain.md §5, §8, §9): read back for the
 * indicators. They are written by the one ledger projection every process shares
 * (./process-ledger.ts, where its semantics are).
 */
import type { Kysely } from 'kysely';
import type { Database, EnrollmentRow, Instant } from './schema';

export async function getEnrollmentRow(db: Kysely<Database>, enrollmentId: string): Promise<EnrollmentRow | undefined> {
  return db.selectFrom('home_care_enrollments').selectAll().where('enrollment_id', '=', enrollmentId).executeTakeFirst();
}

/** The region's enrollments enrolled before `to` and not ended before `from` (docs/domain.md §9 home health care). */
export function enrollmentsActiveDuring(db: Kysely<Database>, region: string, from: Instant, to: Instant) {
  return db
    .selectFrom('home_care_enrollments')
    .select(['residence_municipality', 'age_at_start', 'enrolled_at', 'ended_at'])
    .where('region', '=', region)
    .where('enrolled_at', 'is not', null)
    .where('enrolled_at', '<', to)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]))
    .execute();
}

/**
 * docs/domain.md §9 "home health care: patients per municipality, new and ended, under/over 65" for
 * one region and period [from, to): per municipality, the patients enrolled at some time in the
 * period split by age at the start of planning (> 65 and ≤ 65, as the other indicators), how
 * many are still enrolled at its end, how many were newly enrolled and how many ended within it.
 */
export async function homeCareFigures(db: Kysely<Database>, region: string, from: Instant, to: Instant) {
  const rows = await enrollmentsActiveDuring(db, region, from, to);
  const figures = new Map<string, { municipality: string; patients: number; enrolled: number; new: number; ended: number; over65: number; upTo65: number; unknownAge: number }>();
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  for (const r of rows) {
    const f = figures.get(r.residence_municipality) ?? { municipality: r.residence_municipality, patients: 0, enrolled: 0, new: 0, ended: 0, over65: 0, upTo65: 0, unknownAge: 0 };
    f.patients += 1;
    const enrolled = Date.parse(r.enrolled_at!);
    const ended = r.ended_at ? Date.parse(r.ended_at) : undefined;
    if (ended === undefined || ended >= t1) f.enrolled += 1;
    if (enrolled >= t0) f.new += 1;
    if (ended !== undefined && ended < t1) f.ended += 1;
    if (r.age_at_start === null) f.unknownAge += 1;
    else if (r.age_at_start > 65) f.over65 += 1;
    else f.upTo65 += 1;
    figures.set(r.residence_municipality, f);
  }
  return [...figures.values()].sort((a, b) => a.municipality.localeCompare(b.municipality));
}

