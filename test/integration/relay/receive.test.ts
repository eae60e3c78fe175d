/** POST /events: authentication, the two body shapes, dedupe, refusals, and which repositories the relay takes. */
import { randomUUID } from "node:crypto";
import { encodeSymmetric, SymmetricAlgorithm } from "atlassian-jwt";
import { signAppRequest } from "../../../simulators/bitbucket/connect-jwt";
import { connectBody, REPO, testDatabases, type Stack } from "../../support/stack";
import { connect, pushPayload, relayRows, sendEvent, startRelayStack } from "./relay-support";

describe.each(testDatabases())("receiving on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    // No worker: these tests look at what is stored, not at what is sent.
    stack = await startRelayStack(kind, { RELAY_WORKER: "0" });
  });
  afterAll(() => stack?.close());

  const received = async (outcome: string) => {
    const text = await stack.app.metrics.registry.getSingleMetricAsString("arm_relay_events_received_total");
    return Number(new RegExp(`outcome="${outcome}"} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  describe("before the repository is in relay mode", () => {
    test("an event of a repository that is not connected is answered 204 and not stored", async () => {
      const res = await sendEvent(stack, { event: "repo:push", data: pushPayload(stack) }, { headers: { "X-Request-UUID": randomUUID() } });
      expect(res.status).toBe(204);
      expect(await relayRows.events()).toEqual([]);
      expect(await received("ignored")).toBe(1);
    });

    test("direct mode: Bitbucket's hooks reach ARM, the relay ignores its copy", async () => {
      const page = await stack.settings();
      await page.call("PUT", "/api/connection", { ...connectBody(stack), deliveryMode: "direct" });
      expect(stack.bitbucket.hooks(REPO)).toHaveLength(2);
      const outcome = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-1] direct" }] });
      expect(outcome.deliveries.filter((d) => d.target === "hook").map((d) => d.attempts[0].status)).toEqual([200, 200]);
      expect(outcome.deliveries.find((d) => d.target === "connect")!.attempts[0].status).toBe(204);
      expect(await relayRows.events()).toEqual([]);
    });
  });

  describe("in relay mode", () => {
    beforeAll(async () => {
      const body = await connect(stack);
      expect(body.connection.deliveryMode).toBe("relay");
    });

    test("switching to relay removed the ARM hooks; switching back restores them; relay again removes them", async () => {
      expect(stack.bitbucket.hooks(REPO)).toEqual([]);
      const direct = await connect(stack, { deliveryMode: "direct" });
      expect(direct.connection.deliveryMode).toBe("direct");
      expect(stack.bitbucket.hooks(REPO).map((h) => h.url).sort()).toHaveLength(2);
      expect(direct.hooks.map((h: { state: string }) => h.state)).toEqual(["connected", "connected"]);
      await connect(stack);
      expect(stack.bitbucket.hooks(REPO)).toEqual([]);
    });

    test("a reconnect without deliveryMode keeps relay mode", async () => {
      const page = await stack.settings();
      const res = await page.call("POST", "/api/connection/reconnect");
      expect(res.body.connection.deliveryMode).toBe("relay");
      const put = await page.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined });
      expect(put.body.connection.deliveryMode).toBe("relay");
      expect(stack.bitbucket.hooks(REPO)).toEqual([]);
    });

    test("an envelope is stored with one delivery per endpoint before the 202", async () => {
      const requestUuid = randomUUID();
      const payload = pushPayload(stack, "release");
      const res = await sendEvent(stack, { event: "repo:push", data: payload }, { headers: { "X-Request-UUID": requestUuid } });
      expect(res.status).toBe(202);
      expect(JSON.parse(res.text)).toEqual({ status: "accepted", deliveries: 2 });
      const event = (await relayRows.events()).find((e) => e.sourceRequestUuid === requestUuid)!;
      expect(event).toMatchObject({ status: "accepted", eventKey: "repo:push", summary: "release", clientKey: stack.clientKey });
      expect(event.body!.toString()).toBe(JSON.stringify(payload));
      const deliveries = (await relayRows.deliveries()).filter((d) => d.eventId === event.id);
      expect(deliveries.map((d) => [d.endpoint, d.status, d.attempts]).sort()).toEqual([
        ["alm-sync", "pending", 0],
        ["push", "pending", 0],
      ]);
    });

    test("the same Bitbucket delivery received twice is stored once", async () => {
      const requestUuid = randomUUID();
      const body = { event: "repo:push", data: pushPayload(stack) };
      const first = await sendEvent(stack, body, { headers: { "X-Request-UUID": requestUuid } });
      const again = await Promise.all([1, 2].map(() => sendEvent(stack, body, { headers: { "X-Request-UUID": requestUuid, "X-Attempt-Number": "2" } })));
      expect([first.status, ...again.map((r) => r.status)]).toEqual([202, 200, 200]);
      expect((await relayRows.events()).filter((e) => e.sourceRequestUuid === requestUuid)).toHaveLength(1);
    });

    test("concurrent copies of one delivery (one batch or several) are stored once too", async () => {
      const requestUuid = randomUUID();
      const body = { event: "repo:push", data: pushPayload(stack) };
      const answers = await Promise.all([1, 2, 3].map(() => sendEvent(stack, body, { headers: { "X-Request-UUID": requestUuid } })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
      expect((await relayRows.events()).filter((e) => e.sourceRequestUuid === requestUuid)).toHaveLength(1);
    });

    test("without X-Request-UUID each delivery is new", async () => {
      const before = (await relayRows.events()).length;
      const body = { event: "pullrequest:created", data: { ...pushPayload(stack), pullrequest: { id: 4 } } };
      expect((await sendEvent(stack, body)).status).toBe(202);
      expect((await sendEvent(stack, body)).status).toBe(202);
      expect((await relayRows.events()).length).toBe(before + 2);
    });

    test("the bare REST-hook shape is understood, and its bytes are kept exactly", async () => {
      const bytes = Buffer.from(`{ "repository" : { "uuid" : "${stack.repoUuid(REPO)}" },\n  "push": {"changes": []}, "note": "caf\u00e9" }`);
      const requestUuid = randomUUID();
      const res = await sendEvent(stack, bytes, { headers: { "X-Event-Key": "repo:push", "X-Request-UUID": requestUuid } });
      expect(res.status).toBe(202);
      const event = (await relayRows.events()).find((e) => e.sourceRequestUuid === requestUuid)!;
      expect(event.body!.equals(bytes)).toBe(true);
    });

    test("an event no endpoint wants is answered 204 and not stored", async () => {
      const before = (await relayRows.events()).length;
      const res = await sendEvent(stack, { event: "pullrequest:fulfilled", data: pushPayload(stack) });
      expect(res.status).toBe(204);
      expect((await relayRows.events()).length).toBe(before);
    });

    test("a malformed event is answered 400 with a sentence and recorded as rejected, without a body", async () => {
      const requestUuid = randomUUID();
      const res = await sendEvent(stack, '{"event": "repo:push", "data": ', { headers: { "X-Event-Key": "repo:push", "X-Request-UUID": requestUuid } });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error).toEqual({ message: "The request body is not valid JSON.", code: "malformed-event" });
      const event = (await relayRows.events()).find((e) => e.sourceRequestUuid === requestUuid)!;
      expect(event).toMatchObject({ status: "rejected", eventKey: "repo:push", rejectReason: "The request body is not valid JSON.", body: null, bodySize: 31 });
      expect((await relayRows.deliveries()).filter((d) => d.eventId === event.id)).toEqual([]);
      expect(await received("rejected")).toBeGreaterThanOrEqual(1);
    });

    test("an event over 256 KB is answered 413 and recorded as rejected, without a body", async () => {
      const requestUuid = randomUUID();
      const big = { event: "repo:push", data: { ...pushPayload(stack), filler: "x".repeat(256 * 1024) } };
      const res = await sendEvent(stack, big, { headers: { "X-Request-UUID": requestUuid } });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text).error.code).toBe("too-large");
      const event = (await relayRows.events()).find((e) => e.sourceRequestUuid === requestUuid)!;
      expect(event).toMatchObject({ status: "rejected", body: null, eventKey: "unknown" });
      expect(event.bodySize).toBeGreaterThan(256 * 1024);
    });

    test("forged, expired or missing JWTs are answered 401 and nothing is stored", async () => {
      const before = (await relayRows.events()).length;
      const body = { event: "repo:push", data: pushPayload(stack) };
      const app = stack.installed();
      const now = Math.floor(Date.now() / 1000);
      const expired = encodeSymmetric({ iss: app.clientKey, iat: now - 600, exp: now - 300, qsh: "x" }, app.sharedSecret, SymmetricAlgorithm.HS256);
      const answers = await Promise.all([
        sendEvent(stack, body, { secret: "not-the-shared-secret" }),
        sendEvent(stack, body, { jwt: expired }),
        sendEvent(stack, body, { jwt: null }),
        sendEvent(stack, "x".repeat(300 * 1024), { secret: "not-the-shared-secret" }), // refused before the body is read
      ]);
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
      expect(JSON.parse(answers[1].text).error.code).toBe("jwt-expired");
      expect((await relayRows.events()).length).toBe(before);
    });

    test("a JWT signed for another request (qsh) is refused", async () => {
      const app = stack.installed();
      const jwt = signAppRequest(app, { method: "POST", url: `${stack.config.baseUrl}/installed` });
      expect((await sendEvent(stack, { event: "repo:push", data: pushPayload(stack) }, { jwt })).status).toBe(401);
    });
  });
});
