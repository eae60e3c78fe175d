/** Words the page uses for endpoints, events and hook states, in one place. */
import type { EndpointKind } from "../../src/arm";
import type { HookState } from "../../src/hooks/types";
import type { DeliveryMode } from "../../src/connections/views";

export const ENDPOINT_NAMES: Record<EndpointKind, string> = {
  push: "SCM push (builds and pull request jobs)",
  "alm-sync": "ALM commit sync (smart commits)",
};

export const DELIVERY_NAMES: Record<DeliveryMode, string> = {
  direct: "Direct from Bitbucket",
  relay: "Through ARM Connector",
};

const EVENT_NAMES: Record<string, string> = {
  "repo:push": "push",
  "pullrequest:created": "pull request created",
  "pullrequest:updated": "pull request updated",
};

/** "repo:push (push), pullrequest:created (pull request created)": the exact keys, and what they mean. */
export function describeEvents(events: string[]): string {
  return events.map((e) => (EVENT_NAMES[e] ? `${e} (${EVENT_NAMES[e]})` : e)).join(", ");
}

type LozengeAppearance = "success" | "removed" | "moved";

export const STATE_LOZENGES: Record<HookState, { appearance: LozengeAppearance; text: string }> = {
  connected: { appearance: "success", text: "Connected" },
  missing: { appearance: "removed", text: "Missing" },
  drifted: { appearance: "moved", text: "Changed" },
  legacy: { appearance: "removed", text: "Legacy URL" },
};

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
