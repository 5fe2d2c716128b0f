/**
 * The roles of docs/domain.md §10 "Roles and access", plus the auditor who reads the access log
 * (§10 last paragraph), and the groups of them that act on the processes: each process's action
 * catalog (src/domain/<process>/action-catalog.ts) names who may do each action with these, and
 * src/auth/policy.ts reads them from there.
 */
export const ROLES = [
  'inpatientStaff',
  'primaryCareStaff',
  'psychiatricOutpatientStaff',
  'municipalityStaff',
  'coordinator',
  'invoiceReviewer',
  'billingOfficer',
  'administrator',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** Swedish names, for messages staff read: the API's refusals and the staff workspace (web/src/App.tsx). */
export const ROLE_SV: Record<Role, string> = {
  inpatientStaff: 'slutenvårdens personal',
  primaryCareStaff: 'primärvårdens personal',
  psychiatricOutpatientStaff: 'psykiatriska öppenvårdens personal',
  municipalityStaff: 'kommunens personal',
  coordinator: 'samordnare',
  invoiceReviewer: 'kommunens fakturagranskare',
  billingOfficer: 'regionens debiteringsansvarig',
  administrator: 'administratör',
  auditor: 'granskare av loggar',
};

export const INPATIENT: Role[] = ['inpatientStaff'];
export const PRIMARY: Role[] = ['primaryCareStaff'];
export const MUNICIPALITY: Role[] = ['municipalityStaff'];
/** who appoints the named care contact and convenes the planning: primary care, psychiatric outpatient care */
export const CARE_CONTACT: Role[] = ['primaryCareStaff', 'psychiatricOutpatientStaff'];
export const EPISODE_PARTIES: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'];
export const HOME_CARE_PARTIES: Role[] = ['primaryCareStaff', 'municipalityStaff'];
export const COORDINATOR: Role[] = ['coordinator'];
