/** The success sentence shown after each action, from what the server answered. */
import type { ConnectionResponse } from "../../src/connections/views";
import { plural } from "./labels";

export type Action = "connect" | "save" | "reconnect" | "token" | "disconnect";

export function successMessage(action: Action, response: ConnectionResponse): string {
  if (action === "disconnect") return "Disconnected: the ARM webhooks were removed from this repository.";
  const inPlace = response.hooks.filter((h) => h.state === "connected").length;
  const notInPlace = response.hooks.length - inPlace;
  const lead = { connect: "Connected", save: "Settings saved", reconnect: "Reconnected", token: "Token replaced" }[action];
  if (notInPlace > 0 || response.hooksError !== undefined) {
    return `${lead}, but not every webhook is in place yet; see the status below.`;
  }
  if (response.connection?.deliveryMode === "relay") {
    // No ARM webhooks on the repository by design: say what happens instead of "0 webhooks registered".
    const relayDone = action === "token" ? "deliveries to ARM are now signed with the new token" : "this app now relays the repository's events to ARM";
    return `${lead}: ${relayDone}.`;
  }
  const done = action === "token" ? "now signed with the new token" : "registered";
  return `${lead}: ${plural(inPlace, "webhook", "webhooks")} ${done}.`;
}
