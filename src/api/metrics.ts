/**
 * Prometheus metrics: the API's own (HTTP requests, process) from prom-client, plus the
 * Temporal worker's core metrics, which the SDK exposes on a local port, appended as they are.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
