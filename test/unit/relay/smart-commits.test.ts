import {
  DEFAULT_STORY_KEY_PATTERN,
  MAX_SCANNED_MESSAGE_LENGTH,
  MAX_STORY_KEY_PATTERN_LENGTH,
  pushCarriesStoryKey,
  storyKeysIn,
  validateStoryKeyPattern,
} from "../../../src/relay/smart-commits";

describe("storyKeysIn with the default pattern", () => {
  it.each([
    ["[PROJ-12] fix the build", ["PROJ-12"]],
    ["PROJ-12: fix the build", ["PROJ-12"]],
    ["fix the build PROJ-12", ["PROJ-12"]],
    ["PROJ-12", ["PROJ-12"]],
    ["(PROJ-12) fix", ["PROJ-12"]],
    ["fix PROJ-12.", ["PROJ-12"]],
    ["Merge branch 'feature/PROJ-12-login'", ["PROJ-12"]],
    ["[PROJECT-123] add README", ["PROJECT-123"]],
    ["[AB_2-7] underscores and digits in the project key", ["AB_2-7"]],
    ["[CORE-1][CORE-2] two at once, CORE-1 again, OPS-9", ["CORE-1", "CORE-2", "OPS-9"]],
    ["first line\n\nbody mentions OPS-4 and\r\nDATA-5", ["OPS-4", "DATA-5"]],
    ["CORE-1,CORE-2;CORE-3", ["CORE-1", "CORE-2", "CORE-3"]],
  ])("finds the keys in %j", (message, keys) => {
    expect(storyKeysIn(message, null)).toEqual(keys);
  });

  it.each([
    ["lower case", "proj-12 fix"],
    ["mixed case", "Proj-12 fix"],
    ["a one-letter project", "A-1 fix"],
    ["a key glued to a word after it", "ABC-123x"],
    ["a key glued to a word before it", "xABC-123"],
    ["a key glued to a number before it", "9ABC-123"],
    ["a key glued to an underscore", "ABC-123_tmp"],
    ["a key without a number", "ABC- fix"],
    ["a key with a space", "ABC 123"],
    ["no key at all", "fix the build"],
    ["an empty message", ""],
  ])("ignores %s", (_what, message) => {
    expect(storyKeysIn(message, null)).toEqual([]);
  });

  it("treats letters of any script as word characters around a key", () => {
    expect(storyKeysIn("éPROJ-1 PROJ-2ü ПPROJ-3 PROJ-4中", null)).toEqual([]);
    expect(storyKeysIn("«PROJ-1» „PROJ-2“ —PROJ-3— 🚀PROJ-4 PROJ-5✓", null)).toEqual(["PROJ-1", "PROJ-2", "PROJ-3", "PROJ-4", "PROJ-5"]);
  });

  it("does not take non-ASCII capitals or digits for a key", () => {
    expect(storyKeysIn("ПРОЕКТ-12 PROJ-١٢ ＰＲＯＪ-12", null)).toEqual([]);
  });

  it("matches the documented default and null alike", () => {
    expect(storyKeysIn("[PROJ-12] x", DEFAULT_STORY_KEY_PATTERN)).toEqual(storyKeysIn("[PROJ-12] x", null));
  });

  it("reads only the start of a very long message", () => {
    const padding = "x ".repeat(MAX_SCANNED_MESSAGE_LENGTH);
    expect(storyKeysIn(`PROJ-1 ${padding} PROJ-2`, null)).toEqual(["PROJ-1"]);
  });
});

describe("storyKeysIn with a custom pattern", () => {
  it("takes the whole match when the pattern has no group", () => {
    expect(storyKeysIn("fixes #12 and #7", "#[0-9]+")).toEqual(["#12", "#7"]);
  });

  it("takes the first group when there is one", () => {
    expect(storyKeysIn("[PROJ-12] fix, PROJ-13 bare", "\\[([A-Z]+-[0-9]+)\\]")).toEqual(["PROJ-12"]);
  });

  it("takes the group named key before any other group", () => {
    expect(storyKeysIn("story: US-42", "(story): (?<key>US-[0-9]+)")).toEqual(["US-42"]);
  });

  it("falls back to the whole match when the first group did not take part", () => {
    expect(storyKeysIn("W-7 and X:9", "W-[0-9]+|(X):[0-9]+")).toEqual(["W-7", "X"]);
  });

  it("understands unicode properties", () => {
    expect(storyKeysIn("ПРОЕКТ-12 готово", "\\p{Lu}+-[0-9]+")).toEqual(["ПРОЕКТ-12"]);
  });

  it("is case-sensitive as written", () => {
    expect(storyKeysIn("proj-1 PROJ-2", "[a-z]+-[0-9]+")).toEqual(["proj-1"]);
  });

  it("refuses to run a pattern that does not validate", () => {
    expect(() => storyKeysIn("aaaa", "(a+)+$")).toThrow(/refused/);
  });
});

