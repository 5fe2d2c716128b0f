/**
 * The single home visit process's activity (docs/domain.md §5, §8): the ledger projection of an
 * order (idempotent by version).
 */
import type { LedgerStore } from '../src/db/ledger';
import { upsertVisitOrder } from '../src/db/home-visit';
import type { VisitOrderState } from '../src/domain/home-care/types';
import { processChildren } from './ledger';
import { saveProcessView } from '../src/db/process-views';
import { visitOrderView } from '../workflows/home-visit/contract';

export function createHomeVisitActivities(ledger: LedgerStore) {
  return {
    async projectHomeVisit(s: VisitOrderState): Promise<void> {
      if (s.version === 0) return;
      const i = s.input;
      const last = s.visits.map((v) => v.performedOn).sort().pop();
      await upsertVisitOrder(
        ledger.db,
        {
          order_id: s.orderId,
          version: s.version,
          region: i.region,
          residence_municipality: i.residenceMunicipality,
          primary_care_unit_hsa: i.primaryCareUnit,
          patient_ref: i.patientRef,
          age_at_order: i.patientAgeAtOrder ?? null,
          status: s.status,
          ordered_at: i.orderedAt,
          start_date: i.startDate,
          end_date: i.endDate,
          interventions: JSON.stringify(i.interventions),
          answer: s.answer?.answer ?? null,
          answered_at: s.answer?.at ?? null,
          decline_reason: s.answer?.reason ?? null,
          cancelled_at: s.cancellation?.at ?? null,
          visits_reported: s.visits.length,
          last_visit_date: last ?? null,
        },
        processChildren(i.region, i.residenceMunicipality, s),
      );
      await saveProcessView(ledger.db, 'singleHomeVisit', s.orderId, s.version, visitOrderView(s)); // what the API answers with (issue 21)
    },
  };
}
