/**
 * The settings page's Delivery choice and Smart commits section in headless Chromium, inside the Bitbucket
 * simulator's host page, against the real app: the preview follows the pattern as it is typed, and a save
 * sends deliveryMode, storyKeyPattern and almSyncOnlyStoryCommits.
 */
import type { Request } from "playwright-core";
import { describeBrowser, useBrowserSuite, type HostPage } from "../../support/browser";
import { ARM_TOKEN, ORG, startStack } from "../../support/stack";

const UI_TIMEOUT = 10_000;
const SCREENSHOT = "/tmp/smart-commits-page.png";

describeBrowser("the Delivery and Smart commits sections in the browser", () => {
  const suite = useBrowserSuite(startStack);

  async function openSettings(slug: string, messages: string[]): Promise<HostPage> {
    const repo = suite.stack.addRepo(slug);
    suite.stack.bitbucket.addCommits(repo, messages.map((message) => ({ message, author: "Dana Dev <dana@example.com>" })));
    const h = await suite.open(suite.stack.bitbucket.settingsPageUrl(repo));
    await h.app.getByRole("heading", { name: "Connect this repository" }).waitFor({ timeout: UI_TIMEOUT });
    return h;
  }

  const preview = (h: HostPage) => h.app.getByTestId("smart-commit-preview");
  const summary = (h: HostPage) => h.app.getByTestId("smart-commit-summary");
  const marks = (h: HostPage) => preview(h).locator("mark").allTextContents();

  test("shows the Delivery choice and previews recent commits with their keys highlighted", async () => {
    const h = await openSettings("page-preview", ["[PAY-1] first", "tidy up", "PAY-2: fix, see #12"]);
    await h.app.getByText("Direct from Bitbucket", { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await h.app.getByText(/retries twice at once .* then drops the event/).waitFor();
    await h.app.getByText(/stores every event, retries it for hours and can replay it/).waitFor();

    await summary(h).getByText("2 of 3 recent commits carry a story key (default pattern).").waitFor({ timeout: UI_TIMEOUT });
    await expect(preview(h).getByRole("listitem").count()).resolves.toBe(3);
    await expect(marks(h)).resolves.toEqual(["PAY-2", "PAY-1"]);
    await expect(h.app.getByLabel("Story key pattern").getAttribute("placeholder")).resolves.toContain("[A-Z][A-Z0-9_]+-[0-9]+");
    await expect(h.appHtml()).resolves.not.toContain("dana@example.com");

    await h.app.getByLabel("Story key pattern").fill("#\\d+");
    await summary(h).getByText("1 of 3 recent commits carry a story key.").waitFor({ timeout: UI_TIMEOUT });
    await expect(marks(h)).resolves.toEqual(["#12"]);

    await h.fitFrameToContent();
    await h.page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  test("a refused pattern is explained at once, stops the preview and the save", async () => {
    const { stack } = suite;
    const h = await openSettings("page-refused", ["[PAY-1] first"]);
    await summary(h).getByText(/1 of 1 recent commit carries a story key/).waitFor({ timeout: UI_TIMEOUT });
    await h.app.getByLabel("Story key pattern").fill("(a+)+");
    await h.app.getByLabel("Story key pattern").blur();
    await h.app.getByText(/A repeated group cannot contain another repetition/).waitFor({ timeout: UI_TIMEOUT });
    await summary(h).getByText("Correct the pattern to see which commits it matches.").waitFor();
    await h.app.getByLabel("ARM instance URL").fill(stack.arm.url);
    await h.app.getByLabel("Organization name").fill(ORG);
    await h.app.getByLabel("Webhook API token").fill(ARM_TOKEN);
    await expect(h.app.getByRole("button", { name: "Connect to ARM" }).isDisabled()).resolves.toBe(true);
  });

  test("the ALM sync checkbox follows ALM commit sync, and a save sends the delivery and smart commit settings", async () => {
    const { stack } = suite;
    const h = await openSettings("page-save", ["[PAY-1] first"]);
    const onlyStory = h.app.getByLabel("Send to ALM commit sync only pushes with a story key");
    await expect(onlyStory.isChecked()).resolves.toBe(true);
    await h.app.getByLabel("ALM commit sync (smart commits)").uncheck();
    await expect(onlyStory.count()).resolves.toBe(0);
    await h.app.getByLabel("ALM commit sync (smart commits)").check();
    await onlyStory.uncheck();

    await h.app.getByLabel("Delivery").click();
    await h.app.getByRole("option", { name: "Through ARM Connector" }).click();
    await h.app.getByText(/Takes effect with Delivery through ARM Connector/).waitFor({ state: "detached" });

    await h.app.getByLabel("ARM instance URL").fill(stack.arm.url);
    await h.app.getByLabel("Organization name").fill(ORG);
    await h.app.getByLabel("Webhook API token").fill(ARM_TOKEN);
    await h.app.getByLabel("Story key pattern").fill("  \\[([A-Z]+-\\d+)\\] ");

    const put = h.page.waitForRequest((r: Request) => r.method() === "PUT" && r.url().endsWith("/api/connection"));
    await h.app.getByRole("button", { name: "Connect to ARM" }).click();
    const body = JSON.parse((await put).postData() ?? "{}");
    expect(body).toMatchObject({ deliveryMode: "relay", storyKeyPattern: "\\[([A-Z]+-\\d+)\\]", almSyncOnlyStoryCommits: false });
    await h.app.getByRole("heading", { name: "Settings" }).waitFor({ timeout: UI_TIMEOUT });

    const row = (await stack.db.rows("connections")).find((r) => r.repo_uuid === stack.repoUuid("acme/page-save"))!;
    expect(row).toMatchObject({ delivery_mode: "relay", story_key_pattern: "\\[([A-Z]+-\\d+)\\]" });
    expect(Boolean(row.alm_sync_only_story_commits)).toBe(false);

    // The saved settings come back into the form.
    await expect(h.app.getByLabel("Story key pattern").inputValue()).resolves.toBe("\\[([A-Z]+-\\d+)\\]");
    await expect(onlyStory.isChecked()).resolves.toBe(false);
    await h.app.getByText("Through ARM Connector", { exact: true }).waitFor();
  });
});
