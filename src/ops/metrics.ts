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
  /** Deliveries waiting (pending), refreshed by the worker. */
  backlog: Gauge;
  /** Seconds from Bitbucket's delivery reaching us to ARM's 2xx. */
  endToEndSeconds: Histogram;
  /** Seconds of one attempt's HTTP exchange with ARM. */
  attemptSeconds: Histogram;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];
  return {
    registry,
    received: new Counter({ name: "arm_relay_events_received_total", help: "Bitbucket events received", labelNames: ["outcome"], registers: [registry] }),
    attempts: new Counter({ name: "arm_relay_attempts_total", help: "Delivery attempts to ARM", labelNames: ["outcome"], registers: [registry] }),
    delivered: new Counter({ name: "arm_relay_delivered_total", help: "Deliveries ARM accepted", registers: [registry] }),
    failed: new Counter({ name: "arm_relay_failed_total", help: "Deliveries given up", registers: [registry] }),
    backlog: new Gauge({ name: "arm_relay_backlog", help: "Deliveries waiting to be sent", registers: [registry] }),
    endToEndSeconds: new Histogram({ name: "arm_relay_end_to_end_seconds", help: "Receipt to ARM acceptance", buckets, registers: [registry] }),
    attemptSeconds: new Histogram({ name: "arm_relay_attempt_seconds", help: "One HTTP attempt to ARM", buckets, registers: [registry] }),
  };
}
