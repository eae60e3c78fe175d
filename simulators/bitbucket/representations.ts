/**
 * Bitbucket's JSON for the simulator's objects. `base` is the simulator URL, which plays both
 * https://bitbucket.org (html links) and https://api.bitbucket.org (self links).
 */
import { encodeUuidSegment } from "./ids";
import type { SimCommit, SimHook, SimRepository, SimUser, SimWorkspace } from "./types";

const href = (h: string) => ({ href: h });

export function restUser(base: string, u: SimUser) {
  return {
    type: "user",
    uuid: u.uuid,
    account_id: u.account_id,
    nickname: u.nickname,
    display_name: u.display_name,
    links: {
      self: href(`${base}/2.0/users/${encodeUuidSegment(u.uuid)}`),
      html: href(`${base}/${encodeUuidSegment(u.uuid)}/`),
      avatar: href(`${base}/account/${u.nickname}/avatar/`),
    },
  };
}

export function restWorkspace(base: string, ws: SimWorkspace) {
  return {
    type: "workspace",
    uuid: ws.uuid,
    slug: ws.slug,
    name: ws.name,
    links: {
      self: href(`${base}/2.0/workspaces/${ws.slug}`),
      html: href(`${base}/${ws.slug}/`),
      avatar: href(`${base}/workspaces/${ws.slug}/avatar/`),
    },
  };
}

/** The short form Bitbucket embeds in hooks, commits and event payloads. */
export function restRepositorySummary(base: string, repo: SimRepository) {
  return {
    type: "repository",
    full_name: repo.full_name,
    name: repo.name,
    uuid: repo.uuid,
    links: {
      self: href(`${base}/2.0/repositories/${repo.full_name}`),
      html: href(`${base}/${repo.full_name}`),
      avatar: href(`${base}/${repo.full_name}/avatar/32/`),
    },
  };
}

export function restRepository(base: string, repo: SimRepository, ws: SimWorkspace) {
  const api = `${base}/2.0/repositories/${repo.full_name}`;
  return {
    ...restRepositorySummary(base, repo),
    slug: repo.slug,
    is_private: repo.is_private,
    scm: "git",
    description: "",
    language: "",
    website: null,
    parent: null,
    size: 0,
    has_issues: false,
    has_wiki: false,
    fork_policy: "no_public_forks",
    created_on: repo.created_on,
    updated_on: repo.created_on,
    mainbranch: { type: "branch", name: repo.mainbranch },
    owner: { type: "team", uuid: ws.uuid, username: ws.slug, display_name: ws.name },
    workspace: restWorkspace(base, ws),
    links: {
      ...restRepositorySummary(base, repo).links,
      hooks: href(`${api}/hooks`),
      commits: href(`${api}/commits`),
      pullrequests: href(`${api}/pullrequests`),
    },
  };
}

export function restCommit(base: string, repo: SimRepository, c: SimCommit) {
  const commitLinks = (hash: string) => ({
    self: href(`${base}/2.0/repositories/${repo.full_name}/commit/${hash}`),
    html: href(`${base}/${repo.full_name}/commits/${hash}`),
  });
  return {
    type: "commit",
    hash: c.hash,
    date: c.date,
    message: c.message,
    summary: { type: "rendered", raw: c.message, markup: "markdown", html: "" },
    author: { type: "author", raw: c.author.raw, ...(c.author.user ? { user: restUser(base, c.author.user) } : {}) },
    parents: c.parents.map((p) => ({ type: "commit", hash: p, links: commitLinks(p) })),
    repository: restRepositorySummary(base, repo),
    links: commitLinks(c.hash),
  };
}

/** A hook as the REST API shows it: `secret` never, `secret_set` instead. */
export function restHook(base: string, repo: SimRepository, h: SimHook) {
  return {
    type: "webhook_subscription",
    uuid: h.uuid,
    url: h.url,
    description: h.description,
    subject_type: "repository",
    subject: restRepositorySummary(base, repo),
    active: h.active,
    events: [...h.events],
    secret_set: h.secret !== null,
    created_at: h.created_at,
    skip_cert_verification: h.skip_cert_verification,
    history_enabled: h.history_enabled,
    read_only: h.read_only,
    links: { self: href(hookUrl(base, repo, h.uuid)) },
  };
}

export function hookUrl(base: string, repo: SimRepository, uuid: string): string {
  return `${base}/2.0/repositories/${repo.full_name}/hooks/${encodeUuidSegment(uuid)}`;
}
