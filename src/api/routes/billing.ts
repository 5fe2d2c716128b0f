/**
 * Payment liability over HTTP (docs/domain.md §7, roles §10): billing officers start and inspect a
 * region's monthly close, municipalities review their basis (Updates on the close workflow, the
 * `Idempotency-Key` header becoming the update id), finance exports invoices and bases as JSON or
 * Excel-friendly CSV, administrators keep the daily amounts, and politicians simulate rule sets.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { dailyAmounts, getClose, invoicesOfClose, listDailyAmounts, listNationalAverages, setDailyAmount, setNationalAverage } from '../../db/billing';
import { basisAndCannotCompute, closeIdOf, correctionNote, simulate } from '../../db/billing-close';
import { listBillingAlerts } from '../../db/billing-alerts';
import {
  basisCsv,
  DailyAmountMissingError,
  invoicesCsv,
  lastDayOfMonth,
  needsDailyAmount,
  ruleSet,
  ruleSetIdFor,
  RULE_SETS,
  type FormatOptions,
} from '../../domain/billing';
import type { ReviewAction, ReviewActionType } from '../../domain/billing/review';
import { localDateOf } from '../../domain/calendar';
import { DomainRefusal } from '../../domain/refusal';
import { findRegion, type Region } from '../../domain/regions';
import { billingSettings, closeInputFor } from '../../temporal/schedules';
import { closeQuery, monthlyCloseWorkflowType, type MonthlyCloseWorkflow, monthlyCloseWorkflowId, monthlyCloseUpdates, type CloseView } from '../../../workflows/monthly-close/contract';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import {
  AlertsQuery,
  CloseParams,
  DailyAmountBody,
  ExportQuery,
  NationalAverageBody,
  NoteBody,
  resolveRuleSet,
  REVIEW_BODIES,
  SimulateBody,
  StartCloseBody,
  YearParam,
  AlertsBody,
  BasisBody,
  CloseStarted,
  CloseViewSchema,
  DailyAmountsBody,
  DailyAmountSet,
  InvoiceIdParam,
  InvoicesBody,
  NationalAverageSet,
  NoteView,
  RuleSetsBody,
  SimulationBody,
} from '../schemas/billing';
import { jsonOrCsvResponse, jsonResponse } from '../schemas/views';
import { IdempotencyKeyHeader } from '../schemas/common';
import { idempotencyKey, idempotentWrite } from '../idempotency';
import { act, readError, requestHashOf, type ProcessNames } from '../../temporal/process-client';
import { REVIEW_ROLES } from '../../auth/policy';
import { actorOf, type Principal, type Role } from '../../auth/principal';
import { notAccessible, principal, requireRole } from '../auth';

const TAG = 'Betalningsansvar (billing)';

const FINANCE: Role[] = ['billingOfficer', 'invoiceReviewer'];

/**
 * §10: a billing officer works with every basis of their region; an invoice reviewer with their
 * own municipality's part of it, in their region. Another region's close is refused like one
 * that does not exist.
 */
function financeScope(p: Principal, region: string): { municipality?: string } {
  if (p.region !== region) throw notAccessible('close');
  return p.role === 'invoiceReviewer' ? { municipality: p.organisation } : {};
}

/** A reviewer's view of a close: their municipality's review state and flags, not the others'. */
function reviewerView(v: CloseView, municipality: string) {
  const { preliminary: _p, final: _f, timeline: _t, ...rest } = v;
  return { ...rest, municipalities: v.municipalities.filter((m) => m.municipality === municipality), flags: v.flags.filter((f) => f.municipality === municipality) };
}

function regionOr400(config: Config, id: string): Region {
  const region = findRegion(config.regions, id);
  if (!region) throw new HttpError(400, 'VALIDATION_FAILED', `region: unknown region '${id}'; configured: ${config.regions.map((r) => r.id).join(', ')}`, [{ field: 'region', message: 'unknown region' }]);
  return region;
}

/** How a close names itself in refusals: an unknown close is 404 CLOSE_NOT_FOUND, a final one 409 CLOSE_FINAL. */
const CLOSE_NAMES: ProcessNames = {
  notFound: { code: 'CLOSE_NOT_FOUND', message: 'This month has not been closed for that region.' },
  closed: { code: 'CLOSE_FINAL', message: 'The invoice is final; correct it with a credit/debit note.' },
};
function closeError(err: unknown): never {
  readError(err, CLOSE_NAMES);
}

