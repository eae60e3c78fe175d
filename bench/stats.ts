/** Small statistics for the benchmark. Pure. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Events per second over a span in milliseconds; NaN for an empty span. */
export function rate(count: number, spanMs: number): number {
  return spanMs > 0 ? (count * 1000) / spanMs : NaN;
}
