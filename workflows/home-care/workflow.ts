/**
 * Hemsjukvård: one workflow per enrollment (docs/domain.md §5, 001 §7.1–§7.2 flowchart).
 *
 * Planning (steps 1–6) → the municipality's decision → enrolled for months or years (SIP
 * updates, messages, named contact/doctor changes) → ended by the municipality's out-of-episode
 * message, acknowledged by primary care, with the SIP closed (steps 7–9); or by death or a move.
 * Deadlines, deviations and escalation run on the shared ProcessRuntime, like discharge.
 *
 * Bounded history: the workflow continues as new when Temporal suggests it or the history
 * passes HISTORY_LIMIT events, carrying its state pruned by `boundCarriedState` (the ledger
 * holds the full record). Handlers are drained first so no accepted action is lost.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { END_SUMMARY, HOME_CARE_ACTIONS, enrollmentClosed, enrollmentParties, refusal, type HomeCareAction } from '../../src/domain/home-care/actions';
import { boundCarriedState } from '../../src/domain/home-care/bounded';
import type { EndReason, HomeCareState, StartEnrollmentInput } from '../../src/domain/home-care/types';
import { openObligations, sameParty, type Obligation } from '../../src/domain/obligations';
import { acknowledge, openOf, sendMessage } from '../shared/messages';
import { deviationHandlers, processRuntime, wireProcess, type ActionHandlers } from '../shared/process-kit';
import { linking, local } from '../shared/proxies';
import { allowedEnrollmentActions } from '../../src/domain/home-care/allowed';
import { enrollmentAllowedActionsQuery, enrollmentQuery, enrollmentView as view, HISTORY_LIMIT, homeCareUpdates, type EnrollmentView } from './contract';

/** …or past this many bytes of history (HISTORY_LIMIT, in ./contract.ts, counts events). */
const HISTORY_BYTES_LIMIT = 2 * 1024 * 1024;

const DESCRIBE: Record<string, (o: Obligation) => string> = {
  acknowledge: (o) => `Message not acknowledged by ${o.responsible.kind} ${o.responsible.id} by ${o.dueLocalDate}`,
  appointNamedCareContact: (o) => `No named care contact (fast vårdkontakt) appointed by primary care ${o.responsible.id} by ${o.dueLocalDate}`,
};

function initialState(input: StartEnrollmentInput): HomeCareState {
  return { enrollmentId: input.enrollmentId, input, status: 'planning', version: 0, messages: [], tracking: { obligations: [], deviations: [] }, timeline: [], run: 1, continuedAsNew: [] };
}

