/**
 * Who may do what (docs/domain.md §10, the table "Roles and access"), written once: every route asks
 * this module, and the access-matrix test (test/api/access-matrix.test.ts) checks every role
 * against every endpoint from its own, separately written table.
 *
 * Two questions, in this order:
 *  1. may the role do this kind of thing at all (`ACTION_ROLES`, `roleMay`) — refused with a
 *     sentence naming who may;
 *  2. is this process one of the caller's (`relationTo`): its unit, its listed patients, its
 *     residents, its organisation's escalations — refused with the same answer as a process that
 *     does not exist, so a refusal reveals nothing.
 */
import type { DischargeActionType } from '../domain/discharge/actions';
import type { HomeCareActionType } from '../domain/home-care/actions';
import type { VisitActionType } from '../domain/home-visit/actions';
import type { ReviewActionType } from '../domain/billing/review';
import type { CoordinatorActionType } from '../domain/coordination';
import { organisationOf } from '../domain/escalation';
import { sameParty, type Party } from '../domain/obligations';
import type { ProcessType } from '../domain/process';
import type { Region } from '../domain/regions';
import { rolesOf } from '../domain/action-schemas';
import { DISCHARGE_ACTION_CATALOG } from '../domain/discharge/action-catalog';
import { HOME_CARE_ACTION_CATALOG } from '../domain/home-care/action-catalog';
import { VISIT_ACTION_CATALOG } from '../domain/home-visit/action-catalog';
import { COORDINATOR, EPISODE_PARTIES, HOME_CARE_PARTIES, INPATIENT, PRIMARY, type Role } from '../domain/roles';
import { partyOf, type Principal } from './principal';

/**
 * Which roles may perform each staff action (§10: inpatient staff send notices, set dates, …):
 * declared with each action in its process's catalog (src/domain/<process>/action-catalog.ts).
 */
export const ACTION_ROLES: {
  discharge: Record<DischargeActionType, Role[]>;
  homeHealthCare: Record<HomeCareActionType, Role[]>;
  singleHomeVisit: Record<VisitActionType, Role[]>;
} = {
  discharge: rolesOf(DISCHARGE_ACTION_CATALOG),
  homeHealthCare: rolesOf(HOME_CARE_ACTION_CATALOG),
  singleHomeVisit: rolesOf(VISIT_ACTION_CATALOG),
};

/** Roles that may read a process (GET): its parties and the coordinators of their organisations. */
export const READ_ROLES: Record<ProcessType, Role[]> = {
  discharge: [...EPISODE_PARTIES, 'coordinator'],
  homeHealthCare: [...HOME_CARE_PARTIES, 'coordinator'],
  singleHomeVisit: [...HOME_CARE_PARTIES, 'coordinator'],
};

/**
 * Who may see who the patient is (the personnummer, samordningsnummer or reservnummer): the staff
 * of the episode's parties, who care for the patient. A coordinator reads the episode for its
 * deadlines and deviations, which need no identity; the read is logged like every other.
 */
export const PATIENT_IDENTITY_ROLES: Role[] = EPISODE_PARTIES;

/** Who starts a process: the unit admitting, or the party initiating home care. */
export const START_ROLES: Record<ProcessType, Role[]> = {
  discharge: INPATIENT,
  homeHealthCare: HOME_CARE_PARTIES,
  singleHomeVisit: PRIMARY,
};

export const REVIEW_ROLES: Record<ReviewActionType, Role[]> = {
  flagLine: ['invoiceReviewer'],
  decideFlag: ['billingOfficer'],
  raiseDispute: ['invoiceReviewer'],
  escalateDispute: ['invoiceReviewer', 'billingOfficer'],
  approveBasis: ['invoiceReviewer'],
};

export const COORDINATOR_ACTION_ROLES: Record<CoordinatorActionType, Role[]> = {
  acknowledgeEscalation: COORDINATOR,
  commentDeviation: COORDINATOR,
  resolveDeviation: COORDINATOR,
  reassignDeviation: COORDINATOR,
};

/** The parties of a process (its units and municipality), as its state names them. */
export interface ProcessParties {
  processType: ProcessType;
  region: string;
  parties: Pick<Party, 'kind' | 'id'>[];
}

const PURPOSE: Partial<Record<Party['kind'], string>> = {
  inpatient: 'the inpatient unit of the stay',
  primaryCare: 'the health centre the patient is listed at',
  psychiatricOutpatient: 'the psychiatric outpatient unit of the stay',
  municipality: 'the patient’s municipality of residence',
};

/**
 * Why the caller may see this process — recorded in the access log as the purpose of the read —
 * or undefined when it is not one of theirs: staff see the processes their unit or municipality
 * is a party of (a psychiatric outpatient unit is a party only of psychiatric stays), a
 * coordinator those where a party belongs to their organisation.
 */
export function relationTo(p: Principal, process: ProcessParties, regions: readonly Region[]): string | undefined {
  if (p.region !== process.region) return undefined;
  const own = partyOf(p);
  if (own) return process.parties.some((x) => sameParty(x as Party, own as Party)) ? PURPOSE[own.kind] : undefined;
  if (p.role === 'coordinator') {
    const region = regions.find((r) => r.id === process.region);
    const owners = region ? process.parties.map((party) => organisationOf(region.escalation, party)?.id) : [];
    return owners.includes(p.organisation) ? 'a coordinator of an organisation taking part' : undefined;
  }
  return undefined;
}

/**
 * The party a staff member acts as when an action names one (`party`, `sender`): their own unit
 * or municipality. Naming another party is refused; leaving it out means their own. Inpatient
 * staff may send as the hospital's emergency department (001 §5.1 "meddelande utanför
 * vårdtillfälle" from akutmottagningen) with their own unit's HSA-id.
 */
export function actingParty(p: Principal, named: Pick<Party, 'kind' | 'id'> | undefined): Party | { refused: string } {
  const own = partyOf(p);
  if (!own) return { refused: 'Only staff of a party of the process can act as a party.' };
  if (!named || sameParty(named as Party, own as Party)) return own as Party;
  if (p.role === 'inpatientStaff' && named.kind === 'emergencyDepartment' && named.id === p.organisation) return named as Party;
  return { refused: `You act for ${own.kind} ${own.id}; an action cannot be recorded in the name of ${named.kind} ${named.id}.` };
}
