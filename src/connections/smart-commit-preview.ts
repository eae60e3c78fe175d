/**
 * The settings page's smart-commit preview: the repository's recent commits and the story keys a pattern
 * finds in them. Works before the repository is connected (the app is installed in the workspace, so it can
 * read commits). Plain inputs and outputs, no HTTP.
 */
import type { BitbucketClient } from "../bitbucket/client";
import type { BitbucketCommit } from "../bitbucket/types";
import type { ConnectionStore, RepoScope } from "../db/connection-store";
import type { Tenant, TenantStore } from "../db/tenant-store";
import { DEFAULT_STORY_KEY_PATTERN, storyKeysIn } from "../relay/smart-commits";
import { parseStoryKeyPattern } from "./connect-input";
import { UserError } from "./errors";
import type { PreviewCommit, SmartCommitPreview } from "./views";

export const PREVIEW_COMMITS = 30;
const MAX_LINE = 200;

export interface SmartCommitPreviewDeps {
  store: Pick<ConnectionStore, "get">;
  tenants: Pick<TenantStore, "get">;
  bitbucketFor: (tenant: Tenant) => BitbucketClient;
}

/** "Jane Doe <jane@example.com>" → "Jane Doe": the page shows who, and has no use for addresses. */
function authorOf(commit: BitbucketCommit): string {
  const name = commit.author?.user?.display_name ?? commit.author?.raw?.replace(/\s*<[^>]*>\s*$/, "").trim();
  return name || "unknown";
}

function firstLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0].trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

export class SmartCommitPreviewer {
  constructor(private readonly deps: SmartCommitPreviewDeps) {}

  /** `rawPattern`: undefined uses the saved pattern (or the default); blank uses the default; anything else must validate. */
  async preview(scope: RepoScope, rawPattern: string | undefined): Promise<SmartCommitPreview> {
    const pattern =
      rawPattern === undefined ? ((await this.deps.store.get(scope))?.smartCommits.storyKeyPattern ?? null) : parseStoryKeyPattern(rawPattern);
    const tenant = await this.deps.tenants.get(scope.clientKey);
    if (!tenant) throw new UserError("The app is no longer installed in this workspace.", "not-installed", undefined, 404);
    const workspace = scope.repoFullName.split("/")[0];
    const commits = await this.deps.bitbucketFor(tenant).listCommits(workspace, scope.repoUuid, { limit: PREVIEW_COMMITS });
    return {
      pattern: pattern ?? DEFAULT_STORY_KEY_PATTERN,
      isDefault: pattern === null,
      commits: commits.map(
        (c): PreviewCommit => ({ hash: c.hash.slice(0, 12), message: firstLine(c.message ?? ""), author: authorOf(c), date: c.date, keys: storyKeysIn(c.message ?? "", pattern) }),
      ),
    };
  }
}
