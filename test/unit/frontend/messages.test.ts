/** The sentence the settings page shows after an action, from the server's answer. */
import { successMessage, type Action } from "../../../frontend/src/messages";
import type { ConnectionResponse, ConnectionView } from "../../../src/connections/views";
import type { HookStatus } from "../../../src/hooks/types";

const hook = (state: HookStatus["state"]): HookStatus => ({ endpoint: "push", state, url: "https://x.example/h", events: ["repo:push"], detail: "" });

function response(mode: "direct" | "relay", hooks: HookStatus[], extra: Partial<ConnectionResponse> = {}): ConnectionResponse {
  return { connection: { deliveryMode: mode } as ConnectionView, hooks, existingArmHooks: [], ...extra };
}

describe("successMessage", () => {
  test.each<[Action, string]>([
    ["connect", "Connected: 2 webhooks registered."],
    ["save", "Settings saved: 2 webhooks registered."],
    ["reconnect", "Reconnected: 2 webhooks registered."],
    ["token", "Token replaced: 2 webhooks now signed with the new token."],
  ])("direct mode, %s: counts the webhooks in place", (action, sentence) => {
    expect(successMessage(action, response("direct", [hook("connected"), hook("connected")]))).toBe(sentence);
  });

  test("one webhook is singular", () => {
    expect(successMessage("connect", response("direct", [hook("connected")]))).toBe("Connected: 1 webhook registered.");
  });

  test.each<[Action, string]>([
    ["connect", "Connected: this app now relays the repository's events to ARM."],
    ["save", "Settings saved: this app now relays the repository's events to ARM."],
    ["reconnect", "Reconnected: this app now relays the repository's events to ARM."],
    ["token", "Token replaced: deliveries to ARM are now signed with the new token."],
  ])("relay mode, %s: says what happens instead of counting zero webhooks", (action, sentence) => {
    expect(successMessage(action, response("relay", []))).toBe(sentence);
  });

  test("a webhook not in place, or hooks that could not be read, is said in either mode", () => {
    const warn = /^Connected, but not every webhook is in place yet; see the status below\.$/;
    expect(successMessage("connect", response("direct", [hook("connected"), hook("missing")]))).toMatch(warn);
    expect(successMessage("connect", response("relay", [hook("legacy")]))).toMatch(warn);
    expect(successMessage("connect", response("relay", [], { hooksError: "Bitbucket did not answer." }))).toMatch(warn);
  });

  test("disconnect", () => {
    expect(successMessage("disconnect", { connection: null, hooks: [], existingArmHooks: [] })).toBe(
      "Disconnected: the ARM webhooks were removed from this repository.",
    );
  });
});
