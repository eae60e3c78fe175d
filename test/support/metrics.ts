/** One unlabelled figure from a Prometheus text exposition (NaN when the metric is absent). */
export function metricValue(exposition: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(exposition)?.[1]);
}
