/**
 * A discharge episode in the ledger (docs/domain.md §8): its projection, written through the one
 * ledger projection every process shares (./process-ledger.ts, where its semantics are), and read
 * back by billing (§7), indicators (§9) and the coordinators' views.
 */
import type { Kysely, Selectable, SelectQueryBuilder, Transaction } from 'kysely';
import type { EpisodeProjection } from './projection';
import {
  assertDate, deviationOf, inCamelCase, instant, messageOf, obligationOf, optDate, optInstant, readyPeriodOf, writeProjection,
  type CamelDatabase, type OwnRow, type TimelineRecord, type WriteResult,
} from './process-ledger';
import type { Database, LocalDate } from './schema';
import type { ProcessType } from '../domain/process';

/** Messages, obligations and deviations of an episode live under this process type. */
const PROCESS = 'discharge' satisfies ProcessType;

/**
 * Writes the episode (docs/domain.md §8): its row under the version guard, its ready periods,
 * messages, obligations, deviations and timeline inserted or brought up to date, never deleted,
 * and `view`, the episode as the API answers with it — one transaction ('stale': nothing changes).
 */
export async function upsertEpisode(db: Kysely<Database>, projection: EpisodeProjection, more: { timeline?: readonly TimelineRecord[]; view?: unknown } = {}): Promise<WriteResult> {
  const p = projection;
  return writeProjection(db, {
    processType: PROCESS,
    row: toEpisodeRow(p),
    region: p.region,
    municipality: p.residenceMunicipality,
    readyPeriods: p.readyPeriods ?? [],
    messages: p.messages ?? [],
    obligations: p.obligations ?? [],
    deviations: p.deviations ?? [],
    timeline: more.timeline ?? [],
    view: more.view,
  });
}

/** The stored projection of one episode, or undefined when the ledger has never seen it. */
export async function getEpisode(db: Kysely<Database>, episodeId: string): Promise<EpisodeProjection | undefined> {
  return snapshot(db, async (trx) => {
    const row = await trx.selectFrom('episodes').selectAll().where('episodeId', '=', episodeId).executeTakeFirst();
    if (row === undefined) return undefined;
    const [projection] = await withChildren(trx, [row], [episodeId]);
    return projection;
  });
}

/**
 * One region's episodes discharged in [fromDate, toDateExclusive): the monthly close reads a
 * month as ('2024-03-01', '2024-04-01') because an episode belongs to the month of its
 * discharge (docs/domain.md §7). Ordered by discharge date, then episode id, for stable invoice bases.
 */
export async function listEpisodesDischargedBetween(
  db: Kysely<Database>,
  region: string,
  fromDate: LocalDate,
  toDateExclusive: LocalDate,
): Promise<EpisodeProjection[]> {
  assertDate('fromDate', fromDate);
  assertDate('toDateExclusive', toDateExclusive);
  return snapshot(db, async (trx) => {
    const discharged = trx
      .selectFrom('episodes')
      .where('region', '=', region)
      .where('dischargeDate', '>=', fromDate)
      .where('dischargeDate', '<', toDateExclusive);
    const rows = await discharged.selectAll().orderBy('dischargeDate').orderBy('episodeId').execute();
    // The children are selected by the same filter as a subquery, not by a list of ids: a
    // region-month may hold more episodes than a statement may have parameters.
    return withChildren(trx, rows, discharged.select('episodeId'));
  });
}

/**
 * Reads an episode and its children as of one moment, so a write committed in between can
 * never mix two versions of an episode in one answer.
 */
function snapshot<T>(db: Kysely<Database>, read: (trx: Transaction<CamelDatabase>) => Promise<T>): Promise<T> {
  return inCamelCase(db).transaction().setIsolationLevel('repeatable read').execute(read);
}

/** Episode ids: a short list, or a subquery selecting them. */
type EpisodeIds = string[] | SelectQueryBuilder<CamelDatabase, 'episodes', { episodeId: string }>;

