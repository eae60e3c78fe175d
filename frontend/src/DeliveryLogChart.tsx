/** Deliveries per hour by outcome, as stacked bars in plain SVG (one bar per hour, the newest on the right). */
import type { StatsBucket } from "../../src/connections/delivery-log";

type Outcome = "delivered" | "failed" | "pending" | "skipped";

export const OUTCOME_COLOURS: Record<Outcome, { colour: string; label: string }> = {
  delivered: { colour: "var(--ds-background-success-bold, #1f845a)", label: "Delivered" },
  failed: { colour: "var(--ds-background-danger-bold, #c9372c)", label: "Failed" },
  pending: { colour: "var(--ds-background-information-bold, #0c66e4)", label: "Pending or retrying" },
  skipped: { colour: "var(--ds-background-neutral-bold, #626f86)", label: "Skipped" },
};
const OUTCOMES = Object.keys(OUTCOME_COLOURS) as Outcome[];

const WIDTH = 720;
const HEIGHT = 120;
const AXIS = 16;

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function DeliveryLogChart({ buckets }: { buckets: StatsBucket[] }) {
  const totals = buckets.map((b) => OUTCOMES.reduce((n, o) => n + b[o], 0));
  const max = Math.max(1, ...totals);
  const slot = WIDTH / Math.max(1, buckets.length);
  const barWidth = Math.max(2, slot - 4);
  const plot = HEIGHT - AXIS;
  const sum = totals.reduce((a, b) => a + b, 0);
  return (
    <figure className="arm-stack" style={{ margin: 0 }}>
      <svg
        role="img"
        aria-label={`Deliveries per hour over the last ${buckets.length} hours: ${sum} in all, at most ${max === 1 && sum === 0 ? 0 : max} in one hour.`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        data-testid="delivery-chart"
      >
        <line x1={0} x2={WIDTH} y1={plot + 0.5} y2={plot + 0.5} stroke="var(--ds-border, #091e4224)" />
        {buckets.map((b, i) => {
          let y = plot;
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={b.start}>
              <title>{`${hourLabel(b.start)}: ${OUTCOMES.map((o) => `${b[o]} ${OUTCOME_COLOURS[o].label.toLowerCase()}`).join(", ")}`}</title>
              <rect x={i * slot} y={0} width={slot} height={plot} fill="transparent" />
              {OUTCOMES.map((o) => {
                if (b[o] === 0) return null;
                const h = Math.max(1, (b[o] / max) * (plot - 4));
                y -= h;
                return <rect key={o} x={x} y={y} width={barWidth} height={h} fill={OUTCOME_COLOURS[o].colour} />;
              })}
              {i % 6 === 0 && (
                <text x={i * slot} y={HEIGHT - 3} fontSize={10} fill="var(--ds-text-subtlest, #626f86)">
                  {hourLabel(b.start)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="arm-actions arm-muted">
        {OUTCOMES.map((o) => (
          <span key={o} className="arm-actions" style={{ gap: 4 }}>
            <svg width={10} height={10} aria-hidden="true">
              <rect width={10} height={10} fill={OUTCOME_COLOURS[o].colour} />
            </svg>
            {OUTCOME_COLOURS[o].label}
          </span>
        ))}
        <span>· highest hour: {sum === 0 ? 0 : max}</span>
      </figcaption>
    </figure>
  );
}
