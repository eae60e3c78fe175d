/**
 * The in-process hand-off: deliveries written by a process that runs a worker are inserted already leased to it
 * and sent from memory, with no claim; when the worker cannot take them they are written unleased, as before.
 */
import { ConnectionRow, RelayDeliveryRow, RelayEndpointHealthRow } from "../../../src/db/models";
import * as deliveryStore from "../../../src/db/relay-delivery-store";
import * as claims from "../../../src/relay/claim-due-deliveries";
import { ARM_TOKEN, ORG, REPO, type Stack } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, startRelayStack } from "./relay-support";

let stack: Stack;
let connectionId: number;
beforeAll(async () => {
  stack = await startRelayStack("sqlite");
  await connect(stack, { triggers: { push: true, pullRequests: false, almSync: false } });
  connectionId = (await ConnectionRow.findOne())!.id;
});
afterAll(() => stack?.close());
beforeEach(() => {
  stack.arm.reset();
  stack.arm.setToken(ORG, ARM_TOKEN);
});
afterEach(() => jest.restoreAllMocks());

async function pushes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: `change ${i}` }] });
}
const newest = async (n: number) => RelayDeliveryRow.findAll({ order: [["createdAt", "DESC"]], limit: n });

test("a running worker is handed the deliveries it is leased at insert: sent without a claim or a body read", async () => {
  const claimed = new Set<string>();
  const original = claims.claimDueDeliveries;
  jest.spyOn(claims, "claimDueDeliveries").mockImplementation(async (...args) => {
    const got = await original(...args);
    for (const d of got) claimed.add(d.id);
    return got;
  });
  const bodyReads = jest.spyOn(deliveryStore, "loadEvents");
  await pushes(4);
  await eventually(() => (stack.arm.deliveries.length === 4 ? true : undefined));
  const rows = await eventually(async () => {
    const r = await newest(4);
    return r.every((d) => d.status === "delivered") ? r : undefined;
  });
  const workerId = stack.app.worker!.id;
  expect(rows.map((r) => [r.leasedBy, r.attempts])).toEqual(Array(4).fill([workerId, 1]));
  expect(stack.arm.deliveries.map((d) => d.headers["x-request-uuid"]).sort()).toEqual(rows.map((r) => r.id).sort());
  expect(rows.filter((r) => claimed.has(r.id))).toEqual([]);
  expect(bodyReads).not.toHaveBeenCalled();
});

test("deliveries to a paused endpoint are written unleased and wait", async () => {
  await RelayEndpointHealthRow.upsert({ connectionId, endpoint: "push", failingSince: null, lastSuccessAt: null, pausedAt: new Date(), pausedReason: "test" });
  try {
    await pushes(1);
    const [row] = await newest(1);
    expect(row).toMatchObject({ status: "pending", leaseUntil: null, leasedBy: null });
    await new Promise((r) => setTimeout(r, 300)); // a poll or two of the worker
    expect(stack.arm.deliveries).toHaveLength(0);
  } finally {
    await RelayEndpointHealthRow.update({ pausedAt: null, pausedReason: null }, { where: { connectionId } });
  }
  stack.app.worker!.wake();
  await eventually(() => (stack.arm.deliveries.length === 1 ? true : undefined));
});

test("a worker grants a lease only for what it has room to hold (beyond that, a batch is written unleased)", () => {
  const worker = stack.app.worker!;
  const before = Date.now();
  const grant = worker.lease(1)!;
  expect(grant.workerId).toBe(worker.id);
  expect(grant.leaseUntil).toBeGreaterThanOrEqual(before + 60_000); // the worker's default lease
  expect(worker.lease(501)).toBeNull(); // more than twice a claim (250) held at once
});

test("a stopped worker is handed nothing: deliveries are written unleased and claimed by any worker", async () => {
  await stack.app.worker!.stop();
  await pushes(2);
  const rows = await newest(2);
  expect(rows.map((r) => [r.status, r.leaseUntil, r.leasedBy])).toEqual(Array(2).fill(["pending", null, null]));
  const other = stack.app.createWorker({ workerId: "other" });
  expect(await other.runOnce()).toBe(2);
  expect(stack.arm.deliveries).toHaveLength(2);
});
