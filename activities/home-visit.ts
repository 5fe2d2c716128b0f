/**
 * The single home visit process's activity (docs/domain.md §5, §8): the ledger projection of an
 * order (idempotent by version).
 */
import type { LedgerStore } from '../src/db/ledger';
import { writeProjection } from '../src/db/process-ledger';
import type { VisitOrderState } from '../src/domain/home-visit/types';
import { sharedRecords } from './ledger';
import { visitOrderView } from '../workflows/home-visit/contract';

export function createHomeVisitActivities(ledger: LedgerStore) {
  return {
    async projectHomeVisit(s: VisitOrderState): Promise<void> {
      if (s.version === 0) return;
      const i = s.input;
      const last = s.visits.map((v) => v.performedOn).sort().pop();
      await writeProjection(ledger.db, {
        processType: 'singleHomeVisit',
        row: {
          orderId: s.orderId,
          version: s.version,
          region: i.region,
          residenceMunicipality: i.residenceMunicipality,
          primaryCareUnitHsa: i.primaryCareUnit,
          patientRef: i.patientRef,
          ageAtOrder: i.patientAgeAtOrder ?? null,
          status: s.status,
          orderedAt: i.orderedAt,
          startDate: i.startDate,
          endDate: i.endDate,
          interventions: JSON.stringify(i.interventions),
          answer: s.answer?.answer ?? null,
          answeredAt: s.answer?.at ?? null,
          declineReason: s.answer?.reason ?? null,
          cancelledAt: s.cancellation?.at ?? null,
          visitsReported: s.visits.length,
          lastVisitDate: last ?? null,
        },
        ...sharedRecords(i.region, i.residenceMunicipality, s),
        view: visitOrderView(s), // what the API answers with (issue 21)
      });
    },
  };
}
