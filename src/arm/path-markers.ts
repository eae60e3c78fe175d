/** Words that mark a URL path as an ARM webhook path, in current or legacy form. Compared lower-cased. */
import type { EndpointKind } from "./types";

const ENDPOINT_WORDS: Record<string, EndpointKind> = {
  "trigger-scm-push-request": "push",
  triggerscmpushrequest: "push", // legacy spelling, e.g. triggerSCMPushrequest
  "sync-alm-commits": "alm-sync",
};

/** The endpoint a path segment names, also when junk follows the word (`trigger-scm-push-request)`). */
export function endpointOfSegment(segment: string): EndpointKind | undefined {
  const s = segment.toLowerCase();
  const word = Object.keys(ENDPOINT_WORDS).find((w) => s.startsWith(w));
  return word === undefined ? undefined : ENDPOINT_WORDS[word];
}

/** An endpoint word anywhere, or an `autorabitrest` segment: ARM's, whatever the host. */
export function hasStrongArmMarker(segments: string[]): boolean {
  return segments.some((s) => endpointOfSegment(s) !== undefined || s.toLowerCase() === "autorabitrest");
}

/** Starts with `/api/webhook`: ARM's only when the host is ARM's, as other services use such paths too. */
export function startsLikeArmWebhook(segments: string[]): boolean {
  return segments.length >= 2 && segments[0].toLowerCase() === "api" && segments[1].toLowerCase() === "webhook";
}

/** Path segments without the leading empty one: `/a//b/` -> ["a", "", "b", ""]. */
export function pathSegments(pathname: string): string[] {
  return pathname.split("/").slice(1);
}
