/**
 * One generator of staff-action sequences for all three process types (issue 15, model-based
 * tests): discharge episodes, home-care enrollments and single home visit orders.
 *
 * A sequence is abstract: each step names an action type and a few random numbers; it becomes a
 * concrete action only when it is run, against the process's state at that moment (which message
 * to acknowledge, which deviation to close, which party acts). So one sequence can be run on the
 * pure domain, on the real workflows and through the HTTP API, and fast-check can shrink it.
 *
 * What the generator covers, by design:
 * - valid and invalid actions (wrong party, dates before admission or in the future, unknown
 *   messages and deviations), the same action twice, actions out of the process's order;
 * - `occurredAt` back-dated by up to ten days (across weekends, and — as the runners move the
 *   clock — holidays and DST changes), or absent (now), sometimes before the process started;
 * - waits that let deadlines pass, and declared downtime windows in the past;
 * - withdrawals of ready, re-readies, cancellations and deaths at any point.
 */
import fc from 'fast-check';
import { localDateOf } from '../../src/domain/calendar';
import type { DischargeAction, DischargeActionType } from '../../src/domain/discharge/actions';
import type { HomeCareAction, HomeCareActionType } from '../../src/domain/home-care/actions';
import type { VisitAction, VisitActionType } from '../../src/domain/home-visit/actions';
import type { Party } from '../../src/domain/obligations';

export type ProcessKind = 'discharge' | 'homeCare' | 'homeVisit';

/** A staff action, before it meets a state. */
export interface ActStep {
  kind: 'act';
  type: string;
  /** hours before now the act really happened (`occurredAt`); null: now, no `occurredAt` */
  hoursBack: number | null;
  /** picks a message, party, deviation … from the state at run time */
  pick: number;
  pick2: number;
  /** a yes/no choice of the action (consent, send the notice, a valid party …) */
  flag: boolean;
  /** a date offset in days from the local date of the act (ready dates, meeting dates) */
  days: number;
  /** picks who sends it (the API runner's token; the workflows record it as the actor) */
  actor: number;
}

export type Step =
  | ActStep
  /** time passes (the workflow runners skip it; the API runner cannot and skips the step) */
  | { kind: 'wait'; hours: number }
  /** an administrator declares a downtime window in the past (docs/domain.md §4 Downtime) */
  | { kind: 'downtime'; startHoursBack: number; hours: number };

export interface Sequence {
  process: ProcessKind;
  /** the process started (admission, planning start, order) this many hours before the first step */
  startHoursBack: number;
  psychiatric: boolean;
  steps: Step[];
}

/** Action types with weights: the process's usual path more often, so sequences get far. */
const DISCHARGE_WEIGHTS: [DischargeActionType, number][] = [
  ['careRequest', 1], ['outOfEpisodeMessage', 1], ['admissionNotice', 4], ['acknowledge', 8], ['appointNamedCareContact', 3],
  ['appointNamedDoctor', 1], ['planningNeeded', 3], ['sendInvitation', 3], ['withdrawInvitation', 1], ['moveInvitation', 2],
  ['recordPlanningMeeting', 2], ['recordFirstMedicalRound', 1], ['recordPlanningBasis', 1], ['recordSip', 2],
  ['completeSip', 1], ['acknowledgeSip', 1], ['updateChecklist', 3], ['recordTreatmentPlan', 2], ['markReady', 4],
  ['withdrawReadiness', 2], ['discharge', 2], ['sendDischargeNotice', 2], ['cancel', 1], ['setOutpatientServicesUnavailable', 1],
  ['reportDeviation', 1], ['closeDeviation', 2],
];
const HOME_CARE_WEIGHTS: [HomeCareActionType, number][] = [
  ['sendInvitation', 3], ['acknowledge', 8], ['appointNamedCareContact', 2], ['recordPlanningMeeting', 3], ['recordSip', 3],
  ['appointNamedDoctor', 3], ['recordMedicationReview', 1], ['recordEndOfLifeConversation', 1], ['decideEnrollment', 3],
  ['updateSip', 1], ['sendMessage', 2], ['careNoLongerNeeded', 2], ['closeSip', 2], ['recordDeath', 1], ['recordMove', 1],
  ['reportDeviation', 1], ['closeDeviation', 2],
];
const VISIT_WEIGHTS: [VisitActionType, number][] = [
  ['acknowledge', 6], ['accept', 4], ['decline', 1], ['reportVisit', 4], ['cancel', 1], ['reportDeviation', 1], ['closeDeviation', 2],
];

