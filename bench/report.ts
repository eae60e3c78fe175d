/** The benchmark's figures and how they are printed. Pure. */

export interface BurstFigures {
  system: string;
  round: number;
  events: number;
  accepted: number;
  delivered: number;
  acceptedPerSec: number;
  deliveredPerSec: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
  peakRssMb: number;
  /** CPU time of the system under test per event, in microseconds. */
  cpuUsPerEvent: number;
  /** CPU time of the benchmark process (load generator + simulators) per event. */
  benchCpuUsPerEvent: number;
  statuses: Record<string, number>;
  duplicates: number;
  badSignatures: number;
}

export interface BacklogFigures {
  system: string;
  backlog: number;
  /** Intake alone: the backlog accepted with the worker off, so no delivery work shares the CPU. */
  acceptedPerSec: number;
  acceptP99Ms: number;
  drainedPerSec: number;
  /** Resident set, MB, sampled each second while the backlog drained. */
  rssSamplesMb: number[];
  firstMb: number;
  peakMb: number;
  lastMb: number;
  growthPct: number;
  flat: boolean;
  /** Peak RSS of the same system in its burst (a backlog of a few thousand at most), for scale. */
  burstPeakMb?: number;
}

export const TARGETS = { acceptRatio: 0.75, deliveredRatio: 0.6, acceptP99Ms: 50, memoryGrowthPct: 20 };

const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function burstTable(rows: BurstFigures[]): string {
  return table(
    ["system", "round", "accepted/s", "delivered/s", "accept p50", "accept p99", "e2e p50", "e2e p99", "peak RSS", "CPU/event", "gen CPU/event", "not 2xx", "dup", "bad sig"],
    rows.map((r) => [
      r.system,
      String(r.round),
      fixed(r.acceptedPerSec),
      fixed(r.deliveredPerSec),
      `${fixed(r.acceptP50Ms, 1)} ms`,
      `${fixed(r.acceptP99Ms, 1)} ms`,
      `${fixed(r.e2eP50Ms, 1)} ms`,
      `${fixed(r.e2eP99Ms, 1)} ms`,
      `${fixed(r.peakRssMb)} MB`,
      `${fixed(r.cpuUsPerEvent)} µs`,
      `${fixed(r.benchCpuUsPerEvent)} µs`,
      String(r.events - r.accepted),
      String(r.duplicates),
      String(r.badSignatures),
    ]),
  );
}

export interface Ratio {
  system: string;
  round: number;
  accept: number;
  delivered: number;
  acceptP99Ms: number;
}

/** Each relay row against the baseline of its own round. */
export function ratios(rows: BurstFigures[], baselineName: string): Ratio[] {
  return rows
    .filter((r) => r.system !== baselineName)
    .flatMap((r) => {
      const base = rows.find((b) => b.system === baselineName && b.round === r.round);
      return base
        ? [{ system: r.system, round: r.round, accept: r.acceptedPerSec / base.acceptedPerSec, delivered: r.deliveredPerSec / base.deliveredPerSec, acceptP99Ms: r.acceptP99Ms }]
        : [];
    });
}

const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

export function ratioTable(list: Ratio[]): string {
  return table(
    ["system", "round", "accept / baseline", `(target >= ${TARGETS.acceptRatio})`, "delivered / baseline", `(target >= ${TARGETS.deliveredRatio})`, "accept p99", `(target < ${TARGETS.acceptP99Ms} ms)`],
    list.map((r) => [
      r.system,
      String(r.round),
      fixed(r.accept, 2),
      verdict(r.accept >= TARGETS.acceptRatio),
      fixed(r.delivered, 2),
      verdict(r.delivered >= TARGETS.deliveredRatio),
      `${fixed(r.acceptP99Ms, 1)} ms`,
      verdict(r.acceptP99Ms < TARGETS.acceptP99Ms),
    ]),
  );
}

/** The baseline's accepted/s for figures measured outside the rounds: the median of its rounds (the machine is noisy). */
export function baselineRate(rows: BurstFigures[], baselineName: string): number {
  const rates = rows.filter((r) => r.system === baselineName).map((r) => r.acceptedPerSec).sort((a, b) => a - b);
  if (rates.length === 0) return NaN;
  const mid = Math.floor(rates.length / 2);
  return rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
}

export function backlogTable(list: BacklogFigures[], baselinePerSec: number): string {
  return table(
    ["system", "backlog", "accepted/s (worker off)", "/ baseline", "accept p99", "drained/s", "RSS first", "RSS peak", "RSS last", "2nd-half peak vs 1st", `flat (<= ${TARGETS.memoryGrowthPct} %)`, "burst peak RSS"],
    list.map((b) => [
      b.system,
      String(b.backlog),
      fixed(b.acceptedPerSec),
      fixed(b.acceptedPerSec / baselinePerSec, 2),
      `${fixed(b.acceptP99Ms, 1)} ms`,
      fixed(b.drainedPerSec),
      `${fixed(b.firstMb)} MB`,
      `${fixed(b.peakMb)} MB`,
      `${fixed(b.lastMb)} MB`,
      `${fixed(b.growthPct, 1)} %`,
      verdict(b.flat),
      b.burstPeakMb === undefined ? "n/a" : `${fixed(b.burstPeakMb)} MB`,
    ]),
  );
}

/**
 * Memory while draining, from the first sample taken once the drain is under way (start-up and JIT warm-up
 * are not growth). Garbage collection makes RSS a saw-tooth, so "flat" compares peaks: the peak of the second
 * half of the drain against the peak of the first half. Memory that grew with the work done (a leak, or rows
 * kept after delivery) shows as a higher second peak; a sweep that held the whole backlog would have shown
 * as a first peak far above the burst's.
 */
export function memoryVerdict(samplesMb: number[], warmSample: number): Pick<BacklogFigures, "firstMb" | "peakMb" | "lastMb" | "growthPct" | "flat"> {
  const drain = samplesMb.slice(Math.min(warmSample, Math.max(0, samplesMb.length - 1)));
  const half = Math.ceil(drain.length / 2);
  const firstHalfPeak = Math.max(...drain.slice(0, half));
  const secondHalfPeak = Math.max(...drain.slice(half), -Infinity);
  const growthPct = drain.length < 2 ? 0 : ((secondHalfPeak - firstHalfPeak) / firstHalfPeak) * 100;
  return { firstMb: drain[0] ?? NaN, peakMb: Math.max(...drain), lastMb: drain.at(-1) ?? NaN, growthPct, flat: growthPct <= TARGETS.memoryGrowthPct };
}
