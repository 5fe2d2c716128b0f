/**
 * Response bodies (issue 17: every 2xx answer has a schema, and Schemathesis checks real answers
 * against it). The one declaration of each answer is the server's own type — a process's view,
 * a ledger row — and each schema here is checked against it by the compiler (`describes`): a
 * field the server sends differently from what the schema says does not compile. Objects are
 * open (extra fields allowed), so a field added to a view is an addition, not a broken contract.
 */
import { z } from 'zod';
import type { EpisodeView } from '../../../workflows/discharge/contract';
import type { EnrollmentView } from '../../../workflows/home-care/contract';
import type { VisitOrderView } from '../../../workflows/home-visit/contract';
import type { CoordinatorActionResult } from '../../../workflows/shared/coordinator-contract';
import type { DowntimeWindow } from '../../db/operations';
import type { unitInbox } from '../../db/worklist';
import type { coordinatorInbox } from '../../db/escalation';
import type { TimelineEntry } from '../../domain/process';
import { DEVIATION_TYPES } from '../../domain/obligations';

/** What `JSON.stringify` makes of a value of T: a Date becomes its ISO string. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/**
 * `describes<T>()(schema)`: the schema of an answer whose body is a T. It does not compile unless
 * every T, as JSON, is valid for the schema — so the schema cannot promise what the server does
 * not send.
 */
export const describes =
  <T>() =>
  <S extends z.ZodType>(schema: S & ([Json<T>] extends [z.input<S>] ? unknown : { 'the server sends a body this schema does not describe': Json<T> })): S =>
    schema;

/** A JSON answer for `registerPath`'s responses. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
/** An answer that is JSON, or CSV with `format=csv`. */
export const jsonOrCsvResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string().meta({ description: 'UTF-8 CSV with BOM, `;`-separated (Excel)' }) } },
});

// ---- building blocks of every process --------------------------------------------------------------

const PartyKind = z.enum(['inpatient', 'primaryCare', 'psychiatricOutpatient', 'municipality', 'emergencyDepartment']);
const PartyView = z.object({ kind: PartyKind, id: z.string() }).meta({ id: 'PartyRef', description: 'A unit (HSA-id) or a municipality (kommunkod)' });
const ActorView = z.object({ userId: z.string(), organisation: z.string() });

export const TimelineEntryView = describes<TimelineEntry>()(
  z
    .object({
      seq: z.number().int(),
      action: z.string(),
      occurredAt: z.string(),
      recordedAt: z.string(),
      actor: ActorView.optional(),
      summary: z.string(),
      messageId: z.string().optional(),
      deviationId: z.string().optional(),
    })
    .meta({ id: 'TimelineEntry', description: 'händelse: who did what, when it happened and when it was recorded' }),
);

const ObligationView = z
  .object({
    obligationId: z.string(),
    kind: z.string(),
    messageId: z.string().optional(),
    responsible: PartyView,
    dueAt: z.string(),
    dueLocalDate: z.string(),
    deviationType: z.enum(DEVIATION_TYPES as [string, ...string[]]),
    escalateAt: z.string(),
    remindAt: z.string().optional(),
    status: z.enum(['open', 'met', 'late', 'overdue', 'cancelled']),
    openedAt: z.string(),
    judgeAt: z.string().optional(),
    inDowntime: z.boolean().optional(),
    metAt: z.string().optional(),
    cancelledReason: z.string().optional(),
    deviationId: z.string().optional(),
  })
  .meta({ id: 'Obligation', description: 'Something a party must do by a deadline (kvittens, meddelande, fast vårdkontakt)' });

const DeviationView = z
  .object({
    deviationId: z.string(),
    type: z.enum(DEVIATION_TYPES as [string, ...string[]]),
    responsible: PartyView,
    description: z.string(),
    deadlineAt: z.string(),
    detectedAt: z.string(),
    status: z.enum(['open', 'resolved', 'closed', 'withdrawn']),
    resolvedAt: z.string().optional(),
    withdrawnAt: z.string().optional(),
    withdrawnReason: z.string().optional(),
    closedAt: z.string().optional(),
    closedBy: z.string().optional(),
    comment: z.string().optional(),
    obligationId: z.string().optional(),
    downtime: z.boolean(),
    escalation: z.enum(['none', 'reminded', 'escalated']),
    escalateAt: z.string().optional(),
    remindAt: z.string().optional(),
    reportedBy: z.string().optional(),
    escalatedAt: z.string().optional(),
    escalationAcknowledgedAt: z.string().optional(),
    escalationAcknowledgedBy: z.string().optional(),
    assignedTo: PartyView.optional(),
    comments: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })).optional(),
    resolution: z.string().optional(),
  })
  .meta({ id: 'Deviation', description: 'avvikelse' });

