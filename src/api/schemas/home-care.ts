/**
 * Request bodies of the home health care (hemsjukvård) and single home visit (enstaka hembesök)
 * endpoints. zod validates them (400 naming the field); the OpenAPI document is generated from
 * them with the Swedish term beside the English one (docs/domain.md §2).
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import type { HomeCareActionType } from '../../domain/home-care/actions';
import type { VisitActionType } from '../../domain/home-care/visit-actions';
import { IsoInstant, RegionIdSchema } from './common';
import { ActingParty, KommunkodSchema, LocalDateSchema, PartySchema } from './discharge';

// the same instants as the discharge API: real dates and times within the years the service handles
const isoInstant = IsoInstant;

const occurredAt = isoInstant.optional().meta({ description: 'When it really happened (back-registration after driftstopp); defaults to now. Deadlines count from it.' });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Start of an enrollment: coordinated planning for home health care (001 §7.2 step 1). */
export const StartEnrollmentBody = z
  .object({
    region: RegionIdSchema,
    patient: PatientIdentifierSchema,
    residenceMunicipality: KommunkodSchema.meta({ description: 'folkbokföringskommun (kommunkod)' }),
    primaryCareUnit: HsaIdSchema.meta({ description: 'vårdcentral där patienten är listad (HSA-id)' }),
    initiatedBy: z.enum(['primaryCare', 'municipality']).default('primaryCare').meta({ description: 'närsjukvården initierar, eller legitimerad personal i kommunen kontaktar närsjukvården' }),
    consent: z.literal('given').meta({ description: 'samtycke: planning starts only with the patient’s consent' }),
    dischargeEpisodeId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().meta({ description: 'vårdtillfälle whose plan sends the patient home to hemsjukvård; the episode is linked' }),
    startedAt: occurredAt,
  })
  .strict()
  .meta({ id: 'StartEnrollment' });

/** A single home visit order: meddelande utanför vårdtillfälle, mall "Enstaka hembesök" (001 §7.3). */
export const StartVisitOrderBody = z
  .object({
    region: RegionIdSchema,
    patient: PatientIdentifierSchema,
    residenceMunicipality: KommunkodSchema.meta({ description: 'folkbokföringskommun (kommunkod)' }),
    primaryCareUnit: HsaIdSchema.meta({ description: 'ordinerande vårdcentral (HSA-id)' }),
    interventions: z.array(text(200)).min(1).max(20).meta({ description: 'ordinerade insatser' }),
    startDate: LocalDateSchema.meta({ description: 'startdatum' }),
    endDate: LocalDateSchema.meta({ description: 'slutdatum' }),
    orderedAt: occurredAt,
  })
  .strict()
  .refine((b) => b.endDate >= b.startDate, { path: ['endDate'], message: 'must not be before startDate' })
  .meta({ id: 'StartVisitOrder', description: '`endDate` not before `startDate` (a rule between two fields: 400 naming `endDate`)' });

type Spec = { path: string; sv: string; summary: string; body: z.ZodObject };

