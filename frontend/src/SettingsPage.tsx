/** The repository settings page: loads the connection, runs one action at a time, reports the outcome. */
import { useCallback, useEffect, useRef, useState } from "react";
import Button from "@atlaskit/button/default/button";
import SectionMessage from "@atlaskit/section-message";
import type { ConnectionResponse, ConnectRequest } from "../../src/connections/views";
import { ApiError } from "./api";
import type { SettingsApi } from "./api";
import { ConnectionForm } from "./ConnectionForm";
import { DeliveryLog } from "./DeliveryLog";
import { ExistingArmHooks } from "./ExistingArmHooks";
import { initialValues } from "./form-model";
import type { FieldErrors, FieldName } from "./form-model";
import { HookStatusList } from "./HookStatusList";
import { successMessage } from "./messages";
import type { Action } from "./messages";
import type { PageContext } from "./page-context";
import { PausedEndpoints } from "./PausedEndpoints";
import { TokenActions } from "./TokenActions";

type Load = { phase: "loading" } | { phase: "failed"; message: string } | { phase: "ready"; data: ConnectionResponse };
type Feedback = { appearance: "success" | "error"; message: string } | null;

/** Fields the connection form can mark; any other field the server names is reported above the form only. */
const FORM_FIELDS: FieldName[] = ["instance", "org", "edition", "token", "deliveryMode", "storyKeyPattern"];

function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError("Something went wrong on this page. Reload it and try again.", "client");
}

export function SettingsPage({ api, context }: { api: SettingsApi; context: PageContext }) {
  const [load, setLoad] = useState<Load>({ phase: "loading" });
  const [busy, setBusy] = useState<Action | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const messages = useRef<HTMLDivElement>(null);

  const reload = useCallback(() => {
    setLoad({ phase: "loading" });
    api.load().then(
      (data) => setLoad({ phase: "ready", data }),
      (err: unknown) => setLoad({ phase: "failed", message: asApiError(err).message }),
    );
  }, [api]);
  useEffect(reload, [reload]);

  /** Runs one action; the error, if any, is shown above the form and also returned so a field can show it too. */
  async function run(action: Action, call: () => Promise<ConnectionResponse>): Promise<ApiError | undefined> {
    setBusy(action);
    setFeedback(null);
    try {
      const data = await call();
      setLoad({ phase: "ready", data });
      setFeedback({ appearance: "success", message: successMessage(action, data) });
      return undefined;
    } catch (err) {
      const error = asApiError(err);
      setFeedback({ appearance: "error", message: error.message });
      // A failed action may still have changed something (hooks half migrated): show what is true now.
      api.load().then((data) => setLoad({ phase: "ready", data }), () => undefined);
      return error;
    } finally {
      setBusy(null);
      messages.current?.scrollIntoView({ block: "nearest" });
    }
  }

  const connection = load.phase === "ready" ? load.data.connection : null;

  async function submit(request: ConnectRequest): Promise<FieldErrors | undefined> {
    const error = await run(connection === null ? "connect" : "save", () => api.connect(request));
    const field = error?.field as FieldName | undefined;
    return field !== undefined && FORM_FIELDS.includes(field) ? { [field]: error?.message } : undefined;
  }

  return (
    <main className="arm-page">
      <header className="arm-stack">
        <h1>ARM Connector</h1>
        <p className="arm-lead">
          Registers AutoRABIT ARM webhooks on this repository, so that pushes and pull requests start your ARM jobs.
        </p>
        <p>
          Repository: <strong>{context.repo.fullName}</strong>
        </p>
      </header>

      <div ref={messages} role="status" aria-live="polite" aria-label="Messages" className="arm-stack">
        {load.phase === "loading" && <p className="arm-muted">Loading the connection…</p>}
        {feedback && <SectionMessage appearance={feedback.appearance}>{feedback.message}</SectionMessage>}
      </div>

      {load.phase === "failed" && (
        <SectionMessage appearance="error" title="The settings could not be loaded">
          <div className="arm-stack">
            <p>{load.message}</p>
            <Button onClick={reload}>Try again</Button>
          </div>
        </SectionMessage>
      )}

      {load.phase === "ready" && connection !== null && (
        <section aria-labelledby="arm-status-title" className="arm-stack">
          <h2 id="arm-status-title">Webhooks on this repository</h2>
          {load.data.hooksError !== undefined && <SectionMessage appearance="warning">{load.data.hooksError}</SectionMessage>}
          {connection.lastError !== null && (
            <SectionMessage appearance="warning" title="Last attempt failed">
              {connection.lastError}
            </SectionMessage>
          )}
          <PausedEndpoints paused={connection.pausedEndpoints} />
          <HookStatusList hooks={load.data.hooks} relayed={connection.deliveryMode === "relay"} />
          <TokenActions
            tokenLast4={connection.tokenLast4}
            unsentDeliveries={connection.unsentDeliveries}
            busy={busy}
            onReconnect={() => void run("reconnect", api.reconnect)}
            onReplaceToken={async (token) => {
              const error = await run("token", () => api.replaceToken({ token }));
              return error?.field === "token" ? error.message : undefined;
            }}
            onDisconnect={async () => (await run("disconnect", api.disconnect)) === undefined}
          />
        </section>
      )}

      {/* After a switch to direct, deliveries received while relayed still go out: keep them in view until they have. */}
      {load.phase === "ready" && connection !== null && (connection.deliveryMode === "relay" || connection.unsentDeliveries > 0) && (
        <DeliveryLog key={connection.updatedAt} api={api} relayed={connection.deliveryMode === "relay"} />
      )}

      {load.phase === "ready" && (
        <section aria-labelledby="arm-form-title" className="arm-stack">
          <h2 id="arm-form-title">{connection === null ? "Connect this repository" : "Settings"}</h2>
          {connection === null && <ExistingArmHooks hooks={load.data.existingArmHooks} error={load.data.hooksError} />}
          <ConnectionForm
            // A new connection state (saved, disconnected) starts the form afresh from it.
            key={connection?.updatedAt ?? "new"}
            policy={context.policy}
            initial={initialValues(connection, context.defaults.instance)}
            connected={connection !== null}
            busy={busy}
            onSubmit={submit}
            previewSmartCommits={api.previewSmartCommits}
          />
        </section>
      )}
    </main>
  );
}
