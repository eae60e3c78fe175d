/** Names what went wrong below HTTP (undici and Node socket errors), so retry rules can tell "never sent" from "maybe done". */
import type { NetworkErrorKind } from "./classify-response";

const NEVER_SENT = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);
const DNS = new Set(["ENOTFOUND", "EAI_AGAIN"]);
const RESET = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
const TIMEOUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function networkErrorKind(err: unknown): NetworkErrorKind {
  // Undici wraps the socket error in `cause`; AbortSignal.timeout() rejects with a DOMException named TimeoutError.
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { name?: unknown }).name === "TimeoutError") return "timeout";
    const code = codeOf(e);
    if (code === undefined) continue;
    if (TIMEOUT.has(code)) return "timeout";
    if (NEVER_SENT.has(code)) return "refused";
    if (DNS.has(code)) return "dns";
    if (RESET.has(code)) return "reset";
    if (TLS.test(code)) return "tls";
  }
  return "other";
}