/**
 * Billing's typed refusals (DailyAmountMissingError, NationalAverageMissingError, RULE_SET_NOT_IN_FORCE, …,
 * BillingRefusal) → their status (409 unless said otherwise) with the code and sentence; anything
 * else goes on (a RangeError or TypeError reaching the error handler is a bug: 500).
 */
function domainError(err: unknown): never {
  if (err instanceof DomainRefusal) throw new HttpError(err.status, err.code, err.message, err.details);
  throw err;
}

function send(res: Response, format: 'json' | 'csv', filename: string, json: unknown, csv: () => string): void {
  if (format === 'json') {
    res.json(json);
    return;
  }
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(csv());
}

export function billingRoutes(registry: OpenAPIRegistry, deps: { client: Client; config: Config; ledger: LedgerStore }): Router {
  const { client, config, ledger } = deps;
  const router = Router();
  const errors = {
    400: { description: 'Malformed input: the fields are named', content: { 'application/json': { schema: ErrorBody } } },
    401: { description: 'No valid bearer token', content: { 'application/json': { schema: ErrorBody } } },
    403: { description: 'Your role may not do this, or the close/municipality is not yours', content: { 'application/json': { schema: ErrorBody } } },
    404: { description: 'No such close or invoice', content: { 'application/json': { schema: ErrorBody } } },
    409: { description: 'Refused by the state of the close or missing configuration; `code` says why', content: { 'application/json': { schema: ErrorBody } } },
  };
  /** `ok`: the 2xx answers, each with its body's schema */
  const reg = (method: 'get' | 'post' | 'put', path: string, summary: string, request: Record<string, unknown>, ok: Record<number, unknown>) =>
    registry.registerPath({ method, path, tags: [TAG], summary, request: request as never, responses: { ...ok, ...errors } as never });

  // ---- rule sets ----------------------------------------------------------------------------
  reg('get', '/api/billing/rule-sets', 'Every rule set of docs/domain.md §7 with its parameters', {}, { 200: jsonResponse(RuleSetsBody, 'The rule sets') });
  router.get('/api/billing/rule-sets', (req, res) => {
    principal(req);
    res.json({ ruleSets: Object.values(RULE_SETS) });
  });

  // ---- start a close ------------------------------------------------------------------------
  reg('post', '/api/billing/closes', 'Close a month for a region (billing officer); starting twice returns the same close', { headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: StartCloseBody } } } }, { 201: jsonResponse(CloseStarted, 'Started'), 200: jsonResponse(CloseStarted, 'Already started (`alreadyStarted`)') });
  router.post('/api/billing/closes', async (req, res) => {
    const p = requireRole(req, ['billingOfficer'], 'close a month');
    const body = parseOr400(StartCloseBody, req.body, 'body');
    const region = regionOr400(config, body.region); // malformed input first: an unknown region is a 400
    financeScope(p, body.region);
    // the Swedish date: from 23:00 UTC on the last day of a month (22:00 in summer) that month has ended
    const today = localDateOf(new Date());
    if (lastDayOfMonth(body.month) >= today) throw new HttpError(409, 'MONTH_NOT_ENDED', `${body.month} has not ended; late registrations are allowed until it has.`);
    const params = ruleSet(ruleSetIdFor(region.agreements, body.month));
    const year = Number(body.month.slice(0, 4));
    // docs/domain.md §7: the year's amount must exist before a month of that year can be closed
    if (needsDailyAmount(params) && !(await dailyAmounts(ledger.db)).has(year)) domainError(new DailyAmountMissingError(year));
    const workflowId = monthlyCloseWorkflowId(region.id, body.month);
    const answer = await idempotentWrite(ledger.db, req, { operation: 'startClose', organisation: p.organisation, body }, async () => {
      let existed = false;
      try {
        await client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...closeInputFor(region, billingSettings()), month: body.month, startedBy: 'billingOfficer' }],
          // a close that failed (a refusal, alerted to the billing officers) may be started again once
          // its cause is fixed; one running or completed never twice
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        });
      } catch (err) {
        if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        existed = true;
      }
      return { status: existed ? 200 : 201, body: { workflowId, closeId: closeIdOf(region.id, body.month), ruleSetId: params.id, alreadyStarted: existed } };
    });
    res.status(answer.status).location(`/api/billing/closes/${region.id}/${body.month}`).json(answer.body);
  });

  // ---- inspect ------------------------------------------------------------------------------
  reg('get', '/api/billing/closes/{region}/{month}', 'A close: phase, rule set, preliminary totals, review flags, final invoices', { params: CloseParams }, { 200: jsonResponse(CloseViewSchema, 'The close (an invoice reviewer sees their municipality’s part)') });
  router.get('/api/billing/closes/:region/:month', async (req, res) => {
    const p = requireRole(req, FINANCE, 'read a monthly close');
    const { region, month } = parseOr400(CloseParams, req.params, 'params');
    const scope = financeScope(p, region);
    let v: CloseView;
    try {
      v = await client.workflow.getHandle(monthlyCloseWorkflowId(region, month)).query(closeQuery);
    } catch (err) {
      closeError(err);
    }
    res.json(scope.municipality ? reviewerView(v, scope.municipality) : v);
  });

  // ---- review actions -----------------------------------------------------------------------
  for (const [type, spec] of Object.entries(REVIEW_BODIES) as [ReviewActionType, (typeof REVIEW_BODIES)[ReviewActionType]][]) {
    const body = spec.body.strict();
    reg('post', `/api/billing/closes/{region}/{month}/${spec.path}`, spec.summary, { params: CloseParams, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: body } } } }, { 200: jsonResponse(CloseViewSchema, 'Recorded; the close as it is now') });
    router.post(`/api/billing/closes/:region/:month/${spec.path}`, async (req, res) => {
      const p = requireRole(req, REVIEW_ROLES[type], spec.summary.split(' (')[0].toLowerCase());
      const { region, month } = parseOr400(CloseParams, req.params, 'params');
      const scope = financeScope(p, region);
      const key = idempotencyKey(req);
      const parsed = parseOr400(body, req.body ?? {}, 'body') as Record<string, unknown>;
      const handle = client.workflow.getHandle(monthlyCloseWorkflowId(region, month));
      if (scope.municipality) {
        // a reviewer acts for their own municipality: on its lines, or on its own flags
        let owner = parsed.municipality as string | undefined;
        if (owner === undefined && typeof parsed.flagId === 'string') {
          const current = await handle.query(closeQuery).catch((err) => closeError(err));
          owner = current.flags.find((f) => f.flagId === parsed.flagId)?.municipality ?? scope.municipality;
        }
        if (owner !== scope.municipality) throw new HttpError(403, 'NOT_YOUR_MUNICIPALITY', `You review for ${scope.municipality}; ${owner}'s basis is not yours to act on.`);
      }
      const action = { ...parsed, type, actor: actorOf(p) } as ReviewAction;
      // the request's hash is for the reuse check only
      await act(handle, monthlyCloseUpdates[type], action, { type, organisation: p.organisation, key, requestHash: requestHashOf(type, parsed), names: CLOSE_NAMES, noun: 'close' });
      // the Update answers that it was recorded (CloseAnswer); the close as it stands now is read by query
      const v = await handle.query(closeQuery).catch((err) => closeError(err));
      res.json(scope.municipality ? reviewerView(v, scope.municipality) : v);
    });
  }

  // ---- exports ------------------------------------------------------------------------------
  /** A reviewer's export is their municipality's; asking for another's is refused. */
  const scoped = <Q extends { municipality?: string }>(p: Principal, region: string, q: Q): Q => {
    const scope = financeScope(p, region);
    if (!scope.municipality) return q;
    if (q.municipality && q.municipality !== scope.municipality) throw new HttpError(403, 'NOT_YOUR_MUNICIPALITY', `You review for ${scope.municipality}; ${q.municipality}'s basis is not yours to read.`);
    return { ...q, municipality: scope.municipality };
  };
  const fmt = (q: { decimal: 'comma' | 'point' }): FormatOptions => ({ decimalComma: q.decimal === 'comma' });
  reg('get', '/api/billing/closes/{region}/{month}/basis', 'The frozen invoice basis (JSON or CSV for Excel)', { params: CloseParams, query: ExportQuery }, { 200: jsonOrCsvResponse(BasisBody, 'The basis') });
  router.get('/api/billing/closes/:region/:month/basis', async (req, res) => {
    const p = requireRole(req, FINANCE, 'read an invoice basis');
    const { region, month } = parseOr400(CloseParams, req.params, 'params');
    const q = scoped(p, region, parseOr400(ExportQuery, req.query, 'query'));
    const closeId = closeIdOf(region, month);
    const close = await getClose(ledger.db, closeId);
    if (!close) throw new HttpError(404, 'CLOSE_NOT_FOUND', 'This month has not been frozen for that region.');
    const { lines, cannotCompute } = await basisAndCannotCompute(ledger.db, closeId, q.municipality).catch(domainError);
    send(res, q.format, `underlag-${closeId}${q.municipality ? `-${q.municipality}` : ''}.csv`, { closeId, ruleSetId: close.rule_set_id, status: close.status, lines, cannotCompute }, () => basisCsv(lines, fmt(q)));
  });

  reg('get', '/api/billing/closes/{region}/{month}/invoices', 'The final invoices with lines and credit/debit notes (JSON or CSV)', { params: CloseParams, query: ExportQuery }, { 200: jsonOrCsvResponse(InvoicesBody, 'The invoices') });
  router.get('/api/billing/closes/:region/:month/invoices', async (req, res) => {
    const p = requireRole(req, FINANCE, 'read invoices');
    const { region, month } = parseOr400(CloseParams, req.params, 'params');
    const q = scoped(p, region, parseOr400(ExportQuery, req.query, 'query'));
    const closeId = closeIdOf(region, month);
    const invoices = (await invoicesOfClose(ledger.db, closeId)).filter((i) => !q.municipality || i.municipality === q.municipality);
    if (invoices.length === 0 && !(await getClose(ledger.db, closeId))) throw new HttpError(404, 'CLOSE_NOT_FOUND', 'This month has not been closed for that region.');
    send(res, q.format, `fakturor-${closeId}.csv`, { closeId, invoices }, () => invoicesCsv(invoices, fmt(q)));
  });

  // ---- credit/debit notes -------------------------------------------------------------------
  reg('post', '/api/billing/invoices/{invoiceId}/notes', 'A later correction: credit/debit note referencing a final invoice', { params: InvoiceIdParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: NoteBody } } } }, { 201: jsonResponse(NoteView, 'Created (or, with the same Idempotency-Key, the note created before)') });
  router.post('/api/billing/invoices/:invoiceId/notes', async (req, res) => {
    const p = requireRole(req, ['billingOfficer'], 'issue a credit or debit note');
    const { invoiceId } = parseOr400(InvoiceIdParam, req.params, 'params');
    const invoice = await ledger.db.selectFrom('billing_invoices').select('region').where('invoice_id', '=', invoiceId).executeTakeFirst();
    if (invoice?.region !== p.region) throw notAccessible('invoice');
    const body = parseOr400(NoteBody, req.body, 'body');
    const answer = await idempotentWrite(ledger.db, req, { operation: 'correctionNote', organisation: p.organisation, body: { invoiceId, ...body } }, async (key) => {
      // the note's id from the key (as before the key's answers were kept): a retry records no second note
      const noteId = key ? createHash('sha256').update(`note:${invoiceId}:${key}`).digest('hex').slice(0, 32) : randomUUID();
      try {
        const note = await correctionNote(ledger.db, invoiceId, { noteId, reason: body.reason, lineRefs: body.lineRefs, amountOre: body.amountOre, createdBy: p.userId });
        return { status: 201, body: { noteId: note.note_id, invoiceId, kind: note.kind, amountOre: Number(note.amount_ore), reason: note.reason, lineRefs: note.line_refs } };
      } catch (err) {
        domainError(err);
      }
    });
    res.status(answer.status).json(answer.body);
  });

  // ---- simulation ---------------------------------------------------------------------------
  reg('post', '/api/billing/simulate', 'What each municipality would have been charged under one or two rule sets (no side effects)', { body: { content: { 'application/json': { schema: SimulateBody } } } }, { 200: jsonResponse(SimulationBody, 'The simulation') });
  router.post('/api/billing/simulate', async (req, res) => {
    const p = requireRole(req, ['billingOfficer'], 'simulate rule sets');
    const body = parseOr400(SimulateBody, req.body, 'body');
    financeScope(p, body.region);
    const region = regionOr400(config, body.region);
    const ruleSets = [resolveRuleSet(body.ruleSet), ...(body.compareWith ? [resolveRuleSet(body.compareWith)] : [])];
    try {
      const result = await simulate(ledger.db, { region: region.id, municipalities: region.municipalities.map((m) => m.code), from: body.from, to: body.to, ruleSets });
      const comparison = ruleSets.length === 2
        ? Object.keys(result.totals[0]!.byMunicipality).map((m) => ({ municipality: m, a: result.totals[0]!.byMunicipality[m]!, b: result.totals[1]!.byMunicipality[m]!, differenceOre: result.totals[1]!.byMunicipality[m]! - result.totals[0]!.byMunicipality[m]! }))
        : undefined;
      res.json({ ...result, ruleSetParams: ruleSets, comparison });
    } catch (err) {
      domainError(err);
    }
  });

  // ---- alerts of the monthly close ----------------------------------------------------------
  reg('get', '/api/billing/alerts', "The monthly close's alerts of your region: a close that stopped, episodes it cannot compute, with their deliveries (billing officer, administrator)", { query: AlertsQuery }, { 200: jsonResponse(AlertsBody, 'The alerts, newest first') });
  router.get('/api/billing/alerts', async (req, res) => {
    const p = requireRole(req, ['billingOfficer', 'administrator'], 'read the billing alerts');
    const q = parseOr400(AlertsQuery, req.query, 'query');
    const region = q.region ?? p.region;
    if (region !== p.region) throw notAccessible('region');
    res.json({ region, alerts: await listBillingAlerts(ledger.db, region, q.limit) });
  });

  // ---- administered tables ------------------------------------------------------------------
  reg('get', '/api/billing/daily-amounts', 'Daily amounts per year (belopp per vårddygn) and national averages', {}, { 200: jsonResponse(DailyAmountsBody, 'The tables') });
  router.get('/api/billing/daily-amounts', async (req, res) => {
    requireRole(req, [...FINANCE, 'administrator'], 'read the daily amounts');
    const amounts = await listDailyAmounts(ledger.db);
    const averages = await listNationalAverages(ledger.db);
    res.json({
      dailyAmounts: amounts.map((a) => ({ year: a.year, amountOre: Number(a.amount_ore), source: a.source, setBy: a.set_by, setAt: a.set_at })),
      nationalAverages: averages.map((a) => ({ year: a.year, hundredths: a.hundredths, source: a.source, setBy: a.set_by, setAt: a.set_at })),
    });
  });
  reg('put', '/api/billing/daily-amounts/{year}', 'Set the daily amount of a year (administrator)', { params: YearParam, body: { content: { 'application/json': { schema: DailyAmountBody } } } }, { 200: jsonResponse(DailyAmountSet, 'Set') });
  router.put('/api/billing/daily-amounts/:year', async (req, res) => {
    const p = requireRole(req, ['administrator'], 'set the daily amounts');
    const { year } = parseOr400(YearParam, req.params, 'params');
    const body = parseOr400(DailyAmountBody, req.body, 'body');
    await setDailyAmount(ledger.db, year, body.amountOre, body.source, p.userId);
    res.json({ year, amountOre: body.amountOre, source: body.source });
  });
  reg('put', '/api/billing/national-averages/{year}', 'Set the national average ready days of a year (benchmark of the next year, 000)', { params: YearParam, body: { content: { 'application/json': { schema: NationalAverageBody } } } }, { 200: jsonResponse(NationalAverageSet, 'Set') });
  router.put('/api/billing/national-averages/:year', async (req, res) => {
    const p = requireRole(req, ['administrator'], 'set the national averages');
    const { year } = parseOr400(YearParam, req.params, 'params');
    const body = parseOr400(NationalAverageBody, req.body, 'body');
    await setNationalAverage(ledger.db, year, body.hundredths, body.source, p.userId);
    res.json({ year, hundredths: body.hundredths, source: body.source });
  });
  return router;
}