/** What every process view has: its obligations, deviations and timeline. */
const tracked = {
  version: z.number().int(),
  region: z.string(),
  patientRef: z.string().meta({ description: 'pseudonymous patient reference (HMAC), never the personnummer' }),
  startRequestHash: z.string().optional(),
  openObligations: z.array(ObligationView),
  obligations: z.array(ObligationView),
  deviations: z.array(DeviationView),
  timeline: z.array(TimelineEntryView),
};

// ---- utskrivning -----------------------------------------------------------------------------------

const Details = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).optional());
const MessageView = z.object({
  messageId: z.string(),
  type: z.string(),
  version: z.number().int().optional(),
  sender: PartyView,
  recipients: z.array(PartyView),
  occurredAt: z.string(),
  recordedAt: z.string(),
  withdrawn: z.boolean().optional(),
  details: Details.optional(),
});

export const EpisodeViewSchema = describes<EpisodeView>()(
  z
    .object({
      episodeId: z.string(),
      status: z.enum(['admitted', 'readyForDischarge', 'discharged', 'cancelled']),
      ...tracked,
      psychiatric: z.boolean(),
      outOfCounty: z.boolean(),
      parties: z.object({ inpatient: PartyView, municipality: PartyView, primaryCare: PartyView, psychiatricOutpatient: PartyView.optional() }),
      admittedAt: z.string(),
      admissionType: z.enum(['acute', 'planned']).optional(),
      expectedReadyDate: z.string().optional(),
      admissionNoticeVersion: z.number().int(),
      namedCareContacts: z.array(z.object({ party: PartyView, contact: z.string(), appointedAt: z.string(), confirmed: z.boolean().optional() })),
      namedDoctor: z.object({ doctor: z.string(), unit: z.string(), appointedAt: z.string() }).optional(),
      planning: z
        .object({ flow: z.enum(['a', 'b', 'c']), consent: z.enum(['given', 'declined']), formOfCare: z.string().optional(), sentAt: z.string(), needs: z.string().optional() })
        .optional(),
      invitations: z.array(
        z.object({
          invitationId: z.string(),
          messageId: z.string(),
          meetingAt: z.string(),
          place: z.string(),
          mode: z.enum(['phone', 'video', 'inPerson']),
          location: z.enum(['hospital', 'home', 'healthCentre', 'other']),
          status: z.enum(['sent', 'withdrawn', 'held']),
          sentAt: z.string(),
          moves: z.array(z.object({ at: z.string(), from: z.string(), messageId: z.string() })).optional(),
          withdrawnAt: z.string().optional(),
          withdrawalReason: z.string().optional(),
        }),
      ),
      meetings: z.array(z.object({ heldAt: z.string(), invitationId: z.string().optional() })),
      sip: z
        .object({
          createdAt: z.string(),
          updatedAt: z.string(),
          completedAt: z.string().optional(),
          coordinator: z.string(),
          responsibilities: z.array(z.object({ party: z.string(), responsibility: z.string() })),
          selfCareAssessment: z.boolean(),
          acknowledgements: z.array(z.object({ party: PartyView, at: z.string() })).optional(),
        })
        .optional(),
      treatmentPlan: z.object({ establishedAt: z.string(), messageId: z.string().optional() }).optional(),
      checklist: z.object({
        criteria: z.object({
          admissionNoticeSent: z.boolean(),
          readyDateSet: z.boolean(),
          aidsAndMedicationListInPlace: z.boolean(),
          medicinesSecured: z.boolean(),
          informationTransferred: z.boolean(),
        }),
        complete: z.boolean(),
        medicinesSecuredUntil: z.string().optional(),
      }),
      readyPeriods: z.array(
        z.object({
          readyDate: z.string(),
          readyAt: z.string(),
          endDate: z.string().optional(),
          endReason: z.enum(['DISCHARGED', 'WITHDRAWN', 'CANCELLED']).optional(),
          withdrawalReason: z.string().optional(),
        }),
      ),
      discharge: z.object({ dischargedAt: z.string(), noticeSentAt: z.string().optional(), followUpUntil: z.string() }).optional(),
      cancellation: z.object({ reason: z.enum(['PLANNING_CANCELLED', 'PATIENT_DIED']), comment: z.string().optional(), at: z.string() }).optional(),
      homeCareEnrollmentId: z.string().optional(),
      outpatientServicesUnavailable: z.boolean(),
      planningBasis: z.object({ date: z.string(), recordedAt: z.string(), messageId: z.string().optional() }).optional(),
      firstMedicalRoundAt: z.string().optional(),
      messages: z.array(MessageView),
      requestHash: z.string().optional(),
      warnings: z.array(z.string()).optional(),
    })
    .meta({ id: 'Episode', description: 'vårdtillfälle: state, open obligations with deadlines, deviations, timeline' }),
);

