/**
 * Utskrivning från slutenvård: one workflow per hospital stay (docs/domain.md §4, 001 §6 flowchart).
 *
 * Admission starts it. Staff actions arrive as Updates whose validators refuse what the state
 * does not allow (nothing is recorded then). Every message creates one acknowledgement
 * obligation per recipient; every deadline is a durable timer in the shared ProcessRuntime,
 * and a missed one becomes a deviation that climbs the escalation ladder (§6).
 * The episode ends when the patient has left (or planning was cancelled), every obligation and
 * deviation is settled, and the SIP is completed or the follow-up period is over (step 10).
 */
import {
  patched,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import {
  activeInvitation,
  checklistStatus,
  namedContactOwed,
  currentReadyPeriod,
  DISCHARGE_ACTIONS,
  outpatientParties,
  parties,
  refusal,
  type DischargeAction,
} from '../../src/domain/discharge/actions';
import { allowedActions } from '../../src/domain/discharge/allowed';
import type { DischargeState, Message, MessageType, StartEpisodeInput } from '../../src/domain/discharge/types';
import { addClockHours, clockHoursBetween } from '../../src/domain/local-date';
import { openObligations, sameParty, type Obligation, type Party } from '../../src/domain/obligations';
import { SA } from '../../src/temporal/search-attributes';
import type { ObligationSpec } from '../shared/process-runtime';
import { acknowledge, openOf, sendMessage } from '../shared/messages';
import { deviationHandlers, processRuntime, wireProcess, type ActionHandlers } from '../shared/process-kit';
import { local } from '../shared/proxies';
import { allowedActionsQuery, patientQuery, dischargeUpdates, episodeQuery, episodeView as view, type DischargeResult } from './contract';

/**
 * Patch id of the process rules read again from the seeds (issue 16): the named care contact only
 * where a SIP is needed, no general message without consent, invitations withdrawn or moved by
 * their sender, criterion 2 of hemgångsklar, the 2027 agreement's same-day ready and its documents.
 * Decided once when the episode starts (`DischargeState.sourceRules`): episodes started before
 * keep the rules they started with, and replay.
 */
export const PATCH_SOURCE_RULES = 'discharge-rules-read-again';

const DESCRIBE: Record<string, (o: Obligation) => string> = {
  sendAdmissionNotice: () => 'No admission notice with a preliminary ready date within 24 hours of admission',
  acknowledge: (o) => `Message not acknowledged by ${o.responsible.kind} ${o.responsible.id} by ${o.dueLocalDate}`,
  appointNamedCareContact: (o) => `No named care contact appointed by ${o.responsible.kind} ${o.responsible.id} by ${o.dueLocalDate}`,
  sendInvitation: (o) => `No planning invitation sent by ${o.dueLocalDate} after the patient was reported ready`,
  // (the admission notice's deadline may be moved by the first medical round: 001 §6.1 step 2)
  sendDischargeNotice: () => 'Discharge notice not sent on the day of discharge',
};

export async function dischargeEpisode(input: StartEpisodeInput): Promise<DischargeResult> {
  const s: DischargeState = {
    episodeId: input.episodeId,
    input,
    status: 'admitted',
    version: 0,
    admittedLocalDate: '', // set below, from the calendar activity
    admissionNoticeVersion: 0,
    namedCareContacts: [],
    invitations: [],
    meetings: [],
    checklist: { aidsAndMedicationListInPlace: false, medicinesSecured: false, informationTransferred: false },
    readyPeriods: [],
    outpatientServicesUnavailable: false,
    messages: [],
    tracking: { obligations: [], deviations: [] },
    timeline: [],
  };
  s.sourceRules = patched(PATCH_SOURCE_RULES);
  // projected whole: the projection also writes the episode's view, timeline included, which the API answers with (issue 21)
  const rt = processRuntime(s, { processType: 'discharge', processId: s.episodeId, input, describe: DESCRIBE, project: () => local.projectDischargeEpisode(s) });
  const p = parties(s);
  const allParties = (): Party[] => [p.municipality, ...outpatientParties(s)];

  // ---- admission ------------------------------------------------------------------------------
  // The start-up hold, begun before the staff actions are wired below: an action that arrives with
  // the start (it may share the very first activation) waits its turn until the admission is
  // recorded and its obligation is open. The timeline entry comes first, so that a read right
  // after the start (a query may be answered while the first task waits for the calendar
  // activity) already shows it. Awaited after the wiring.
  const admission = rt.startUp(async () => {
    rt.record({ action: 'admitted', occurredAt: input.admittedAt, actor: input.actor, summary: 'Patient admitted (inskrivning)' });
    s.admittedLocalDate = await local.localDateOf(input.admittedAt);
    // 2. the admission notice is due within 24 hours of admission (001 §6.1 step 2)
    // (rules read again: "… eller efter första medicinska ronden", so a weekend admission is not late on Sunday)
    const rule = s.sourceRules ? ('admissionNoticeAfterFirstRound' as const) : ('admissionNotice' as const);
    await rt.openObligations([{ kind: 'sendAdmissionNotice', responsible: p.inpatient, deviationType: 'ADMISSION_NOTICE_LATE', deadline: { rule, from: input.admittedAt } }]);
  }, 'asExclusive');

  // ---- helpers -------------------------------------------------------------------------------

  /** Sends a message: records it and opens one acknowledgement obligation per recipient (§4 "Every message"). */
  function send(type: MessageType, sender: Party, recipients: Party[], occurredAt: string, details?: Message['details'], version?: number): Promise<Message> {
    // 001 §6.1 step 6a: a kallelse (also one moved to a new time) has the 14:00 receipt-day rule; everything else the next weekday
    const rule = type === 'planningInvitation' || type === 'invitationMoved' ? 'invitation' : 'acknowledgement';
    return sendMessage(rt, s.messages, { type, version, sender, recipients, occurredAt, details }, rule);
  }

  const meetAll = (kind: string, at: string, who?: Party) => openOf(rt, kind, who).forEach((o) => rt.meet(o.obligationId, at));
  const cancelAll = (kind: string, reason: string) => openOf(rt, kind).forEach((o) => rt.cancel(o.obligationId, reason));

  /** Warnings that go with the answer to the current action (accepted, but staff should know). */
  const warnings: string[] = [];

  /** 001 §5: planning is held on weekdays, daytime; another time is accepted with a warning. */
  async function warnIfOutsideDaytime(meetingAt: string): Promise<void> {
    const w = await local.meetingTimeWarning(meetingAt);
    if (w) warnings.push(w);
  }

  /**
   * 3. fast vårdkontakt: owed where coordinated planning with a SIP is needed (001 step 3; flow (a)),
   * by primary care and, for a psychiatric stay, psychiatric outpatient care, "i samband med att
   * Inskrivningsmeddelandet tas emot": due by the acknowledgement deadline of the later of the
   * admission notice and the planning message. An existing contact continues (confirmed).
   */
  async function expectNamedContact(): Promise<void> {
    const notice = s.messages.find((m) => m.type === 'admissionNotice');
    if (!namedContactOwed(s) || !notice || !s.planning) return;
    const pending = outpatientParties(s).filter((x) => !s.namedCareContacts.some((c) => sameParty(c.party, x)) && !s.tracking.obligations.some((o) => o.kind === 'appointNamedCareContact' && sameParty(o.responsible, x)));
    const from = Date.parse(s.planning.sentAt) > Date.parse(notice.occurredAt) ? s.planning.sentAt : notice.occurredAt;
    await rt.openObligations(pending.map((r) => ({ kind: 'appointNamedCareContact', responsible: r, deviationType: 'NAMED_CONTACT_MISSING', deadline: { rule: 'acknowledgement', from } })));
  }

  function withdrawInvitation(reason: string): void {
    const inv = activeInvitation(s);
    if (!inv) return;
    inv.status = 'withdrawn';
    const m = s.messages.find((x) => x.messageId === inv.messageId);
    if (m) m.withdrawn = true;
    // the invitation and every move of it: a withdrawn invitation owes no acknowledgement
    const ids = new Set([inv.messageId, ...(inv.moves ?? []).map((x) => x.messageId)]);
    s.tracking.obligations.filter((o) => o.messageId && ids.has(o.messageId)).forEach((o) => rt.cancel(o.obligationId, reason));
  }

  /** ReadySince follows the current ready period (set on ready, cleared on withdrawal) */
  function readySince(): void {
    const ready = currentReadyPeriod(s);
    upsertSearchAttributes([{ key: SA.readySince, value: ready ? new Date(ready.readyAt) : null }]);
  }

  /** INVITATION_LATE (004 §4.1): in flow (a) with consent, primary care invites within N days of the ready notice. */
  async function expectInvitation(readyDate: string): Promise<void> {
    // an invitation sent or a meeting already held counts; only a withdrawn one does not
    const invited = s.invitations.some((i) => i.status !== 'withdrawn');
    if (s.planning?.flow !== 'a' || s.planning.consent !== 'given' || invited || openOf(rt, 'sendInvitation').length) return;
    await rt.openObligations(
      outpatientParties(s).slice(0, 1).map((r): ObligationSpec => ({
        kind: 'sendInvitation',
        responsible: s.input.psychiatric && s.input.psychiatricOutpatientUnit ? { kind: 'psychiatricOutpatient', id: s.input.psychiatricOutpatientUnit } : r,
        deviationType: 'INVITATION_LATE',
        deadline: { rule: 'calendarDays', fromDate: readyDate, days: s.input.settings.invitationLateDays },
      })),
    );
  }

  // ---- the actions, in the order of the flowchart ---------------------------------------------

  const handlers: ActionHandlers<DischargeAction> = {
    // 1. vårdbegäran (optional, also after admission)
    async careRequest(a, at) {
      await send('careRequest', a.sender, [p.inpatient], at);
      return 'Care request (vårdbegäran) received from the municipality';
    },
    async outOfEpisodeMessage(a, at) {
      await send('outOfEpisodeMessage', a.sender, a.recipients, at, { text: a.text });
      return 'Out-of-episode message recorded';
    },
    // 2. inskrivningsmeddelande with the preliminary ready date; each change is a new version to every party
    async admissionNotice(a, at) {
      const first = s.admissionNoticeVersion === 0;
      s.admissionNoticeVersion += 1;
      s.expectedReadyDate = a.expectedReadyDate;
      await send('admissionNotice', p.inpatient, allParties(), at, { expectedReadyDate: a.expectedReadyDate }, s.admissionNoticeVersion);
      if (first) {
        meetAll('sendAdmissionNotice', at);
        if (s.sourceRules) await expectNamedContact();
        else {
          // 3. named care contact by the admission notice's acknowledgement deadline
          const pending = outpatientParties(s).filter((x) => !s.namedCareContacts.some((c) => sameParty(c.party, x)));
          await rt.openObligations(pending.map((r) => ({ kind: 'appointNamedCareContact', responsible: r, deviationType: 'NAMED_CONTACT_MISSING', deadline: { rule: 'acknowledgement', from: at } })));
        }
      }
      return `Admission notice version ${s.admissionNoticeVersion} sent with preliminary ready date ${a.expectedReadyDate}`;
    },
    async acknowledge(a, at) {
      return acknowledge(rt, a.messageId, a.party, at);
    },
    async appointNamedCareContact(a, at) {
      s.namedCareContacts = s.namedCareContacts.filter((c) => !sameParty(c.party, a.party));
      s.namedCareContacts.push({ party: a.party, contact: a.contact, appointedAt: at, ...(a.existing ? { confirmed: true } : {}) });
      meetAll('appointNamedCareContact', at, a.party);
      // 001 step 3: "Om patienten redan har en fast vårdkontakt, får denne fortsätta"
      return a.existing ? 'Existing named care contact (fast vårdkontakt) confirmed: continues' : 'Named care contact (fast vårdkontakt) appointed';
    },
    async appointNamedDoctor(a, at) {
      s.namedDoctor = { doctor: a.doctor, unit: a.unit, appointedAt: at };
      return 'Named doctor (fast läkarkontakt) appointed';
    },
    // 4. generellt meddelande "samordnad planering behövs" with consent; flows (a), (b), (c)
    async planningNeeded(a, at) {
      s.planning = { flow: a.flow, consent: a.consent, formOfCare: a.formOfCare, sentAt: at, needs: a.needs };
      // (c) only social services: the message goes to the municipality, primary care has no duty to invite
      const recipients = a.flow === 'c' ? [p.municipality] : allParties();
      // 001 step 4: "Slutenvården skickar, efter samtycke …, ett generellt meddelande": without
      // consent it is not sent, and nothing that needed the consent is shared
      if (!s.sourceRules || a.consent === 'given') await send('planningNeeded', p.inpatient, recipients, at, { flow: a.flow, consent: a.consent, formOfCare: a.formOfCare });
      if (s.sourceRules) await expectNamedContact();
      const ready = currentReadyPeriod(s);
      if (ready) await expectInvitation(ready.readyDate);
      return a.consent === 'declined'
        ? 'Planning requested; the patient declined consent, so there is no SIP and each party plans its own services'
        : `Coordinated planning requested (flow ${a.flow})`;
    },
    // 5. kallelse with date, time, place and mode; 6. acknowledged under the 14:00 rule
    async sendInvitation(a, at) {
      const recipients = a.inviteInpatient ? [p.municipality, p.inpatient] : [p.municipality];
      const m = await send('planningInvitation', a.sender, recipients, at, { meetingAt: a.meetingAt, place: a.place, mode: a.mode, location: a.location });
      s.invitations.push({ invitationId: uuid4(), messageId: m.messageId, meetingAt: a.meetingAt, place: a.place, mode: a.mode, location: a.location, status: 'sent', sentAt: at });
      meetAll('sendInvitation', at);
      if (s.sourceRules) await warnIfOutsideDaytime(a.meetingAt);
      return `Planning invitation (kallelse) sent for ${a.meetingAt}`;
    },
    // 7: the sender withdraws the invitation before the meeting; a message to acknowledge
    async withdrawInvitation(a, at) {
      const inv = a.invitationId ? s.invitations.find((i) => i.invitationId === a.invitationId)! : activeInvitation(s)!;
      const m = s.messages.find((x) => x.messageId === inv.messageId)!;
      withdrawInvitation('invitation withdrawn by its sender');
      inv.withdrawnAt = at;
      inv.withdrawalReason = a.reason;
      await send('invitationWithdrawn', m.sender, m.recipients, at, { invitationId: inv.invitationId, reason: a.reason });
      return `Planning invitation (kallelse) withdrawn: ${a.reason}`;
    },
    // 7: the sender moves the meeting to a new time; the moved invitation is acknowledged anew (14:00 rule)
    async moveInvitation(a, at) {
      const inv = a.invitationId ? s.invitations.find((i) => i.invitationId === a.invitationId)! : activeInvitation(s)!;
      const m = s.messages.find((x) => x.messageId === inv.messageId)!;
      const earlier = new Set([inv.messageId, ...(inv.moves ?? []).map((x) => x.messageId)]);
      s.tracking.obligations.filter((o) => o.messageId && earlier.has(o.messageId)).forEach((o) => rt.cancel(o.obligationId, 'invitation moved to a new time'));
      const from = inv.meetingAt;
      inv.meetingAt = a.meetingAt;
      if (a.place) inv.place = a.place;
      if (a.mode) inv.mode = a.mode;
      if (a.location) inv.location = a.location;
      const moved = await send('invitationMoved', m.sender, m.recipients, at, { invitationId: inv.invitationId, meetingAt: inv.meetingAt, from, place: inv.place, mode: inv.mode, location: inv.location });
      inv.moves = [...(inv.moves ?? []), { at, from, messageId: moved.messageId }];
      await warnIfOutsideDaytime(a.meetingAt);
      return `Planning meeting moved from ${from} to ${a.meetingAt}`;
    },
    // 2: "inom 24 timmar … eller efter första medicinska ronden": the notice is due by the later of
    // admission + 24 h and the end of the round's day (docs/domain.md §4 step 2)
    async recordFirstMedicalRound(_a, at) {
      s.firstMedicalRoundAt = at;
      const o = openOf(rt, 'sendAdmissionNotice').find((x) => x.status === 'open');
      if (!o) return 'First medical round recorded';
      const [endOfRoundDay] = await rt.deadlinesFor([{ rule: 'calendarDays', fromDate: await local.localDateOf(at), days: 0 }]);
      if (clockHoursBetween(input.admittedAt, endOfRoundDay!.dueAt) <= 24) return 'First medical round recorded; the admission notice stays due 24 hours after admission';
      rt.moveDeadline(o.obligationId, endOfRoundDay!);
      return `First medical round recorded; the admission notice is due by the end of ${endOfRoundDay!.dueLocalDate}`;
    },
    // 002 checkpoint: the planning basis (planeringsunderlag), its own document with its date, to the parties
    async recordPlanningBasis(a, at) {
      const m = await send('planningBasis', p.inpatient, allParties(), at, { date: a.date });
      s.planningBasis = { date: a.date, recordedAt: at, messageId: m.messageId };
      return `Planning basis (planeringsunderlag) dated ${a.date} sent to the parties`;
    },
    // 7. planning meeting held; SIP created or updated
    async recordPlanningMeeting(a, at) {
      const inv = a.invitationId ? s.invitations.find((i) => i.invitationId === a.invitationId) : activeInvitation(s);
      if (inv) inv.status = 'held';
      s.meetings.push({ heldAt: at, invitationId: inv?.invitationId });
      return 'Planning meeting (samordnad planering) held';
    },
    async recordSip(a, at) {
      const acknowledgements = s.sip?.acknowledgements; // an update keeps who acknowledged the SIP
      s.sip = { createdAt: s.sip?.createdAt ?? at, updatedAt: at, coordinator: a.coordinator, responsibilities: a.responsibilities, selfCareAssessment: a.selfCareAssessment, ...(acknowledgements ? { acknowledgements } : {}) };
      return s.sip.createdAt === at ? 'SIP created' : 'SIP updated';
    },
    // 10. SIP completed after discharge
    async completeSip(_a, at) {
      if (s.sip) s.sip.completedAt = at;
      return 'SIP completed';
    },
    // §9 SIP kvitterad: recorded per party; no obligation or timer (the process's commands are unchanged)
    async acknowledgeSip(a, at) {
      const sip = s.sip!;
      sip.acknowledgements = [...(sip.acknowledgements ?? []), { party: a.party, at }];
      return `SIP acknowledged (kvitterad) by ${a.party.kind} ${a.party.id}`;
    },
    // 8. hemgångsklar checklist; medicines secured for three days (§3)
    async updateChecklist(a, at) {
      const c = s.checklist;
      if (a.aidsAndMedicationListInPlace !== undefined) c.aidsAndMedicationListInPlace = a.aidsAndMedicationListInPlace;
      if (a.informationTransferred !== undefined) c.informationTransferred = a.informationTransferred;
      if (a.medicinesSecured !== undefined) c.medicinesSecured = a.medicinesSecured;
      if (a.plannedDischargeDate !== undefined) c.plannedDischargeDate = a.plannedDischargeDate;
      const planned = c.plannedDischargeDate ?? currentReadyPeriod(s)?.readyDate ?? s.expectedReadyDate ?? (await local.localDateOf(at));
      // noon local time stands for "that day": the rule only looks at the local date
      c.medicinesSecuredUntil = c.medicinesSecured ? (await local.computeDeadline('medicineSupply', `${planned}T12:00:00+01:00`)).localDate : undefined;
      return checklistStatus(s).complete ? 'Ready-to-go-home checklist complete (hemgångsklar)' : 'Ready-to-go-home checklist updated';
    },
    async recordTreatmentPlan(_a, at) {
      // 002: "ska upprättas och finnas tillgänglig för mottagande part": sent to them, acknowledged
      const m = s.sourceRules ? await send('treatmentPlan', p.inpatient, allParties(), at) : undefined;
      s.treatmentPlan = { establishedAt: at, ...(m ? { messageId: m.messageId } : {}) };
      return 'Treatment plan (behandlingsplan) established and available to the parties';
    },
    // 8. utskrivningsklar: the final ready date to all parties; starts the ready days
    async markReady(a, at) {
      s.status = 'readyForDischarge';
      s.readyPeriods.push({ readyDate: a.readyDate, readyAt: at });
      await send('readyForDischarge', p.inpatient, allParties(), at, { readyDate: a.readyDate });
      await expectInvitation(a.readyDate);
      return `Patient ready for discharge (utskrivningsklar) from ${a.readyDate}`;
    },
    // 6b. återtag: withdraws the ready status, the invitation and the booked meeting
    async withdrawReadiness(a, at) {
      const cur = currentReadyPeriod(s)!;
      cur.endDate = a.date;
      cur.endReason = 'WITHDRAWN';
      cur.withdrawalReason = a.reason;
      s.status = 'admitted';
      withdrawInvitation('readiness withdrawn');
      cancelAll('sendInvitation', 'readiness withdrawn');
      await send('readinessWithdrawn', p.inpatient, allParties(), at, { date: a.date, reason: a.reason });
      return `Ready status withdrawn (återtag) from ${a.date}: ${a.reason}`;
    },
    // 9. the patient leaves; the discharge notice the same day
    async discharge(a, at) {
      const localDay = await local.localDateOf(at);
      const cur = currentReadyPeriod(s);
      if (cur) {
        cur.endDate = localDay;
        cur.endReason = 'DISCHARGED';
      }
      if (a.homeHealthCare) s.input.homeHealthCare = a.homeHealthCare;
      const followUpUntil = addClockHours(at, s.input.settings.followUpDays * 24).toISOString();
      s.discharge = { dischargedAt: at, followUpUntil };
      s.status = 'discharged';
      withdrawInvitation('patient discharged');
      cancelAll('sendInvitation', 'patient discharged');
      cancelAll('sendAdmissionNotice', 'patient discharged');
      if (!checklistStatus(s).complete) {
        await rt.reportDeviation({ type: 'NOT_READY_TO_GO_HOME_AT_DISCHARGE', responsible: p.inpatient, description: 'Discharged before every ready-to-go-home criterion was met', occurredAt: at });
      }
      // §4 step 3: a named doctor before discharge for patients in (or going to) home health care
      if (s.input.homeHealthCare !== 'none' && !s.namedDoctor && !s.homeCareEnrollmentId) {
        await rt.reportDeviation({ type: 'NAMED_DOCTOR_MISSING', responsible: p.primaryCare, description: 'Discharged to home health care without a named doctor (fast läkarkontakt)', occurredAt: at });
      }
      if (a.sendNotice) await sendDischargeNotice(at);
      else {
        await rt.openObligations([{ kind: 'sendDischargeNotice', responsible: p.inpatient, deviationType: 'DISCHARGE_NOTICE_LATE', deadline: { rule: 'calendarDays', fromDate: localDay, days: 0 } }]);
      }
      return `Patient discharged${a.sendNotice ? ' and the discharge notice sent' : ''}`;
    },
    async sendDischargeNotice(_a, at) {
      await sendDischargeNotice(at);
      return 'Discharge notice (utskrivningsmeddelande) sent';
    },
    // 9b. avbruten vårdplanering (planning cancelled, or the patient died)
    async cancel(a, at) {
      const cur = currentReadyPeriod(s);
      if (cur) {
        cur.endDate = await local.localDateOf(at);
        cur.endReason = 'CANCELLED';
      }
      s.status = 'cancelled';
      s.cancellation = { reason: a.reason, comment: a.comment, at };
      withdrawInvitation('planning cancelled');
      for (const kind of ['sendAdmissionNotice', 'appointNamedCareContact', 'sendInvitation', 'sendDischargeNotice']) cancelAll(kind, 'planning cancelled');
      await send('planningCancelled', p.inpatient, allParties(), at, { reason: a.reason });
      return a.reason === 'PATIENT_DIED' ? 'Planning cancelled: the patient died' : 'Planning cancelled (avbruten vårdplanering)';
    },
    async setOutpatientServicesUnavailable(a) {
      s.outpatientServicesUnavailable = a.value;
      return a.value ? 'Marked: region-funded outpatient services not available (no payment liability)' : 'Outpatient-services flag cleared';
    },
    ...deviationHandlers(rt),
    async linkHomeCareEnrollment(a) {
      s.homeCareEnrollmentId = a.enrollmentId;
      return 'Linked to a home health care enrollment';
    },
  };

  async function sendDischargeNotice(at: string): Promise<void> {
    if (s.discharge) s.discharge.noticeSentAt = at;
    meetAll('sendDischargeNotice', at);
    // to the municipality and the region's outpatient care (§4 step 9)
    await send('dischargeNotice', p.inpatient, allParties(), at);
  }

  // ---- wiring --------------------------------------------------------------------------------

  // refusal rules added since (docs/domain.md §7 ready dates) apply to episodes started since: histories replay
  wireProcess(rt, s, {
    types: DISCHARGE_ACTIONS, updates: dischargeUpdates, refusal, handlers, identity: { episodeId: s.episodeId },
    takeWarnings: () => warnings.splice(0),
    recorded: (a) => {
      if (a.type === 'markReady' || a.type === 'withdrawReadiness') readySince();
    },
    viewQuery: episodeQuery, view, allowedQuery: allowedActionsQuery, allowed: allowedActions,
  });
  setHandler(patientQuery, () => s.input.patient);

  await admission;

  const ended = () => s.status === 'discharged' || s.status === 'cancelled';
  const sipPending = () => !!s.sip && !s.sip.completedAt && s.status === 'discharged';
  const followUpUntil = () => (s.discharge && sipPending() ? s.discharge.followUpUntil : undefined);
  const done = () =>
    ended() &&
    openObligations(s.tracking).length === 0 &&
    !s.tracking.deviations.some((d) => d.status === 'open') &&
    (!sipPending() || Date.now() >= Date.parse(s.discharge!.followUpUntil));

  await rt.run(done, followUpUntil);
  await rt.finish();
  return { episodeId: s.episodeId, version: s.version, status: s.status }; // compact (issue 21)
}
