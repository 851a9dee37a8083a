import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * prom-client's defaults that are gauges named `_total`, which `promtool check metrics` rejects; the
 * same figures stay available by type in nodejs_active_handles / _requests / _resources.
 */
const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * This application's prom-client registry, with the process defaults (CPU, memory, event-loop lag,
 * handles). One per application rather than the global one, so two apps in one test process do not clash.
 */
export class MetricsRegistry extends Registry {
  static create(): MetricsRegistry {
    const registry = new MetricsRegistry();
    collectDefaultMetrics({ register: registry });
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
    return registry;
  }
}