/** Loads the child rows of many episodes with one query per table, not one per episode. */
async function withChildren(db: Transaction<CamelDatabase>, rows: EpisodeRow[], ids: EpisodeIds): Promise<EpisodeProjection[]> {
  if (rows.length === 0) return [];
  const periods = await db.selectFrom('episodeReadyPeriods').selectAll().where('episodeId', 'in', ids).orderBy('episodeId').orderBy('seq').execute();
  const messages = await db.selectFrom('messages').selectAll().where('processType', '=', PROCESS).where('processId', 'in', ids).orderBy('sentAt').orderBy('messageId').execute();
  const obligations = await db.selectFrom('obligations').selectAll().where('processType', '=', PROCESS).where('processId', 'in', ids).orderBy('dueAt').orderBy('obligationId').execute();
  const deviations = await db.selectFrom('deviations').selectAll().where('processType', '=', PROCESS).where('processId', 'in', ids).orderBy('detectedAt').orderBy('deviationId').execute();

  const byEpisode = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
    return m;
  };
  const p = byEpisode(periods, (r) => r.episodeId);
  const m = byEpisode(messages, (r) => r.processId);
  const o = byEpisode(obligations, (r) => r.processId);
  const d = byEpisode(deviations, (r) => r.processId);

  return rows.map(({ createdAt: _created, updatedAt: _updated, ...scalars }) => ({
    ...(scalars as EpisodeScalars),
    readyPeriods: (p.get(scalars.episodeId) ?? []).map(readyPeriodOf),
    messages: (m.get(scalars.episodeId) ?? []).map(messageOf),
    obligations: (o.get(scalars.episodeId) ?? []).map(obligationOf),
    deviations: (d.get(scalars.episodeId) ?? []).map(deviationOf),
  }));
}

type EpisodeRow = Selectable<CamelDatabase['episodes']>;
/** The episode's own columns, in the projection's names (its union-typed text columns as the projection types them). */
type EpisodeScalars = Omit<EpisodeProjection, 'readyPeriods' | 'messages' | 'obligations' | 'deviations'>;

/** Every column explicitly, `?? null` included: a field lost in JSON must clear the column. */
function toEpisodeRow(p: EpisodeProjection): OwnRow<'discharge'> {
  return {
    episodeId: p.episodeId,
    version: p.version,
    region: p.region,
    residenceMunicipality: p.residenceMunicipality,
    inpatientUnitHsa: p.inpatientUnitHsa,
    primaryCareUnitHsa: p.primaryCareUnitHsa ?? null,
    psychiatricOutpatientUnitHsa: p.psychiatricOutpatientUnitHsa ?? null,
    hospital: p.hospital ?? null,
    psychiatric: p.psychiatric,
    formOfCare: p.formOfCare ?? null,
    outOfCounty: p.outOfCounty ?? false,
    patientRef: p.patientRef,
    ageAtAdmission: p.ageAtAdmission ?? null,
    status: p.status,
    admittedAt: instant('admittedAt', p.admittedAt),
    admissionNoticeSentAt: optInstant('admissionNoticeSentAt', p.admissionNoticeSentAt),
    expectedReadyDate: optDate('expectedReadyDate', p.expectedReadyDate),
    readyDate: optDate('readyDate', p.readyDate),
    dischargedAt: optInstant('dischargedAt', p.dischargedAt),
    dischargeDate: optDate('dischargeDate', p.dischargeDate),
    cancelledAt: optInstant('cancelledAt', p.cancelledAt),
    cancellationReason: p.cancellationReason ?? null,
    consent: p.consent ?? null,
    planningFlow: p.planningFlow ?? null,
    needsCategory: p.needsCategory ?? null,
    namedCareContactAt: optInstant('namedCareContactAt', p.namedCareContactAt),
    namedDoctorAt: optInstant('namedDoctorAt', p.namedDoctorAt),
    invitationSentAt: optInstant('invitationSentAt', p.invitationSentAt),
    sipCreatedAt: optInstant('sipCreatedAt', p.sipCreatedAt),
    sipCompletedAt: optInstant('sipCompletedAt', p.sipCompletedAt),
    treatmentPlanAt: optInstant('treatmentPlanAt', p.treatmentPlanAt),
    planningBasisDate: optDate('planningBasisDate', p.planningBasisDate),
    outpatientServicesUnavailable: p.outpatientServicesUnavailable ?? false,
    downtime: p.downtime ?? false,
    checklistComplete: p.checklistComplete ?? false,
    admissionType: p.admissionType ?? null,
    sipAcknowledgedAt: optInstant('sipAcknowledgedAt', p.sipAcknowledgedAt),
  };
}
