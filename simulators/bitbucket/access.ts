/**
 * What an installed app may see. An app acts for the one workspace it is installed in:
 * - its workspace's repositories: full access (hooks included);
 * - another workspace's public repository: read only; its hooks answer 403;
 * - another workspace's private repository: 404, as Bitbucket hides private repositories it will not show.
 */
import type { Request, Response } from "express";
import { sendError } from "./errors";
import { grantedScopes, missingScopes } from "./scopes";
import type { RepoData, SimState } from "./state";
import type { InstalledApp } from "./types";

export type Need = "read" | "admin";

/** The repository of `:workspace/:repo_slug` if the caller may use it as `need` says; otherwise answers and returns undefined. */
export function repoFor(state: SimState, req: Request, res: Response, need: Need): RepoData | undefined {
  const app = res.locals.app as InstalledApp;
  const { workspace, repo_slug } = req.params;
  const data = state.findRepository(workspace, repo_slug);
  const visible = data && (data.repo.workspace === app.workspace || !data.repo.is_private);
  if (!data || !visible) {
    sendError(res, 404, `Repository ${workspace}/${repo_slug} not found`);
    return undefined;
  }
  if (need === "admin" && data.repo.workspace !== app.workspace) {
    sendError(res, 403, "You must be an administrator of this repository to manage its webhooks.");
    return undefined;
  }
  return data;
}

/** Answers 403 naming the missing scopes and returns false when the app lacks one. */
export function hasScopes(res: Response, required: string[]): boolean {
  const granted = grantedScopes((res.locals.app as InstalledApp).descriptor);
  const missing = missingScopes(granted, required);
  if (missing.length === 0) return true;
  sendError(res, 403, `Your credentials lack one or more required privilege scopes (missing: ${missing.join(", ")}).`, {
    detail: { granted: [...granted].sort(), required: [...new Set(required)].sort() },
  });
  return false;
}
