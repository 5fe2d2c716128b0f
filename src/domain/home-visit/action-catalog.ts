/**
 * The single home visit process's staff actions, declared once (docs/domain.md §5, 001
 * §7.3–§7.4, issue 18): for each action its request body (zod), its endpoint under
 * /api/home-visits/{orderId}/, the English summary and the Swedish term staff use, and the roles
 * that may do it (§10). Whether an order's state allows it is the pure rule `visitRefusal`
 * (./actions.ts).
 *
 * Derived from it: the API's endpoints and the OpenAPI document (src/api/schemas/home-visit.ts
 * `VISIT_ORDER_ACTIONS`, src/api/routes/home-visit.ts), the policy (src/auth/policy.ts
 * `ACTION_ROLES`). The workflow's Updates come from ./actions.ts `VISIT_ACTIONS`, the same
 * types without zod (the compiler checks that both name every type of `VisitAction`).
 */
import { z } from 'zod';
import { ActingParty, LocalDateSchema, PartySchema, text, type ActionCatalog } from '../action-schemas';
import { COORDINATOR, HOME_CARE_PARTIES, MUNICIPALITY, PRIMARY } from '../roles';
import { occurredAt } from '../home-care/action-catalog';
import type { VisitAction } from './actions';

export const VISIT_ACTION_CATALOG: ActionCatalog<VisitAction> = {
  acknowledge: { path: 'acknowledgements', sv: 'kvittens', summary: 'Acknowledge a message', body: z.object({ messageId: z.string().uuid('must be a message id from the order'), party: ActingParty, occurredAt }), roles: HOME_CARE_PARTIES },
  accept: { path: 'accept', sv: 'uppdraget accepteras', summary: 'The municipality accepts the assignment', body: z.object({ occurredAt }), roles: MUNICIPALITY },
  decline: { path: 'decline', sv: 'uppdraget avböjs', summary: 'The municipality declines the assignment (with a reason)', body: z.object({ reason: text(1000), occurredAt }), roles: MUNICIPALITY },
  reportVisit: {
    path: 'visits', sv: 'återkoppling av utfört hembesök', summary: 'A performed visit reported back to the health centre (only ordered interventions)',
    body: z.object({ performedOn: LocalDateSchema, interventions: z.array(text(200)).min(1).max(20), note: text(4000).optional(), occurredAt }),
    roles: MUNICIPALITY,
  },
  cancel: { path: 'cancel', sv: 'beställningen återkallas', summary: 'The health centre cancels the order', body: z.object({ reason: text(1000), occurredAt }), roles: PRIMARY },
  reportDeviation: { path: 'deviations', sv: 'avvikelse', summary: 'Report a deviation', body: z.object({ responsible: PartySchema, description: text(2000), occurredAt }), roles: HOME_CARE_PARTIES },
  closeDeviation: { path: 'deviations/close', sv: 'avvikelse avslutad', summary: 'A coordinator closes a deviation with a comment', body: z.object({ deviationId: z.string().uuid(), comment: text(2000), occurredAt }), roles: COORDINATOR },
};
