/** What is on the repository right now, one row per ARM endpoint, as the server found it. */
import Lozenge from "@atlaskit/lozenge";
import type { HookStatus } from "../../src/hooks/types";
import { describeEvents, ENDPOINT_NAMES, STATE_LOZENGES } from "./labels";

export function HookStatusList({ hooks, relayed }: { hooks: HookStatus[]; relayed: boolean }) {
  if (hooks.length === 0) {
    return (
      <p className="arm-muted">
        {relayed
          ? "Delivered through ARM Connector: Bitbucket sends events to this app, which relays them to ARM, so the repository carries no ARM webhooks."
          : "No ARM webhooks are expected with these settings."}
      </p>
    );
  }
  return (
    <ul className="arm-list" data-testid="hook-status">
      {hooks.map((hook) => {
        const lozenge = STATE_LOZENGES[hook.state];
        return (
          <li key={hook.endpoint} className="arm-item">
            <div className="arm-item-head">
              <span>{ENDPOINT_NAMES[hook.endpoint]}</span>
              <Lozenge appearance={lozenge.appearance}>{lozenge.text}</Lozenge>
            </div>
            <code className="arm-url">{hook.url}</code>
            <div className="arm-muted">Events: {describeEvents(hook.events)}</div>
            <p>{hook.detail}</p>
          </li>
        );
      })}
    </ul>
  );
}
