/**
 * The home health care process's activities (docs/domain.md §5, §8): the ledger projection of an
 * enrollment (idempotent by version), and the link from a discharge episode.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { LedgerStore } from '../src/db/ledger';
import { writeProjection } from '../src/db/process-ledger';
import type { HomeCareState } from '../src/domain/home-care/types';
import { dischargeUpdates, dischargeWorkflowId } from '../workflows/discharge/contract';
import { sharedRecords } from './ledger';
import { enrollmentView } from '../workflows/home-care/contract';

export function createHomeCareActivities(ledger: LedgerStore) {
  return {
    async projectHomeCareEnrollment(s: HomeCareState): Promise<void> {
      if (s.version === 0) return;
      const i = s.input;
      await writeProjection(ledger.db, {
        processType: 'homeHealthCare',
        row: {
          enrollmentId: s.enrollmentId,
          version: s.version,
          region: i.region,
          residenceMunicipality: i.residenceMunicipality,
          primaryCareUnitHsa: i.primaryCareUnit,
          patientRef: i.patientRef,
          ageAtStart: i.patientAgeAtStart ?? null,
          initiatedBy: i.initiatedBy,
          dischargeEpisodeId: i.dischargeEpisodeId ?? null,
          status: s.status,
          startedAt: i.startedAt,
          invitationSentAt: s.invitation?.sentAt ?? null,
          namedCareContactAt: s.namedCareContact?.appointedAt ?? null,
          namedDoctorAt: s.namedDoctor?.appointedAt ?? null,
          planningMeetingAt: s.invitation?.heldAt ?? null,
          sipCreatedAt: s.sip?.createdAt ?? null,
          sipClosedAt: s.sip?.closedAt ?? null,
          decision: s.decision?.decision ?? null,
          decisionReason: s.decision?.reason ?? null,
          decidedAt: s.decision?.at ?? null,
          enrolledAt: s.enrolledAt ?? null,
          endedAt: s.end?.at ?? null,
          endReason: s.end?.reason ?? null,
        },
        ...sharedRecords(i.region, i.residenceMunicipality, s),
        view: enrollmentView(s), // what the API answers with (issue 21)
      });
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
