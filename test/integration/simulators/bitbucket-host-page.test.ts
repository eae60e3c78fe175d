/** The host settings page, the iframe URL and its JWT, context tokens, and the AP shim in headless Chromium. */
import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { chromium, type Browser } from "playwright-core";
import { startBitbucketSimulator, type BitbucketSim, type InstalledApp, type SimRepository } from "../../../simulators";
import { APP_KEY, startFakeApp, type FakeApp } from "./fake-app";

let sim: BitbucketSim;
let fake: FakeApp;
let app: InstalledApp;
let repo: SimRepository;

beforeAll(async () => {
  sim = await startBitbucketSimulator();
  fake = await startFakeApp();
  fake.hostUrl = sim.url;
  repo = sim.addRepository("acme", "app");
  sim.addHook("acme/app", { url: "https://arm.example.com/x", events: ["repo:push"], secret: "never-shown" });
  await sim.install(fake.url, "acme");
  app = sim.apps()[0];
});
afterAll(async () => {
  await sim.close();
  await fake.close();
});

const decode = (token: string) => decodeSymmetric(token, app.sharedSecret, SymmetricAlgorithm.HS256);
const unescapeHtml = (s: string) => s.replace(/&#38;/g, "&").replace(/&amp;/g, "&");

function checkIframeUrl(src: string) {
  const url = new URL(src);
  expect(url.origin + url.pathname).toBe(`${fake.url}/settings`);
  const user = sim.apps()[0].installedBy;
  expect(url.searchParams.get("repo")).toBe(repo.uuid);
  expect(url.searchParams.get("name")).toBe("acme/app");
  expect(url.searchParams.get("ws")).toBe("acme");
  expect(url.searchParams.get("user")).toBe(user);
  const claims = decode(url.searchParams.get("jwt")!);
  url.searchParams.delete("jwt");
  expect(claims).toMatchObject({ iss: app.clientKey, sub: user, qsh: createQueryStringHash(fromMethodAndUrl("GET", url.pathname + url.search)) });
  expect(claims.exp - claims.iat).toBe(180);
}

describe("settings page", () => {
  it("embeds the app's adminPage with variables filled in and a page JWT", async () => {
    const pageUrl = sim.settingsPageUrl("acme/app");
    expect(pageUrl).toBe(`${sim.url}/acme/app/admin/addon/admin/${APP_KEY}/repo-settings`);
    const html = await (await fetch(pageUrl)).text();
    const src = unescapeHtml(/<iframe id="app-frame"[^>]* src="([^"]+)"/.exec(html)![1]);
    checkIframeUrl(src);
    checkIframeUrl(sim.adminPageIframeUrl("acme/app"));
  });

  it("answers 404 for an unknown app or module", async () => {
    expect((await fetch(`${sim.url}/acme/app/admin/addon/admin/${APP_KEY}/nope`)).status).toBe(404);
    expect((await fetch(`${sim.url}/acme/app/admin/addon/admin/other-app/repo-settings`)).status).toBe(404);
  });

  it("gives context tokens only for pages it served", async () => {
    const html = await (await fetch(sim.settingsPageUrl("acme/app"))).text();
    const page = /PAGE = "([^"]+)"/.exec(html)![1];
    const ask = (body: object) => fetch(`${sim.url}/_sim/context-token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect((await ask({ page: "made-up" })).status).toBe(401);
    const { token } = await (await ask({ page })).json();
    const claims = decode(token);
    expect(claims).toMatchObject({ iss: app.clientKey, sub: app.installedBy, qsh: "context-qsh", context: { repository: { uuid: repo.uuid, full_name: "acme/app" } } });
    expect(decode(sim.contextToken("acme/app")).qsh).toBe("context-qsh");
  });

  it("serves the AP shim bound to the simulator's origin", async () => {
    const res = await fetch(`${sim.url}/atlassian-connect/all.js`);
    expect(res.headers.get("content-type")).toContain("javascript");
    const js = await res.text();
    expect(js).toContain(JSON.stringify(sim.url));
    expect(js).toContain("window.AP");
  });

  it("lists apps and repositories on / and hooks without secrets on the webhooks page", async () => {
    const index = await (await fetch(sim.url + "/")).text();
    expect(index).toContain(`/acme/app/admin/addon/admin/${APP_KEY}/repo-settings`);
    expect(index).not.toContain(app.sharedSecret);
    const hooks = await (await fetch(`${sim.url}/acme/app/admin/webhooks`)).text();
    expect(hooks).toContain("https://arm.example.com/x");
    expect(hooks).toContain("secret set");
    expect(hooks).not.toContain("never-shown");
  });
});

describe("AP shim in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });
  afterAll(() => browser?.close());

  it("answers getContext and getToken across origins and resizes the iframe to its content", async () => {
    const page = await browser.newPage();
    const tokenRequests: string[] = [];
    page.on("request", (r) => void (r.url().endsWith("/_sim/context-token") && tokenRequests.push(r.frame().url())));
    await page.goto(sim.settingsPageUrl("acme/app"));
    const frame = page.frameLocator("#app-frame");
    await frame.locator("#token").filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
    expect(await frame.locator("#error").textContent()).toBe("");
    const context = JSON.parse((await frame.locator("#context").textContent())!);
    expect(context.repository).toEqual({ uuid: repo.uuid, full_name: "acme/app", name: "app" });
    const claims = decode((await frame.locator("#token").textContent())!);
    expect(claims).toMatchObject({ iss: app.clientKey, qsh: "context-qsh" });
    await page.waitForFunction(() => document.getElementById("app-frame")!.style.height === "321px", undefined, { timeout: 5000 });
    expect(tokenRequests).toHaveLength(1);
    // A message that does not come from the app's iframe and origin is ignored.
    await page.evaluate(() => window.postMessage({ apSim: 1, id: 99, method: "getToken", args: [] }, "*"));
    await page.waitForTimeout(300);
    expect(tokenRequests).toHaveLength(1);
    await page.close();
  });
});
