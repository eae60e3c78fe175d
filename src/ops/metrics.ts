/**
 * Prometheus metrics of one app process (prom-client). One registry per app instance, so tests that
 * start several apps in one process do not mix their figures; /metrics serves `registry.metrics()`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface RelayMetrics {
  registry: Registry;
  /** Bitbucket events received by the relay, by outcome: accepted | duplicate | rejected | ignored. */
  received: Counter<"outcome">;
  /** Delivery attempts to ARM, by outcome class: success | retry | failure | gone. */
  attempts: Counter<"outcome">;
  delivered: Counter;
  failed: Counter;
  /** Seconds from Bitbucket's delivery reaching us to ARM's 2xx. */
  endToEndSeconds: Histogram;
  /** Seconds of one attempt's HTTP exchange with ARM. */
  attemptSeconds: Histogram;
}

/** Figures read from the database at each scrape: every process reports them, with or without a worker. */
export interface MetricSources {
  /** Deliveries waiting to be sent (pending). */
  backlog(): Promise<number>;
  /** ARM endpoints the relay stopped delivering to (410 Gone, or failing too long): worth an alert above 0. */
  pausedEndpoints(): Promise<number>;
}

export function createMetrics(opts: { defaultMetrics?: boolean; sources?: MetricSources } = {}): RelayMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const fromDatabase = (name: string, help: string, read: (() => Promise<number>) | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        if (!read) return;
        // A database that does not answer keeps the last figure; /readyz is what reports the outage.
        await read().then(
          (n) => this.set(n),
          () => undefined,
        );
      },
    });
  fromDatabase("arm_relay_backlog", "Deliveries waiting to be sent", opts.sources?.backlog);
  fromDatabase("arm_relay_paused_endpoints", "ARM endpoints paused (410 Gone or failing too long)", opts.sources?.pausedEndpoints);
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];
  return {
    registry,
    received: new Counter({ name: "arm_relay_events_received_total", help: "Bitbucket events received", labelNames: ["outcome"], registers: [registry] }),
    attempts: new Counter({ name: "arm_relay_attempts_total", help: "Delivery attempts to ARM", labelNames: ["outcome"], registers: [registry] }),
    delivered: new Counter({ name: "arm_relay_delivered_total", help: "Deliveries ARM accepted", registers: [registry] }),
    failed: new Counter({ name: "arm_relay_failed_total", help: "Deliveries given up", registers: [registry] }),
    endToEndSeconds: new Histogram({ name: "arm_relay_end_to_end_seconds", help: "Receipt to ARM acceptance", buckets, registers: [registry] }),
    attemptSeconds: new Histogram({ name: "arm_relay_attempt_seconds", help: "One HTTP attempt to ARM", buckets, registers: [registry] }),
  };
}
