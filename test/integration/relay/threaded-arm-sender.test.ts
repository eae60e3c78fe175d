import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { ArmSender } from "../../../src/relay/send-to-arm";
import { createThreadedArmSender } from "../../../src/relay/threaded-arm-sender";

/** A receiver on loopback: answers each request with its own X-Request-UUID after `?delay=` ms. */
async function receiver(): Promise<{ url: string; bodies: Map<string, string>; close(): Promise<void> }> {
  const bodies = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = String(req.headers["x-request-uuid"]);
      bodies.set(id, Buffer.concat(chunks).toString());
      const delay = Number(new URL(req.url!, "http://x").searchParams.get("delay") ?? 0);
      setTimeout(() => {
        res.writeHead(id.startsWith("busy") ? 429 : 200, { "Retry-After": "7" });
        res.end(`ok ${id}`);
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

const request = (url: string, id: string, timeoutMs = 5_000) => ({ url, body: Buffer.from(`{"n":"${id}"}`), headers: { "x-request-uuid": id, "content-type": "application/json" }, timeoutMs });

describe("the ARM sender on its own thread", () => {
  let arm: Awaited<ReturnType<typeof receiver>>;
  let sender: ArmSender;
  beforeEach(async () => (arm = await receiver()));
  afterEach(async () => {
    await sender?.close();
    await arm.close();
  });

  test("answers each of many concurrent attempts with its own result: status, snippet, Retry-After, body sent intact", async () => {
    sender = createThreadedArmSender({ connectionsPerOrigin: 8 });
    const ids = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? `busy-${i}` : `id-${i}`));
    const results = await Promise.all(ids.map((id) => sender.send(request(`${arm.url}?delay=${id.length % 7}`, id))));
    results.forEach((res, i) => {
      expect(res).toMatchObject({ status: ids[i].startsWith("busy") ? 429 : 200, snippet: `ok ${ids[i]}`, retryAfter: "7" });
      expect(arm.bodies.get(ids[i])).toBe(`{"n":"${ids[i]}"}`);
    });
  });

  test("a timeout and a refused connection come back as network errors, not exceptions", async () => {
    sender = createThreadedArmSender({ connectionsPerOrigin: 2 });
    expect(await sender.send(request(`${arm.url}?delay=1000`, "slow", 100))).toMatchObject({ networkError: "timeout" });
    await arm.close();
    arm = await receiver(); // a new port; the old one refuses
    const refused = await sender.send(request("http://127.0.0.1:1/hook", "refused"));
    expect(refused).toMatchObject({ networkError: "refused" });
  });

  test("a thread that dies fails the attempts it held as network errors, and the next send starts a new thread", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arm-thread-"));
    const broken = path.join(dir, "broken.js");
    fs.writeFileSync(broken, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });");
    try {
      sender = createThreadedArmSender({ connectionsPerOrigin: 2, threadFile: broken });
      const [a, b] = await Promise.all([sender.send(request(arm.url, "a")), sender.send(request(arm.url, "b"))]);
      expect(a).toMatchObject({ networkError: "other", error: expect.stringContaining("boom") });
      expect(b).toMatchObject({ networkError: "other" });
      expect(await sender.send(request(arm.url, "c"))).toMatchObject({ networkError: "other", error: expect.stringContaining("boom") });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("close lets attempts in flight finish, then refuses new ones", async () => {
    sender = createThreadedArmSender({ connectionsPerOrigin: 2 });
    const inFlight = sender.send(request(`${arm.url}?delay=200`, "late"));
    await new Promise((r) => setTimeout(r, 50));
    await sender.close();
    expect(await inFlight).toMatchObject({ status: 200, snippet: "ok late" });
    expect(await sender.send(request(arm.url, "after"))).toMatchObject({ networkError: "other", error: "the sender is closed" });
  });
});