const WEIGHTS: Record<ProcessKind, [string, number][]> = { discharge: DISCHARGE_WEIGHTS, homeCare: HOME_CARE_WEIGHTS, homeVisit: VISIT_WEIGHTS };

function actStep(process: ProcessKind): fc.Arbitrary<ActStep> {
  return fc.record({
    kind: fc.constant('act' as const),
    type: fc.oneof(...WEIGHTS[process].map(([t, w]) => ({ arbitrary: fc.constant(t), weight: w }))),
    hoursBack: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      // back-registration: minutes to ten days back, in quarter hours
      { arbitrary: fc.integer({ min: 0, max: 960 }).map((q) => q / 4), weight: 3 },
    ),
    pick: fc.nat({ max: 1000 }),
    pick2: fc.nat({ max: 1000 }),
    flag: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    days: fc.integer({ min: -3, max: 3 }),
    actor: fc.nat({ max: 1000 }),
  });
}

export function stepArb(process: ProcessKind): fc.Arbitrary<Step> {
  return fc.oneof(
    { arbitrary: actStep(process), weight: 12 },
    { arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 80 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('downtime' as const), startHoursBack: fc.integer({ min: 1, max: 240 }), hours: fc.integer({ min: 1, max: 72 }) }), weight: 1 },
  );
}

export function sequenceArb(process?: ProcessKind, maxSteps = 25, minSteps = 1): fc.Arbitrary<Sequence> {
  const proc = process ? fc.constant(process) : fc.constantFrom<ProcessKind>('discharge', 'homeCare', 'homeVisit');
  return proc.chain((p) =>
    fc.record({
      process: fc.constant(p),
      // entered as it happens, or days after the fact (back-registration of the whole process)
      startHoursBack: fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 240 }), weight: 3 }),
      psychiatric: p === 'discharge' ? fc.boolean() : fc.constant(false),
      steps: fc.array(stepArb(p), { minLength: minSteps, maxLength: maxSteps }),
    }),
  );
}

// ---- from abstract steps to concrete actions --------------------------------------------------

const HOUR = 3_600_000;
const pickOf = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** When the step says the act happened, as `occurredAt` (undefined: now). */
export function occurredAt(step: ActStep, now: string): string | undefined {
  return step.hoursBack === null ? undefined : new Date(Date.parse(now) - step.hoursBack * HOUR).toISOString();
}

/**
 * Most back-dated acts fall after the process started (staff back-register what happened during
 * it); one in eight keeps its time, which may precede the start and must then be refused.
 */
export function withinProcess(step: ActStep, now: string, startedAt: string): ActStep {
  if (step.hoursBack === null || step.pick2 % 8 === 0) return step;
  const since = Math.max(0, (Date.parse(now) - Date.parse(startedAt)) / HOUR);
  return { ...step, hoursBack: Math.min(step.hoursBack, Math.floor(since * 4) / 4) };
}

/** The parts of a process's state a step is resolved against (each view has them). */
export interface StateForSteps {
  messages: { messageId: string; recipients: Party[] }[];
  deviations: { deviationId: string }[];
}

export interface DischargeParties {
  inpatient: Party;
  municipality: Party;
  primaryCare: Party;
  psychiatricOutpatient?: Party;
}

