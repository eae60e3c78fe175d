/**
 * The delivery log section (relay mode): recent deliveries with filters, redelivery of one or of every failed
 * one since a time, a test event, and the last 24 hours as a chart. One action at a time; each ends in a reload.
 */
import { useCallback, useEffect, useState } from "react";
import Button from "@atlaskit/button/default/button";
import SectionMessage from "@atlaskit/section-message";
import type { DeliveryFilter, DeliveryView, StatsBucket } from "../../src/connections/delivery-log";
import { ApiError, type SettingsApi } from "./api";
import { DeliveryLogChart } from "./DeliveryLogChart";
import { DeliveryLogTable } from "./DeliveryLogTable";

type LogApi = Pick<SettingsApi, "listDeliveries" | "redeliver" | "redeliverFailed" | "sendTestEvent" | "deliveryStats">;
type Feedback = { appearance: "success" | "error"; message: string } | null;
type Busy = "load" | "more" | "test" | "failed" | { redeliver: string } | null;

const FILTERS: Array<{ value: DeliveryFilter; label: string }> = [
  { value: "all", label: "All" },
  { value: "failed", label: "Failed" },
  { value: "pending", label: "Pending" },
];

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : "Something went wrong on this page. Reload it and try again.");

/** A datetime-local value (local time, minutes) for the time `ms`. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** `relayed`: the connection is in relay mode now (otherwise only deliveries left from when it was are shown, and no test event is offered). */
export function DeliveryLog({ api, relayed }: { api: LogApi; relayed: boolean }) {
  const [filter, setFilter] = useState<DeliveryFilter>("all");
  const [deliveries, setDeliveries] = useState<DeliveryView[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [buckets, setBuckets] = useState<StatsBucket[]>([]);
  const [busy, setBusy] = useState<Busy>("load");
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3_600_000));

  const reload = useCallback(
    async (which: DeliveryFilter) => {
      const [page, stats] = await Promise.all([api.listDeliveries(which), api.deliveryStats(24)]);
      setDeliveries(page.deliveries);
      setNextCursor(page.nextCursor);
      setBuckets(stats.buckets);
    },
    [api],
  );

  /** Runs one action, then reloads the log; says how it went. */
  const run = useCallback(
    async (what: Exclude<Busy, null>, action: () => Promise<string | null>) => {
      setBusy(what);
      try {
        const message = await action();
        await reload(filter);
        setFeedback(message === null ? null : { appearance: "success", message });
      } catch (err) {
        setFeedback({ appearance: "error", message: messageOf(err) });
      } finally {
        setBusy(null);
      }
    },
    [filter, reload],
  );

  // Also runs when the filter changes (run depends on it).
  useEffect(() => void run("load", async () => null), [run]);

  const redeliverFailed = () => {
    const at = new Date(since);
    if (since === "" || Number.isNaN(at.getTime())) return setFeedback({ appearance: "error", message: "Choose the date and time from which to redeliver." });
    void run("failed", async () => {
      const { redelivered } = await api.redeliverFailed(at.toISOString());
      if (redelivered === 0) return "No failed delivery since then.";
      return `${redelivered} failed ${redelivered === 1 ? "delivery is" : "deliveries are"} queued to be sent again.`;
    });
  };

  const loadMore = () =>
    void (async () => {
      if (!nextCursor) return;
      setBusy("more");
      try {
        const page = await api.listDeliveries(filter, nextCursor);
        setDeliveries((shown) => [...shown, ...page.deliveries]);
        setNextCursor(page.nextCursor);
      } catch (err) {
        setFeedback({ appearance: "error", message: messageOf(err) });
      } finally {
        setBusy(null);
      }
    })();

  const isBusy = busy !== null;
  return (
    <section aria-labelledby="arm-log-title" className="arm-stack" data-testid="delivery-log-section">
      <h2 id="arm-log-title">Delivery log</h2>
      <p className="arm-muted">
        What ARM Connector sent to ARM for this repository, and how ARM answered. Redelivery sends the same event again with the same
        X-Request-UUID, so ARM can recognise it.
      </p>
      {!relayed && (
        <SectionMessage appearance="information">
          Bitbucket now delivers this repository&apos;s events to ARM itself. The deliveries below were received while they went through ARM
          Connector; those still pending are retried until they reach ARM or are given up.
        </SectionMessage>
      )}
      <div role="status" aria-live="polite">
        {feedback && <SectionMessage appearance={feedback.appearance}>{feedback.message}</SectionMessage>}
      </div>

      <h3>Last 24 hours</h3>
      <DeliveryLogChart buckets={buckets} />

      <div className="arm-actions">
        {relayed && (
          <Button
            isLoading={busy === "test"}
            isDisabled={isBusy && busy !== "test"}
            onClick={() =>
              void run("test", async () => {
                const sent = await api.sendTestEvent();
                return `Test event queued for the push endpoint (X-Request-UUID ${sent.id}). Refresh to see how ARM answered.`;
              })
            }
          >
            Send test event
          </Button>
        )}
        <Button isDisabled={isBusy} onClick={() => void run("load", async () => null)}>
          Refresh
        </Button>
      </div>

      <div className="arm-actions">
        <label htmlFor="arm-redeliver-since">Redeliver all failed since</label>
        <input id="arm-redeliver-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        <Button isLoading={busy === "failed"} isDisabled={isBusy && busy !== "failed"} onClick={redeliverFailed}>
          Redeliver all failed since…
        </Button>
      </div>

      <div className="arm-actions" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <Button
            key={f.value}
            appearance={filter === f.value ? "primary" : "default"}
            aria-pressed={filter === f.value}
            isDisabled={isBusy}
            onClick={() => setFilter(f.value)}
          >
            {f.label}
          </Button>
        ))}
      </div>

      {busy === "load" && deliveries.length === 0 ? (
        <p className="arm-muted">Loading the delivery log…</p>
      ) : (
        <DeliveryLogTable
          deliveries={deliveries}
          busyId={typeof busy === "object" && busy !== null ? busy.redeliver : null}
          disabled={isBusy}
          onRedeliver={(id) =>
            void run({ redeliver: id }, async () => {
              await api.redeliver(id);
              return "The delivery is queued to be sent again, with the same X-Request-UUID.";
            })
          }
        />
      )}
      {nextCursor && (
        <Button isLoading={busy === "more"} isDisabled={isBusy && busy !== "more"} onClick={loadMore}>
          Show older deliveries
        </Button>
      )}
    </section>
  );
}
