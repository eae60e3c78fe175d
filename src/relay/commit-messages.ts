/** Reads the commits of a truncated push from Bitbucket, for the ALM commit-sync story-key filter. */
import type { BitbucketClient } from "../bitbucket/client";
import type { RepoScope } from "../db/connection-store";

/** A push of more commits than this is judged on its newest ones (a story key in any of them lets it through). */
export const MAX_PUSH_COMMITS_READ = 500;

export type CommitMessageLoader = (change: { oldHash: string | null; newHash: string }) => Promise<string[]>;

/** Like `git log <new> ^<old>`: the commits the push added. */
export function commitMessageLoader(client: BitbucketClient, scope: RepoScope): CommitMessageLoader {
  const workspace = scope.repoFullName.split("/")[0];
  return async ({ oldHash, newHash }) => {
    const commits = await client.listCommits(workspace, scope.repoUuid, {
      limit: MAX_PUSH_COMMITS_READ,
      include: [newHash],
      exclude: oldHash ? [oldHash] : undefined,
    });
    return commits.map((c) => (typeof c.message === "string" ? c.message : ""));
  };
}
