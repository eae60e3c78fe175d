/** Relay mode end to end through HTTP: Bitbucket's Connect deliveries in, ARM deliveries out, exactly as a hook would send them. */
import { createHmac } from "node:crypto";
import { hookUuidFor } from "../../../src/relay/arm-headers";
import { ARM_TOKEN, ORG, REPO, testDatabases, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, relayRows, startRelayStack } from "./relay-support";

describe.each(testDatabases())("relay mode on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startRelayStack(kind);
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
  });

  test("connecting in relay mode leaves no ARM hook on the repository", async () => {
    const body = await connect(stack);
    expect(body.connection.deliveryMode).toBe("relay");
    expect(body.connection.pausedEndpoints).toEqual([]);
    expect(stack.bitbucket.hooks(REPO)).toEqual([]);
  });

  test("a push reaches both ARM endpoints with the exact bytes, a valid signature and Bitbucket's headers", async () => {
    const outcome = await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-1] add ledger" }] });
    const connectDelivery = outcome.deliveries.find((d) => d.target === "connect")!;
    expect(connectDelivery.attempts.map((a) => a.status)).toEqual([202]);
    const got = await stack.arm.waitForDeliveries(2);
    const expectedBody = JSON.stringify(outcome.payload);
    expect(got.map((d) => d.endpoint).sort()).toEqual(["alm-sync", "push"]);
    for (const d of got) {
      expect(d.body.toString()).toBe(expectedBody);
      expect(d.signatureValid).toBe(true);
      expect(d.accepted).toBe(true);
      expect(d.headers["x-hub-signature"]).toBe(`sha256=${createHmac("sha256", ARM_TOKEN).update(d.body).digest("hex")}`);
      expect(d.headers["content-type"]).toBe("application/json");
      expect(d.headers["x-event-key"]).toBe("repo:push");
      expect(d.headers["x-attempt-number"]).toBe("1");
      expect(d.headers["user-agent"]).toMatch(/^Bitbucket-Webhooks\/2\.0/);
      expect(d.headers["x-hook-uuid"]).toBe(hookUuidFor(stack.clientKey, stack.repoUuid(REPO), d.endpoint!));
    }
    const deliveries = await eventually(async () => {
      const rows = await relayRows.deliveries();
      return rows.length === 2 && rows.every((r) => r.status === "delivered") ? rows : undefined;
    });
    expect(new Set(got.map((d) => d.headers["x-request-uuid"]))).toEqual(new Set(deliveries.map((d) => d.id)));
    const [event] = await relayRows.events();
    expect(event).toMatchObject({ status: "accepted", eventKey: "repo:push", summary: "main", sourceRequestUuid: connectDelivery.requestUuid });
    expect(event.body!.toString()).toBe(expectedBody);
    for (const d of deliveries) expect(d).toMatchObject({ attempts: 1, lastStatusCode: 200, lastOutcome: "success", leaseUntil: null });
    const attempts = await relayRows.attempts();
    expect(attempts.map((a) => [a.statusCode, a.outcome])).toEqual([
      [200, "success"],
      [200, "success"],
    ]);
    expect(attempts[0].responseSnippet).toContain("accepted");
    const metrics = await stack.app.metrics.registry.getSingleMetricAsString("arm_relay_delivered_total");
    expect(metrics).toMatch(/arm_relay_delivered_total 2/);
  });

  test("a pull request reaches only the push endpoint", async () => {
    const before = (await relayRows.deliveries()).length;
    await stack.bitbucket.pullRequest(REPO, { id: 7, action: "created" });
    const [d] = await stack.arm.waitForDeliveries(1);
    expect(d).toMatchObject({ endpoint: "push", accepted: true });
    expect(d.headers["x-event-key"]).toBe("pullrequest:created");
    expect(JSON.parse(d.body.toString()).pullrequest.id).toBe(7);
    await eventually(async () => ((await relayRows.deliveries()).length === before + 1 ? true : undefined));
    const events = await relayRows.events();
    expect(events.at(-1)!.summary).toBe("pull request #7 (feature/pr-7 → main)");
  });

  test("ALM commit sync gets only pushes with a story key; the push endpoint gets every push", async () => {
    const before = stack.arm.deliveries.length;
    await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "tidy up" }, { message: "more tidying" }] });
    const skipped = await eventually(async () => {
      const rows = await relayRows.deliveries();
      const alm = rows.filter((r) => r.endpoint === "alm-sync" && r.status === "skipped");
      return alm.length === 1 && rows.every((r) => r.status !== "pending") ? alm[0] : undefined;
    });
    expect(skipped).toMatchObject({ attempts: 0, lastError: expect.stringMatching(/No commit in this push carries a story key/) });
    expect(stack.arm.deliveries.slice(before).map((d) => d.endpoint)).toEqual(["push"]);
  });

  test("a truncated push is judged on its full commit list, read from Bitbucket", async () => {
    const before = stack.arm.deliveries.length;
    const commits = [{ message: "[PAY-7] the story" }, ...Array.from({ length: 6 }, (_, i) => ({ message: `step ${i}` }))];
    const outcome = await stack.bitbucket.push(REPO, { branch: "main", commits });
    const change = (outcome.payload as any).push.changes[0];
    expect(change.truncated).toBe(true);
    expect(change.commits.some((c: { message: string }) => c.message.includes("PAY-7"))).toBe(false);
    const got = await stack.arm.waitForDeliveries(before + 2);
    expect(got.slice(before).map((d) => d.endpoint).sort()).toEqual(["alm-sync", "push"]);
    expect(stack.bitbucket.requests.some((r) => r.path.endsWith("/commits") && r.query.include !== undefined && r.query.exclude !== undefined && r.status === 200)).toBe(true);
  });

  test("no secret is ever logged", () => {
    const leaks = stack.logs.filter((l) => l.includes(ARM_TOKEN) || stack.bitbucket.apps().some((a) => l.includes(a.sharedSecret)));
    expect(leaks).toEqual([]);
  });
});
