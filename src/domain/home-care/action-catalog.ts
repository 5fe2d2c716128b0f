/**
 * The home care process's staff actions, declared once (docs/domain.md §5, 001 §7.1–§7.2, issue
 * 18): for each action its request body (zod), its endpoint under
 * /api/home-care/enrollments/{enrollmentId}/, the English summary and the Swedish term staff
 * use, and the roles that may do it (§10). Whether an enrollment's state allows it is the pure
 * rule `refusal` (./actions.ts).
 *
 * Derived from it: the API's endpoints and the OpenAPI document (src/api/schemas/home-care.ts
 * `ENROLLMENT_ACTIONS`, src/api/routes/home-care.ts), the policy (src/auth/policy.ts
 * `ACTION_ROLES`). The workflow's Updates come from ./actions.ts `HOME_CARE_ACTIONS`, the same
 * types without zod (the compiler checks that both name every type of `HomeCareAction`).
 */
import { z } from 'zod';
import { HsaIdSchema } from '../identifiers';
import { ActingParty, IsoInstant, KommunkodSchema, LocalDateSchema, PartySchema, text, type ActionCatalog } from '../action-schemas';
import { COORDINATOR, HOME_CARE_PARTIES, MUNICIPALITY, PRIMARY } from '../roles';
import type { HomeCareAction } from './actions';

/** When it really happened (back-registration); also the start's `startedAt` and a home visit order's `orderedAt`. */
export const occurredAt = IsoInstant.optional().meta({ description: 'When it really happened (back-registration after driftstopp); defaults to now. Deadlines count from it.' });

export const HOME_CARE_ACTION_CATALOG: ActionCatalog<HomeCareAction> = {
  sendInvitation: {
    path: 'invitations', sv: 'kallelse till samordnad planering', summary: 'Primary care invites the municipality to coordinated planning',
    body: z.object({ meetingAt: IsoInstant, location: z.enum(['healthCentre', 'home']).meta({ description: 'på vårdcentralen eller i hemmet' }), occurredAt }),
    roles: PRIMARY,
  },
  acknowledge: { path: 'acknowledgements', sv: 'kvittens', summary: 'Acknowledge a message', body: z.object({ messageId: z.string().uuid('must be a message id from the enrollment'), party: ActingParty, occurredAt }), roles: HOME_CARE_PARTIES },
  appointNamedCareContact: { path: 'named-care-contact', sv: 'fast vårdkontakt', summary: 'Appoint or change the named care contact in primary care', body: z.object({ contact: text(200), occurredAt }), roles: PRIMARY },
  recordPlanningMeeting: { path: 'planning-meetings', sv: 'samordnad planering genomförd', summary: 'Planning meeting held', body: z.object({ occurredAt }), roles: PRIMARY },
  recordSip: {
    path: 'sip', sv: 'SIP upprättad, med egenvårdsbedömning', summary: 'SIP established with the self-care assessment and the writing party’s part',
    body: z.object({ selfCareAssessment: text(2000).meta({ description: 'egenvårdsbedömning' }), party: ActingParty, part: text(4000), occurredAt }),
    roles: HOME_CARE_PARTIES,
  },
  appointNamedDoctor: { path: 'named-doctor', sv: 'fast läkarkontakt', summary: 'Appoint or change the named doctor at the listed health centre', body: z.object({ doctor: text(200), unit: HsaIdSchema, occurredAt }), roles: PRIMARY },
  recordMedicationReview: { path: 'medication-review', sv: 'läkemedelsgenomgång', summary: 'Medication review held', body: z.object({ occurredAt }), roles: PRIMARY },
  recordEndOfLifeConversation: { path: 'end-of-life-conversation', sv: 'brytpunktssamtal', summary: 'End-of-life conversation held', body: z.object({ occurredAt }), roles: PRIMARY },
  decideEnrollment: {
    path: 'decision', sv: 'beslut om inskrivning i hemsjukvård', summary: 'The municipality’s licensed staff decide to enroll or not (with a reason)',
    body: z.object({ decision: z.enum(['enroll', 'decline']), reason: text(1000).optional(), occurredAt }),
    roles: MUNICIPALITY,
  },
  updateSip: { path: 'sip/parts', sv: 'SIP uppdaterad', summary: 'A party updates its own part of the SIP', body: z.object({ party: ActingParty, part: text(4000), occurredAt }), roles: HOME_CARE_PARTIES },
  sendMessage: { path: 'messages', sv: 'generellt meddelande', summary: 'A message to the other party, to be acknowledged', body: z.object({ sender: ActingParty, text: text(4000), occurredAt }), roles: HOME_CARE_PARTIES },
  careNoLongerNeeded: {
    path: 'out-of-episode-message', sv: 'meddelande utanför vårdtillfälle: behov av hemsjukvård upphör', summary: 'The municipality: care at home is no longer needed',
    body: z.object({ text: text(4000).optional(), occurredAt }),
    roles: MUNICIPALITY,
  },
  closeSip: { path: 'sip/close', sv: 'SIP avslutad', summary: 'The named care contact closes the SIP with the patient', body: z.object({ occurredAt }), roles: PRIMARY },
  recordDeath: { path: 'death', sv: 'patienten avliden', summary: 'The patient died: the enrollment ends', body: z.object({ date: LocalDateSchema, occurredAt }), roles: HOME_CARE_PARTIES },
  recordMove: { path: 'move', sv: 'patienten flyttat', summary: 'The patient moved: the enrollment ends', body: z.object({ toMunicipality: KommunkodSchema.optional(), occurredAt }), roles: MUNICIPALITY },
  reportDeviation: { path: 'deviations', sv: 'avvikelse', summary: 'Report a deviation', body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }), roles: HOME_CARE_PARTIES },
  closeDeviation: { path: 'deviations/close', sv: 'avvikelse avslutad', summary: 'A coordinator closes a deviation with a comment', body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }), roles: COORDINATOR },
};
