import path from "node:path";
import fs from "node:fs";
import { armHeaders, hookUuidFor, hubSignature, RELAY_USER_AGENT } from "../../../src/relay/arm-headers";

describe("arm headers", () => {
  test("the signature is Bitbucket's: HMAC-SHA256 of the exact bytes (REFERENCE test vector)", () => {
    const body = fs.readFileSync(path.resolve(__dirname, "../../../../shared/reference/bitbucket-cloud-signed-push.json"));
    expect(hubSignature(body, "Gkvl$k$wyNpQAF42")).toBe("sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035");
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
