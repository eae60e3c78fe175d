/** Actions on an existing connection: reconnect, replace the token (inline form), disconnect (inline confirmation). */
import { useState } from "react";
import Button from "@atlaskit/button/default/button";
import Form, { ErrorMessage, Field, HelperMessage } from "@atlaskit/form";
import TextField from "@atlaskit/textfield";
import { tokenProblem } from "./form-model";
import { plural } from "./labels";
import type { Action } from "./messages";

interface Props {
  tokenLast4: string;
  /** Relay deliveries still to go out: the disconnect confirmation says they will be dropped. */
  unsentDeliveries: number;
  busy: Action | null;
  onReconnect: () => void;
  /** Resolves to a message for the token field when the server refused the token, or undefined when done. */
  onReplaceToken: (token: string) => Promise<string | undefined>;
  /** Resolves to true once disconnected. */
  onDisconnect: () => Promise<boolean>;
}

type Panel = "none" | "token" | "disconnect";

export function TokenActions({ tokenLast4, unsentDeliveries, busy, onReconnect, onReplaceToken, onDisconnect }: Props) {
  const [panel, setPanel] = useState<Panel>("none");
  const idle = busy === null;

  return (
    <div className="arm-stack">
      <p>
        Webhook API token: <code aria-hidden="true">••••{tokenLast4}</code>
        <span className="arm-sr-only">ending in {tokenLast4}</span>
      </p>
      {panel === "none" && (
        <div className="arm-actions">
          <Button onClick={onReconnect} isDisabled={!idle} isLoading={busy === "reconnect"}>
            Reconnect
          </Button>
          <Button onClick={() => setPanel("token")} isDisabled={!idle}>
            Replace token
          </Button>
          <Button appearance="danger" onClick={() => setPanel("disconnect")} isDisabled={!idle}>
            Disconnect
          </Button>
        </div>
      )}
      {panel === "token" && (
        <Form<{ newToken: string }>
          label="Replace the webhook API token"
          autocomplete="off"
          isDisabled={!idle}
          onSubmit={async ({ newToken }) => {
            const problem = await onReplaceToken(newToken.trim());
            if (problem !== undefined) return { newToken: problem };
            setPanel("none");
            return undefined;
          }}
        >
          <Field<string> name="newToken" label="New ARM token" defaultValue="" isRequired validate={(v) => tokenProblem(v ?? "", true)}>
            {({ fieldProps, error }) => (
              <>
                <TextField {...fieldProps} type="password" autoComplete="off" spellCheck={false} />
                {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>Every ARM webhook on this repository will use the new token.</HelperMessage>}
              </>
            )}
          </Field>
          <div className="arm-actions arm-submit">
            <Button type="submit" appearance="primary" isDisabled={!idle} isLoading={busy === "token"}>
              Save new token
            </Button>
            <Button onClick={() => setPanel("none")} isDisabled={!idle}>
              Cancel
            </Button>
          </div>
        </Form>
      )}
      {panel === "disconnect" && (
        <div className="arm-stack" role="group" aria-label="Confirm disconnect">
          <p>Remove the ARM webhooks from this repository and forget the token? ARM jobs will stop starting from this repository.</p>
          {unsentDeliveries > 0 && (
            <p data-testid="unsent-warning">
              <strong>{plural(unsentDeliveries, "delivery has", "deliveries have")} not reached ARM yet</strong> and will be dropped. To keep{" "}
              {unsentDeliveries === 1 ? "it" : "them"}, fix what stops delivery first and wait until the delivery log shows no pending deliveries.
            </p>
          )}
          <div className="arm-actions">
            <Button
              appearance="danger"
              isDisabled={!idle}
              isLoading={busy === "disconnect"}
              onClick={async () => {
                if (await onDisconnect()) setPanel("none");
              }}
            >
              Yes, disconnect
            </Button>
            <Button onClick={() => setPanel("none")} isDisabled={!idle}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
