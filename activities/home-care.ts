/**
 * The home health care process's activities (docs/domain.md §5, §8): the ledger projection of an
 * enrollment (idempotent by version), and the link from a discharge episode.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { LedgerStore } from '../src/db/ledger';
import { upsertEnrollment } from '../src/db/home-care';
import type { HomeCareState } from '../src/domain/home-care/types';
import { dischargeUpdates, dischargeWorkflowId } from '../workflows/discharge/contract';
import { processChildren } from './ledger';
import { saveProcessView } from '../src/db/process-views';
import { enrollmentView } from '../workflows/home-care/contract';

export function createHomeCareActivities(ledger: LedgerStore) {
  return {
    async projectHomeCareEnrollment(s: HomeCareState): Promise<void> {
      if (s.version === 0) return;
      const i = s.input;
      await upsertEnrollment(
        ledger.db,
        {
          enrollment_id: s.enrollmentId,
          version: s.version,
          region: i.region,
          residence_municipality: i.residenceMunicipality,
          primary_care_unit_hsa: i.primaryCareUnit,
          patient_ref: i.patientRef,
          age_at_start: i.patientAgeAtStart ?? null,
          initiated_by: i.initiatedBy,
          discharge_episode_id: i.dischargeEpisodeId ?? null,
          status: s.status,
          started_at: i.startedAt,
          invitation_sent_at: s.invitation?.sentAt ?? null,
          named_care_contact_at: s.namedCareContact?.appointedAt ?? null,
          named_doctor_at: s.namedDoctor?.appointedAt ?? null,
          planning_meeting_at: s.invitation?.heldAt ?? null,
          sip_created_at: s.sip?.createdAt ?? null,
          sip_closed_at: s.sip?.closedAt ?? null,
          decision: s.decision?.decision ?? null,
          decision_reason: s.decision?.reason ?? null,
          decided_at: s.decision?.at ?? null,
          enrolled_at: s.enrolledAt ?? null,
          ended_at: s.end?.at ?? null,
          end_reason: s.end?.reason ?? null,
        },
        processChildren(i.region, i.residenceMunicipality, s),
      );
      await saveProcessView(ledger.db, 'homeHealthCare', s.enrollmentId, s.version, enrollmentView(s)); // what the API answers with (issue 21)
    },

    /**
     * docs/domain.md §5: the discharge episode links to the enrollment, which satisfies its named-doctor
     * rule (§4 step 3). Decision: an activity with the worker's Temporal client sends the discharge
     * workflow's existing `linkHomeCareEnrollment` Update (validated, recorded on its timeline);
     * a workflow cannot send an Update itself, and a new signal would change the discharge workflow.
     * The update id makes retries idempotent.
     */
    async linkHomeCareToDischarge(episodeId: string, enrollmentId: string): Promise<'linked' | 'episodeClosed' | 'episodeNotFound'> {
      const handle = Context.current().client.workflow.getHandle(dischargeWorkflowId(episodeId));
      try {
        await handle.executeUpdate(dischargeUpdates.linkHomeCareEnrollment, {
          args: [{ type: 'linkHomeCareEnrollment', enrollmentId }],
          updateId: `link-home-care-${enrollmentId}`,
        });
        return 'linked';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5) return 'episodeNotFound';
        if (err instanceof WorkflowUpdateFailedError) return 'episodeClosed';
        if (/already completed|not found/i.test((err as Error)?.message ?? '')) return /completed/i.test((err as Error).message) ? 'episodeClosed' : 'episodeNotFound';
        throw err;
      }
    },
  };
}
