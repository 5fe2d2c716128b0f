/**
 * Who is calling (docs/domain.md §10 "Roles and access"): the person and organisation a verified
 * bearer token names. Every route takes the acting person from here, never from the request
 * body or a header the caller writes itself.
 */
import { z } from 'zod';
import { isValidHsaId } from '../domain/identifiers';
import { municipality } from '../domain/reference/municipalities';
import type { Party } from '../domain/obligations';
import { ROLES, ROLE_SV, type Role } from '../domain/roles';

/** The roles of docs/domain.md §10 and their Swedish names (src/domain/roles.ts). */
export { ROLES, ROLE_SV, type Role };

/** What the organisation claim of each role is: a unit's HSA-id, a kommunkod, or a configured id. */
const ORGANISATION_KIND: Record<Role, 'hsaId' | 'kommunkod' | 'name'> = {
  inpatientStaff: 'hsaId',
  primaryCareStaff: 'hsaId',
  psychiatricOutpatientStaff: 'hsaId',
  municipalityStaff: 'kommunkod',
  coordinator: 'name',
  invoiceReviewer: 'kommunkod',
  billingOfficer: 'name',
  administrator: 'name',
  auditor: 'name',
};

export interface Principal {
  /** the person (token `sub`), e.g. an HSA-id of a person or the IdP's user id */
  userId: string;
  role: Role;
  /** the organisation the person acts for (see ORGANISATION_KIND) */
  organisation: string;
  /** the region whose processes the person works in */
  region: string;
}

/** The claims this service reads from a verified token; anything else in the token is ignored. */
export const ClaimsSchema = z
  .object({
    sub: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    organisation: z.string().trim().min(1).max(100),
    region: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a region id'),
  })
  .superRefine((c, ctx) => {
    const kind = ORGANISATION_KIND[c.role];
    const ok = kind === 'hsaId' ? isValidHsaId(c.organisation) : kind === 'kommunkod' ? /^\d{4}$/.test(c.organisation) : /^[a-z0-9][a-z0-9-]{0,63}$/.test(c.organisation);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['organisation'], message: `for the role ${c.role} must be ${kind === 'hsaId' ? 'an HSA-id' : kind === 'kommunkod' ? 'a 4-digit kommunkod' : 'an organisation id (a-z, 0-9, -)'}` });
  });

/** What of a region the token's claims are checked against (src/domain/regions.ts). */
export interface ClaimsRegion {
  id: string;
  countyCode: string;
  municipalities: readonly { code: string }[];
}

/** Why well-formed, correctly signed claims do not fit the configuration (issue 17 item 4). */
export interface ClaimsMisfit {
  code: 'TOKEN_REGION_UNKNOWN' | 'TOKEN_ORGANISATION_MISMATCH';
  message: string;
}

/**
 * Do the claims fit the configured regions? The region must be one of them; a kommunkod role
 * (municipalityStaff, invoiceReviewer) must name one of that region's municipalities, or a
 * Swedish municipality in another county (the home municipality of an out-of-county patient is a
 * party of the stay, 001 §5.8, and acts in the region of the stay). HSA-ids and organisation ids
 * are checked for their form by ClaimsSchema; which units and organisations exist is not
 * configuration this service has.
 */
export function claimsMisfit(c: z.infer<typeof ClaimsSchema>, regions: readonly ClaimsRegion[]): ClaimsMisfit | undefined {
  const region = regions.find((r) => r.id === c.region);
  if (!region) return { code: 'TOKEN_REGION_UNKNOWN', message: `The token was refused: its region claim "${c.region}" is not a region this service is configured for.` };
  if (ORGANISATION_KIND[c.role] === 'kommunkod') {
    const ofRegion = region.municipalities.some((m) => m.code === c.organisation);
    const ofAnotherCounty = c.organisation.slice(0, 2) !== region.countyCode && municipality(c.organisation) !== undefined;
    if (!ofRegion && !ofAnotherCounty) {
      return { code: 'TOKEN_ORGANISATION_MISMATCH', message: `The token was refused: for the role ${c.role} its organisation claim must be the kommunkod of a municipality of the region ${region.id} (or of a municipality in another county); ${c.organisation} is neither.` };
    }
  }
  return undefined;
}

export function principalOf(claims: z.infer<typeof ClaimsSchema>): Principal {
  return { userId: claims.sub, role: claims.role, organisation: claims.organisation, region: claims.region };
}

/** The party of a process a staff role acts as (its unit or municipality), or undefined for other roles. */
export function partyOf(p: Principal): Pick<Party, 'kind' | 'id'> | undefined {
  switch (p.role) {
    case 'inpatientStaff': return { kind: 'inpatient', id: p.organisation };
    case 'primaryCareStaff': return { kind: 'primaryCare', id: p.organisation };
    case 'psychiatricOutpatientStaff': return { kind: 'psychiatricOutpatient', id: p.organisation };
    case 'municipalityStaff': return { kind: 'municipality', id: p.organisation };
    default: return undefined;
  }
}

/** What an action records as its actor. */
export const actorOf = (p: Principal) => ({ userId: p.userId, organisation: p.organisation });
