/** The delivery log API through HTTP, on SQLite and PostgreSQL: list and filters, tenancy, redelivery, test events, stats. */
import { ARM_TOKEN, connectBody, errorShapeProblems, leakedSecrets, ORG, REPO, testDatabases, type SettingsClient, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, startRelayStack } from "../relay/relay-support";

const LEDGER = "acme/ledger";

describe.each(testDatabases())("delivery log on %s", (kind) => {
  let stack: Stack;
  let page: SettingsClient;

  /** The repository's deliveries once none is pending any more. */
  async function settled(client = page): Promise<any[]> {
    return eventually(async () => {
      const res = await client.call("GET", "/api/deliveries?limit=200");
      expect(res.status).toBe(200);
      return res.body.deliveries.every((d: { status: string }) => d.status !== "pending") ? res.body.deliveries : undefined;
    });
  }

  beforeAll(async () => {
    stack = await startRelayStack(kind);
    await connect(stack);
    page = await stack.settings();
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
  });

  test("lists a push's deliveries newest first with what ARM answered", async () => {
    await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-1] add ledger" }] });
    const got = await stack.arm.waitForDeliveries(2);
    const list = await settled();
    expect(list).toHaveLength(2);
    expect(new Set(list.map((d) => d.id))).toEqual(new Set(got.map((d) => d.headers["x-request-uuid"])));
    for (const d of list) {
      expect(d).toMatchObject({ event: "repo:push", summary: "main", status: "delivered", attempts: 1, lastStatusCode: 200, lastOutcome: "success", lastError: null, nextAttemptAt: null });
      expect(typeof d.lastLatencyMs).toBe("number");
      expect(d.responseSnippet).toContain("accepted");
      expect(Date.parse(d.createdAt)).toBeLessThanOrEqual(Date.parse(d.deliveredAt));
    }
    expect(list.map((d) => d.endpoint).sort()).toEqual(["alm-sync", "push"]);
  });

  test("failed deliveries: the filters, paging, and a redelivery with the same X-Request-UUID", async () => {
    stack.arm.faults.add({ status: 500, times: 8 }); // 4 attempts (FAST_RELAY_ENV) for each of the 2 endpoints
    await stack.bitbucket.push(REPO, { branch: "release", commits: [{ message: "[PAY-2] fix" }] });
    const all = await settled();
    expect(all).toHaveLength(4);
    const failed = (await page.call("GET", "/api/deliveries?status=failed")).body.deliveries;
    expect(failed).toHaveLength(2);
    for (const d of failed) expect(d).toMatchObject({ summary: "release", status: "failed", attempts: 4, lastStatusCode: 500, lastOutcome: "retry" });
    expect((await page.call("GET", "/api/deliveries?status=pending")).body.deliveries).toEqual([]);
    expect(all.slice(0, 2).map((d) => d.id).sort()).toEqual(failed.map((d: { id: string }) => d.id).sort()); // newest first

    const first = await page.call("GET", "/api/deliveries?limit=3");
    expect(first.body.deliveries.map((d: { id: string }) => d.id)).toEqual(all.slice(0, 3).map((d) => d.id));
    const second = await page.call("GET", `/api/deliveries?limit=3&before=${first.body.nextCursor}`);
    expect(second.body).toEqual({ deliveries: [all[3]], nextCursor: null });

    const [target] = failed;
    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
    const res = await page.call("POST", `/api/deliveries/${target.id}/redeliver`);
    expect(res).toMatchObject({ status: 200, body: { redelivered: 1 } });
    const [again] = await stack.arm.waitForDeliveries(1);
    expect(again.headers["x-request-uuid"]).toBe(target.id);
    expect(again.headers["x-attempt-number"]).toBe("5");
    expect(again.signatureValid).toBe(true);
    const after = (await settled()).find((d) => d.id === target.id);
    expect(after).toMatchObject({ status: "delivered", attempts: 5, lastStatusCode: 200 });
  });

  test("redeliver all failed since a time: only failed ones created since then", async () => {
    const failed = (await page.call("GET", "/api/deliveries?status=failed")).body.deliveries;
    expect(failed).toHaveLength(1);
    const later = new Date(Date.parse(failed[0].createdAt) + 1000).toISOString();
    expect((await page.call("POST", "/api/deliveries/redeliver-failed", { since: later })).body).toEqual({ redelivered: 0 });
    const bad = await page.call("POST", "/api/deliveries/redeliver-failed", { since: "last tuesday" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("since");
    expect(errorShapeProblems(bad.body)).toEqual([]);

    const res = await page.call("POST", "/api/deliveries/redeliver-failed", { since: failed[0].createdAt });
    expect(res).toMatchObject({ status: 200, body: { redelivered: 1 } });
    const [again] = await stack.arm.waitForDeliveries(1);
    expect(again.headers["x-request-uuid"]).toBe(failed[0].id);
    await settled();
    expect((await page.call("GET", "/api/deliveries?status=failed")).body.deliveries).toEqual([]);
  });

  test("a test event reaches ARM's push endpoint signed, and is logged as diagnostics", async () => {
    const res = await page.call("POST", "/api/deliveries/test");
    expect(res).toMatchObject({ status: 200, body: { endpoint: "push" } });
    const [got] = await stack.arm.waitForDeliveries(1);
    expect(got).toMatchObject({ endpoint: "push", signatureValid: true });
    expect(got.headers["x-request-uuid"]).toBe(res.body.id);
    expect(got.headers["x-event-key"]).toBe("repo:push");
    const body = JSON.parse(got.body.toString());
    expect(body.diagnostics.test).toBe(true);
    expect(body.repository.full_name).toBe(REPO);
    const logged = (await settled()).find((d) => d.id === res.body.id);
    expect(logged).toMatchObject({ event: "repo:push", summary: "diagnostics: test event", status: "delivered", endpoint: "push" });
    expect(stack.arm.deliveries).toHaveLength(1); // not to ALM commit sync
  });

  test("stats: hourly buckets that add up to the log", async () => {
    const list = await settled();
    const res = await page.call("GET", "/api/deliveries/stats?hours=24");
    expect(res.status).toBe(200);
    expect(res.body.hours).toBe(24);
    expect(res.body.buckets).toHaveLength(24);
    const last = res.body.buckets[23];
    expect(Date.parse(last.start)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(last.start)).toBeLessThan(3_600_000);
    const sum = (k: string) => res.body.buckets.reduce((n: number, b: Record<string, number>) => n + b[k], 0);
    const count = (s: string) => list.filter((d) => d.status === s).length;
    expect({ delivered: sum("delivered"), failed: sum("failed"), pending: sum("pending"), skipped: sum("skipped") }).toEqual({
      delivered: count("delivered"),
      failed: count("failed"),
      pending: 0,
      skipped: count("skipped"),
    });
    expect(count("delivered")).toBe(5);
    // Everything was created in the last minutes: in the current hour's bar (or the previous one, across the hour).
    const recent = res.body.buckets.slice(22).reduce((n: number, b: Record<string, number>) => n + b.delivered + b.failed, 0);
    expect(recent).toBe(list.length);
    const bad = await page.call("GET", "/api/deliveries/stats?hours=0");
    expect(bad.status).toBe(400);
    expect(errorShapeProblems(bad.body)).toEqual([]);
  });

  test("tenancy: another repository sees none of these deliveries and cannot redeliver them; direct mode has no test event", async () => {
    const mine = await settled();
    stack.addRepo("ledger");
    const ledger = await stack.settings(LEDGER);
    expect((await ledger.call("GET", "/api/deliveries")).body).toEqual({ deliveries: [], nextCursor: null });
    const notConnected = await ledger.call("POST", "/api/deliveries/test");
    expect(notConnected.status).toBe(409);
    const connected = await ledger.call("PUT", "/api/connection", connectBody(stack, { deliveryMode: "direct" }));
    expect(connected.status).toBe(200);
    const res = await ledger.call("POST", `/api/deliveries/${mine[0].id}/redeliver`);
    expect(res.status).toBe(404);
    expect(errorShapeProblems(res.body)).toEqual([]);
    expect((await ledger.call("POST", "/api/deliveries/redeliver-failed", { since: "2000-01-01T00:00:00Z" })).body).toEqual({ redelivered: 0 });
    const direct = await ledger.call("POST", "/api/deliveries/test");
    expect(direct.status).toBe(409);
    expect(direct.body.error.code).toBe("direct-mode");
    expect(errorShapeProblems(direct.body)).toEqual([]);
    expect((await ledger.call("GET", "/api/deliveries/stats")).body.buckets.every((b: Record<string, number>) => b.delivered + b.failed === 0)).toBe(true);
    const unsigned = await ledger.call("GET", "/api/deliveries", undefined, { Authorization: "" });
    expect(unsigned.status).toBe(401);
    expect(await settled()).toEqual(mine); // untouched
  });

  test("bad queries get a sentence naming the field", async () => {
    for (const [query, field] of [["status=done", "status"], ["limit=0", "limit"], ["limit=x", "limit"], ["before=nonsense", "before"]]) {
      const res = await page.call("GET", `/api/deliveries?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(errorShapeProblems(res.body)).toEqual([]);
    }
  });

  test("no secret is returned or logged", () => {
    expect(leakedSecrets(stack)).toEqual([]);
  });
});
