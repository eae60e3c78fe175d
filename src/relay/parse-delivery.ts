/**
 * Reads one event delivery from Bitbucket. Pure. Two shapes (REFERENCE section 2):
 * - the Connect envelope `{"event": "repo:push", "data": {…payload…}}` from the app's `webhooks` module;
 * - the bare payload of a REST-created hook, whose event key is only in the `X-Event-Key` header.
 * The result carries the bytes ARM will receive: the envelope's `data` serialised once (Bitbucket would have sent
 * exactly that to a hook), or the bare body exactly as received (re-serialising would change what is signed).
 */

export type ParsedDelivery =
  | { ok: true; eventKey: string; payload: Record<string, unknown>; bytes: Buffer; repoUuid: string; shape: "envelope" | "bare" }
  | { ok: false; reason: string; eventKey: string | null };

const EVENT_KEY = /^[a-z_]+:[a-z_]+$/;

/** Whether a string looks like a Bitbucket event key such as `repo:push` (safe to store and show). */
export function isEventKey(value: string): boolean {
  return value.length <= 64 && EVENT_KEY.test(value);
}

const REPO_UUID = /^\{[0-9a-fA-F-]{36}\}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseDelivery(body: Buffer, eventKeyHeader: string | undefined): ParsedDelivery {
  const header = eventKeyHeader?.trim() || null;
  const fail = (reason: string, eventKey = header): ParsedDelivery => ({ ok: false, reason, eventKey: eventKey && isEventKey(eventKey) ? eventKey : null });
  if (body.length === 0) return fail("The request body is empty.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return fail("The request body is not valid JSON.");
  }
  if (!isObject(parsed)) return fail("The request body is not a JSON object.");

  const envelope = typeof parsed.event === "string" && isObject(parsed.data);
  const eventKey = envelope ? (parsed.event as string) : header;
  if (eventKey === null) return fail("The event has no X-Event-Key header and is not a Connect envelope {event, data}.");
  if (!isEventKey(eventKey)) return fail(`"${eventKey.slice(0, 64)}" is not a Bitbucket event key.`, null);
  if (envelope && header !== null && header !== eventKey) {
    return fail(`The X-Event-Key header says ${header.slice(0, 64)} but the body says ${eventKey}.`, eventKey);
  }
  const payload = envelope ? (parsed.data as Record<string, unknown>) : parsed;
  const repository = payload.repository;
  const repoUuid = isObject(repository) ? repository.uuid : undefined;
  if (typeof repoUuid !== "string" || !REPO_UUID.test(repoUuid)) {
    return fail("The event does not name its repository (repository.uuid is missing or not a {uuid}).", eventKey);
  }
  return {
    ok: true,
    eventKey,
    payload,
    bytes: envelope ? Buffer.from(JSON.stringify(payload)) : body,
    repoUuid,
    shape: envelope ? "envelope" : "bare",
  };
}
