/**
 * The discharge process's staff actions, declared once (docs/domain.md §4, issue 18): for each
 * action its request body (zod), its endpoint under /api/episodes/{episodeId}/, the English
 * summary and the Swedish term staff use, and the roles that may do it (§10). Whether an
 * episode's state allows it is the pure rule `refusal` (./actions.ts).
 *
 * Derived from it: the API's endpoints and the OpenAPI document (src/api/schemas/discharge.ts
 * `ACTION_BODIES`, src/api/routes/discharge.ts), the policy (src/auth/policy.ts `ACTION_ROLES`).
 * The workflow's Updates come from ./actions.ts `DISCHARGE_ACTIONS`, the same types without zod
 * (the compiler checks that both name every type of `DischargeAction`).
 */
import { z } from 'zod';
import { HsaIdSchema } from '../identifiers';
import { ActingParty, IsoInstant, LocalDateSchema, PartySchema, text, type ActionCatalog } from '../action-schemas';
import { CARE_CONTACT, COORDINATOR, EPISODE_PARTIES, HOME_CARE_PARTIES, INPATIENT, MUNICIPALITY } from '../roles';
import type { DischargeAction } from './actions';

/** When it really happened (back-registration after downtime); also the admission's `admittedAt`. */
export const occurredAt = IsoInstant.optional().meta({
  description: 'When it really happened, for back-registration after downtime (driftstopp); defaults to now. Deadlines count from it.',
});