export const ENROLLMENT_ACTIONS: { [K in HomeCareActionType]: Spec } = {
  sendInvitation: {
    path: 'invitations', sv: 'kallelse till samordnad planering', summary: 'Primary care invites the municipality to coordinated planning',
    body: z.object({ meetingAt: isoInstant, location: z.enum(['healthCentre', 'home']).meta({ description: 'på vårdcentralen eller i hemmet' }), occurredAt }),
  },
  acknowledge: { path: 'acknowledgements', sv: 'kvittens', summary: 'Acknowledge a message', body: z.object({ messageId: z.string().uuid('must be a message id from the enrollment'), party: ActingParty, occurredAt }) },
  appointNamedCareContact: { path: 'named-care-contact', sv: 'fast vårdkontakt', summary: 'Appoint or change the named care contact in primary care', body: z.object({ contact: text(200), occurredAt }) },
  recordPlanningMeeting: { path: 'planning-meetings', sv: 'samordnad planering genomförd', summary: 'Planning meeting held', body: z.object({ occurredAt }) },
  recordSip: {
    path: 'sip', sv: 'SIP upprättad, med egenvårdsbedömning', summary: 'SIP established with the self-care assessment and the writing party’s part',
    body: z.object({ selfCareAssessment: text(2000).meta({ description: 'egenvårdsbedömning' }), party: ActingParty, part: text(4000), occurredAt }),
  },
  appointNamedDoctor: { path: 'named-doctor', sv: 'fast läkarkontakt', summary: 'Appoint or change the named doctor at the listed health centre', body: z.object({ doctor: text(200), unit: HsaIdSchema, occurredAt }) },
  recordMedicationReview: { path: 'medication-review', sv: 'läkemedelsgenomgång', summary: 'Medication review held', body: z.object({ occurredAt }) },
  recordEndOfLifeConversation: { path: 'end-of-life-conversation', sv: 'brytpunktssamtal', summary: 'End-of-life conversation held', body: z.object({ occurredAt }) },
  decideEnrollment: {
    path: 'decision', sv: 'beslut om inskrivning i hemsjukvård', summary: 'The municipality’s licensed staff decide to enroll or not (with a reason)',
    body: z.object({ decision: z.enum(['enroll', 'decline']), reason: text(1000).optional(), occurredAt }),
  },
  updateSip: { path: 'sip/parts', sv: 'SIP uppdaterad', summary: 'A party updates its own part of the SIP', body: z.object({ party: ActingParty, part: text(4000), occurredAt }) },
  sendMessage: { path: 'messages', sv: 'generellt meddelande', summary: 'A message to the other party, to be acknowledged', body: z.object({ sender: ActingParty, text: text(4000), occurredAt }) },
  careNoLongerNeeded: {
    path: 'out-of-episode-message', sv: 'meddelande utanför vårdtillfälle: behov av hemsjukvård upphör', summary: 'The municipality: care at home is no longer needed',
    body: z.object({ text: text(4000).optional(), occurredAt }),
  },
  closeSip: { path: 'sip/close', sv: 'SIP avslutad', summary: 'The named care contact closes the SIP with the patient', body: z.object({ occurredAt }) },
  recordDeath: { path: 'death', sv: 'patienten avliden', summary: 'The patient died: the enrollment ends', body: z.object({ date: LocalDateSchema, occurredAt }) },
  recordMove: { path: 'move', sv: 'patienten flyttat', summary: 'The patient moved: the enrollment ends', body: z.object({ toMunicipality: KommunkodSchema.optional(), occurredAt }) },
  reportDeviation: { path: 'deviations', sv: 'avvikelse', summary: 'Report a deviation', body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }) },
  closeDeviation: { path: 'deviations/close', sv: 'avvikelse avslutad', summary: 'A coordinator closes a deviation with a comment', body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }) },
};

export const VISIT_ORDER_ACTIONS: { [K in VisitActionType]: Spec } = {
  acknowledge: { path: 'acknowledgements', sv: 'kvittens', summary: 'Acknowledge a message', body: z.object({ messageId: z.string().uuid('must be a message id from the order'), party: ActingParty, occurredAt }) },
  accept: { path: 'accept', sv: 'uppdraget accepteras', summary: 'The municipality accepts the assignment', body: z.object({ occurredAt }) },
  decline: { path: 'decline', sv: 'uppdraget avböjs', summary: 'The municipality declines the assignment (with a reason)', body: z.object({ reason: text(1000), occurredAt }) },
  reportVisit: {
    path: 'visits', sv: 'återkoppling av utfört hembesök', summary: 'A performed visit reported back to the health centre (only ordered interventions)',
    body: z.object({ performedOn: LocalDateSchema, interventions: z.array(text(200)).min(1).max(20), note: text(4000).optional(), occurredAt }),
  },
  cancel: { path: 'cancel', sv: 'beställningen återkallas', summary: 'The health centre cancels the order', body: z.object({ reason: text(1000), occurredAt }) },
  reportDeviation: { path: 'deviations', sv: 'avvikelse', summary: 'Report a deviation', body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }) },
  closeDeviation: { path: 'deviations/close', sv: 'avvikelse avslutad', summary: 'A coordinator closes a deviation with a comment', body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }) },
};
