/**
 * Relay mode in real headless Chromium: the admin picks Delivery "Through ARM Connector", previews smart commits,
 * connects, and then works the delivery log (a failed delivery, its redelivery, a test event, the chart) and
 * sees a paused endpoint and the disconnect warning, against the real app, its worker and the ARM simulator; and a
 * switch back to direct delivery while a relayed delivery is still pending.
 */
import { RelayDeliveryRow } from "../../src/db/models";
import { hubSignature } from "../../simulators";
import { eventually } from "../support/eventually";
import { describeBrowser, useBrowserSuite, type BrowserSuite, type HostPage } from "../support/browser";
import { ARM_TOKEN, ORG, REPO, startStack, WORKSPACE } from "../support/stack";

const PAUSED_REPO = `${WORKSPACE}/billing`;
const UI_TIMEOUT = 10_000;
const PUSH_PATH = "/trigger-scm-push-request";
const SCREENSHOT = "/tmp/e2e-delivery-log.png";

const messages = (h: HostPage) => h.app.getByRole("status", { name: "Messages" });
const log = (h: HostPage) => h.app.getByTestId("delivery-log-section");
const logRows = (h: HostPage) => h.app.getByTestId("delivery-log").locator("tbody tr");
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openSettings(suite: BrowserSuite, repo: string): Promise<HostPage> {
  const h = await suite.open(suite.stack.bitbucket.settingsPageUrl(repo));
  await h.app.getByRole("heading", { name: "ARM Connector" }).waitFor({ timeout: UI_TIMEOUT });
  return h;
}

/** Chooses a Delivery option in the Atlaskit select. */
async function chooseDelivery(h: HostPage, option: "Through ARM Connector" | "Direct from Bitbucket"): Promise<void> {
  await h.app.getByRole("combobox", { name: "Delivery", exact: true }).click();
  await h.app.getByRole("option", { name: option }).click();
  await expect(h.app.locator('input[name="deliveryMode"]').inputValue()).resolves.toBe(option === "Direct from Bitbucket" ? "direct" : "relay");
}

/** Fills the form for the ARM simulator and chooses Delivery "Through ARM Connector". */
async function fillRelayForm(suite: BrowserSuite, h: HostPage): Promise<void> {
  await h.app.getByRole("heading", { name: "Connect this repository" }).waitFor({ timeout: UI_TIMEOUT });
  await h.app.getByLabel("ARM instance URL").fill(suite.stack.arm.url);
  await h.app.getByLabel("Organization name").fill(ORG);
  await h.app.getByLabel("Webhook API token").fill(ARM_TOKEN);
  await chooseDelivery(h, "Through ARM Connector");
}

async function connectInRelayMode(suite: BrowserSuite, h: HostPage): Promise<void> {
  await fillRelayForm(suite, h);
  await h.app.getByRole("button", { name: "Connect to ARM" }).click();
  await messages(h).getByText("Connected: this app now relays the repository's events to ARM.").waitFor({ timeout: UI_TIMEOUT });
  await log(h).waitFor({ timeout: UI_TIMEOUT });
}

/** Clicks a filter and waits until the log shows `rows` rows under it. */
async function showOnly(h: HostPage, filter: "All" | "Failed" | "Pending", rows: number): Promise<void> {
  await log(h).getByRole("button", { name: filter, exact: true }).click();
  const settled = async () => (await logRows(h).count()) === rows && (await log(h).getByRole("button", { name: "Refresh" }).isEnabled());
  await eventually(async () => ((await settled()) ? true : undefined), UI_TIMEOUT).catch(() => {
    throw new Error(`the ${filter} filter did not show ${rows} rows`);
  });
}

/** Refreshes the log until its rows' statuses are `statuses` (in any order: rows of one event share a time). */
async function refreshUntil(h: HostPage, statuses: string[]): Promise<void> {
  const want = JSON.stringify([...statuses].sort());
  const refresh = log(h).getByRole("button", { name: "Refresh" });
  const deadline = Date.now() + UI_TIMEOUT;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    await refresh.click();
    while (!(await refresh.isEnabled())) await pause(20);
    seen = (await Promise.all((await logRows(h).all()).map((r) => r.locator("td").nth(2).innerText()))).map((s) => s.trim());
    if (JSON.stringify([...seen].sort()) === want) return;
    await pause(100);
  }
  throw new Error(`the delivery log showed ${JSON.stringify(seen)}, expected ${want}`);
}

