/**
 * Smart commits: story keys in commit messages (`[PROJ-12] fix`, `PROJ-12: fix`, `fix PROJ-12`), and whether
 * a push carries one, which decides if ARM's ALM commit sync endpoint hears of it. Pure: the only I/O,
 * fetching the full commit list of a truncated push, is the caller's loader. Runs in the browser too.
 *
 * The default pattern matches ASCII upper-case project keys as Jira and ARM write them: a letter, then at
 * least one more upper-case letter, digit or underscore, a hyphen, and a number. It does not match
 *  - lower case (`proj-12`), so that `utf-8` or `sha-256` are not taken for keys;
 *  - inside a word (`xPROJ-12`, `PROJ-12x`, `éPROJ-12`): a key stands between non-letters, which brackets,
 *    colons, slashes, spaces and hyphens are (`feature/PROJ-12-login` carries PROJ-12).
 * A custom pattern is a JavaScript regular expression (unicode mode). The key is its group named `key` if it
 * has one, else its first group if that matched, else the whole match: `\[([A-Z]+-\d+)\]` yields `PROJ-12`.
 */
import type { Validation } from "../arm/types";
import { judgeRegex } from "./regex-safety";

export const DEFAULT_STORY_KEY_PATTERN = "(?<![\\p{L}\\p{N}_])[A-Z][A-Z0-9_]+-[0-9]+(?![\\p{L}\\p{N}_])";
export const MAX_STORY_KEY_PATTERN_LENGTH = 200;
/** Only the start of a message is searched: keys sit at the top, and it bounds the work of any pattern. */
export const MAX_SCANNED_MESSAGE_LENGTH = 8192;

const FIELD = "storyKeyPattern";
const fail = (message: string): Validation<string> => ({ ok: false, field: FIELD, message });

/** An admin's pattern, trimmed, if it compiles, is short, cannot run away on hostile text and never matches nothing. */
export function validateStoryKeyPattern(raw: unknown): Validation<string> {
  if (typeof raw !== "string" || raw.trim() === "") return fail("Enter a story key pattern, or leave the field empty to use the default.");
  const pattern = raw.trim();
  if (pattern.length > MAX_STORY_KEY_PATTERN_LENGTH) return fail(`The pattern is longer than ${MAX_STORY_KEY_PATTERN_LENGTH} characters.`);
  try {
    new RegExp(pattern, "u");
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, "") : "";
    return fail(`The pattern is not a valid regular expression${detail ? ` (${detail})` : ""}.`);
  }
  const verdict = judgeRegex(pattern);
  return verdict.safe ? { ok: true, value: pattern } : fail(verdict.reason);
}

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 64;

/** The pattern as a global regex; null means the default. Throws if a saved pattern no longer passes validation. */
function regexFor(pattern: string | null): RegExp {
  const source = pattern ?? DEFAULT_STORY_KEY_PATTERN;
  let re = compiled.get(source);
  if (!re) {
    const valid = validateStoryKeyPattern(source);
    if (!valid.ok) throw new Error(`Story key pattern refused: ${valid.message}`);
    re = new RegExp(valid.value, "gu");
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, re);
  }
  return re;
}

/** The distinct story keys in a message, in order of first appearance. */
export function storyKeysIn(message: string, pattern: string | null): string[] {
  const text = message.length > MAX_SCANNED_MESSAGE_LENGTH ? message.slice(0, MAX_SCANNED_MESSAGE_LENGTH) : message;
  const keys = new Set<string>();
  for (const m of text.matchAll(regexFor(pattern))) {
    const key = m.groups?.key ?? m[1] ?? m[0];
    if (key) keys.add(key);
  }
  return [...keys];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const hashOf = (ref: unknown): string | null => (isObject(ref) && isObject(ref.target) && typeof ref.target.hash === "string" ? ref.target.hash : null);

function messagesIn(commits: unknown): string[] {
  return Array.isArray(commits) ? commits.flatMap((c) => (isObject(c) && typeof c.message === "string" ? [c.message] : [])) : [];
}

/**
 * Whether any commit of any change of a `repo:push` payload (bare, or in a Connect `{event, data}` envelope)
 * carries a story key. The commits in the payload are read first; only changes that Bitbucket truncated
 * (more than five commits) and showed no key are then judged on their full list from `loadCommitMessages`.
 * Branch and tag deletions carry nothing. A payload that cannot be read counts as carrying a key: when in
 * doubt the event is delivered, and ARM ignores commits without keys.
 */
export async function pushCarriesStoryKey(
  push: unknown,
  pattern: string | null,
  loadCommitMessages: (change: { oldHash: string | null; newHash: string }) => Promise<string[]>,
): Promise<boolean> {
  const body = isObject(push) && isObject(push.data) ? push.data : push;
  const changes = isObject(body) && isObject(body.push) ? body.push.changes : undefined;
  if (!Array.isArray(changes)) return true;
  const carries = (messages: string[]) => messages.some((m) => storyKeysIn(m, pattern).length > 0);

  const toLoad: { oldHash: string | null; newHash: string }[] = [];
  for (const change of changes) {
    if (!isObject(change)) return true;
    if (change.new === null || change.new === undefined) continue; // a deletion
    if (carries(messagesIn(change.commits))) return true;
    if (change.truncated === true || !Array.isArray(change.commits)) {
      const newHash = hashOf(change.new);
      if (newHash === null) return true;
      toLoad.push({ oldHash: hashOf(change.old), newHash });
    }
  }
  for (const change of toLoad) {
    if (carries(await loadCommitMessages(change))) return true;
  }
  return false;
}
