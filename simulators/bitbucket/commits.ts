/** A tiny commit graph per repository: enough for the commits API and for push payloads. */
import { randomHash } from "./ids";
import type { RepoData } from "./state";
import type { SimCommit, SimUser } from "./types";

export interface CommitInput {
  message: string;
  /** Raw author, `Name <email>`. Omitted: the acting user. */
  author?: string;
  date?: string;
  hash?: string;
}

/** Appends commits (oldest first) on top of `branch`, moving its head; returns them oldest first. */
export function appendCommits(data: RepoData, branch: string, inputs: CommitInput[], actor: SimUser): SimCommit[] {
  let parent = data.branches.get(branch) ?? data.branches.get(data.repo.mainbranch);
  const base = Date.now();
  const added = inputs.map((input, i) => {
    const commit: SimCommit = {
      hash: input.hash ?? randomHash(),
      message: input.message,
      // Distinct, increasing dates keep "newest first" well defined within one batch.
      date: input.date ?? new Date(base + i).toISOString(),
      author: input.author ? { raw: input.author } : { raw: `${actor.display_name} <${actor.nickname}@example.com>`, user: actor },
      parents: parent ? [parent] : [],
    };
    data.commits.set(commit.hash, commit);
    data.log.unshift(commit.hash);
    parent = commit.hash;
    return commit;
  });
  if (parent) data.branches.set(branch, parent);
  return added;
}

/** A branch name, a full hash or a unique hash prefix (at least 7 characters). */
export function resolveRevision(data: RepoData, revision: string): SimCommit | undefined {
  const head = data.branches.get(revision);
  if (head) return data.commits.get(head);
  if (revision.length < 7) return undefined;
  const matches = data.log.filter((h) => h.startsWith(revision.toLowerCase()));
  return matches.length === 1 ? data.commits.get(matches[0]) : undefined;
}

/** Commits reachable from `from` (all commits when omitted), newest first, like `git log`. */
export function commitLog(data: RepoData, from?: SimCommit): SimCommit[] {
  if (!from) return data.log.map((h) => data.commits.get(h)!);
  const reachable = new Set<string>();
  const stack = [from.hash];
  while (stack.length) {
    const hash = stack.pop()!;
    if (reachable.has(hash)) continue;
    reachable.add(hash);
    stack.push(...(data.commits.get(hash)?.parents ?? []));
  }
  return data.log.filter((h) => reachable.has(h)).map((h) => data.commits.get(h)!);
}
