/**
 * Event payloads as Bitbucket Cloud sends them (REFERENCE section 4): `repo:push` with `push.changes[]`
 * (old/new refs, at most 5 commits, `truncated` beyond) and `pullrequest:*` with 12-character short hashes.
 * Building a push also records its commits, so the commits API sees them.
 */
import { appendCommits, type CommitInput } from "./commits";
import type { RepoData } from "./state";
import { restCommit, restRepository, restRepositorySummary, restUser } from "./representations";
import type { SimCommit, SimUser, SimWorkspace } from "./types";

const MAX_PUSH_COMMITS = 5;

export interface PushInput {
  branch: string;
  commits: CommitInput[]; // oldest first
  /** Delete the branch instead (`new` is null; `commits` must be empty). */
  deleted?: boolean;
  forced?: boolean;
}

export type PullRequestAction = "created" | "updated" | "fulfilled" | "rejected";

export interface PullRequestInput {
  id: number;
  action: PullRequestAction;
  title?: string;
  description?: string;
  source?: string; // branch; default `feature/pr-<id>`
  destination?: string; // branch; default the main branch
}

export interface Payload {
  event: string; // X-Event-Key
  body: object;
}

export function pushPayload(base: string, data: RepoData, ws: SimWorkspace, actor: SimUser, input: PushInput): Payload {
  const oldHead = data.branches.get(input.branch);
  const old = oldHead ? data.commits.get(oldHead)! : undefined;
  const added = input.deleted ? [] : appendCommits(data, input.branch, input.commits, actor);
  if (input.deleted) data.branches.delete(input.branch);
  const head = added.at(-1) ?? (input.deleted ? undefined : old);
  const api = `${base}/2.0/repositories/${data.repo.full_name}`;
  const change = {
    old: old ? branchRef(base, data, input.branch, old) : null,
    new: head ? branchRef(base, data, input.branch, head) : null,
    created: !old,
    closed: Boolean(input.deleted),
    forced: Boolean(input.forced),
    truncated: added.length > MAX_PUSH_COMMITS,
    commits: [...added].reverse().slice(0, MAX_PUSH_COMMITS).map((c) => restCommit(base, data.repo, c)),
    links: {
      commits: { href: `${api}/commits?include=${head?.hash ?? ""}${old ? `&exclude=${old.hash}` : ""}` },
      html: { href: `${base}/${data.repo.full_name}/branch/${input.branch}` },
    },
  };
  return { event: "repo:push", body: { push: { changes: [change] }, repository: restRepository(base, data.repo, ws), actor: restUser(base, actor) } };
}

export function pullRequestPayload(base: string, data: RepoData, ws: SimWorkspace, actor: SimUser, input: PullRequestInput): Payload {
  const sourceBranch = input.source ?? `feature/pr-${input.id}`;
  const destinationBranch = input.destination ?? data.repo.mainbranch;
  const destination = headOf(data, destinationBranch, actor);
  const source = input.action === "updated" ? appendCommits(data, sourceBranch, [{ message: `Update pull request #${input.id}` }], actor)[0] : headOf(data, sourceBranch, actor);
  const state = { created: "OPEN", updated: "OPEN", fulfilled: "MERGED", rejected: "DECLINED" }[input.action];
  const now = new Date().toISOString();
  const end = (branch: string, commit: SimCommit) => ({
    branch: { name: branch },
    commit: { type: "commit", hash: commit.hash.slice(0, 12), links: { self: { href: `${base}/2.0/repositories/${data.repo.full_name}/commit/${commit.hash.slice(0, 12)}` } } },
    repository: restRepositorySummary(base, data.repo),
  });
  const prUrl = `${base}/2.0/repositories/${data.repo.full_name}/pullrequests/${input.id}`;
  const pullrequest = {
    type: "pullrequest",
    id: input.id,
    title: input.title ?? `Pull request #${input.id}`,
    description: input.description ?? "",
    state,
    draft: false,
    author: restUser(base, actor),
    source: end(sourceBranch, source),
    destination: end(destinationBranch, destination),
    merge_commit: null,
    comment_count: 0,
    task_count: 0,
    close_source_branch: false,
    closed_by: state === "OPEN" ? null : restUser(base, actor),
    reason: "",
    created_on: now,
    updated_on: now,
    reviewers: [],
    participants: [],
    links: { self: { href: prUrl }, html: { href: `${base}/${data.repo.full_name}/pull-requests/${input.id}` } },
  };
  return { event: `pullrequest:${input.action}`, body: { pullrequest, repository: restRepository(base, data.repo, ws), actor: restUser(base, actor) } };
}

function branchRef(base: string, data: RepoData, branch: string, target: SimCommit) {
  const api = `${base}/2.0/repositories/${data.repo.full_name}`;
  return {
    type: "branch",
    name: branch,
    target: restCommit(base, data.repo, target),
    links: {
      self: { href: `${api}/refs/branches/${branch}` },
      commits: { href: `${api}/commits/${branch}` },
      html: { href: `${base}/${data.repo.full_name}/branch/${branch}` },
    },
  };
}

/** The branch's head, committing an initial commit to an empty branch so a pull request has something to point at. */
function headOf(data: RepoData, branch: string, actor: SimUser): SimCommit {
  const head = data.branches.get(branch);
  return head ? data.commits.get(head)! : appendCommits(data, branch, [{ message: `Start ${branch}` }], actor)[0];
}
