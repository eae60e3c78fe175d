/** The Delivery log section in headless Chromium: filters, Redeliver, Send test event and the chart, against the real app. */
import { describeBrowser, useBrowserSuite } from "../../support/browser";
import { ARM_TOKEN, ORG, REPO } from "../../support/stack";
import { eventually } from "../../support/eventually";
import { connect, startRelayStack } from "../relay/relay-support";

const UI_TIMEOUT = 10_000;

describeBrowser("the delivery log in the settings page", () => {
  const suite = useBrowserSuite(() => startRelayStack("sqlite"), async (stack) => {
    await connect(stack, { triggers: { push: true, pullRequests: true, almSync: false } });
    await stack.bitbucket.push(REPO, { branch: "main", commits: [{ message: "ok" }] });
    await stack.arm.waitForDeliveries(1); // before the fault, which would otherwise catch this one
    stack.arm.faults.add({ status: 500, times: 4 });
    await stack.bitbucket.push(REPO, { branch: "broken", commits: [{ message: "fails" }] });
    const page = await stack.settings();
    await eventually(async () => ((await page.call("GET", "/api/deliveries?status=failed")).body.deliveries.length === 1 ? true : undefined));
  });

  test("shows the log, filters it, redelivers a failed delivery and sends a test event", async () => {
    const { stack } = suite;
    const open = await suite.open(stack.bitbucket.settingsPageUrl(REPO));
    const { app } = open;
    await app.getByRole("heading", { name: "Delivery log" }).waitFor({ timeout: UI_TIMEOUT });
    const rows = app.locator("[data-testid=delivery-log] tbody tr");
    await expectCount(() => rows.count(), 2);
    await app.getByRole("img", { name: /Deliveries per hour over the last 24 hours: 2 in all/ }).waitFor({ timeout: UI_TIMEOUT });

    await app.getByRole("button", { name: "Failed", exact: true }).click();
    await expectCount(() => rows.count(), 1);
    await app.locator("[data-testid=delivery-log]").getByText("broken").waitFor({ timeout: UI_TIMEOUT });
    const failedId = await rows.first().getAttribute("data-delivery-id");

    stack.arm.reset();
    stack.arm.setToken(ORG, ARM_TOKEN);
    await rows.first().getByRole("button", { name: /^Redeliver/ }).click();
    await app.getByText(/queued to be sent again, with the same X-Request-UUID/).waitFor({ timeout: UI_TIMEOUT });
    const [again] = await stack.arm.waitForDeliveries(1);
    expect(again.headers["x-request-uuid"]).toBe(failedId);

    await app.getByRole("button", { name: "Send test event" }).click();
    await app.getByText(/Test event queued for the push endpoint/).waitFor({ timeout: UI_TIMEOUT });
    const got = await stack.arm.waitForDeliveries(2);
    expect(JSON.parse(got[1].body.toString()).diagnostics.test).toBe(true);
    expect(got[1].signatureValid).toBe(true);

    await app.getByRole("button", { name: "All", exact: true }).click();
    await app.getByRole("button", { name: "Refresh" }).click();
    await app.locator("[data-testid=delivery-log]").getByText("diagnostics: test event").waitFor({ timeout: UI_TIMEOUT });
    await expectCount(() => rows.count(), 3);
    await open.fitFrameToContent();
    await open.page.screenshot({ path: "/tmp/delivery-log.png", fullPage: true });
    expect(suite.pageErrors).toEqual([]);
  });
});

async function expectCount(count: () => Promise<number>, n: number): Promise<void> {
  await eventually(async () => ((await count()) === n ? true : undefined), UI_TIMEOUT).catch(async () => expect(await count()).toBe(n));
}