export const DISCHARGE_ACTION_CATALOG: ActionCatalog<DischargeAction> = {
  careRequest: { path: 'care-request', sv: 'vårdbegäran', summary: 'Care request from the municipality', body: z.object({ sender: ActingParty, occurredAt }), roles: MUNICIPALITY },
  outOfEpisodeMessage: {
    path: 'out-of-episode-message',
    sv: 'meddelande utanför vårdtillfälle',
    summary: 'Message outside the episode (e.g. from the emergency department)',
    body: z.object({ sender: ActingParty, recipients: z.array(PartySchema).min(1).max(10), text: text(2000).optional(), occurredAt }),
    roles: EPISODE_PARTIES,
  },
  admissionNotice: {
    path: 'admission-notice',
    sv: 'inskrivningsmeddelande',
    summary: 'Admission notice with the preliminary ready date (a changed date re-sends it as a new version)',
    body: z.object({ expectedReadyDate: LocalDateSchema.meta({ description: 'preliminärt datum för utskrivningsklar' }), occurredAt }),
    roles: INPATIENT,
  },
  acknowledge: {
    path: 'acknowledgements',
    sv: 'kvittens',
    summary: 'Acknowledge a message',
    body: z.object({ messageId: z.string().uuid('must be a message id from the episode'), party: ActingParty, occurredAt }),
    roles: EPISODE_PARTIES,
  },
  appointNamedCareContact: {
    path: 'named-care-contact',
    sv: 'fast vårdkontakt',
    summary: 'Appoint the named care contact',
    body: z.object({
      party: ActingParty,
      contact: text(200).meta({ description: 'The contact person (staff), not the patient' }),
      existing: z.boolean().default(false).meta({ description: 'an existing named care contact continues and is confirmed (001 step 3), not a new appointment' }),
      occurredAt,
    }),
    roles: CARE_CONTACT,
  },
  appointNamedDoctor: {
    path: 'named-doctor',
    sv: 'fast läkarkontakt',
    summary: 'Appoint the named doctor (required before discharge to home health care)',
    body: z.object({ doctor: text(200), unit: HsaIdSchema, occurredAt }),
    roles: CARE_CONTACT,
  },
  planningNeeded: {
    path: 'planning-needed',
    sv: 'generellt meddelande: samordnad planering behövs',
    summary: 'Coordinated planning is needed, with the patient’s consent (samtycke) and the flow (a/b/c)',
    body: z.object({
      flow: z.enum(['a', 'b', 'c']).meta({ description: 'a: new needs · b: existing municipal services only · c: social services only' }),
      consent: z.enum(['given', 'declined']),
      formOfCare: text(100).optional().meta({ description: 'vårdform, required for psychiatric stays' }),
      needs: z.enum(['unchanged', 'newSocialServices', 'newHealthCare', 'newAdvancedHealthCare']).optional(),
      occurredAt,
    }),
    roles: INPATIENT,
  },
  sendInvitation: {
    path: 'invitations',
    sv: 'kallelse till samordnad planering',
    summary: 'Planning invitation (acknowledged under the 14:00 rule)',
    body: z.object({
      sender: ActingParty,
      meetingAt: IsoInstant,
      place: text(200),
      mode: z.enum(['phone', 'video', 'inPerson']),
      location: z.enum(['hospital', 'home', 'healthCentre', 'other']),
      inviteInpatient: z.boolean().default(true),
      occurredAt,
    }),
    roles: [...CARE_CONTACT, 'inpatientStaff'],
  },
  withdrawInvitation: {
    path: 'invitations/withdraw',
    sv: 'kallelse återtagen',
    summary: 'The sender withdraws the planning invitation before the meeting (a message the invited acknowledge; the invitation owes no acknowledgement any more)',
    body: z.object({ sender: ActingParty, invitationId: z.string().uuid().optional().meta({ description: 'default: the booked one' }), reason: text(500), occurredAt }),
    roles: [...CARE_CONTACT, 'inpatientStaff'],
  },
  moveInvitation: {
    path: 'invitations/move',
    sv: 'kallelse flyttad',
    summary: 'The sender moves the planning meeting to a new time (acknowledged anew under the 14:00 rule); outside weekdays, daytime it is accepted with a warning',
    body: z.object({
      sender: ActingParty,
      invitationId: z.string().uuid().optional().meta({ description: 'default: the booked one' }),
      meetingAt: IsoInstant,
      place: text(200).optional(),
      mode: z.enum(['phone', 'video', 'inPerson']).optional(),
      location: z.enum(['hospital', 'home', 'healthCentre', 'other']).optional(),
      occurredAt,
    }),
    roles: [...CARE_CONTACT, 'inpatientStaff'],
  },
  recordFirstMedicalRound: {
    path: 'first-medical-round',
    sv: 'första medicinska ronden',
    summary: 'The first medical round took place (occurredAt): the admission notice is due by the later of admission + 24 h and the end of that day (001 §6.1 step 2)',
    body: z.object({ occurredAt }),
    roles: INPATIENT,
  },
  recordPlanningBasis: {
    path: 'planning-basis',
    sv: 'planeringsunderlag',
    summary: 'The planning basis (planeringsunderlag) with its date, sent to the parties: a checkpoint of the 2027 agreement (002)',
    body: z.object({ date: LocalDateSchema, occurredAt }),
    roles: INPATIENT,
  },
  recordPlanningMeeting: {
    path: 'planning-meetings',
    sv: 'samordnad planering genomförd',
    summary: 'Planning meeting held',
    body: z.object({ invitationId: z.string().uuid().optional(), occurredAt }),
    roles: [...CARE_CONTACT, 'inpatientStaff'],
  },
  recordSip: {
    path: 'sip',
    sv: 'SIP upprättad/uppdaterad',
    summary: 'SIP created or updated, with responsibilities and a named coordinator',
    body: z.object({
      coordinator: text(200),
      responsibilities: z.array(z.object({ party: text(100), responsibility: text(500) })).min(1).max(50),
      selfCareAssessment: z.boolean().meta({ description: 'egenvårdsbedömning' }),
      occurredAt,
    }),
    roles: CARE_CONTACT,
  },
  acknowledgeSip: {
    path: 'sip/acknowledgements',
    sv: 'SIP kvitterad',
    summary: 'SIP acknowledged by a party (the municipality, primary care or psychiatric outpatient care)',
    body: z.object({ party: ActingParty, occurredAt }),
    roles: ['municipalityStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff'],
  },
  completeSip: { path: 'sip/complete', sv: 'SIP slutförd', summary: 'SIP completed (after discharge, with the patient)', body: z.object({ occurredAt }), roles: CARE_CONTACT },
  updateChecklist: {
    path: 'checklist',
    sv: 'hemgångsklar',
    summary: 'Ready-to-go-home checklist; the medicines “secured until” date is computed',
    body: z.object({
      aidsAndMedicationListInPlace: z.boolean().optional(),
      medicinesSecured: z.boolean().optional(),
      informationTransferred: z.boolean().optional(),
      plannedDischargeDate: LocalDateSchema.optional(),
      occurredAt,
    }),
    roles: INPATIENT,
  },
  recordTreatmentPlan: { path: 'treatment-plan', sv: 'behandlingsplan', summary: 'Treatment plan established and available to the parties', body: z.object({ occurredAt }), roles: INPATIENT },
  markReady: {
    path: 'ready',
    sv: 'utskrivningsklar',
    summary: 'Mark ready for discharge (final ready date to all parties)',
    body: z.object({ readyDate: LocalDateSchema, occurredAt }),
    roles: INPATIENT,
  },
  withdrawReadiness: {
    path: 'ready/withdraw',
    sv: 'återtag av utskrivningsklar',
    summary: 'Withdraw the ready status (the invitation and booked meeting are withdrawn with it)',
    body: z.object({ date: LocalDateSchema, reason: text(500), occurredAt }),
    roles: INPATIENT,
  },
  discharge: {
    path: 'discharge',
    sv: 'utskrivning',
    summary: 'The patient leaves the hospital',
    body: z.object({ sendNotice: z.boolean().default(true).meta({ description: 'send the discharge notice (utskrivningsmeddelande) now' }), homeHealthCare: z.enum(['none', 'enrolled', 'planned']).optional(), occurredAt }),
    roles: INPATIENT,
  },
  sendDischargeNotice: { path: 'discharge-notice', sv: 'utskrivningsmeddelande', summary: 'Discharge notice (same day as discharge)', body: z.object({ occurredAt }), roles: INPATIENT },
  cancel: {
    path: 'cancel',
    sv: 'avbruten vårdplanering',
    summary: 'Planning cancelled, or the patient died',
    body: z.object({ reason: z.enum(['PLANNING_CANCELLED', 'PATIENT_DIED']), comment: text(1000).optional(), occurredAt }),
    roles: INPATIENT,
  },
  setOutpatientServicesUnavailable: {
    path: 'outpatient-services-unavailable',
    sv: 'öppenvårdsinsatser ej tillgängliga',
    summary: 'Region-funded outpatient services were not available (exempts payment liability, law-2017-612)',
    body: z.object({ value: z.boolean(), comment: text(1000).optional(), occurredAt }),
    roles: INPATIENT,
  },
  reportDeviation: {
    path: 'deviations',
    sv: 'avvikelse',
    summary: 'Report a deviation',
    body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }),
    roles: EPISODE_PARTIES,
  },
  closeDeviation: {
    path: 'deviations/close',
    sv: 'avsluta avvikelse',
    summary: 'Close a deviation with a resolution (coordinator)',
    body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }),
    roles: COORDINATOR,
  },
  linkHomeCareEnrollment: {
    path: 'home-care-enrollment',
    sv: 'inskrivning i hemsjukvård',
    summary: 'Link the home health care enrollment the patient goes home to',
    body: z.object({ enrollmentId: z.string().min(1).max(100), occurredAt }),
    roles: [...HOME_CARE_PARTIES, 'inpatientStaff'],
  },
};
