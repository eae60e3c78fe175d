/** The minimal checks Bitbucket makes on `atlassian-connect.json` before installing, and URL resolution against its baseUrl. */
import { unknownScopes } from "./scopes";
import type { AppDescriptor } from "./types";

/** Throws with a sentence naming the problem. */
export function checkDescriptor(json: unknown): AppDescriptor {
  const d = json as Partial<AppDescriptor> | null;
  const problem = (msg: string) => new Error(`Invalid app descriptor: ${msg}`);
  if (!d || typeof d !== "object") throw problem("not a JSON object");
  if (typeof d.key !== "string" || d.key === "") throw problem("key is required");
  if (typeof d.baseUrl !== "string" || !/^https?:\/\/[^/]/.test(d.baseUrl)) throw problem("baseUrl must be an absolute http(s) URL");
  if (d.authentication?.type?.toLowerCase() !== "jwt") throw problem('authentication.type must be "jwt"');
  if (typeof d.lifecycle?.installed !== "string") throw problem("lifecycle.installed is required");
  if (d.scopes !== undefined) {
    if (!Array.isArray(d.scopes)) throw problem("scopes must be an array");
    const unknown = unknownScopes(d.scopes);
    if (unknown.length) throw problem(`unknown scope(s): ${unknown.join(", ")}`);
  }
  if (d.contexts?.includes("personal")) throw problem('the "personal" context is no longer allowed');
  return d as AppDescriptor;
}

/** A module or lifecycle URL: relative ones hang off the descriptor's baseUrl. */
export function appUrl(descriptor: AppDescriptor, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return descriptor.baseUrl.replace(/\/$/, "") + (path.startsWith("/") ? path : `/${path}`);
}
