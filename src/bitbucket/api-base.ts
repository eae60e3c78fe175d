/** Which Bitbucket API base URLs the app will send its credentials to (the install payload's baseApiUrl). */

export const PRODUCTION_API_BASE = "https://api.bitbucket.org";

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The normalized origin, or throws an Error naming the refused value. */
export function assertBitbucketApiBase(url: string, opts: { production: boolean; allowHttpLoopback: boolean }): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Bitbucket API base "${url}" is not a URL.`);
  }
  const bare = parsed.username === "" && parsed.password === "" && parsed.pathname === "/" && parsed.search === "" && parsed.hash === "";
  if (!bare) throw new Error(`Bitbucket API base "${parsed.protocol}//${parsed.host}…" must be an origin only, without path, query or credentials.`);
  const origin = `${parsed.protocol}//${parsed.host}`;
  if (opts.production) {
    if (origin !== PRODUCTION_API_BASE) throw new Error(`Bitbucket API base "${origin}" is refused: production uses only ${PRODUCTION_API_BASE}.`);
    return origin;
  }
  if (parsed.protocol === "https:") return origin;
  if (parsed.protocol === "http:" && opts.allowHttpLoopback && LOOPBACK.test(parsed.hostname)) return origin;
  throw new Error(`Bitbucket API base "${origin}" is refused: use https (http only for loopback addresses in development).`);
}
