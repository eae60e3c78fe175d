/** Leases: a crashed worker's deliveries are claimed again after the lease; a stopping worker finishes or gives back what it holds. */
import { RelayDeliveryRow } from "../../../src/db/models";
import { RelayWrites } from "../../../src/db/relay-writes";
import { claimDueDeliveries } from "../../../src/relay/claim-due-deliveries";
import { ARM_TOKEN, ORG, REPO, testDatabases, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, startRelayStack, TestClock } from "./relay-support";

const LEASE_MS = 60_000; // the worker's default with attempt timeouts under 15 s

describe.each(testDatabases())("leases on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startRelayStack(kind, { RELAY_WORKER: "0", RELAY_ENDPOINT_CONCURRENCY: "1" });
    await connect(stack, { triggers: { push: true, pullRequests: false, almSync: false } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
  });

  const pushes = async (n: number) => {
    for (let i = 0; i < n; i++) await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: `change ${i}` }] });
  };
  const pending = () => RelayDeliveryRow.findAll({ where: { status: "pending" } });

  test("deliveries held by a worker that died are claimed by another once the lease has run out", async () => {
    await pushes(3);
    const clock = new TestClock();
    // The "crashed" worker claims and never finishes.
    const crashed = await claimDueDeliveries(new RelayWrites(RelayDeliveryRow.sequelize!), { workerId: "crashed", nowMs: clock.now(), leaseMs: LEASE_MS, limit: 100 });
    expect(crashed).toHaveLength(3);
    const survivor = stack.app.createWorker({ now: clock.now, workerId: "survivor" });
    expect(await survivor.runOnce()).toBe(0);
    clock.advance(LEASE_MS - 5_000);
    expect(await survivor.runOnce()).toBe(0);
    clock.advance(6_000);
    expect(await survivor.runOnce()).toBe(3);
    const rows = await RelayDeliveryRow.findAll({ where: { id: crashed.map((d) => d.id) } });
    expect(rows.map((r) => [r.status, r.leasedBy, r.leaseUntil])).toEqual(Array(3).fill(["delivered", "survivor", null]));
    expect(stack.arm.deliveries.map((d) => d.headers["x-request-uuid"]).sort()).toEqual(crashed.map((d) => d.id).sort());
  });

  test("a stopping worker finishes the attempt in flight and gives back the rest at once", async () => {
    stack.arm.faults.add({ delayMs: 300 }); // slow ARM; one attempt at a time (RELAY_ENDPOINT_CONCURRENCY=1)
    await pushes(3);
    const worker = stack.app.createWorker({ workerId: "stopping" });
    worker.start();
    await eventually(() => (stack.arm.deliveries.length === 1 ? true : undefined));
    await worker.stop({ deadlineMs: 5_000 });
    expect(worker.isRunning()).toBe(false);
    const rows = await RelayDeliveryRow.findAll({ where: { leasedBy: "stopping" } });
    expect(rows.map((r) => r.status).sort()).toEqual(["delivered", "pending", "pending"]);
    for (const r of rows.filter((x) => x.status === "pending")) expect(r).toMatchObject({ attempts: 0, leaseUntil: null });
    // Given back means claimable now, not after a lease.
    stack.arm.faults.clear();
    const next = stack.app.createWorker({ workerId: "next" });
    expect(await next.runOnce()).toBe(2);
    expect(await pending()).toEqual([]);
    expect(stack.arm.deliveries).toHaveLength(3);
  });
});
