/** The one way the simulator POSTs to an app or a hook URL: exact bytes, a timeout, and the answer or the failure. */
import { request } from "undici";

export type PostOutcome =
  | { status: number; body: string; durationMs: number }
  | { status: null; error: string; durationMs: number };

const KEEP_BODY_CHARS = 2000;

export async function post(url: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<PostOutcome> {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(url, { method: "POST", body, headers, signal });
    const text = await res.body.text();
    return { status: res.statusCode, body: text.slice(0, KEEP_BODY_CHARS), durationMs: Date.now() - started };
  } catch (err) {
    const e = err as Error & { code?: string };
    const error = signal.aborted ? `timed out after ${timeoutMs} ms` : (e.code ?? e.message);
    return { status: null, error, durationMs: Date.now() - started };
  }
}