export function dischargeAction(step: ActStep, s: StateForSteps, p: DischargeParties, now: string): DischargeAction {
  const at = occurredAt(step, now);
  const day = localDateOf(new Date(at ?? now));
  const base = at ? { occurredAt: at } : {};
  const outpatient = p.psychiatricOutpatient ?? p.primaryCare;
  const anyParty = [p.municipality, p.primaryCare, p.inpatient, outpatient];
  const type = step.type as DischargeActionType;
  switch (type) {
    case 'careRequest':
      return { type, sender: step.flag ? p.municipality : p.primaryCare, ...base };
    case 'outOfEpisodeMessage':
      return { type, sender: p.municipality, recipients: step.flag ? [p.inpatient] : [], text: 'Hembesök inbokat', ...base };
    case 'admissionNotice':
      return { type, expectedReadyDate: addDays(day, step.days + 2), ...base };
    case 'acknowledge': {
      const m = pickOf(s.messages, step.pick);
      const party = m && step.flag ? pickOf(m.recipients, step.pick2)! : pickOf(anyParty, step.pick2)!;
      return { type, messageId: m?.messageId ?? UNKNOWN_ID, party, ...base };
    }
    case 'appointNamedCareContact':
      return { type, party: step.flag ? pickOf([p.primaryCare, outpatient], step.pick)! : p.municipality, contact: 'Distriktssköterska A', existing: step.pick2 % 3 === 0, ...base };
    case 'appointNamedDoctor':
      return { type, doctor: 'Dr B', unit: p.primaryCare.id, ...base };
    case 'planningNeeded':
      return { type, flow: pickOf(['a', 'b', 'c'] as const, step.pick)!, consent: step.flag ? 'given' : 'declined', ...(p.psychiatricOutpatient && step.pick2 % 4 ? { formOfCare: 'LPT' } : {}), ...base };
    case 'sendInvitation':
      return {
        type, sender: step.flag ? outpatient : p.municipality,
        meetingAt: new Date(Date.parse(at ?? now) + (step.days * 24 + 26) * HOUR).toISOString(),
        place: 'Avdelning 7', mode: pickOf(['phone', 'video', 'inPerson'] as const, step.pick)!, location: pickOf(['hospital', 'home', 'healthCentre'] as const, step.pick2)!,
        inviteInpatient: step.pick % 2 === 0, ...base,
      };
    case 'withdrawInvitation':
      return { type, sender: step.flag ? outpatient : p.municipality, reason: 'Patienten försämrad', ...base };
    case 'moveInvitation':
      return { type, sender: step.flag ? outpatient : p.municipality, meetingAt: new Date(Date.parse(at ?? now) + (step.days * 24 + 30) * HOUR).toISOString(), ...base };
    case 'recordPlanningMeeting':
    case 'recordFirstMedicalRound':
      return { type, ...base };
    case 'recordPlanningBasis':
      return { type, date: addDays(day, step.flag ? Math.min(0, step.days) : step.days), ...base };
    case 'recordSip':
      return { type, coordinator: 'Distriktssköterska A', responsibilities: [{ party: 'kommunen', responsibility: 'hemtjänst' }], selfCareAssessment: step.flag, ...base };
    case 'completeSip':
      return { type, ...base };
    case 'acknowledgeSip':
      return { type, party: pickOf(step.flag ? [p.municipality, outpatient] : anyParty, step.pick)!, ...base };
    case 'updateChecklist':
      return { type, aidsAndMedicationListInPlace: step.flag, medicinesSecured: step.pick % 3 !== 0, informationTransferred: step.pick2 % 3 !== 0, ...base };
    case 'recordTreatmentPlan':
      return { type, ...base };
    case 'markReady':
      return { type, readyDate: addDays(day, step.flag ? Math.min(0, step.days) : step.days), ...base };
    case 'withdrawReadiness':
      return { type, date: addDays(day, step.flag ? Math.min(0, step.days) : step.days), reason: 'Försämrat allmäntillstånd', ...base };
    case 'discharge':
      return { type, sendNotice: step.flag, ...base };
    case 'sendDischargeNotice':
      return { type, ...base };
    case 'cancel':
      return { type, reason: step.flag ? 'PLANNING_CANCELLED' : 'PATIENT_DIED', ...base };
    case 'setOutpatientServicesUnavailable':
      return { type, value: step.flag, ...base };
    case 'reportDeviation':
      return { type, responsible: pickOf(anyParty, step.pick)!, description: 'Rapporterad avvikelse', ...base };
    case 'closeDeviation':
      return { type, deviationId: pickOf(s.deviations, step.pick)?.deviationId ?? UNKNOWN_ID, comment: 'Åtgärdad', ...base };
    case 'linkHomeCareEnrollment':
      return { type, enrollmentId: UNKNOWN_ID, ...base };
  }
}

export interface HomeParties {
  municipality: Party;
  primaryCare: Party;
}

