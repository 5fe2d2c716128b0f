/**
 * Request bodies of the discharge endpoints. zod validates them (400 naming the field) and the
 * OpenAPI document is generated from them, with the Swedish term beside the English one.
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import { IsoInstant, LocalDateSchema, RegionIdSchema } from './common';
import type { DischargeActionType } from '../../domain/discharge/actions';

const isoInstant = IsoInstant;
export { LocalDateSchema };

export const KommunkodSchema = z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod (SCB)');

export const PartySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('municipality'), id: KommunkodSchema }),
    z.object({ kind: z.enum(['inpatient', 'primaryCare', 'psychiatricOutpatient', 'emergencyDepartment']), id: HsaIdSchema }),
  ])
  .meta({ id: 'Party', description: 'A unit (HSA-id) or a municipality (kommunkod)' });

/** The acting party: optional, the caller's own unit or municipality from the token (docs/domain.md §10). */
export const ActingParty = PartySchema.optional().meta({ description: 'The party acting; default and only allowed value: your own unit or municipality (from your token)' });

const occurredAt = isoInstant.optional().meta({
  description: 'When it really happened, for back-registration after downtime (driftstopp); defaults to now. Deadlines count from it.',
});

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Start of an episode: the admission (inskrivning). */
export const StartEpisodeBody = z
  .object({
    region: RegionIdSchema,
    patient: PatientIdentifierSchema,
    residenceMunicipality: KommunkodSchema.meta({ description: 'folkbokföringskommun (kommunkod)' }),
    outOfCounty: z.boolean().default(false).meta({ description: 'Registered in another county: the home municipality is the party (001 §5.8)' }),
    inpatientUnit: HsaIdSchema.meta({ description: 'slutenvårdsenhet (HSA-id)' }),
    hospital: text(100).optional(),
    primaryCareUnit: HsaIdSchema.meta({ description: 'vårdcentral där patienten är listad (HSA-id)' }),
    psychiatric: z.boolean().default(false).meta({ description: 'psykiatrisk slutenvård' }),
    psychiatricOutpatientUnit: HsaIdSchema.optional().meta({ description: 'psykiatrisk öppenvård (HSA-id), required for psychiatric stays' }),
    homeHealthCare: z.enum(['none', 'enrolled', 'planned']).default('none').meta({ description: 'hemsjukvård' }),
    admittedAt: occurredAt,
    admissionType: z.enum(['acute', 'planned']).optional().meta({ description: 'akut / planerad inskrivning (acute or planned admission); a planned readmission is not counted as a readmission (§9)' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.psychiatric && !b.psychiatricOutpatientUnit) {
      ctx.addIssue({ code: 'custom', path: ['psychiatricOutpatientUnit'], message: 'is required for a psychiatric stay' });
    }
  })
  .meta({ id: 'StartEpisode' });

/** Body schema, Swedish term, and summary of every action endpoint. */
export const ACTION_BODIES: { [K in DischargeActionType]: { path: string; sv: string; summary: string; body: z.ZodObject } } = {
  careRequest: { path: 'care-request', sv: 'vårdbegäran', summary: 'Care request from the municipality', body: z.object({ sender: ActingParty, occurredAt }) },
  outOfEpisodeMessage: {
    path: 'out-of-episode-message',
    sv: 'meddelande utanför vårdtillfälle',
    summary: 'Message outside the episode (e.g. from the emergency department)',
    body: z.object({ sender: ActingParty, recipients: z.array(PartySchema).min(1).max(10), text: text(2000).optional(), occurredAt }),
  },
  admissionNotice: {
    path: 'admission-notice',
    sv: 'inskrivningsmeddelande',
    summary: 'Admission notice with the preliminary ready date (a changed date re-sends it as a new version)',
    body: z.object({ expectedReadyDate: LocalDateSchema.meta({ description: 'preliminärt datum för utskrivningsklar' }), occurredAt }),
  },
  acknowledge: {
    path: 'acknowledgements',
    sv: 'kvittens',
    summary: 'Acknowledge a message',
    body: z.object({ messageId: z.string().uuid('must be a message id from the episode'), party: ActingParty, occurredAt }),
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
  },
  appointNamedDoctor: {
    path: 'named-doctor',
    sv: 'fast läkarkontakt',
    summary: 'Appoint the named doctor (required before discharge to home health care)',
    body: z.object({ doctor: text(200), unit: HsaIdSchema, occurredAt }),
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
  },
  sendInvitation: {
    path: 'invitations',
    sv: 'kallelse till samordnad planering',
    summary: 'Planning invitation (acknowledged under the 14:00 rule)',
    body: z.object({
      sender: ActingParty,
      meetingAt: isoInstant,
      place: text(200),
      mode: z.enum(['phone', 'video', 'inPerson']),
      location: z.enum(['hospital', 'home', 'healthCentre', 'other']),
      inviteInpatient: z.boolean().default(true),
      occurredAt,
    }),
  },
  withdrawInvitation: {
    path: 'invitations/withdraw',
    sv: 'kallelse återtagen',
    summary: 'The sender withdraws the planning invitation before the meeting (a message the invited acknowledge; the invitation owes no acknowledgement any more)',
    body: z.object({ sender: ActingParty, invitationId: z.string().uuid().optional().meta({ description: 'default: the booked one' }), reason: text(500), occurredAt }),
  },
  moveInvitation: {
    path: 'invitations/move',
    sv: 'kallelse flyttad',
    summary: 'The sender moves the planning meeting to a new time (acknowledged anew under the 14:00 rule); outside weekdays, daytime it is accepted with a warning',
    body: z.object({
      sender: ActingParty,
      invitationId: z.string().uuid().optional().meta({ description: 'default: the booked one' }),
      meetingAt: isoInstant,
      place: text(200).optional(),
      mode: z.enum(['phone', 'video', 'inPerson']).optional(),
      location: z.enum(['hospital', 'home', 'healthCentre', 'other']).optional(),
      occurredAt,
    }),
  },
  recordFirstMedicalRound: {
    path: 'first-medical-round',
    sv: 'första medicinska ronden',
    summary: 'The first medical round took place (occurredAt): the admission notice is due by the later of admission + 24 h and the end of that day (001 §6.1 step 2)',
    body: z.object({ occurredAt }),
  },
  recordPlanningBasis: {
    path: 'planning-basis',
    sv: 'planeringsunderlag',
    summary: 'The planning basis (planeringsunderlag) with its date, sent to the parties: a checkpoint of the 2027 agreement (002)',
    body: z.object({ date: LocalDateSchema, occurredAt }),
  },
  recordPlanningMeeting: {
    path: 'planning-meetings',
    sv: 'samordnad planering genomförd',
    summary: 'Planning meeting held',
    body: z.object({ invitationId: z.string().uuid().optional(), occurredAt }),
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
  },
  acknowledgeSip: {
    path: 'sip/acknowledgements',
    sv: 'SIP kvitterad',
    summary: 'SIP acknowledged by a party (the municipality, primary care or psychiatric outpatient care)',
    body: z.object({ party: ActingParty, occurredAt }),
  },
  completeSip: { path: 'sip/complete', sv: 'SIP slutförd', summary: 'SIP completed (after discharge, with the patient)', body: z.object({ occurredAt }) },
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
  },
  recordTreatmentPlan: { path: 'treatment-plan', sv: 'behandlingsplan', summary: 'Treatment plan established and available to the parties', body: z.object({ occurredAt }) },
  markReady: {
    path: 'ready',
    sv: 'utskrivningsklar',
    summary: 'Mark ready for discharge (final ready date to all parties)',
    body: z.object({ readyDate: LocalDateSchema, occurredAt }),
  },
  withdrawReadiness: {
    path: 'ready/withdraw',
    sv: 'återtag av utskrivningsklar',
    summary: 'Withdraw the ready status (the invitation and booked meeting are withdrawn with it)',
    body: z.object({ date: LocalDateSchema, reason: text(500), occurredAt }),
  },
  discharge: {
    path: 'discharge',
    sv: 'utskrivning',
    summary: 'The patient leaves the hospital',
    body: z.object({ sendNotice: z.boolean().default(true).meta({ description: 'send the discharge notice (utskrivningsmeddelande) now' }), homeHealthCare: z.enum(['none', 'enrolled', 'planned']).optional(), occurredAt }),
  },
  sendDischargeNotice: { path: 'discharge-notice', sv: 'utskrivningsmeddelande', summary: 'Discharge notice (same day as discharge)', body: z.object({ occurredAt }) },
  cancel: {
    path: 'cancel',
    sv: 'avbruten vårdplanering',
    summary: 'Planning cancelled, or the patient died',
    body: z.object({ reason: z.enum(['PLANNING_CANCELLED', 'PATIENT_DIED']), comment: text(1000).optional(), occurredAt }),
  },
  setOutpatientServicesUnavailable: {
    path: 'outpatient-services-unavailable',
    sv: 'öppenvårdsinsatser ej tillgängliga',
    summary: 'Region-funded outpatient services were not available (exempts payment liability, law-2017-612)',
    body: z.object({ value: z.boolean(), comment: text(1000).optional(), occurredAt }),
  },
  reportDeviation: {
    path: 'deviations',
    sv: 'avvikelse',
    summary: 'Report a deviation',
    body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }),
  },
  closeDeviation: {
    path: 'deviations/close',
    sv: 'avsluta avvikelse',
    summary: 'Close a deviation with a resolution (coordinator)',
    body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }),
  },
  linkHomeCareEnrollment: {
    path: 'home-care-enrollment',
    sv: 'inskrivning i hemsjukvård',
    summary: 'Link the home health care enrollment the patient goes home to',
    body: z.object({ enrollmentId: z.string().min(1).max(100), occurredAt }),
  },
};