export async function homeCareEnrollment(input: StartEnrollmentInput, carried?: HomeCareState): Promise<EnrollmentView> {
  const s: HomeCareState = carried ?? initialState(input);
  const rt = processRuntime(s, { processType: 'homeHealthCare', processId: s.enrollmentId, input, describe: DESCRIBE, project: () => local.projectHomeCareEnrollment(s) });
  const p = enrollmentParties(s);

  function end(reason: EndReason, at: string, toMunicipality?: string): void {
    s.status = 'ended';
    s.end = { reason, at, toMunicipality };
    // a death or a move makes pending acknowledgements and appointments moot (no deviation for them)
    if (reason !== 'CARE_NO_LONGER_NEEDED') openObligations(s.tracking).forEach((o) => rt.cancel(o.obligationId, END_SUMMARY[reason]));
  }

  /** 001 §7.2 steps 8–9: the enrollment ends once primary care acknowledged and the SIP is closed. */
  function endIfSettled(at: string): string {
    if (s.status !== 'ending' || !s.ending) return '';
    const ack = s.tracking.obligations.find((o) => o.messageId === s.ending!.messageId && o.kind === 'acknowledge');
    const acknowledged = !ack || ack.status === 'met' || ack.status === 'late';
    if (!acknowledged || (s.sip && !s.sip.closedAt)) return '';
    end('CARE_NO_LONGER_NEEDED', at);
    return `; ${END_SUMMARY.CARE_NO_LONGER_NEEDED}`;
  }

  // ---- start (first run only) ---------------------------------------------------------------
  // Holds the state from the very start, before the staff actions are wired below: an action that
  // arrives with the start (update-with-start) waits until the planning request's obligation is
  // open, so that e.g. a death recorded with the start withdraws it. Awaited after the wiring.
  const startUp = carried
    ? undefined
    : rt.startUp(async () => {
        rt.record({ action: 'planningStarted', occurredAt: input.startedAt, actor: input.actor, summary: input.initiatedBy === 'primaryCare'
          ? 'Primary care initiated coordinated planning for home health care, with the patient’s consent'
          : 'The municipality’s licensed staff started planning for home health care' });
        // 001 §7.2 step 1: the municipality's staff start it by contacting primary care
        if (input.initiatedBy === 'municipality') {
          await sendMessage(rt, s.messages, { type: 'planningRequest', sender: p.municipality, recipients: [p.primaryCare], occurredAt: input.startedAt });
        }
      });

  const handlers: ActionHandlers<HomeCareAction> = {
    // 2. kallelse to the municipality; 4. acknowledged "snarast" (configurable rule); 3. named care contact by then
    async sendInvitation(a, at) {
      const m = await sendMessage(rt, s.messages, { type: 'planningInvitation', sender: p.primaryCare, recipients: [p.municipality], occurredAt: at }, input.settings.invitationAckRule);
      s.invitation = { messageId: m.messageId, meetingAt: a.meetingAt, location: a.location, sentAt: at };
      if (!s.namedCareContact && openOf(rt, 'appointNamedCareContact').length === 0) {
        await rt.openObligations([{ kind: 'appointNamedCareContact', responsible: p.primaryCare, deviationType: 'NAMED_CONTACT_MISSING', deadline: { rule: 'acknowledgement', from: at } }]);
      }
      return `Planning invitation (kallelse) sent to the municipality for ${a.meetingAt}`;
    },
    async acknowledge(a, at) {
      return acknowledge(rt, a.messageId, a.party, at) + endIfSettled(at);
    },
    async appointNamedCareContact(a, at) {
      const change = !!s.namedCareContact;
      s.namedCareContact = { contact: a.contact, appointedAt: at };
      openOf(rt, 'appointNamedCareContact').forEach((o) => rt.meet(o.obligationId, at));
      return change ? 'Named care contact (fast vårdkontakt) changed' : 'Named care contact (fast vårdkontakt) appointed';
    },
    // 5. samordnad planering at the health centre or at home
    async recordPlanningMeeting(_a, at) {
      s.invitation!.heldAt = at;
      return 'Planning meeting (samordnad planering) held';
    },
    // 6a. SIP with the self-care assessment (egenvårdsbedömning)
    async recordSip(a, at) {
      s.sip = { createdAt: at, updatedAt: at, selfCareAssessment: a.selfCareAssessment, parts: [{ party: a.party, text: a.part, updatedAt: at, updatedBy: a.actor?.userId }] };
      return 'SIP established with the self-care assessment (egenvårdsbedömning)';
    },
    async appointNamedDoctor(a, at) {
      const change = !!s.namedDoctor;
      s.namedDoctor = { doctor: a.doctor, unit: a.unit, appointedAt: at };
      return change ? 'Named doctor (fast läkarkontakt) changed' : 'Named doctor (fast läkarkontakt) appointed at the health centre';
    },
    // 6b. when needed
    async recordMedicationReview(_a, at) {
      s.medicationReviewAt = at;
      return 'Medication review (läkemedelsgenomgång) held';
    },
    async recordEndOfLifeConversation(_a, at) {
      s.endOfLifeConversationAt = at;
      return 'End-of-life conversation (brytpunktssamtal) held';
    },
    // 6–7. the municipality's licensed staff decide; enrolled for months or years
    async decideEnrollment(a, at) {
      s.decision = { decision: a.decision, reason: a.reason, at };
      if (a.decision === 'decline') {
        s.status = 'notEnrolled';
        openOf(rt, 'appointNamedCareContact').forEach((o) => rt.cancel(o.obligationId, 'not enrolled'));
        return `The municipality decided not to enroll the patient: ${a.reason}`;
      }
      s.status = 'enrolled';
      s.enrolledAt = at;
      return 'Patient enrolled in home health care (inskriven i hemsjukvården)';
    },
    async updateSip(a, at) {
      const sip = s.sip!;
      sip.parts = sip.parts.filter((x) => !sameParty(x.party, a.party));
      sip.parts.push({ party: a.party, text: a.part, updatedAt: at, updatedBy: a.actor?.userId });
      sip.updatedAt = at;
      return `SIP updated: the ${a.party.kind === 'municipality' ? 'municipality’s' : 'health centre’s'} part`;
    },
    async sendMessage(a, at) {
      const to = sameParty(a.sender, p.municipality) ? p.primaryCare : p.municipality;
      await sendMessage(rt, s.messages, { type: 'generalMessage', sender: a.sender, recipients: [to], occurredAt: at, text: a.text });
      return 'Message sent (generellt meddelande)';
    },
    // 7. meddelande utanför vårdtillfälle; 8. primary care acknowledges it snarast
    async careNoLongerNeeded(a, at) {
      const m = await sendMessage(rt, s.messages, { type: 'outOfEpisodeMessage', sender: p.municipality, recipients: [p.primaryCare], occurredAt: at, text: a.text });
      s.status = 'ending';
      s.ending = { messageId: m.messageId, sentAt: at };
      return 'The municipality sent that care at home is no longer needed (meddelande utanför vårdtillfälle)';
    },
    // 9. the named care contact closes the SIP with the patient
    async closeSip(_a, at) {
      if (s.sip) s.sip.closedAt = at;
      return (s.sip ? 'SIP closed with the patient' : 'No SIP to close') + endIfSettled(at);
    },
    async recordDeath(a, at) {
      end('PATIENT_DIED', at);
      return `${END_SUMMARY.PATIENT_DIED} (${a.date})`;
    },
    async recordMove(a, at) {
      end('PATIENT_MOVED', at, a.toMunicipality);
      return END_SUMMARY.PATIENT_MOVED + (a.toMunicipality ? ` to municipality ${a.toMunicipality}` : '');
    },
    ...deviationHandlers(rt),
  };

  // ---- wiring --------------------------------------------------------------------------------
  wireProcess(rt, s, {
    types: HOME_CARE_ACTIONS, updates: homeCareUpdates, refusal, handlers, identity: { enrollmentId: s.enrollmentId },
    viewQuery: enrollmentQuery, view, allowedQuery: enrollmentAllowedActionsQuery, allowed: allowedEnrollmentActions,
  });

  // ---- start (first run only), then the link to the discharge episode -------------------------
  await startUp;
  if (!carried && input.dischargeEpisodeId) await linkDischargeEpisode(input.dischargeEpisodeId);

  /** docs/domain.md §5: the discharge episode links to the enrollment (its named-doctor rule is then satisfied). */
  async function linkDischargeEpisode(episodeId: string): Promise<void> {
    await rt.exclusive(async () => {
      const outcome = await linking.linkHomeCareToDischarge(episodeId, s.enrollmentId);
      s.dischargeLink = { episodeId, outcome, at: rt.now() };
      rt.record({ action: 'dischargeEpisodeLinked', occurredAt: rt.now(), summary: outcome === 'linked' ? 'Linked to the discharge episode' : `Not linked to the discharge episode (${outcome})` });
    });
  }

  // ---- main loop: until ended, continuing as new to keep history bounded -------------------------
  const done = () => enrollmentClosed(s.status) && openObligations(s.tracking).length === 0 && !s.tracking.deviations.some((d) => d.status === 'open');
  const historyFull = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= HISTORY_LIMIT || info.historySize >= HISTORY_BYTES_LIMIT;
  };
  await rt.run(() => done() || historyFull());

  // Drain: an action accepted after the loop returned is finished and projected too (the ledger
  // must have this run's last state before the carried state is pruned). Nothing awaits between
  // the drain and continue-as-new, so no action is lost.
  await rt.finish();
  if (done()) return view(s);
  s.continuedAsNew = [...s.continuedAsNew, { runId: workflowInfo().runId, historyLength: workflowInfo().historyLength, at: rt.now() }].slice(-20);
  s.run += 1;
  boundCarriedState(s);
  return continueAsNew<typeof homeCareEnrollment>(input, s);
}
