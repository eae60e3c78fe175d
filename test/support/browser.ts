/**
 * Headless Chromium for the browser tests: launch it, check the settings page bundle exists, open
 * a Bitbucket simulator host page with a handle on the app's iframe, and the lifecycle the suites share.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Frame, type FrameLocator, type Page } from "playwright-core";
import { CHROMIUM_PATH, chromiumAvailable } from "./services";
import type { Stack } from "./stack";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export const FRONTEND_BUNDLE = path.resolve(__dirname, "..", "..", "dist", "frontend", "settings.js");

/** The app serves the built bundle; without it the iframe stays blank and every assertion times out obscurely. */
export function requireFrontendBundle(): void {
  if (!fs.existsSync(FRONTEND_BUNDLE)) {
    throw new Error(`${FRONTEND_BUNDLE} is missing: run "npm run build:frontend" (npm test does it before jest).`);
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface HostPage {
  page: Page;
  /** The app's iframe, for locating elements by role and label. */
  app: FrameLocator;
  /** The iframe's current HTML (to check what the page holds, e.g. that no secret is in it). */
  appHtml(): Promise<string>;
  /**
   * Sets the iframe's height to its content's, so that a screenshot shows the whole page. The simulator's AP shim
   * measures <html>, which the Atlaskit CSS reset pins to 100% of the frame, so it never grows the frame itself.
   */
  fitFrameToContent(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a host page in a fresh browser context. Page errors inside the app (uncaught exceptions) are
 * collected and fail the caller through `errors`.
 */
export async function openHostPage(browser: Browser, url: string, errors: string[] = []): Promise<HostPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(url);
  const app = page.frameLocator("iframe");
  const appFrame = async (): Promise<Frame> => {
    const handle = await page.locator("iframe").elementHandle();
    const frame = await handle?.contentFrame();
    if (!frame) throw new Error("The host page has no app iframe");
    return frame;
  };
  return {
    page,
    app,
    appHtml: async () => (await appFrame()).content(),
    async fitFrameToContent() {
      const height = await (await appFrame()).evaluate(() => document.documentElement.scrollHeight);
      await page.locator("iframe").evaluate((frame, h) => void ((frame as HTMLIFrameElement).style.height = `${h}px`), height);
    },
    close: () => context.close(),
  };
}

/** Browser suites are skipped, not failed, where no Chromium is installed. */
export const describeBrowser = chromiumAvailable() ? describe : describe.skip;

export interface BrowserSuite {
  /** Set in beforeAll: read it inside hooks and tests only. */
  readonly stack: Stack;
  readonly browser: Browser;
  /** Uncaught exceptions in the app; afterEach fails the test if any were collected. */
  readonly pageErrors: string[];
  /** Opens a host page; afterEach closes it, so a failing test does not leak its context into the next. */
  open(url: string): Promise<HostPage>;
}

/**
 * Registers the hooks every browser suite needs (call it inside the describe): start the stack and Chromium
 * together, then `setup`; after each test close the page and check for page errors; at the end close both.
 */
export function useBrowserSuite(start: () => Promise<Stack>, setup?: (stack: Stack) => Promise<void>): BrowserSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let page: HostPage | undefined;
  const pageErrors: string[] = [];
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`The browser suite's ${name} is only there once beforeAll has run`);
    return value;
  };

  beforeAll(async () => {
    requireFrontendBundle();
    [stack, browser] = await Promise.all([start(), launchChromium()]);
    await setup?.(stack);
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
    expect(pageErrors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  return {
    get stack() {
      return ready(stack, "stack");
    },
    get browser() {
      return ready(browser, "browser");
    },
    pageErrors,
    async open(url) {
      page = await openHostPage(ready(browser, "browser"), url, pageErrors);
      return page;
    },
  };
}
