/**
 * Request bodies of the home health care (hemsjukvård) endpoints. zod validates them (400 naming
 * the field); the OpenAPI document is generated from them with the Swedish term beside the
 * English one (docs/domain.md §2). The actions' bodies are declared with the actions, in the
 * domain (src/domain/home-care/action-catalog.ts).
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import { KommunkodSchema } from '../../domain/action-schemas';
import { HOME_CARE_ACTION_CATALOG, occurredAt } from '../../domain/home-care/action-catalog';
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

/**
 * Body schema, endpoint, Swedish term and summary of every action endpoint: the domain's catalog
 * (src/domain/home-care/action-catalog.ts), by the name the API uses.
 */
export const ENROLLMENT_ACTIONS = HOME_CARE_ACTION_CATALOG;
