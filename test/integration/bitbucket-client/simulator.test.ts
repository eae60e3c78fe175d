/** The client and the reconciler against the Bitbucket simulator (simulators/bitbucket), installed like a real app. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { startBitbucketSimulator, type BitbucketSim } from "../../../simulators/bitbucket";
import { BitbucketClient } from "../../../src/bitbucket/client";
import { desiredHooks } from "../../../src/hooks/desired-hooks";
import { hookStatuses } from "../../../src/hooks/hook-status";
import { disconnect, reconcile } from "../../../src/hooks/reconcile";

const APP_KEY = "arm-connector-client-test";
const policy = { allowedHosts: ["*.autorabit.com"], allowHttpLoopback: false };
const LEGACY = "https://login.autorabit.com/autorabitrest/webhook/triggerSCMPushrequest";
const JENKINS = "https://ci.example.com/bitbucket-hook/";

/** Just enough of a Connect app to be installed: a descriptor and a lifecycle endpoint that says yes. */
async function startApp(): Promise<{ url: string; close(): Promise<void> }> {
  let url = "";
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/atlassian-connect.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(
        JSON.stringify({
          key: APP_KEY,
          name: "ARM Connector (client test)",
          baseUrl: url,
          authentication: { type: "jwt" },
          lifecycle: { installed: "/installed", uninstalled: "/uninstalled" },
          scopes: ["account", "repository", "pullrequest", "webhook"],
          contexts: ["account"],
          modules: {},
        }),
      );
    }
    req.resume().on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let sim: BitbucketSim;
let app: { url: string; close(): Promise<void> };
let agent: Agent;
let sleeps: number[];
let client: BitbucketClient;
let repoUuid: string;

beforeAll(async () => {
  sim = await startBitbucketSimulator();
  app = await startApp();
  agent = new Agent({ keepAliveTimeout: 1000 });
});

afterAll(async () => {
  await agent.destroy();
  await sim.close();
  await app.close();
});

beforeEach(async () => {
  sim.reset();
  sleeps = [];
  sim.addWorkspace("acme");
  repoUuid = sim.addRepository("acme", "app").uuid;
  const installed = await sim.install(app.url, "acme");
  expect(installed.ok).toBe(true);
  const { clientKey, sharedSecret } = sim.apps().find((a) => a.key === APP_KEY)!;
  client = new BitbucketClient({
    creds: { appKey: APP_KEY, clientKey, sharedSecret, baseApiUrl: sim.url },
    dispatcher: agent,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  });
});

const desired = desiredHooks(
  { instance: "https://login.autorabit.com", org: "autorabit.com", edition: "enterprise", triggers: { push: true, pullRequests: true, almSync: true } },
  "arm-token",
  "fp",
);

describe("BitbucketClient and reconcile against the simulator", () => {
  it("migrates a legacy hook, creates the missing one, pages through many hooks, and leaves others alone", async () => {
    for (let i = 0; i < 105; i++) sim.addHook("acme/app", { url: `${JENKINS}${i}`, events: ["repo:push"] });
    const legacy = sim.addHook("acme/app", { url: LEGACY, events: ["repo:push"] });
    const api = client.repoHooks("acme", repoUuid);

    const result = await reconcile(api, { desired, managed: [], policy });
    expect(result.applied.map((s) => s.op)).toEqual(["update", "create"]);
    const hooks = sim.hooks("acme/app");
    expect(hooks).toHaveLength(107);
    const ours = hooks.filter((h) => !h.url.startsWith(JENKINS));
    expect(ours.map((h) => [h.url, h.secret, h.events])).toEqual([
      [desired[0].url, "arm-token", desired[0].events],
      [desired[1].url, "arm-token", ["repo:push"]],
    ]);
    expect(ours[0].uuid).toBe(legacy.uuid);
    expect(hooks.filter((h) => h.url.startsWith(JENKINS)).every((h) => h.secret === null)).toBe(true);

    const again = await reconcile(api, { desired, managed: result.managed, policy });
    expect(again.plan.steps.map((s) => s.op)).toEqual(["keep", "keep"]);
    const statuses = hookStatuses({ desired, remote: await api.list(), managed: again.managed, policy });
    expect(statuses.map((s) => s.state)).toEqual(["connected", "connected"]);

    const gone = await disconnect(api, again.managed);
    expect(gone.managed).toEqual([]);
    expect(sim.hooks("acme/app")).toHaveLength(105);
  });

  it("a POST answered 503 is re-listed, then created once", async () => {
    sim.faults.add({ method: "POST", pathPattern: "/hooks", status: 503, times: 1 });
    const result = await reconcile(client.repoHooks("acme", "app"), { desired: [desired[0]], managed: [], policy });
    expect(sim.hooks("acme/app")).toHaveLength(1);
    expect(result.managed).toHaveLength(1);
  });

  it("a 429 with Retry-After is waited out", async () => {
    sim.faults.add({ method: "GET", pathPattern: "/hooks", status: 429, retryAfterSeconds: 2, times: 1 });
    expect(await client.repoHooks("acme", "app").list()).toEqual([]);
    expect(sleeps).toEqual([2000]);
  });

  it("reads the repository", async () => {
    expect(await client.getRepository("acme", "app")).toMatchObject({ uuid: repoUuid, full_name: "acme/app" });
    await expect(client.getRepository("acme", "nope")).rejects.toMatchObject({ status: 404, code: "not-found" });
  });
});