describeBrowser("relay mode and the delivery log in the browser", () => {
  // One attempt per delivery: a 500 fails it at once, so the log shows a failure without waiting for retries.
  const suite = useBrowserSuite(
    () => startStack({ env: { RELAY_RETRY_SCHEDULE: "0", RELAY_ATTEMPT_TIMEOUT: "3s", LOG_LEVEL: "info" } }),
    async (stack) => {
      stack.bitbucket.addRepository(WORKSPACE, "billing");
    },
  );

  test("connect through ARM Connector; a failed delivery is redelivered from the log; a test event reaches ARM", async () => {
    const { stack } = suite;
    // History for the smart commit preview, made before the app hears of the repository.
    await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-12] charge in cents" }, { message: "tidy imports" }] });

    const h = await openSettings(suite, REPO);
    await fillRelayForm(suite, h);
    await expect(h.app.getByText("Through ARM Connector: this app stores every event", { exact: false }).isVisible()).resolves.toBe(true);
    // The preview runs the relay's own matcher on the repository's recent commits.
    const preview = h.app.getByTestId("smart-commit-preview");
    await preview.getByText("PAY-12", { exact: true }).first().waitFor({ timeout: UI_TIMEOUT });
    await expect(preview.locator("mark").allTextContents()).resolves.toEqual(["PAY-12"]);
    await expect(h.app.getByTestId("smart-commit-summary").innerText()).resolves.toMatch(/^1 of \d+ recent commits? carr(y|ies) a story key \(default pattern\)\.$/);

    await h.app.getByRole("button", { name: "Connect to ARM" }).click();
    await messages(h).getByText("Connected: this app now relays the repository's events to ARM.").waitFor({ timeout: UI_TIMEOUT });
    await expect(h.app.getByText(/so the repository carries no ARM webhooks/).isVisible()).resolves.toBe(true);
    expect(stack.bitbucket.hooks(REPO)).toEqual([]);
    await log(h).getByText("No deliveries to show.").waitFor({ timeout: UI_TIMEOUT });

    // ARM fails the push endpoint once; ALM commit sync takes its delivery.
    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
    stack.arm.faults.add({ method: "POST", pathPattern: PUSH_PATH, status: 500, times: 1, body: { message: "ARM is restarting" } });
    await stack.bitbucket.push(REPO, { branch: "release/1.4", commits: [{ message: "[PAY-13] refunds in cents" }] });
    await stack.arm.waitForDeliveries(2);
    await refreshUntil(h, ["Delivered", "Failed"]);

    const failedRow = logRows(h).filter({ hasText: "Failed" });
    await expect(failedRow.innerText()).resolves.toMatch(/repo:push[\s\S]*release\/1\.4[\s\S]*Push[\s\S]*HTTP 500/);
    await failedRow.getByText("Response").click();
    await expect(failedRow.locator("pre").innerText()).resolves.toContain("ARM is restarting");

    // Only the failure, then redeliver it: the same X-Request-UUID goes out again and ARM takes it.
    await showOnly(h, "Failed", 1);
    const failedId = await logRows(h).first().getAttribute("data-delivery-id");
    await logRows(h).first().getByRole("button", { name: /^Redeliver repo:push release\/1\.4 to Push$/ }).click();
    await log(h).getByText("The delivery is queued to be sent again, with the same X-Request-UUID.").waitFor({ timeout: UI_TIMEOUT });
    const [, , again] = await stack.arm.waitForDeliveries(3);
    expect(again).toMatchObject({ endpoint: "push", status: 200, accepted: true, signatureValid: true });
    expect(again.headers["x-request-uuid"]).toBe(failedId);
    expect(again.headers["x-attempt-number"]).toBe("2");
    await refreshUntil(h, []);
    await log(h).getByText("No deliveries to show.").waitFor({ timeout: UI_TIMEOUT });
    await showOnly(h, "All", 2);
    await refreshUntil(h, ["Delivered", "Delivered"]);
    const redelivered = logRows(h).and(h.app.locator(`[data-delivery-id="${failedId}"]`));
    await expect(redelivered.locator("td").nth(3).innerText()).resolves.toBe("2");
    await expect(redelivered.locator("td").nth(4).innerText()).resolves.toContain("HTTP 200");

    // The chart counts both deliveries in the current hour.
    await expect(h.app.getByTestId("delivery-chart").getAttribute("aria-label")).resolves.toBe(
      "Deliveries per hour over the last 24 hours: 2 in all, at most 2 in one hour.",
    );

    // A test event: ARM receives it signed, with the X-Request-UUID the page showed.
    await log(h).getByRole("button", { name: "Send test event" }).click();
    const queued = log(h).getByText(/^Test event queued for the push endpoint \(X-Request-UUID ([0-9a-f-]{36})\)/);
    await queued.waitFor({ timeout: UI_TIMEOUT });
    const testId = /X-Request-UUID ([0-9a-f-]{36})/.exec((await queued.textContent()) ?? "")![1];
    const [, , , test] = await stack.arm.waitForDeliveries(4);
    expect(test).toMatchObject({ endpoint: "push", status: 200, signatureValid: true });
    expect(test.headers["x-request-uuid"]).toBe(testId);
    expect(test.headers["x-hub-signature"]).toBe(hubSignature(test.body, ARM_TOKEN));
    expect(JSON.parse(test.body.toString()).push.changes[0].new.name).toBe("arm-connector/test-event");
    await refreshUntil(h, ["Delivered", "Delivered", "Delivered"]);
    await expect(logRows(h).first().innerText()).resolves.toContain("diagnostics: test event");

    expect(await h.appHtml()).not.toContain(ARM_TOKEN);
    await h.fitFrameToContent();
    await h.page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  test("ARM answers 410: the endpoint shows as paused, and Disconnect warns that its waiting delivery will be dropped", async () => {
    const { stack } = suite;
    const h = await openSettings(suite, PAUSED_REPO);
    await connectInRelayMode(suite, h);

    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
    stack.arm.faults.add({ method: "POST", pathPattern: PUSH_PATH, status: 410, times: 1 });
    await stack.bitbucket.push(PAUSED_REPO, { branch: "main", commits: [{ message: "[BIL-3] invoice numbers" }] });
    await stack.arm.waitForDeliveries(2);
    // ARM has answered; the worker records the 410 and the pause in one batch a moment later: reload after that.
    const refused = await eventually(async () => (await RelayDeliveryRow.findOne({ where: { status: "pending", lastStatusCode: 410 } })) ?? undefined);
    const connectionId = refused.connectionId;
    await h.page.reload();
    const paused = h.app.getByTestId("paused-endpoint");
    await paused.waitFor({ timeout: UI_TIMEOUT });
    await expect(h.app.getByText("Deliveries to SCM push (builds and pull request jobs) are paused").isVisible()).resolves.toBe(true);
    await expect(paused.innerText()).resolves.toMatch(/410 Gone/);
    await showOnly(h, "Pending", 1);
    await expect(logRows(h).first().innerText()).resolves.toMatch(/repo:push[\s\S]*Push[\s\S]*Pending[\s\S]*HTTP 410/);

    await h.app.getByRole("button", { name: "Disconnect" }).click();
    const warning = h.app.getByTestId("unsent-warning");
    await expect(warning.innerText()).resolves.toMatch(/^1 delivery has not reached ARM yet and will be dropped\./);
    // Cancelling keeps everything; confirming drops the waiting delivery with the connection.
    await h.app.getByRole("button", { name: "Cancel" }).click();
    expect(await RelayDeliveryRow.count({ where: { connectionId: connectionId!, status: "pending" } })).toBe(1);
    await h.app.getByRole("button", { name: "Disconnect" }).click();
    await h.app.getByRole("button", { name: "Yes, disconnect" }).click();
    await messages(h).getByText("Disconnected: the ARM webhooks were removed from this repository.").waitFor({ timeout: UI_TIMEOUT });
    await h.app.getByRole("heading", { name: "Connect this repository" }).waitFor({ timeout: UI_TIMEOUT });
    expect(await RelayDeliveryRow.count({ where: { connectionId: connectionId! } })).toBe(0);
  });
});

describeBrowser("switching a relayed repository back to direct delivery in the browser", () => {
  // A failed attempt is retried an hour later: the delivery is still pending when the admin switches to direct.
  const suite = useBrowserSuite(() => startStack({ env: { RELAY_RETRY_SCHEDULE: "0,1h", RELAY_ATTEMPT_TIMEOUT: "3s", LOG_LEVEL: "info" } }));

  test("the deliveries still to go stay in view, without a test event, and can be redelivered; once none is left the log goes", async () => {
    const { stack } = suite;
    const h = await openSettings(suite, REPO);
    await connectInRelayMode(suite, h);
    stack.arm.faults.add({ method: "POST", pathPattern: PUSH_PATH, status: 500, times: 1 });
    await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "[PAY-20] split payouts" }] });
    await stack.arm.waitForDeliveries(2);
    await refreshUntil(h, ["Pending", "Delivered"]);

    await chooseDelivery(h, "Direct from Bitbucket");
    await h.app.getByRole("button", { name: "Save settings" }).click();
    await messages(h).getByText("Settings saved: 2 webhooks registered.").waitFor({ timeout: UI_TIMEOUT });
    expect(stack.bitbucket.hooks(REPO)).toHaveLength(2);

    await log(h).getByText(/^Bitbucket now delivers this repository's events to ARM itself\./).waitFor({ timeout: UI_TIMEOUT });
    await expect(log(h).getByRole("button", { name: "Send test event" }).count()).resolves.toBe(0);
    await refreshUntil(h, ["Pending", "Delivered"]);
    const pending = logRows(h).filter({ hasText: "Pending" });
    const pendingId = await pending.getAttribute("data-delivery-id");
    await pending.getByRole("button", { name: /^Redeliver/ }).click();
    await log(h).getByText("The delivery is queued to be sent again, with the same X-Request-UUID.").waitFor({ timeout: UI_TIMEOUT });
    const [, , again] = await stack.arm.waitForDeliveries(3);
    expect(again).toMatchObject({ endpoint: "push", status: 200, signatureValid: true });
    expect(again.headers["x-request-uuid"]).toBe(pendingId);
    await refreshUntil(h, ["Delivered", "Delivered"]);

    await h.page.reload();
    await h.app.getByRole("heading", { name: "Settings" }).waitFor({ timeout: UI_TIMEOUT });
    await expect(log(h).count()).resolves.toBe(0);
  });
});
