/** Validates what an admin submits, with the same ARM rules the page uses for its live preview. Pure. */
import { z } from "zod";
import { validateTarget } from "../arm/validate";
import type { ArmHostPolicy } from "../arm/types";
import type { ConnectionSettings } from "../hooks/types";
import { validateStoryKeyPattern } from "../relay/smart-commits";
import { UserError } from "./errors";
import type { DeliveryMode, SmartCommitSettings } from "./views";

const Triggers = z.object({ push: z.boolean(), pullRequests: z.boolean(), almSync: z.boolean() }).strict();
const ConnectBody = z
  .object({
    instance: z.string().max(2048),
    org: z.string().max(1024),
    edition: z.string().max(32),
    triggers: Triggers,
    deliveryMode: z.enum(["direct", "relay"]).optional(),
    storyKeyPattern: z.string().max(1024).nullable().optional(),
    almSyncOnlyStoryCommits: z.boolean().optional(),
    token: z.string().optional(),
  })
  .strict();
const TokenBody = z.object({ token: z.string() }).strict();

function shapeError(error: z.ZodError): UserError {
  const issue = error.issues[0];
  const field = issue.path.map(String).join(".") || undefined;
  return new UserError(`The request is malformed${field ? ` at "${field}"` : ""}: ${issue.message}.`, "malformed", field);
}

/** ARM webhook tokens become Bitbucket hook secrets: at most 128 characters, and no whitespace to paste by mistake. */
export function validateToken(raw: unknown): string {
  if (typeof raw !== "string" || !raw.trim()) throw new UserError("Paste the webhook API token created in ARM (Admin > API Token, type webhook).", "token-missing", "token");
  const token = raw.trim();
  if (/\s|[\u0000-\u001f\u007f]/.test(token)) throw new UserError("The token contains spaces or line breaks; paste it exactly as ARM shows it.", "token-invalid", "token");
  if (token.length < 8) throw new UserError("The token is too short to be an ARM webhook token.", "token-invalid", "token");
  if (token.length > 128) throw new UserError("The token is longer than the 128 characters Bitbucket allows for a webhook secret.", "token-invalid", "token");
  return token;
}

/** A story key pattern as submitted: null or blank means the default (null); anything else must validate. */
export function parseStoryKeyPattern(raw: string | null): string | null {
  if (raw === null || raw.trim() === "") return null;
  const pattern = validateStoryKeyPattern(raw);
  if (!pattern.ok) throw new UserError(pattern.message, "invalid-story-key-pattern", pattern.field);
  return pattern.value;
}

export interface ParsedConnectRequest {
  settings: ConnectionSettings;
  token: string | null;
  /** undefined: keep the connection's mode. */
  deliveryMode: DeliveryMode | undefined;
  /** Only the fields the request carried; the others keep their saved (or default) values. */
  smartCommits: Partial<SmartCommitSettings>;
}

export function parseConnectRequest(body: unknown, policy: ArmHostPolicy): ParsedConnectRequest {
  const parsed = ConnectBody.safeParse(body);
  if (!parsed.success) throw shapeError(parsed.error);
  const { triggers, token, deliveryMode, storyKeyPattern, almSyncOnlyStoryCommits } = parsed.data;
  const target = validateTarget(parsed.data, policy);
  if (!target.ok) throw new UserError(target.message, `invalid-${target.field}`, target.field);
  if (!triggers.push && !triggers.pullRequests && !triggers.almSync) {
    throw new UserError("Choose at least one thing for ARM to do: build on push, pull request jobs or ALM commit sync.", "no-trigger", "triggers");
  }
  if (triggers.almSync && target.value.edition !== "enterprise") {
    throw new UserError("ALM commit sync is an ARM Enterprise endpoint; choose Enterprise or turn it off.", "alm-needs-enterprise", "triggers.almSync");
  }
  const smartCommits: Partial<SmartCommitSettings> = {
    ...(storyKeyPattern === undefined ? {} : { storyKeyPattern: parseStoryKeyPattern(storyKeyPattern) }),
    ...(almSyncOnlyStoryCommits === undefined ? {} : { almSyncOnlyStoryCommits }),
  };
  return { settings: { ...target.value, triggers }, token: token === undefined || token === "" ? null : validateToken(token), deliveryMode, smartCommits };
}

export function parseTokenRequest(body: unknown): string {
  const parsed = TokenBody.safeParse(body);
  if (!parsed.success) throw shapeError(parsed.error);
  return validateToken(parsed.data.token);
}
