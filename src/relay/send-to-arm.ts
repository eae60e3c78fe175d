/**
 * One HTTP attempt to ARM over a shared keep-alive pool (undici). Never throws: a failure below HTTP comes
 * back as a network error kind. The answer is read up to 20 KB for the delivery log; the rest is read and
 * dropped (up to a limit) so the connection can be reused.
 */
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import type { NetworkErrorKind } from "../bitbucket/classify-response";
import { networkErrorKind } from "../bitbucket/network-error";

export const MAX_SNIPPET_BYTES = 20 * 1024;
/** An answer longer than this is cut off (and its connection closed) rather than read to the end. */
const MAX_DRAIN_BYTES = 1024 * 1024;

export interface ArmRequest {
  url: string;
  body: Buffer;
  headers: Record<string, string>;
  timeoutMs: number;
}

export type ArmResponse =
  | { status: number; retryAfter?: string; snippet: string; latencyMs: number; networkError?: undefined }
  | { networkError: NetworkErrorKind; error: string; latencyMs: number; status?: undefined };

export interface ArmSender {
  send(req: ArmRequest): Promise<ArmResponse>;
  close(): Promise<void>;
}

/** `connectionsPerOrigin` should be at least the per-endpoint concurrency, so attempts never queue inside undici. */
export function createArmSender(opts: { connectionsPerOrigin: number }): ArmSender {
  const agent = new Agent({ connections: opts.connectionsPerOrigin, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  return {
    async send(req) {
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      // A plain timer, cleared when the attempt ends: AbortSignal.timeout() costs a weakly held timer and GC work per call.
      const aborter = new AbortController();
      const timer = setTimeout(() => aborter.abort(), req.timeoutMs);
      try {
        const res = await request(req.url, { method: "POST", body: req.body, headers: req.headers, dispatcher: agent, signal: aborter.signal });
        const snippet = await readSnippet(res.body);
        const retryAfter = res.headers["retry-after"];
        return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, snippet, latencyMs: latency() };
      } catch (err) {
        const kind = aborter.signal.aborted ? "timeout" : networkErrorKind(err);
        const detail = kind === "timeout" ? `no answer within ${req.timeoutMs} ms` : describe(err);
        return { networkError: kind, error: detail, latencyMs: latency() };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}

async function readSnippet(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (keptBytes < MAX_SNIPPET_BYTES) {
      const part = chunk.subarray(0, MAX_SNIPPET_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (total > MAX_DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(kept).toString("utf8");
}

/** The error's code and message, without anything from the request (no URL query, no headers). */
function describe(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return err instanceof Error ? err.message.slice(0, 300) : "unknown error";
}
