/**
 * The load generator: `concurrency` senders sharing a keep-alive pool, each POSTing the next signed delivery
 * as soon as its previous one is answered, as Bitbucket's delivery workers do. Times are performance.now().
 */
import { randomUUID } from "node:crypto";
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { Pool } from "undici";
import { bodyFor, type DeliveryTemplate } from "./payload";

export interface Tenant {
  clientKey: string;
  sharedSecret: string;
}

export interface LoadOptions {
  /** The app's base URL (the descriptor's baseUrl) and the webhook path on it. */
  baseUrl: string;
  path: string;
  tenant: Tenant;
  template: DeliveryTemplate;
  concurrency: number;
  count: number;
  /** Sequence number of the first delivery; the next burst continues after the last. */
  firstSeq: number;
}

export interface LoadResult {
  count: number;
  accepted: number;
  statuses: Record<string, number>;
  startAt: number;
  endAt: number;
  /** Send time of each delivery, indexed by seq - firstSeq. */
  sentAt: Float64Array;
  /** Answer latency (ms) of each accepted delivery. */
  acceptMs: number[];
}

const TOKEN_REFRESH_MS = 60_000;

/** Bitbucket signs each delivery; one token per minute is equivalent for the app (same qsh, valid exp) and spares the generator's CPU. */
function signer(tenant: Tenant, url: string, baseUrl: string): () => string {
  const qsh = createQueryStringHash(fromMethodAndUrl("POST", url), false, baseUrl);
  let token = "";
  let madeAt = -Infinity;
  return () => {
    const now = Date.now();
    if (now - madeAt > TOKEN_REFRESH_MS) {
      const iat = Math.floor(now / 1000);
      token = encodeSymmetric({ iss: tenant.clientKey, aud: tenant.clientKey, iat, exp: iat + 180, qsh }, tenant.sharedSecret, SymmetricAlgorithm.HS256);
      madeAt = now;
    }
    return token;
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = `${opts.baseUrl}${opts.path}`;
  const token = signer(opts.tenant, url, opts.baseUrl);
  const pool = new Pool(new URL(opts.baseUrl).origin, { connections: opts.concurrency, keepAliveTimeout: 30_000 });
  const sentAt = new Float64Array(opts.count);
  const acceptMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let accepted = 0;

  const sender = async () => {
    while (next < opts.count) {
      const i = next++;
      const body = bodyFor(opts.template, opts.firstSeq + i);
      const headers = {
        "content-type": "application/json",
        "user-agent": "Bitbucket-Webhooks/2.0",
        "x-event-key": opts.template.event,
        "x-request-uuid": randomUUID(),
        "x-attempt-number": "1",
        authorization: `JWT ${token()}`,
      };
      const t0 = performance.now();
      sentAt[i] = t0;
      let key: string;
      try {
        const res = await pool.request({ method: "POST", path: opts.path, headers, body });
        await res.body.dump();
        key = String(res.statusCode);
        if (res.statusCode >= 200 && res.statusCode < 300) {
          accepted++;
          acceptMs.push(performance.now() - t0);
        }
      } catch (err) {
        key = (err as { code?: string }).code ?? "error";
      }
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
  };

  const startAt = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, sender));
  const endAt = performance.now();
  await pool.close();
  return { count: opts.count, accepted, statuses, startAt, endAt, sentAt, acceptMs };
}
