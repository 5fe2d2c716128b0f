/**
 * GET /api/calendar/deadline — the business calendar exposed to staff (docs/domain.md §3):
 * "when must this be acknowledged?" answered by the same module the workflows use.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { computeDeadline, DEADLINE_RULES, type CalendarOptions } from '../../domain/calendar';
import { ErrorBody, parseOr400 } from '../errors';
import { IsoInstant } from '../schemas/common';

export { IsoInstant };

const DeadlineQuery = z.object({
  rule: z.enum(DEADLINE_RULES as unknown as [string, ...string[]], {
    error: `must be one of: ${DEADLINE_RULES.join(', ')}`,
  }).meta({
    description:
      'acknowledgement (kvittens, next weekday) · invitation (kallelse, 14:00 receipt-day rule) · ' +
      'admissionNotice (inskrivningsmeddelande, 24 h) · medicineSupply (läkemedel säkrade i tre dagar)',
  }),
  at: IsoInstant.meta({ description: 'When the message was sent / the patient was admitted / discharged' }),
});

const DeadlineResponse = z
  .object({
    rule: z.string(),
    at: z.string().meta({ description: 'The instant given, normalised to UTC' }),
    deadline: z.string().meta({
      description: 'The deadline as an ISO-8601 instant with Stockholm offset; for end-of-day rules the local midnight that ends localDate',
      example: '2026-12-29T00:00:00.000+01:00',
    }),
    localDate: z.string().meta({ description: 'The last local date on which the obligation can be met (Europe/Stockholm)', example: '2026-12-28' }),
    endOfDay: z.boolean(),
    basis: z.string().meta({ description: 'How the deadline was derived' }),
    timeZone: z.literal('Europe/Stockholm'),
  })
  .meta({ id: 'Deadline' });

export function calendarRoutes(registry: OpenAPIRegistry, options: CalendarOptions): Router {
  registry.registerPath({
    method: 'get',
    path: '/api/calendar/deadline',
    tags: ['Kalender (calendar)'],
    summary: 'Deadline for a rule — tidsfrist enligt vardagsregeln',
    description:
      'Weekdays per Lag (1930:173): not Saturdays, Sundays, public holidays, midsommarafton, julafton, nyårsafton. ' +
      `Invitation cutoff in this deployment: ${options.invitationCutoff}.`,
    request: { query: DeadlineQuery },
    responses: {
      200: { description: 'The deadline', content: { 'application/json': { schema: DeadlineResponse } } },
      400: { description: 'Unknown rule or malformed instant', content: { 'application/json': { schema: ErrorBody } } },
    },
  });

  const router = Router();
  router.get('/api/calendar/deadline', (req, res) => {
    const q = parseOr400(DeadlineQuery, req.query, 'query');
    const at = new Date(q.at);
    const d = computeDeadline(q.rule as (typeof DEADLINE_RULES)[number], at, options);
    res.json({
      rule: d.rule,
      at: at.toISOString(),
      deadline: d.iso,
      localDate: d.localDate,
      endOfDay: d.endOfDay,
      basis: d.basis,
      timeZone: 'Europe/Stockholm',
    } satisfies z.infer<typeof DeadlineResponse>);
  });
  return router;
}
