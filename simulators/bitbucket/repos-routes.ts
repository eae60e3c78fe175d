/** Repositories and commits: `/2.0/repositories/{workspace}[/{repo_slug}[/commits[/{revision}] | /commit/{hash}]]`. */
import { Router, type Request, type Response } from "express";
import { hasScopes, repoFor } from "./access";
import { commitLog, resolveRevision } from "./commits";
import type { SimContext } from "./context";
import { sendError } from "./errors";
import { sendPage } from "./pagination";
import { restCommit, restRepository } from "./representations";
import type { RepoData } from "./state";
import type { InstalledApp, SimCommit } from "./types";

const REPO = "/repositories/:workspace/:repo_slug";

export function reposRoutes(ctx: SimContext): Router {
  const r = Router();

  r.get("/repositories/:workspace", (req, res) => {
    if (!hasScopes(res, ["repository"])) return;
    const ws = ctx.state.findWorkspace(req.params.workspace);
    if (!ws) return sendError(res, 404, `No workspace with identifier '${req.params.workspace}'.`);
    const app = res.locals.app as InstalledApp;
    const repos = ctx.state.repositories(ws.slug).filter((repo) => ws.slug === app.workspace || !repo.is_private);
    sendPage(res, repos.map((repo) => restRepository(ctx.url, repo, ws)), ctx.url + req.originalUrl);
  });

  r.get(REPO, (req, res) => {
    const data = readable(ctx, req, res);
    if (data) res.json(restRepository(ctx.url, data.repo, ctx.state.findWorkspace(data.repo.workspace)!));
  });

  // `revision` may hold slashes (feature/x), hence the wildcard.
  r.get([`${REPO}/commits`, `${REPO}/commits/:revision(*)`], (req, res) => {
    const data = readable(ctx, req, res);
    if (!data) return;
    const log = filteredLog(data, req);
    if (!log) return sendError(res, 404, "Commit not found");
    sendPage(res, log.map((c) => restCommit(ctx.url, data.repo, c)), ctx.url + req.originalUrl);
  });

  r.get(`${REPO}/commit/:hash`, (req, res) => {
    const data = readable(ctx, req, res);
    if (!data) return;
    const commit = resolveRevision(data, req.params.hash);
    if (!commit || data.branches.has(req.params.hash)) return sendError(res, 404, `Commit ${req.params.hash} not found`);
    res.json(restCommit(ctx.url, data.repo, commit));
  });

  return r;
}

function readable(ctx: SimContext, req: Request, res: Response): RepoData | undefined {
  return hasScopes(res, ["repository"]) ? repoFor(ctx.state, req, res, "read") : undefined;
}

/** `git log <revision> <include…> ^<exclude…>`; every commit when neither revision nor include is given. Undefined if a ref is unknown. */
function filteredLog(data: RepoData, req: Request): SimCommit[] | undefined {
  const list = (name: string) => ([] as unknown[]).concat(req.query[name] ?? []).map(String);
  const includes = [...(req.params.revision ? [req.params.revision] : []), ...list("include")];
  const resolve = (refs: string[]) => refs.map((ref) => resolveRevision(data, ref));
  const from = resolve(includes);
  const excluded = resolve(list("exclude"));
  if ([...from, ...excluded].some((c) => c === undefined)) return undefined;
  const hidden = new Set(excluded.flatMap((c) => commitLog(data, c).map((x) => x.hash)));
  const shown = includes.length ? new Set(from.flatMap((c) => commitLog(data, c).map((x) => x.hash))) : undefined;
  return commitLog(data).filter((c) => !hidden.has(c.hash) && (!shown || shown.has(c.hash)));
}

