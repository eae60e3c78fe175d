/** The benchmark's arithmetic: wrong figures in BENCHMARKS.md would be worse than none. */
import { baselineRate, memoryVerdict, ratios, type BurstFigures } from "../../../bench/report";
import { percentile, rate } from "../../../bench/stats";

test("nearest-rank percentiles", () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
  expect(percentile(samples, 50)).toBe(50);
  expect(percentile(samples, 99)).toBe(99);
  expect(percentile(samples, 100)).toBe(100);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([], 50)).toBeNaN();
});

test("rates are per second", () => {
  expect(rate(3000, 1500)).toBe(2000);
  expect(rate(10, 0)).toBeNaN();
});

test("memory is flat when the second half of the drain peaks no higher than 20 % above the first", () => {
  // Start-up (40 → 70 MB, before the warm sample) is not growth; a GC saw-tooth is not growth either.
  expect(memoryVerdict([40, 70, 90, 120, 95, 118, 92, 115], 2)).toEqual({ firstMb: 90, peakMb: 120, lastMb: 115, growthPct: (-2 / 120) * 100, flat: true });
  // Steady growth with the work done is not flat.
  expect(memoryVerdict([90, 100, 110, 120, 130, 140], 0)).toMatchObject({ growthPct: (30 / 110) * 100, flat: false });
  expect(memoryVerdict([90], 0)).toMatchObject({ firstMb: 90, peakMb: 90, lastMb: 90, growthPct: 0, flat: true });
});

test("each relay row is compared with the baseline of its own round", () => {
  const row = (system: string, round: number, acceptedPerSec: number, deliveredPerSec: number) =>
    ({ system, round, acceptedPerSec, deliveredPerSec, acceptP99Ms: 30 }) as BurstFigures;
  const list = ratios([row("base", 1, 4000, 4000), row("relay", 1, 3000, 2000), row("base", 2, 2000, 2000), row("relay", 2, 1800, 1500)], "base");
  expect(list).toEqual([
    { system: "relay", round: 1, accept: 0.75, delivered: 0.5, acceptP99Ms: 30 },
    { system: "relay", round: 2, accept: 0.9, delivered: 0.75, acceptP99Ms: 30 },
  ]);
});

test("figures measured outside the rounds are compared with the median baseline", () => {
  const row = (system: string, round: number, acceptedPerSec: number) => ({ system, round, acceptedPerSec }) as BurstFigures;
  expect(baselineRate([row("base", 1, 2000), row("relay", 1, 9000), row("base", 2, 1500), row("base", 3, 3000)], "base")).toBe(2000);
  expect(baselineRate([row("base", 1, 2000), row("base", 2, 3000)], "base")).toBe(2500);
  expect(baselineRate([row("relay", 1, 2000)], "base")).toBeNaN();
});
