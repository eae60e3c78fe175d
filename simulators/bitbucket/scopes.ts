/** Bitbucket Connect scopes: which ones exist, what each implies, and what an event needs. */
import type { AppDescriptor } from "./types";

/** Each scope with the scopes it grants implicitly (Bitbucket's scope docs: `pullrequest` grants `repository`, …). */
const IMPLIES: Record<string, string[]> = {
  account: [],
  "account:write": ["account"],
  email: [],
  team: [],
  "team:write": ["team"],
  project: [],
  "project:admin": ["project"],
  repository: [],
  "repository:write": ["repository"],
  "repository:admin": [], // Bitbucket: admin does not imply read or write
  "repository:delete": [],
  pullrequest: ["repository"],
  "pullrequest:write": ["pullrequest", "repository", "repository:write"],
  issue: ["repository"],
  "issue:write": ["issue", "repository"],
  wiki: [],
  snippet: [],
  "snippet:write": ["snippet"],
  webhook: [],
  pipeline: [],
  "pipeline:write": ["pipeline"],
  "pipeline:variable": ["pipeline"],
  runner: [],
  "runner:write": ["runner"],
};

export function unknownScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !(s.toLowerCase() in IMPLIES));
}

/** What an installed descriptor grants. No `scopes` in the descriptor means every scope. */
export function grantedScopes(descriptor: AppDescriptor): Set<string> {
  const declared = descriptor.scopes?.map((s) => s.toLowerCase()) ?? Object.keys(IMPLIES);
  return new Set(declared.flatMap((s) => [s, ...(IMPLIES[s] ?? [])]));
}

/** Scope needed to subscribe to (or receive) an event: `repo:*` → repository, `pullrequest:*` → pullrequest, … */
export function scopeForEvent(event: string): string {
  const family = event.split(":")[0];
  return family === "repo" ? "repository" : family;
}

export function missingScopes(granted: Set<string>, required: string[]): string[] {
  return [...new Set(required)].filter((s) => !granted.has(s));
}
