/** Gauges read from the database at scrape time: fresh on every scrape, and a failed read keeps the last figure. */
import { createMetrics } from "../../../src/ops/metrics";
import { metricValue } from "../../support/metrics";


describe("relay gauges", () => {
  test("each scrape reads the sources; a source that fails keeps the previous figure and the scrape still succeeds", async () => {
    const answers: Array<number | Error> = [3, 7, new Error("database unavailable")];
    let paused = 0;
    const metrics = createMetrics({
      defaultMetrics: false,
      sources: {
        backlog: async () => {
          const next = answers.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
        pausedEndpoints: async () => paused,
      },
    });
    const scrape = async () => {
      const text = await metrics.registry.metrics();
      return { backlog: metricValue(text, "arm_relay_backlog"), paused: metricValue(text, "arm_relay_paused_endpoints") };
    };
    expect(await scrape()).toEqual({ backlog: 3, paused: 0 });
    paused = 2;
    expect(await scrape()).toEqual({ backlog: 7, paused: 2 });
    expect(await scrape()).toEqual({ backlog: 7, paused: 2 });
  });

  test("without sources the gauges are still exposed, at 0", async () => {
    const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
    expect([metricValue(text, "arm_relay_backlog"), metricValue(text, "arm_relay_paused_endpoints")]).toEqual([0, 0]);
  });
});
