/**
 * Request bodies of the home health care (hemsjukvård) and single home visit (enstaka hembesök)
 * endpoints. zod validates them (400 naming the field); the OpenAPI document is generated from
 * them with the Swedish term beside the English one (docs/domain.md §2). The actions' bodies are
 * declared with the actions, in the domain (src/domain/home-care/action-catalog.ts,
 * visit-action-catalog.ts).
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import { KommunkodSchema, LocalDateSchema, text } from '../../domain/action-schemas';
import { HOME_CARE_ACTION_CATALOG, occurredAt } from '../../domain/home-care/action-catalog';
import { VISIT_ACTION_CATALOG } from '../../domain/home-care/visit-action-catalog';
import { RegionIdSchema } from './common';

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

/**
 * Body schema, endpoint, Swedish term and summary of every action endpoint: the domain's catalogs
 * (src/domain/home-care/action-catalog.ts, visit-action-catalog.ts), by the names the API uses.
 */
export const ENROLLMENT_ACTIONS = HOME_CARE_ACTION_CATALOG;
export const VISIT_ORDER_ACTIONS = VISIT_ACTION_CATALOG;
