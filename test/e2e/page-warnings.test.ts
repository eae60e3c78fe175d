/** The settings page in headless Chromium warns about retired and broken ARM hooks before the repository is connected. */
import { describeBrowser, useBrowserSuite } from "../support/browser";
import { ARM_TOKEN, ORG, startStack, WORKSPACE } from "../support/stack";

const UI_TIMEOUT = 10_000;

describeBrowser("warnings on the settings page", () => {
  const suite = useBrowserSuite(startStack);

  test("a legacy-app-like repository: the retired and the broken hook are shown before connecting, and gone once connected", async () => {
    const { stack } = suite;
    const repo = stack.bitbucket.addRepository(WORKSPACE, "legacy-app").full_name;
    stack.bitbucket.addHook(repo, { url: `${stack.arm.url}/autorabitrest/webhook/${ORG}/triggerSCMPushrequest`, events: ["repo:push"] });
    stack.bitbucket.addHook(repo, { url: `${stack.arm.url}/api/webhook/v2//enterprise/sync-alm-commits`, events: ["repo:push"] });
    stack.bitbucket.addHook(repo, { url: "https://ci.example.com/bitbucket-hook/", events: ["repo:push"] });

    const open = await suite.open(stack.bitbucket.settingsPageUrl(repo));
    const warning = open.app.getByTestId("existing-arm-hooks");
    await warning.waitFor({ timeout: UI_TIMEOUT });
    await expect(warning.locator("p").first().textContent()).resolves.toBe(
      "This repository has 2 ARM webhooks: 1 uses a retired URL (ARM stopped accepting it in 25.3.9), 1 is malformed. " +
        "Connect to ARM will update them in place.",
    );
    await expect(open.app.getByText("ARM webhooks already on this repository").isVisible()).resolves.toBe(true);
    await expect(warning.getByText("Malformed URL", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(warning.getByRole("listitem").count()).resolves.toBe(2);
    // Before the form: an admin reads it before pressing Connect to ARM.
    const [warningY, buttonY] = await Promise.all([
      warning.boundingBox().then((b) => b!.y),
      open.app.getByRole("button", { name: "Connect to ARM" }).boundingBox().then((b) => b!.y),
    ]);
    expect(warningY).toBeLessThan(buttonY);
    // Hook URLs are never shown (they may carry a token), and the Jenkins hook is not ARM's.
    const html = await open.appHtml();
    expect(html).not.toContain("/autorabitrest/webhook/autorabit.com/");
    expect(html).not.toContain("ci.example.com");

    await open.app.getByLabel("ARM instance URL").fill(stack.arm.url);
    await open.app.getByLabel("Organization name").fill(ORG);
    await open.app.getByLabel("Webhook API token").fill(ARM_TOKEN);
    await open.app.getByRole("button", { name: "Connect to ARM" }).click();
    await open.app.getByRole("status", { name: "Messages" }).getByText("Connected: 2 webhooks registered.").waitFor({ timeout: UI_TIMEOUT });
    await expect(open.app.getByTestId("existing-arm-hooks").count()).resolves.toBe(0);
  });
});
