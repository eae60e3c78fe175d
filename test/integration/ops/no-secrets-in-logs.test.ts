import { connectBody, REPO, startStack, type Stack } from "../../support/stack";

const JWT_SHAPE = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/;
const HUB_SIGNATURE = /sha256=[0-9a-f]{64}/;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { RELAY_RETRY_SCHEDULE: "0,30ms,60ms", LOG_LEVEL: "debug" } });
});
afterAll(() => stack?.close());

test("a day of work at debug level logs no token, shared secret, JWT or signature", async () => {
  const page = await stack.settings();
  expect((await page.call("PUT", "/api/connection", connectBody(stack))).status).toBe(200);
  expect((await page.call("PUT", "/api/connection/token", { token: "arm-webhook-token-replaced-0001" })).status).toBe(200);
  stack.secrets.add("arm-webhook-token-replaced-0001");
  // Failures are logged too: a wrong token for the settings API, a forged page load, an unknown route.
  expect((await page.call("GET", "/api/connection", undefined, { Authorization: `JWT ${page.contextToken()}x` })).status).toBe(401);
  expect((await fetch(`${page.pageUrl}x`)).status).toBe(401);
  expect((await fetch(`${stack.app.url}/nothing-here?jwt=${page.contextToken()}`)).status).toBe(404);
  await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "PAY-1 log check" }] });
  // Relay mode: signed deliveries to ARM, one of which fails once and is retried.
  expect((await page.call("PUT", "/api/connection", connectBody(stack, { deliveryMode: "relay" }))).status).toBe(200);
  stack.arm.faults.add({ method: "POST", pathPattern: "/api/webhook/", status: 500, times: 1 });
  const before = stack.arm.deliveries.length;
  await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "PAY-2 relayed" }] });
  await stack.arm.waitForDeliveries(before + 3); // push and ALM sync, one of them twice
  expect(stack.arm.deliveries.slice(before).some((d) => d.headers["x-hub-signature"]?.startsWith("sha256="))).toBe(true);

  const logs = stack.logs.join("");
  expect(logs).toContain("Request failed");
  for (const secret of stack.secrets) expect(logs).not.toContain(secret);
  expect(logs).not.toMatch(JWT_SHAPE);
  expect(logs).not.toMatch(HUB_SIGNATURE);
  expect(logs).not.toContain(page.sessionToken);
});