export const EpisodeStarted = z
  .object({ episodeId: z.string(), workflowId: z.string(), status: z.literal('admitted') })
  .meta({ id: 'EpisodeStarted' });

// ---- hemsjukvård and enstaka hembesök ----------------------------------------------------------------

const HomeMessageView = z.object({
  messageId: z.string(),
  type: z.enum(['planningRequest', 'planningInvitation', 'generalMessage', 'outOfEpisodeMessage', 'singleHomeVisitOrder', 'visitReport']),
  sender: PartyView,
  recipients: z.array(PartyView),
  occurredAt: z.string(),
  recordedAt: z.string(),
  text: z.string().optional(),
});
const HomeParties = z.object({ municipality: PartyView, primaryCare: PartyView });

export const EnrollmentViewSchema = describes<EnrollmentView>()(
  z
    .object({
      enrollmentId: z.string(),
      status: z.enum(['planning', 'enrolled', 'ending', 'ended', 'notEnrolled']),
      ...tracked,
      parties: HomeParties,
      initiatedBy: z.enum(['primaryCare', 'municipality']),
      startedAt: z.string(),
      dischargeEpisodeId: z.string().optional(),
      dischargeLink: z.object({ episodeId: z.string(), outcome: z.enum(['linked', 'episodeClosed', 'episodeNotFound']), at: z.string() }).optional(),
      namedCareContact: z.object({ contact: z.string(), appointedAt: z.string() }).optional(),
      namedDoctor: z.object({ doctor: z.string(), unit: z.string(), appointedAt: z.string() }).optional(),
      invitation: z
        .object({ messageId: z.string(), meetingAt: z.string(), location: z.enum(['healthCentre', 'home']), sentAt: z.string(), heldAt: z.string().optional() })
        .optional(),
      sip: z
        .object({
          createdAt: z.string(),
          updatedAt: z.string(),
          selfCareAssessment: z.string(),
          parts: z.array(z.object({ party: PartyView, text: z.string(), updatedAt: z.string(), updatedBy: z.string().optional() })),
          closedAt: z.string().optional(),
        })
        .optional(),
      medicationReviewAt: z.string().optional(),
      endOfLifeConversationAt: z.string().optional(),
      decision: z.object({ decision: z.enum(['enroll', 'decline']), reason: z.string().optional(), at: z.string() }).optional(),
      enrolledAt: z.string().optional(),
      ending: z.object({ messageId: z.string(), sentAt: z.string() }).optional(),
      end: z.object({ reason: z.enum(['CARE_NO_LONGER_NEEDED', 'PATIENT_DIED', 'PATIENT_MOVED']), at: z.string(), toMunicipality: z.string().optional() }).optional(),
      run: z.number().int(),
      continuedAsNew: z.array(z.object({ runId: z.string(), historyLength: z.number(), at: z.string() })),
      messages: z.array(HomeMessageView),
    })
    .meta({ id: 'HomeCareEnrollment', description: 'inskrivning i hemsjukvård: state, open obligations, deviations, the newest timeline entries' }),
);

export const VisitOrderViewSchema = describes<VisitOrderView>()(
  z
    .object({
      orderId: z.string(),
      status: z.enum(['ordered', 'accepted', 'declined', 'cancelled', 'completed', 'expired']),
      ...tracked,
      parties: HomeParties,
      interventions: z.array(z.string()),
      startDate: z.string(),
      endDate: z.string(),
      orderedAt: z.string(),
      orderMessageId: z.string(),
      endsAt: z.string(),
      answer: z.object({ answer: z.enum(['accepted', 'declined']), reason: z.string().optional(), at: z.string() }).optional(),
      cancellation: z.object({ reason: z.string(), at: z.string() }).optional(),
      visits: z.array(z.object({ visitId: z.string(), performedOn: z.string(), reportedAt: z.string(), interventions: z.array(z.string()), messageId: z.string() })),
      messages: z.array(HomeMessageView),
    })
    .meta({ id: 'SingleHomeVisitOrder', description: 'beställning av enstaka hembesök: state, obligations, deviations, timeline' }),
);

