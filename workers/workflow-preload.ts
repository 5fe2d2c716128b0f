/**
 * The modules the workflow thread loads once and shares between all workflows (issue 21: memory).
 *
 * The worker runs every workflow in one reusable V8 context (the SDK's `reuseV8Context`, on by
 * default), but each workflow still gets its own webpack module cache: every module the workflow
 * code imports is evaluated again per workflow and kept as long as the workflow is cached. For our
 * code that was about 2.4 MB per cached workflow (a heap snapshot of the workflow thread): the
 * holiday data of every country in date-holidays, its astronomy tables, the regions and their zod
 * schemas, luxon. Modules named here (and everything they import) are instead evaluated once,
 * when the workflow thread starts, and shared (the bundler's `preloadModules`, see
 * ./workflow-bundle.ts): about 0.1 MB per cached workflow remains, the workflow's own state.
 *
 * What may be shared: code without per-workflow state. Our domain modules hold nothing but
 * constants and deterministic caches (src/domain/calendar.ts: holidays per year), and they run no
 * workflow API at module scope (there is no workflow yet when they load: `Date.now()` or
 * `Math.random()` at module scope would fail the worker's start). The SDK deep-freezes what a
 * shared module exports, so workflow code cannot mutate a shared constant either.
 *
 * Workflow code itself (workflows/**) is never listed: its module state (handlers, signals) is
 * per workflow. test/unit/workflow-preload.test.ts checks that every module of src/ and every
 * package a workflow imports is listed here; one that is not still works, only at the old cost.
 */
import * as holidays from 'date-holidays';
import * as luxon from 'luxon';
import * as zod from 'zod';
import * as billingAlerts from '../src/domain/billing/alerts';
import * as billingReview from '../src/domain/billing/review';
import * as calendar from '../src/domain/calendar';
import * as coordination from '../src/domain/coordination';
import * as dischargeActions from '../src/domain/discharge/actions';
import * as dischargeAllowed from '../src/domain/discharge/allowed';
import * as escalation from '../src/domain/escalation';
import * as homeCareActions from '../src/domain/home-care/actions';
import * as homeCareAllowed from '../src/domain/home-care/allowed';
import * as homeCareBounded from '../src/domain/home-care/bounded';
import * as visitActions from '../src/domain/home-visit/actions';
import * as visitAllowed from '../src/domain/home-visit/allowed';
import * as localDate from '../src/domain/local-date';
import * as obligations from '../src/domain/obligations';
import * as processModule from '../src/domain/process';
import * as regions from '../src/domain/regions';
import * as searchAttributes from '../src/temporal/search-attributes';

/** Referenced, so that the bundler keeps every import above. */
export const preloaded = [
  holidays, luxon, zod,
  billingAlerts, billingReview, calendar, coordination, dischargeActions, dischargeAllowed, escalation,
  homeCareActions, homeCareAllowed, homeCareBounded, visitActions, visitAllowed, localDate, obligations, processModule, regions,
  searchAttributes,
];
