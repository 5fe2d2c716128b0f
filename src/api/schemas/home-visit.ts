/**
 * Request bodies of the single home visit (enstaka hembesök) endpoints. zod validates them (400
 * naming the field); the OpenAPI document is generated from them with the Swedish term beside the
 * English one (docs/domain.md §2). The actions' bodies are declared with the actions, in the
 * domain (src/domain/home-visit/action-catalog.ts).
 */
import { z } from 'zod';
import { HsaIdSchema, PatientIdentifierSchema } from '../../domain/identifiers';
import { KommunkodSchema, LocalDateSchema, text } from '../../domain/action-schemas';
import { occurredAt } from '../../domain/home-care/action-catalog';
import { VISIT_ACTION_CATALOG } from '../../domain/home-visit/action-catalog';
import { RegionIdSchema } from './common';

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
 * Body schema, endpoint, Swedish term and summary of every action endpoint: the domain's catalog
 * (src/domain/home-visit/action-catalog.ts), by the name the API uses.
 */
export const VISIT_ORDER_ACTIONS = VISIT_ACTION_CATALOG;
