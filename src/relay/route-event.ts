/**
 * Which ARM endpoints get one event, and the one-line summary the delivery log shows. Pure.
 * Routing uses hookTargets, the same targets the direct-mode hooks are built from, so both modes send an
 * event to exactly the same places.
 */
import type { EndpointKind } from "../arm/types";
import { hookTargets } from "../hooks/desired-hooks";
import type { ConnectionSettings } from "../hooks/types";

export interface Route {
  endpoint: EndpointKind;
  url: string;
}

export function routeEvent(settings: ConnectionSettings, eventKey: string): Route[] {
  return hookTargets(settings)
    .filter((t) => t.events.includes(eventKey))
    .map((t) => ({ endpoint: t.endpoint, url: t.url }));
}

const MAX_SUMMARY = 255;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

function refName(ref: unknown): string | undefined {
  if (!isObject(ref)) return undefined;
  const name = str(ref.name);
  if (!name) return undefined;
  return ref.type === "tag" || ref.type === "annotated_tag" ? `tag ${name}` : name;
}

function pushSummary(payload: Record<string, unknown>): string | null {
  const changes = isObject(payload.push) && Array.isArray(payload.push.changes) ? payload.push.changes : [];
  const refs = changes.flatMap((c): string[] => {
    if (!isObject(c)) return [];
    const created = refName(c.new);
    if (created) return [created];
    const deleted = refName(c.old);
    return deleted ? [`${deleted} (deleted)`] : [];
  });
  return refs.length ? refs.join(", ") : null;
}

function pullRequestSummary(payload: Record<string, unknown>): string | null {
  const pr = payload.pullrequest;
  if (!isObject(pr) || typeof pr.id !== "number") return null;
  const branch = (end: unknown) => (isObject(end) && isObject(end.branch) ? str(end.branch.name) : undefined);
  const from = branch(pr.source);
  const to = branch(pr.destination);
  return `pull request #${pr.id}${from && to ? ` (${from} → ${to})` : ""}`;
}

/** "main", "tag v1.2", "feature/x (deleted)", "pull request #12 (feature/x → main)"; null when the payload says nothing usable. */
export function summarizeEvent(eventKey: string, payload: Record<string, unknown>): string | null {
  const summary = eventKey === "repo:push" ? pushSummary(payload) : eventKey.startsWith("pullrequest:") ? pullRequestSummary(payload) : null;
  if (summary === null) return null;
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}
