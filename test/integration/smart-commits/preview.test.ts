/** Smart commits: the preview API against the Bitbucket simulator, and the story key settings of a connection. */
import { BitbucketClient } from "../../../src/bitbucket/client";
import { DEFAULT_STORY_KEY_PATTERN } from "../../../src/relay/smart-commits";
import { connectBody, errorShapeProblems, leakedSecrets, startStackOn, testDatabases, type SettingsClient, type Stack } from "../../support/stack";

const PREVIEW = "/api/smart-commits/preview";
const query = (pattern: string) => `${PREVIEW}?pattern=${encodeURIComponent(pattern)}`;

describe.each(testDatabases())("smart commits on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStackOn(kind);
  });
  afterAll(() => stack?.close());

  /** A new, unconnected repository with these commits (oldest first). */
  async function repoWith(slug: string, messages: string[]): Promise<{ repo: string; page: SettingsClient }> {
    const repo = stack.addRepo(slug);
    stack.bitbucket.addCommits(
      repo,
      messages.map((message, i) => ({ message, author: `Dev ${i} <dev${i}@example.com>` })),
    );
    return { repo, page: await stack.settings(repo) };
  }

  test("previews the recent commits of an unconnected repository with the default pattern", async () => {
    const { page } = await repoWith("preview-default", ["[PAY-1] first\n\nbody mentions PAY-9", "tidy up", "PAY-2: third, also [OPS-3]", "proj-4 lower case"]);
    const res = await page.call("GET", PREVIEW);
    expect(res.status).toBe(200);
    expect(res.body.pattern).toBe(DEFAULT_STORY_KEY_PATTERN);
    expect(res.body.isDefault).toBe(true);
    expect(res.body.commits.map((c: { message: string; keys: string[] }) => [c.message, c.keys])).toEqual([
      ["proj-4 lower case", []],
      ["PAY-2: third, also [OPS-3]", ["PAY-2", "OPS-3"]],
      ["tidy up", []],
      ["[PAY-1] first", ["PAY-1", "PAY-9"]],
    ]);
    const newest = res.body.commits[0];
    expect(newest.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(newest.author).toBe("Dev 3");
    expect(new Date(newest.date).toISOString()).toBe(newest.date);
    expect(res.text).not.toContain("@example.com");
  });

  test("shows at most 30 commits, newest first", async () => {
    const { page } = await repoWith("preview-many", Array.from({ length: 35 }, (_, i) => `[MANY-${i}] commit ${i}`));
    const res = await page.call("GET", PREVIEW);
    expect(res.status).toBe(200);
    expect(res.body.commits).toHaveLength(30);
    expect(res.body.commits[0].keys).toEqual(["MANY-34"]);
    expect(res.body.commits[29].keys).toEqual(["MANY-5"]);
  });

  test("applies a pattern given in the query; a blank one means the default", async () => {
    const { page } = await repoWith("preview-custom", ["fixes #12 and #7", "[CUSTOM-1] bracketed"]);
    const custom = await page.call("GET", query("#\\d+"));
    expect(custom.status).toBe(200);
    expect(custom.body).toMatchObject({ pattern: "#\\d+", isDefault: false });
    expect(custom.body.commits.map((c: { keys: string[] }) => c.keys)).toEqual([[], ["#12", "#7"]]);

    const grouped = await page.call("GET", query("\\[([A-Z]+-\\d+)\\]"));
    expect(grouped.body.commits.map((c: { keys: string[] }) => c.keys)).toEqual([["CUSTOM-1"], []]);

    const blank = await page.call("GET", query("  "));
    expect(blank.body).toMatchObject({ pattern: DEFAULT_STORY_KEY_PATTERN, isDefault: true });
  });

  test.each([
    ["not a regular expression", "[A-Z+-\\d+", /not a valid regular expression/],
    ["catastrophic backtracking", "(a+)+$", /repeated group/],
    ["overlapping repetitions", "\\w+\\w+!", /Two repetitions/],
    ["an empty match", "[A-Z]*", /empty text/],
    ["too long", "A".repeat(201), /longer than 200/],
  ])("refuses a pattern with %s: 400 naming storyKeyPattern", async (_what, pattern, message) => {
    const page = await stack.settings();
    const res = await page.call("GET", query(pattern));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ message: expect.stringMatching(message), field: "storyKeyPattern", code: "invalid-story-key-pattern" });
    expect(errorShapeProblems(res.body)).toEqual([]);
  });

  test("refuses a pattern given twice", async () => {
    const page = await stack.settings();
    const res = await page.call("GET", `${PREVIEW}?pattern=a&pattern=b`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "malformed", field: "storyKeyPattern" });
  });

  test("reads only the repository of the page's session, whatever the query says", async () => {
    const { page } = await repoWith("preview-mine", ["[MINE-1] mine"]);
    await repoWith("preview-theirs", ["[THEIRS-1] theirs"]);
    const res = await page.call("GET", `${PREVIEW}?repo=acme/preview-theirs&repoUuid=${encodeURIComponent(stack.repoUuid("acme/preview-theirs"))}`);
    expect(res.status).toBe(200);
    expect(res.body.commits.map((c: { keys: string[] }) => c.keys)).toEqual([["MINE-1"]]);
  });

  test("needs the page's tokens", async () => {
    const page = await stack.settings();
    expect((await page.call("GET", PREVIEW, undefined, { Authorization: "" })).status).toBe(401);
    expect((await page.call("GET", PREVIEW, undefined, { "X-ARM-Session": "forged" })).status).toBeGreaterThanOrEqual(401);
  });

  test("reports Bitbucket failing as a plain 5xx sentence", async () => {
    const { page } = await repoWith("preview-down", ["[DOWN-1] x"]);
    const fault = stack.bitbucket.faults.add({ method: "GET", pathPattern: /\/commits(\?|$)/, status: 403, times: 1 });
    const res = await page.call("GET", PREVIEW);
    stack.bitbucket.faults.remove(fault.id);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error.code).toMatch(/^bitbucket-/);
    expect(errorShapeProblems(res.body)).toEqual([]);
  });

  test("a connection stores the pattern and the ALM sync choice, shows them, and the preview uses the saved pattern", async () => {
    const { repo, page } = await repoWith("preview-saved", ["fixes #12", "[SAVED-1] x"]);
    const first = await page.call("PUT", "/api/connection", connectBody(stack));
    expect(first.status).toBe(200);
    expect(first.body.connection).toMatchObject({ storyKeyPattern: null, almSyncOnlyStoryCommits: true });

    const custom = await page.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined, storyKeyPattern: " #\\d+ ", almSyncOnlyStoryCommits: false });
    expect(custom.status).toBe(200);
    expect(custom.body.connection).toMatchObject({ storyKeyPattern: "#\\d+", almSyncOnlyStoryCommits: false });
    const row = (await stack.db.rows("connections")).find((r) => r.repo_uuid === stack.repoUuid(repo))!;
    expect(row).toMatchObject({ story_key_pattern: "#\\d+" });
    expect(Boolean(row.alm_sync_only_story_commits)).toBe(false);

    const preview = await page.call("GET", PREVIEW);
    expect(preview.body).toMatchObject({ pattern: "#\\d+", isDefault: false });
    expect(preview.body.commits.map((c: { keys: string[] }) => c.keys)).toEqual([[], ["#12"]]);

    // Omitted fields keep their saved values (an older page, a CLI that only changes triggers).
    const kept = await page.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined });
    expect(kept.body.connection).toMatchObject({ storyKeyPattern: "#\\d+", almSyncOnlyStoryCommits: false });
    expect((await page.call("GET", "/api/connection")).body.connection).toMatchObject({ storyKeyPattern: "#\\d+", almSyncOnlyStoryCommits: false });

    // A refused pattern changes nothing.
    const before = await stack.db.snapshot();
    const bad = await page.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined, storyKeyPattern: "(a+)+" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: "storyKeyPattern", code: "invalid-story-key-pattern" });
    expect(await stack.db.snapshot()).toEqual(before);

    // Null (or blank) goes back to the default.
    const reset = await page.call("PUT", "/api/connection", { ...connectBody(stack), token: undefined, storyKeyPattern: null, almSyncOnlyStoryCommits: true });
    expect(reset.body.connection).toMatchObject({ storyKeyPattern: null, almSyncOnlyStoryCommits: true });
    expect((await page.call("GET", PREVIEW)).body).toMatchObject({ pattern: DEFAULT_STORY_KEY_PATTERN, isDefault: true });
    expect(leakedSecrets(stack)).toEqual([]);
  });

  test.each([
    ["a number", { storyKeyPattern: 7 }, "storyKeyPattern"],
    ["a string flag", { almSyncOnlyStoryCommits: "yes" }, "almSyncOnlyStoryCommits"],
  ])("refuses %s as a malformed request", async (_what, fields, field) => {
    const page = await stack.settings(stack.addRepo(`malformed-${field}`));
    const res = await page.call("PUT", "/api/connection", { ...connectBody(stack), ...fields });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "malformed", field });
  });

  test("the commits API lists a push's new commits with include and exclude (the relay's loader for truncated pushes)", async () => {
    const repo = stack.addRepo("push-range");
    const [base] = stack.bitbucket.addCommits(repo, [{ message: "base" }]);
    const added = stack.bitbucket.addCommits(repo, Array.from({ length: 7 }, (_, i) => ({ message: `c${i}` })));
    stack.bitbucket.addCommits(repo, [{ message: "elsewhere" }], "other");
    const app = stack.installed(repo);
    const client = new BitbucketClient({ creds: { appKey: app.key, clientKey: app.clientKey, sharedSecret: app.sharedSecret, baseApiUrl: stack.bitbucket.url } });
    const [workspace, slug] = repo.split("/");
    const listed = await client.listCommits(workspace, slug, { limit: 100, include: [added[6].hash], exclude: [base.hash] });
    expect(listed.map((c) => c.message)).toEqual(["c6", "c5", "c4", "c3", "c2", "c1", "c0"]);
    expect((await client.listCommits(workspace, slug, { limit: 100 })).map((c) => c.message)).toContain("elsewhere");
  });
});
