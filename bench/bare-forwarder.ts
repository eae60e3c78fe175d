/**
 * The benchmark's baseline: what a relay costs at the least. It verifies the Connect JWT exactly as the app
 * does and forwards the payload to one ARM URL with the HMAC header over a keep-alive pool, answering
 * Bitbucket with ARM's verdict. It neither stores nor retries: an ARM outage loses the event.
 * Configured by environment: PORT, BASE_URL, CLIENT_KEY, SHARED_SECRET, TARGET_URL, ARM_TOKEN.
 */
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import express from "express";
import { Pool } from "undici";
import { readJwt, verifyConnectJwt } from "../src/connect/auth/verify-jwt";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bare-forwarder: ${name} is not set`);
  return value;
}

const baseUrl = required("BASE_URL");
const clientKey = required("CLIENT_KEY");
const sharedSecret = required("SHARED_SECRET");
const target = new URL(required("TARGET_URL"));
const armToken = required("ARM_TOKEN");
const hookUuid = randomUUID();
const pool = new Pool(target.origin, { connections: 64, keepAliveTimeout: 30_000 });

const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
app.post("/events", express.raw({ type: () => true, limit: "256kb" }), async (req, res) => {
  try {
    const token = readJwt(req.get("authorization"), req.query);
    if (!token) return void res.status(401).end();
    await verifyConnectJwt(token, {
      lookupSecret: async (key) => (key === clientKey ? sharedSecret : null),
      request: { method: req.method, originalUrl: req.originalUrl },
      baseUrl,
      qsh: "request",
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    const envelope = JSON.parse((req.body as Buffer).toString("utf8")) as { event: string; data: unknown };
    const body = Buffer.from(JSON.stringify(envelope.data));
    const answer = await pool.request({
      method: "POST",
      path: target.pathname,
      body,
      headers: {
        "content-type": "application/json",
        "x-event-key": envelope.event,
        "x-hook-uuid": hookUuid,
        "x-request-uuid": randomUUID(),
        "x-attempt-number": "1",
        "x-hub-signature": `sha256=${createHmac("sha256", armToken).update(body).digest("hex")}`,
      },
    });
    await answer.body.dump();
    res.status(answer.statusCode >= 200 && answer.statusCode < 300 ? 200 : 502).end();
  } catch (err) {
    res.status((err as { status?: number }).status ?? 500).end();
  }
});

const server = http.createServer(app);
server.listen(Number(required("PORT")), "127.0.0.1");
const stop = () => server.close(() => void pool.close().then(() => process.exit(0)));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