export function homeCareAction(step: ActStep, s: StateForSteps, p: HomeParties, now: string): HomeCareAction {
  const at = occurredAt(step, now);
  const day = localDateOf(new Date(at ?? now));
  const base = at ? { occurredAt: at } : {};
  const party = step.flag ? pickOf([p.municipality, p.primaryCare], step.pick)! : { kind: 'inpatient' as const, id: 'SE2321000115-AVD1' };
  const type = step.type as HomeCareActionType;
  switch (type) {
    case 'sendInvitation':
      return { type, meetingAt: new Date(Date.parse(at ?? now) + (step.days * 24 + 26) * HOUR).toISOString(), location: step.pick % 2 ? 'home' : 'healthCentre', ...base };
    case 'acknowledge': {
      const m = pickOf(s.messages, step.pick);
      return { type, messageId: m?.messageId ?? UNKNOWN_ID, party: m && step.flag ? pickOf(m.recipients, step.pick2)! : party, ...base };
    }
    case 'appointNamedCareContact':
      return { type, contact: 'Distriktssköterska A', ...base };
    case 'recordPlanningMeeting':
    case 'recordMedicationReview':
    case 'recordEndOfLifeConversation':
    case 'closeSip':
      return { type, ...base };
    case 'recordSip':
      return { type, selfCareAssessment: 'Egenvård: insulin', party, part: 'Kommunens del', ...base };
    case 'appointNamedDoctor':
      return { type, doctor: 'Dr B', unit: step.flag ? p.primaryCare.id : 'SE2321000115-VC99', ...base };
    case 'decideEnrollment':
      return step.pick % 4 === 0 ? { type, decision: 'decline', reason: step.flag ? 'Klarar sig själv' : ' ', ...base } : { type, decision: 'enroll', ...base };
    case 'updateSip':
      return { type, party, part: 'Uppdaterad del', ...base };
    case 'sendMessage':
      return { type, sender: party, text: 'Meddelande', ...base };
    case 'careNoLongerNeeded':
      return { type, text: 'Behov upphört', ...base };
    case 'recordDeath':
      return { type, date: addDays(day, Math.min(0, step.days)), ...base };
    case 'recordMove':
      return { type, ...(step.flag ? { toMunicipality: '1382' } : {}), ...base };
    case 'reportDeviation':
      return { type, responsible: party, description: 'Rapporterad avvikelse', ...base };
    case 'closeDeviation':
      return { type, deviationId: pickOf(s.deviations, step.pick)?.deviationId ?? UNKNOWN_ID, comment: 'Åtgärdad', ...base };
  }
}

export function visitAction(step: ActStep, s: StateForSteps, p: HomeParties, order: { startDate: string; interventions: string[] }, now: string): VisitAction {
  const at = occurredAt(step, now);
  const base = at ? { occurredAt: at } : {};
  const type = step.type as VisitActionType;
  switch (type) {
    case 'acknowledge': {
      const m = pickOf(s.messages, step.pick);
      const party = m && step.flag ? pickOf(m.recipients, step.pick2)! : pickOf([p.municipality, p.primaryCare], step.pick2)!;
      return { type, messageId: m?.messageId ?? UNKNOWN_ID, party, ...base };
    }
    case 'accept':
      return { type, ...base };
    case 'decline':
      return { type, reason: step.flag ? 'Ingen personal' : '', ...base };
    case 'reportVisit':
      return { type, performedOn: addDays(order.startDate, step.days + 1), interventions: step.flag ? order.interventions.slice(0, 1) : ['fotvård'], ...base };
    case 'cancel':
      return { type, reason: 'Inte längre aktuellt', ...base };
    case 'reportDeviation':
      return { type, responsible: step.flag ? p.municipality : { kind: 'inpatient', id: 'SE2321000115-AVD1' }, description: 'Rapporterad avvikelse', ...base };
    case 'closeDeviation':
      return { type, deviationId: pickOf(s.deviations, step.pick)?.deviationId ?? UNKNOWN_ID, comment: 'Åtgärdad', ...base };
  }
}

/** The seed of a model-based run: MODEL_SEED to re-run a failure, else a new one (printed). */
export function modelSeed(): number {
  const fromEnv = process.env.MODEL_SEED;
  return fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}
