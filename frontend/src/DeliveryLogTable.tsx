/** The delivery log's rows: what was sent where, how ARM answered, and a Redeliver button each. */
import Button from "@atlaskit/button/default/button";
import Lozenge from "@atlaskit/lozenge";
import type { DeliveryView } from "../../src/connections/delivery-log";

const STATUS_LOZENGES: Record<DeliveryView["status"], { appearance: "success" | "removed" | "inprogress" | "default"; text: string }> = {
  delivered: { appearance: "success", text: "Delivered" },
  failed: { appearance: "removed", text: "Failed" },
  pending: { appearance: "inprogress", text: "Pending" },
  skipped: { appearance: "default", text: "Skipped" },
};

const ENDPOINTS: Record<string, string> = { push: "Push", "alm-sync": "ALM commit sync" };

const when = (iso: string | null) => (iso === null ? "" : new Date(iso).toLocaleString());

const cell = { padding: "6px 8px", borderBottom: "1px solid var(--ds-border, #091e4224)", verticalAlign: "top" as const, textAlign: "left" as const };

interface Props {
  deliveries: DeliveryView[];
  /** The id being redelivered, if any: its button spins and the others wait. */
  busyId: string | null;
  disabled: boolean;
  onRedeliver(id: string): void;
}

export function DeliveryLogTable({ deliveries, busyId, disabled, onRedeliver }: Props) {
  if (deliveries.length === 0) return <p className="arm-muted">No deliveries to show.</p>;
  return (
    <div style={{ overflowX: "auto" }}>
      <table data-testid="delivery-log" style={{ borderCollapse: "collapse", width: "100%", fontSize: 12 }}>
        <thead>
          <tr>
            {["Event", "Endpoint", "Status", "Attempts", "Last answer", "Latency", "Received", "Delivered / next attempt", ""].map((h) => (
              <th key={h} scope="col" style={cell}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => {
            const lozenge = STATUS_LOZENGES[d.status];
            return (
              <tr key={d.id} data-delivery-id={d.id}>
                <td style={cell}>
                  <div>{d.event}</div>
                  {d.summary && <div className="arm-muted">{d.summary}</div>}
                  <code className="arm-muted" title="X-Request-UUID">
                    {d.id}
                  </code>
                </td>
                <td style={cell}>{ENDPOINTS[d.endpoint] ?? d.endpoint}</td>
                <td style={cell}>
                  <Lozenge appearance={lozenge.appearance}>{lozenge.text}</Lozenge>
                </td>
                <td style={cell}>{d.attempts}</td>
                <td style={cell}>
                  <div>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : d.attempts > 0 ? "No answer" : "—"}</div>
                  {d.lastError && <div className="arm-muted">{d.lastError}</div>}
                  {d.responseSnippet && (
                    <details>
                      <summary>Response</summary>
                      <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 160, overflow: "auto", margin: 0 }}>{d.responseSnippet}</pre>
                    </details>
                  )}
                </td>
                <td style={cell}>{d.lastLatencyMs !== null ? `${d.lastLatencyMs} ms` : ""}</td>
                <td style={cell}>{when(d.createdAt)}</td>
                <td style={cell}>{d.deliveredAt && d.status !== "pending" ? when(d.deliveredAt) : when(d.nextAttemptAt)}</td>
                <td style={cell}>
                  <Button
                    appearance="subtle"
                    isLoading={busyId === d.id}
                    isDisabled={disabled && busyId !== d.id}
                    onClick={() => onRedeliver(d.id)}
                    aria-label={`Redeliver ${d.event} ${d.summary ?? ""} to ${ENDPOINTS[d.endpoint] ?? d.endpoint}`}
                  >
                    Redeliver
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
