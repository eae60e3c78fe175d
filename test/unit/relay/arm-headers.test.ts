import { withSignedPush, SIGNED_PUSH } from "../../support/signed-push-vector";
import { armHeaders, hookUuidFor, hubSignature, RELAY_USER_AGENT } from "../../../src/relay/arm-headers";

describe("arm headers", () => {
  withSignedPush()("the signature is Bitbucket's: HMAC-SHA256 of the exact bytes (REFERENCE test vector)", () => {
    expect(hubSignature(SIGNED_PUSH.body(), SIGNED_PUSH.key)).toBe(`sha256=${SIGNED_PUSH.signatureHex}`);
  });

  test("X-Hook-UUID is a stable version-5 uuid per tenant, repository and endpoint", () => {
    const a = hookUuidFor("client-1", "{repo-1}", "push");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(hookUuidFor("client-1", "{repo-1}", "push")).toBe(a);
    expect(new Set([a, hookUuidFor("client-1", "{repo-1}", "alm-sync"), hookUuidFor("client-2", "{repo-1}", "push"), hookUuidFor("client-1", "{repo-2}", "push")]).size).toBe(4);
  });

  test("every header a Bitbucket hook with a secret sends", () => {
    const body = Buffer.from('{"a":1}');
    expect(armHeaders({ eventKey: "repo:push", hookUuid: "h", requestUuid: "r", attempt: 3, body, token: "t" })).toEqual({
      "Content-Type": "application/json",
      "User-Agent": RELAY_USER_AGENT,
      "X-Event-Key": "repo:push",
      "X-Hook-UUID": "h",
      "X-Request-UUID": "r",
      "X-Attempt-Number": "3",
      "X-Hub-Signature": hubSignature(body, "t"),
    });
    expect(RELAY_USER_AGENT.startsWith("Bitbucket-Webhooks/2.0")).toBe(true);
  });
});
