/** The webhooks a save would register, exactly as they will be sent to Bitbucket; in relay mode, where the relay will deliver. */
import type { PreviewHook } from "./form-model";
import { describeEvents, ENDPOINT_NAMES } from "./labels";

interface Props {
  hooks: PreviewHook[] | null;
  connected: boolean;
  relayed: boolean;
}

function title(connected: boolean, relayed: boolean): string {
  if (relayed) return "Where ARM Connector will deliver (no webhooks on the repository)";
  return connected ? "Webhooks after saving" : "Webhooks that will be registered";
}

export function WebhookPreview({ hooks, connected, relayed }: Props) {
  return (
    <section aria-labelledby="arm-preview-title" className="arm-stack arm-preview">
      <h3 id="arm-preview-title">{title(connected, relayed)}</h3>
      {hooks === null ? (
        <p className="arm-muted">Fill in the fields above to see the exact webhook URLs.</p>
      ) : (
        <ul className="arm-list" data-testid="webhook-preview">
          {hooks.map((hook) => (
            <li key={hook.endpoint} className="arm-item">
              <div className="arm-item-head">{ENDPOINT_NAMES[hook.endpoint]}</div>
              <code className="arm-url">{hook.url}</code>
              <div className="arm-muted">Events: {describeEvents(hook.events)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
