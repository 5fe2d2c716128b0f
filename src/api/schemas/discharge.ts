/**
 * Request bodies of the discharge endpoints, and the answers of the workspace's reads. zod
 * validates them (400 naming the field) and the OpenAPI document is generated from them, with the
 * Swedish term beside the English one. The
 * actions' bodies are declared with the actions, in the domain (src/domain/discharge/action-catalog.ts).
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import { KommunkodSchema, text } from '../../domain/action-schemas';
import { DISCHARGE_ACTION_CATALOG, occurredAt } from '../../domain/discharge/action-catalog';
import { WORKSPACE_ACTIONS } from '../../domain/discharge/allowed';
import { RegionIdSchema } from './common';

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

/**
 * Body schema, endpoint, Swedish term and summary of every action endpoint: the domain's catalog
 * of the discharge actions (src/domain/discharge/action-catalog.ts), by the name the API uses.
 */
export const ACTION_BODIES = DISCHARGE_ACTION_CATALOG;

// ---- answers of the workspace's reads ----------------------------------------------------------

/** The actions an episode allows you now (GET /api/episodes/{episodeId}/allowed-actions). */
export const AllowedActionsBody = z
  .object({
    episodeId: z.string(),
    actions: z.array(
      z.object({
        type: z.enum(WORKSPACE_ACTIONS as [string, ...string[]]).meta({ description: 'the staff action (DischargeAction type)' }),
        path: z.string().meta({ description: 'its endpoint under /api/episodes/{episodeId}/' }),
        sv: z.string().meta({ description: 'the Swedish term staff use' }),
        messageId: z.string().optional().meta({ description: 'acknowledgements: the message awaiting your acknowledgement' }),
        allowed: z.boolean(),
        refusal: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: 'why not: the code and sentence a 409 would give now' }),
      }),
    ),
  })
  .meta({ id: 'AllowedActions' });

/** Who the patient is (GET /api/episodes/{episodeId}/patient). */
export const EpisodePatientBody = z
  .object({
    episodeId: z.string(),
    patient: z.object({
      kind: z.enum(['personnummer', 'samordningsnummer', 'reservnummer']),
      value: z.string().meta({ description: 'as entered at the admission' }),
    }),
  })
  .meta({ id: 'EpisodePatient' });