export const EnrollmentStarted = z.object({ enrollmentId: z.string(), workflowId: z.string(), status: z.literal('planning') }).meta({ id: 'EnrollmentStarted' });
export const VisitOrderStarted = z.object({ orderId: z.string(), workflowId: z.string(), status: z.literal('ordered') }).meta({ id: 'VisitOrderStarted' });

/** The full timeline of a long-lived process (ledger + the process's newest entries). */
export const TimelineBody = z.object({ timeline: z.array(TimelineEntryView) }).meta({ id: 'Timeline' });

// ---- the worklists -----------------------------------------------------------------------------------

const nullableString = z.string().nullable();
const ProcessTypeEnum = z.enum(['discharge', 'homeHealthCare', 'singleHomeVisit']);
const InboxObligation = z.object({
  process_type: ProcessTypeEnum,
  process_id: z.string(),
  obligation_id: z.string(),
  kind: z.string(),
  message_id: nullableString,
  message_type: nullableString,
  sent_at: nullableString,
  due_at: z.string(),
  status: z.string(),
  municipality: nullableString,
});
const Next = z.string().nullable().optional();
export const UnitInboxBody = describes<Awaited<ReturnType<typeof unitInbox>>>()(
  z
    .object({
      acknowledgements: z.array(InboxObligation).optional().meta({ description: 'messages awaiting your acknowledgement (kvittens), soonest deadline first' }),
      invitations: z.array(InboxObligation).optional().meta({ description: 'invitations and home-visit orders to answer' }),
      checklists: z
        .array(
          z.object({
            process_type: z.literal('discharge'),
            process_id: z.string(),
            episode_id: z.string(),
            municipality: z.string(),
            ready_date: nullableString,
            expected_ready_date: nullableString,
            status: z.string(),
          }),
        )
        .optional()
        .meta({ description: 'patients ready today whose hemgångsklar checklist is incomplete' }),
      deviations: z
        .array(
          z.object({
            process_type: ProcessTypeEnum,
            process_id: z.string(),
            deviation_id: z.string(),
            type: z.string(),
            description: z.string(),
            deadline_at: z.string(),
            detected_at: z.string(),
            escalation: z.string(),
            downtime: z.boolean(),
            municipality: nullableString,
            responsible_kind: z.string(),
            responsible_id: z.string(),
            assigned_id: nullableString,
            escalation_acknowledged_at: nullableString,
          }),
        )
        .optional()
        .meta({ description: 'open deviations assigned to you' }),
      next: z
        .object({ acknowledgements: Next, invitations: Next, checklists: Next, deviations: Next })
        .meta({ description: "each section's cursor for its next page (null: nothing more)" }),
    })
    .meta({ id: 'UnitInbox' }),
);

export const DowntimeWindowView = describes<DowntimeWindow>()(
  z
    .object({ windowId: z.string(), region: z.string(), startsAt: z.string(), endsAt: z.string(), reason: z.string(), declaredBy: nullableString })
    .meta({ id: 'DowntimeWindow', description: 'driftstopp' }),
);

export const CoordinatorInboxBody = describes<Awaited<ReturnType<typeof coordinatorInbox>>>()(
  z
    .object({
      items: z.array(
        z.object({
          deviation_id: z.string(),
          process_type: ProcessTypeEnum,
          process_id: z.string(),
          region: z.string(),
          municipality: nullableString,
          type: z.string(),
          responsible_kind: z.string(),
          responsible_id: z.string(),
          assigned_kind: nullableString,
          assigned_id: nullableString,
          description: z.string(),
          deadline_at: z.string(),
          detected_at: z.string(),
          escalated_at: nullableString,
          escalation_acknowledged_at: nullableString,
          escalation_acknowledged_by: nullableString,
          comments: z.array(z.unknown()),
          downtime: z.boolean(),
          process_status: nullableString,
        }),
      ),
      nextCursor: nullableString,
    })
    .meta({ id: 'CoordinatorInbox' }),
);

export const CoordinatorActionBody = describes<{ processType: 'discharge' | 'homeHealthCare' | 'singleHomeVisit'; processId: string } & Omit<CoordinatorActionResult, 'requestHash'>>()(
  z.object({ processType: ProcessTypeEnum, processId: z.string(), version: z.number().int(), deviation: DeviationView }).meta({ id: 'CoordinatorActionResult' }),
);

/**
 * A union whose forms exclude each other (strict objects, or different types), documented as
 * `oneOf`: exactly one form applies.
 */
export const oneOf = <S extends z.ZodUnion>(schema: S, meta: { id?: string; description?: string } = {}): S =>
  schema.meta({ ...meta, _internal: { unionPreferredType: 'oneOf', ...(meta.id ? { refId: meta.id } : {}) } } as Record<string, unknown>) as S;
