/**
 * The settings page's bundle: linked with a content version, compressed when the browser accepts it, cached for a
 * year only under its current version. Raw node:http requests, so the bytes on the wire are what is checked.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { AssetVersions } from "../../../src/connect/static-assets";
import { FRONTEND_DIR } from "../../../src/paths";
import { requireFrontendBundle } from "../../support/browser";
import { startStack, type Stack } from "../../support/stack";

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

const sha16 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

describe("the settings page's static assets", () => {
  let stack: Stack;
  let links: Record<"js" | "css", string>;
  const onDisk = (file: string) => fs.readFileSync(path.join(FRONTEND_DIR, file));

  beforeAll(async () => {
    requireFrontendBundle();
    stack = await startStack();
    const page = await fetch((await stack.settings()).pageUrl);
    const html = await page.text();
    links = {
      js: /<script src="([^"]*\/static\/settings\.js[^"]*)"/.exec(html)![1],
      css: /<link rel="stylesheet" href="([^"]*\/static\/settings\.css[^"]*)"/.exec(html)![1],
    };
  });
  afterAll(() => stack?.close());

  test("the page links each file with the first 16 hex digits of its SHA-256", () => {
    expect(links.js).toBe(`${stack.config.baseUrl}/static/settings.js?v=${sha16(onDisk("settings.js"))}`);
    expect(links.css).toBe(`${stack.config.baseUrl}/static/settings.css?v=${sha16(onDisk("settings.css"))}`);
  });

  test.each([
    ["gzip", zlib.gunzipSync],
    ["br", zlib.brotliDecompressSync],
  ] as const)("Accept-Encoding %s: the bundle is sent compressed, at under a third of its size, and unpacks to the file", async (encoding, unpack) => {
    const res = await get(links.js, { "Accept-Encoding": encoding });
    const file = onDisk("settings.js");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(encoding);
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers["content-type"]).toMatch(/^application\/javascript/);
    expect(res.body.length).toBeLessThan(file.length / 3);
    expect(unpack(res.body).equals(file)).toBe(true);
  });

  test("without Accept-Encoding the bytes are the file's", async () => {
    const res = await get(links.css);
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.equals(onDisk("settings.css"))).toBe(true);
  });

  test("the current version may be kept for a year; an old or missing version must be revalidated, and revalidates with 304", async () => {
    expect((await get(links.js)).headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const stale = await get(`${stack.config.baseUrl}/static/settings.js?v=0123456789abcdef`);
    expect(stale.headers["cache-control"]).toBe("no-cache");
    const bare = await get(`${stack.config.baseUrl}/static/settings.js`);
    expect(bare.headers["cache-control"]).toBe("no-cache");
    expect(bare.headers.etag).toEqual(expect.any(String));
    const again = await get(`${stack.config.baseUrl}/static/settings.js`, { "If-None-Match": bare.headers.etag! });
    expect([again.status, again.body.length]).toEqual([304, 0]);
  });

  test("the events route is not compressed (nothing is added to the relay's hot path)", async () => {
    const res = await fetch(`${stack.config.baseUrl}/events`, { method: "POST", headers: { "Accept-Encoding": "gzip" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-encoding")).toBeNull();
    // The middleware adds Vary: Accept-Encoding to every response it handles, however small: none here.
    expect(res.headers.get("vary")).toBeNull();
  });
});

describe("AssetVersions", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-assets-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a rewritten file gets a new version; a missing file has none and an unversioned URL", () => {
    const versions = new AssetVersions(dir);
    expect(versions.version("app.js")).toBeNull();
    expect(versions.url("https://app.example", "app.js")).toBe("https://app.example/static/app.js");

    fs.writeFileSync(path.join(dir, "app.js"), "console.log(1)");
    const first = versions.version("app.js");
    expect(first).toBe(sha16(Buffer.from("console.log(1)")));
    expect(versions.url("https://app.example", "app.js")).toBe(`https://app.example/static/app.js?v=${first}`);

    fs.writeFileSync(path.join(dir, "app.js"), "console.log(22)");
    expect(versions.version("app.js")).toBe(sha16(Buffer.from("console.log(22)")));
  });
});
