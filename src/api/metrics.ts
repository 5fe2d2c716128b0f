/**
 * Prometheus metrics: the API's own (HTTP requests, process) from prom-client, plus the
 * Temporal worker's core metrics, which the SDK exposes on a local port, appended as they are.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { viewReads } from '../temporal/process-client';

export interface Metrics {
  registry: Registry;
  middleware: RequestHandler;
  handler: RequestHandler;
}

export function createMetrics(workerMetricsUrl?: string): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // issue 21: the views the API answered with, from the ledger or (not projected yet) by query
  new Counter({
    name: 'process_view_reads_total',
    help: 'Process views the API answered with, by where they were read: the ledger, or the workflow by query when the ledger did not hold that version yet',
    labelNames: ['source'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ source: 'ledger' }, viewReads.ledger);
      this.inc({ source: 'query' }, viewReads.query);
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      // the route template (never the concrete path, which could carry ids)
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    let text = await registry.metrics();
    if (workerMetricsUrl) {
      try {
        const r = await fetch(workerMetricsUrl, { signal: AbortSignal.timeout(2000) });
        if (r.ok) text += `\n# Temporal worker (core SDK) metrics\n${await r.text()}`;
      } catch {
        text += '\n# Temporal worker metrics unavailable\n';
      }
    }
    res.type(registry.contentType).send(text);
  };

  return { registry, middleware, handler };
}