describe("validateStoryKeyPattern", () => {
  it.each([
    DEFAULT_STORY_KEY_PATTERN,
    "[A-Z][A-Z0-9]+-\\d+",
    "\\[([A-Z]+-\\d+)\\]",
    "(?<key>[A-Z]+-\\d+)",
    "(?:PROJ|CORE|OPS)-\\d+",
    "#\\d+",
    "\\bUS\\d{3,6}\\b",
    "\\p{Lu}{2,10}-\\d+",
    "[A-Z]+\\d*-\\d+",
    "(?:\\w+,){2}x",
    ".*-\\d+",
    "[A-Z]{1,9}[0-9]{1,9}",
    "\\u{1F680}[A-Z]+-\\d+",
    "[\\]\\[(]?[A-Z]+-\\d+[\\])]?",
    "\\x23\\d+\\cJ?",
    "[\\u0400-\\u040F]+[\\u0450]+!",
    "(?<=\\s|^)[A-Z]+-\\d+(?!\\w)",
  ])("accepts %s", (pattern) => {
    expect(validateStoryKeyPattern(pattern)).toEqual({ ok: true, value: pattern });
  });

  it("trims the pattern", () => {
    expect(validateStoryKeyPattern("  #\\d+ ")).toEqual({ ok: true, value: "#\\d+" });
  });

  it.each([
    ["empty", "", /Enter a story key pattern/],
    ["blank", "   ", /Enter a story key pattern/],
    ["not a string", 42, /Enter a story key pattern/],
    ["too long", "A".repeat(MAX_STORY_KEY_PATTERN_LENGTH + 1), /longer than 200/],
    ["not a regex", "[A-Z+-\\d+", /not a valid regular expression/],
    ["invalid in unicode mode", "\\-\\d+", /not a valid regular expression/],
    ["Java inline flags", "(?i)proj-\\d+", /not a valid regular expression/],
    ["empty-matching", "[A-Z]*", /empty text/],
    ["only an anchor", "^", /empty text/],
    ["only a lookahead", "(?=PROJ-1)", /empty text/],
    ["optional everything", "(?:PROJ-\\d+)?", /empty text/],
    ["a nested quantifier", "(a+)+b", /repeated group/],
    ["a nested quantifier, non-capturing and lazy", "(?:[A-Z]+?-)*x", /repeated group/],
    ["an overlapping alternation in a loop", "(a|ab)*c", /repeated group/],
    ["a nested bounded quantifier in a loop", "(?:a{2})+b", /repeated group/],
    ["a back-reference", "(\\w)\\1", /Back-references/],
    ["a named back-reference", "(?<k>\\w)\\k<k>", /Back-references/],
    ["adjacent overlapping loops", "\\w+\\w+x", /Two repetitions/],
    ["loops joined by an optional part", "\\w+\\s*\\w+x", /Two repetitions/],
    ["loops joined by a shared character", "\\w+x\\w+!", /Two repetitions/],
    ["loops joined through an alternative", "\\w+(?:-|x)\\w+!", /Two repetitions/],
    ["large bounded repeats in a row", "\\w{1,1000}\\w{1,1000}!", /Two repetitions/],
    ["a written-out loop", "(?:\\w+){2}!", /Two repetitions/],
    ["dot-star twice", ".*a.*b", /Two repetitions/],
    ["overlapping non-ASCII ranges", "[\\u0400-\\u04FF]+[\\u0450]+!", /Two repetitions/],
    ["overlapping astral characters", "[\\u{1F600}-\\u{1F64F}]+\\p{Emoji}+!", /Two repetitions/],
    ["many optional parts", "a?".repeat(9) + "a".repeat(9), /more than 256 ways/],
    ["many alternatives in a row", "(?:a|a)".repeat(9), /more than 256 ways/],
    ["deeply nested bounded repeats", "((((((a{10}){10}){10}){10}){10}){10})", /too complex/],
  ])("refuses %s", (_what, pattern, message) => {
    const result = validateStoryKeyPattern(pattern);
    expect(result).toEqual({ ok: false, field: "storyKeyPattern", message: expect.stringMatching(message) });
  });

  it("decides on pathological patterns quickly, without running them", () => {
    const pathological = ["(a+)+$", "(a|aa)+$", "(.*a){12}", "(\\w+\\s?)+$", "^(([a-z])+.)+[A-Z]([a-z])+$", "\\w+\\w+\\w+\\w+!", "((((((a{10}){10}){10}){10}){10}){10})"];
    for (const pattern of pathological) {
      const started = performance.now();
      expect(validateStoryKeyPattern(pattern).ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(100);
    }
  });

  it("leaves every accepted pattern fast on hostile messages", () => {
    const accepted = [DEFAULT_STORY_KEY_PATTERN, ".*-\\d+", "[\\s\\S]*x", "\\w+-\\d+", "[A-Z]+\\d*-\\d+", "(?:\\w+,){2}x", "a?".repeat(8) + "a".repeat(8)];
    const hostile = ["a", "A", "1", "-", "a,", "A1", "A-", "x"].map((unit) => unit.repeat(Math.ceil((MAX_SCANNED_MESSAGE_LENGTH * 2) / unit.length)));
    for (const pattern of accepted) {
      expect(validateStoryKeyPattern(pattern).ok).toBe(true);
      const started = performance.now();
      for (const message of hostile) storyKeysIn(message, pattern);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});

/** A repo:push change as Bitbucket sends it: newest commit first, at most five, `truncated` beyond. */
function change(messages: string[], opts: { old?: string | null; head?: string; truncated?: boolean } = {}) {
  return {
    old: opts.old === null ? null : { type: "branch", name: "main", target: { hash: opts.old ?? "a".repeat(40) } },
    new: { type: "branch", name: "main", target: { hash: opts.head ?? "b".repeat(40), message: messages[0] ?? "" } },
    created: opts.old === null,
    closed: false,
    forced: false,
    truncated: opts.truncated ?? messages.length > 5,
    commits: messages.slice(0, 5).map((message, i) => ({ hash: `${i}`.repeat(40), message, type: "commit" })),
  };
}

const deletion = { old: { type: "branch", name: "gone", target: { hash: "c".repeat(40), message: "[GONE-1] was here" } }, new: null, created: false, closed: true, truncated: false, commits: [] };
const pushOf = (...changes: object[]) => ({ push: { changes }, repository: { full_name: "acme/payments" }, actor: {} });

function loader(messages: Record<string, string[]> = {}) {
  const calls: { oldHash: string | null; newHash: string }[] = [];
  const load = async (c: { oldHash: string | null; newHash: string }) => {
    calls.push(c);
    return messages[c.newHash] ?? [];
  };
  return { load, calls };
}

describe("pushCarriesStoryKey", () => {
  it("is true when a commit in the payload carries a key, without loading anything", async () => {
    const { load, calls } = loader();
    expect(await pushCarriesStoryKey(pushOf(change(["tidy", "[PROJ-1] fix"])), null, load)).toBe(true);
    expect(calls).toEqual([]);
  });

  it("is false when no commit carries a key", async () => {
    const { load, calls } = loader();
    expect(await pushCarriesStoryKey(pushOf(change(["tidy", "proj-1 lower case"])), null, load)).toBe(false);
    expect(calls).toEqual([]);
  });

  it("judges every change of a multi-branch push", async () => {
    const { load } = loader();
    expect(await pushCarriesStoryKey(pushOf(change(["tidy"]), change(["OPS-3 deploy"], { head: "d".repeat(40) })), null, load)).toBe(true);
  });

  it("uses the given pattern", async () => {
    const { load } = loader();
    const push = pushOf(change(["fixes #12"]));
    expect(await pushCarriesStoryKey(push, null, load)).toBe(false);
    expect(await pushCarriesStoryKey(push, "#\\d+", load)).toBe(true);
  });

  it("loads the full list of a truncated change whose five commits carry no key", async () => {
    const head = "e".repeat(40);
    const messages = ["c7", "c6", "c5", "c4", "c3", "c2", "[PROJ-9] c1"];
    const { load, calls } = loader({ [head]: messages });
    expect(await pushCarriesStoryKey(pushOf(change(messages.slice(0, 5), { head, truncated: true })), null, load)).toBe(true);
    expect(calls).toEqual([{ oldHash: "a".repeat(40), newHash: head }]);
  });

  it("is false for a truncated change whose full list carries no key", async () => {
    const head = "e".repeat(40);
    const { load, calls } = loader({ [head]: ["c7", "c6", "c5", "c4", "c3", "c2", "c1"] });
    expect(await pushCarriesStoryKey(pushOf(change(["c7", "c6", "c5", "c4", "c3"], { head, truncated: true })), null, load)).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it("trusts a key among the five commits of a truncated change", async () => {
    const { load, calls } = loader();
    expect(await pushCarriesStoryKey(pushOf(change(["c7", "[PROJ-2] c6", "c5", "c4", "c3"], { truncated: true })), null, load)).toBe(true);
    expect(calls).toEqual([]);
  });

  it("reads the payload's commits of every change before loading any list", async () => {
    const { load, calls } = loader();
    const truncated = change(["c7", "c6", "c5", "c4", "c3"], { truncated: true });
    expect(await pushCarriesStoryKey(pushOf(truncated, change(["[OPS-1] x"], { head: "f".repeat(40) })), null, load)).toBe(true);
    expect(calls).toEqual([]);
  });

  it("gives a new branch's truncated change a null old hash", async () => {
    const { load, calls } = loader();
    await pushCarriesStoryKey(pushOf(change(["c7", "c6", "c5", "c4", "c3"], { old: null, truncated: true })), null, load);
    expect(calls).toEqual([{ oldHash: null, newHash: "b".repeat(40) }]);
  });

  it("loads the list of a change that comes without commits", async () => {
    const { load, calls } = loader({ ["b".repeat(40)]: ["[PROJ-5] x"] });
    const { commits: _none, ...bare } = change(["ignored"]);
    expect(await pushCarriesStoryKey(pushOf(bare), null, load)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("lets a loader failure through, so the caller can retry", async () => {
    const push = pushOf(change(["c7", "c6", "c5", "c4", "c3"], { truncated: true }));
    await expect(pushCarriesStoryKey(push, null, async () => Promise.reject(new Error("bitbucket down")))).rejects.toThrow("bitbucket down");
  });

  it("finds nothing in a branch deletion, even when the deleted head had a key", async () => {
    const { load, calls } = loader();
    expect(await pushCarriesStoryKey(pushOf(deletion), null, load)).toBe(false);
    expect(calls).toEqual([]);
  });

  it("still finds a key in another change of a push that also deletes a branch", async () => {
    const { load } = loader();
    expect(await pushCarriesStoryKey(pushOf(deletion, change(["[PROJ-3] x"])), null, load)).toBe(true);
  });

  it("reads a push inside a Connect envelope", async () => {
    const { load } = loader();
    expect(await pushCarriesStoryKey({ event: "repo:push", data: pushOf(change(["[PROJ-1] x"])) }, null, load)).toBe(true);
    expect(await pushCarriesStoryKey({ event: "repo:push", data: pushOf(change(["x"])) }, null, load)).toBe(false);
  });

  it("is false for a push with no changes", async () => {
    expect(await pushCarriesStoryKey(pushOf(), null, loader().load)).toBe(false);
  });

  it.each([
    ["not an object", "push"],
    ["no push", { repository: {} }],
    ["changes not a list", { push: { changes: {} } }],
    ["a change that is not an object", { push: { changes: [42] } }],
    ["a truncated change without a head hash", pushOf({ ...change(["x"], { truncated: true }), new: { type: "branch", name: "main" } })],
  ])("counts an unreadable payload (%s) as carrying a key, so it is delivered", async (_what, payload) => {
    expect(await pushCarriesStoryKey(payload, null, loader().load)).toBe(true);
  });

  it("skips commits without a readable message", async () => {
    const push = pushOf({ ...change(["x"]), commits: [null, { hash: "1" }, { message: 7 }, { message: "[PROJ-1] ok" }] });
    expect(await pushCarriesStoryKey(push, null, loader().load)).toBe(true);
  });
});
