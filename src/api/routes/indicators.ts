/**
 * The monthly indicator report (docs/domain.md §9) over HTTP: `GET /api/indicators` as JSON or Excel CSV,
 * and the report page for coordinators and the regional groups at `/reports/indicators` (static
 * HTML + JS, charts by chart.js served from node_modules: our machines reach no CDN).
 */
import { dirname, join } from 'node:path';
import express, { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Config } from '../../config';
import { nationalAverages } from '../../db/billing';
import { loadIndicatorData, monthsOf } from '../../db/indicators';
import type { LedgerStore } from '../../db/ledger';
import { addMonths, benchmarkFor, firstDayOfMonth, nextMonth, ruleSet, ruleSetIdFor } from '../../domain/billing';
import { localDateOf } from '../../domain/calendar';
import { buildIndicatorReport, indicatorCsv, suppressSmallCells, type ReportInput, type Window } from '../../domain/indicator-report';
import type { Period } from '../../domain/indicators';
import { findRegion, type Region } from '../../domain/regions';
import { principal } from '../auth';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { MonthSchema } from '../schemas/billing';
import { RegionIdSchema } from '../schemas/common';
import { IndicatorRegionsBody, IndicatorReportBody } from '../schemas/reports';
import { jsonOrCsvResponse, jsonResponse } from '../schemas/views';

const TAG = 'Indikatorer (monthly indicator report)';

export const IndicatorQuery = z
  .object({
    region: RegionIdSchema.meta({ example: 'gavleborg' }),
    month: MonthSchema.meta({ description: 'the (last) month of the report', example: '2017-09' }),
    window: z.enum(['month', 'rolling12']).default('month').meta({ description: 'the month alone, or the 12 months ending with it' }),
    groupBy: z.enum(['municipality', 'hospital', 'unit', 'healthCentre']).default('municipality'),
    care: z.enum(['all', 'psychiatric', 'somatic']).default('all').meta({ description: "episodes of psychiatric or somatic inpatient care only (004 §3.2 reports psychiatry's target group apart)" }),
    format: z.enum(['json', 'csv']).default('json'),
    decimal: z.enum(['comma', 'point']).default('point').meta({ description: 'CSV only: Swedish decimal comma for Excel' }),
  })
  .strict();

/** The period of a report: a calendar month, or the 12 months ending with it. */
export function periodOf(month: string, window: Window): Period {
  return { from: firstDayOfMonth(window === 'month' ? month : addMonths(month, -11)), toExclusive: firstDayOfMonth(nextMonth(month)) };
}

/** The benchmark (riktmärke) in force in the month under the region's agreement (docs/domain.md §7). */
async function benchmarkOf(ledger: LedgerStore, region: Region, month: string): Promise<ReportInput['benchmark']> {
  const ruleSetId = ruleSetIdFor(region.agreements, month);
  const params = ruleSet(ruleSetId);
  if (!params.benchmark) return { days: null, ruleSetId, note: `The rule set in force in ${month} (${ruleSetId}) has no average benchmark.` };
  try {
    return { days: benchmarkFor(params, { month, nationalAverages: await nationalAverages(ledger.db) }) / 100, ruleSetId, note: null };
  } catch (err) {
    return { days: null, ruleSetId, note: (err as Error).message };
  }
}

export function indicatorRoutes(registry: OpenAPIRegistry, deps: { config: Config; ledger: LedgerStore }): Router {
  const { config, ledger } = deps;
  const router = Router();

  registry.registerPath({
    method: 'get',
    path: '/api/indicators',
    tags: [TAG],
    summary: 'Monthly indicators (docs/domain.md §9) per municipality, hospital or unit — JSON or Excel CSV (UTF-8 with BOM, `;`)',
    request: { query: IndicatorQuery },
    responses: {
      200: jsonOrCsvResponse(IndicatorReportBody, 'The report; `notComputable` lists what the ledger cannot answer and why'),
      400: { description: 'Malformed query: the fields are named', content: { 'application/json': { schema: ErrorBody } } },
      403: { description: '`NOT_YOUR_REGION`: every role reads the report of its own region only', content: { 'application/json': { schema: ErrorBody } } },
    },
  });
  router.get('/api/indicators', async (req, res) => {
    const q = parseOr400(IndicatorQuery, req.query, 'query');
    const region = findRegion(config.regions, q.region);
    if (!region) {
      throw new HttpError(400, 'VALIDATION_FAILED', `query.region: unknown region '${q.region}'; configured: ${config.regions.map((r) => r.id).join(', ')}`, [{ field: 'query.region', message: 'unknown region' }]);
    }
    // issue 17: per-unit figures stay in the region; no role reads another region's (README, access table)
    const p = principal(req);
    if (region.id !== p.region) throw new HttpError(403, 'NOT_YOUR_REGION', `You work in ${p.region}; the indicators of ${region.id} are that region's.`);
    const period = periodOf(q.month, q.window);
    const data = await loadIndicatorData(ledger.db, region.id, period);
    const full = buildIndicatorReport({
      region,
      month: q.month,
      window: q.window,
      period,
      groupBy: q.groupBy,
      care: q.care,
      invitationDays: region.process.invitationLateDays,
      benchmark: await benchmarkOf(ledger, region, q.month),
      today: localDateOf(new Date()),
      months: monthsOf(period),
      ...data,
    });
    // small counts are suppressed in every form the report takes (JSON, CSV, the page)
    const report = suppressSmallCells(full, config.indicators.suppressBelow);
    if (q.format === 'json') {
      res.json(report);
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="indikatorer-${region.id}-${q.month}-${q.window}-${q.groupBy}-${q.care}.csv"`);
    res.send(indicatorCsv(report, { decimalComma: q.decimal === 'comma' }));
  });

  // The caller's region and its municipalities, for the page's selectors: the one region it may report on.
  router.get('/api/indicators/regions', (req, res) => {
    const p = principal(req);
    res.json({ regions: config.regions.filter((r) => r.id === p.region).map((r) => ({ id: r.id, name: r.name, municipalities: r.municipalities })) });
  });
  registry.registerPath({ method: 'get', path: '/api/indicators/regions', tags: [TAG], summary: "The caller's region and its municipalities: the region the report can show them", responses: { 200: jsonResponse(IndicatorRegionsBody, 'OK') } });

  // The page: static files of this repository and chart.js's UMD build from node_modules.
  router.get('/reports/indicators', (_req, res) => res.sendFile(join(STATIC_DIR, 'indicators.html')));
  router.use('/reports/assets', express.static(STATIC_DIR, { index: false, fallthrough: true }));
  router.use('/reports/vendor/chart.js', express.static(dirname(require.resolve('chart.js')), { index: false, fallthrough: true }));
  return router;
}

/** src/api/static (copied next to the compiled code in the Docker image). */
const STATIC_DIR = join(__dirname, '..', 'static');
