/** `/2.0/repositories/{workspace}/{repo_slug}/hooks[/{uid}]` and `/2.0/hook_events/{subject_type}`. */
import { Router, type Request, type RequestHandler, type Response } from "express";
import { hasScopes, repoFor } from "./access";
import type { SimContext } from "./context";
import { sendError } from "./errors";
import { describeEvent, REPOSITORY_EVENTS } from "./hook-events";
import { validateHookBody, type HookChanges } from "./hook-validation";
import { braceUuid, sameUuid } from "./ids";
import { sendPage } from "./pagination";
import { hookUrl, restHook } from "./representations";
import { scopeForEvent } from "./scopes";
import type { RepoData } from "./state";
import type { SimHook } from "./types";

const HOOKS = "/repositories/:workspace/:repo_slug/hooks";
const WORKSPACE_ONLY_EVENTS = ["pipeline:span_created", "project:updated"];

/** Routes that need an authenticated app (the caller mounts the JWT check first). */
export function hooksRoutes(ctx: SimContext): Router {
  const r = Router();

  r.get(HOOKS, (req, res) => {
    const data = hooksRepo(ctx, req, res);
    if (!data) return;
    sendPage(res, data.hooks.map((h) => restHook(ctx.url, data.repo, h)), ctx.url + req.originalUrl);
  });

  r.post(HOOKS, (req, res) => {
    const data = hooksRepo(ctx, req, res);
    if (!data) return;
    const changes = validChanges(ctx, req, res, "create");
    if (!changes || !hasScopes(res, eventScopes(changes.events!))) return;
    const hook = newHook(changes);
    data.hooks.push(hook);
    res.status(201).location(hookUrl(ctx.url, data.repo, hook.uuid)).json(restHook(ctx.url, data.repo, hook));
  });

  r.get(`${HOOKS}/:uid`, (req, res) => {
    const found = hookOf(ctx, req, res);
    if (found) res.json(restHook(ctx.url, found.data.repo, found.hook));
  });

  r.put(`${HOOKS}/:uid`, (req, res) => {
    const found = hookOf(ctx, req, res, "write");
    if (!found) return;
    const changes = validChanges(ctx, req, res, "update");
    if (!changes || !hasScopes(res, eventScopes(changes.events ?? found.hook.events))) return;
    Object.assign(found.hook, changes);
    res.json(restHook(ctx.url, found.data.repo, found.hook));
  });

  r.delete(`${HOOKS}/:uid`, (req, res) => {
    const found = hookOf(ctx, req, res, "write");
    if (!found) return;
    found.data.hooks.splice(found.data.hooks.indexOf(found.hook), 1);
    res.status(204).end();
  });

  return r;
}

/** `GET /2.0/hook_events/{subject_type}`: public data, no scope needed (the caller still checks a token when one is sent). */
export function hookEventsHandler(ctx: SimContext): RequestHandler {
  return (req, res) => {
    const events = { repository: [...REPOSITORY_EVENTS], workspace: [...REPOSITORY_EVENTS, ...WORKSPACE_ONLY_EVENTS].sort() }[
      req.params.subject_type
    ];
    if (!events) return sendError(res, 404, `Invalid subject type: ${req.params.subject_type}`);
    sendPage(res, events.map(describeEvent), ctx.url + req.originalUrl);
  };
}

function hooksRepo(ctx: SimContext, req: Request, res: Response): RepoData | undefined {
  if (!hasScopes(res, ["webhook"])) return undefined;
  return repoFor(ctx.state, req, res, "admin");
}

function hookOf(ctx: SimContext, req: Request, res: Response, intent: "read" | "write" = "read") {
  const data = hooksRepo(ctx, req, res);
  if (!data) return undefined;
  const hook = data.hooks.find((h) => sameUuid(h.uuid, req.params.uid));
  if (!hook) return void sendError(res, 404, `Webhook ${req.params.uid} not found`);
  // Assumption: read-only hooks (made by Bitbucket or another app) cannot be changed through the API.
  if (intent === "write" && hook.read_only) return void sendError(res, 403, "This webhook is read-only.");
  return { data, hook };
}

function validChanges(ctx: SimContext, req: Request, res: Response, mode: "create" | "update"): HookChanges | undefined {
  const v = validateHookBody(req.body, { mode, allowInternalHookUrls: ctx.allowInternalHookUrls });
  if (!v.ok) return void sendError(res, 400, v.message, { fields: v.fields });
  return v.changes;
}

function eventScopes(events: string[]): string[] {
  return ["webhook", ...events.map(scopeForEvent)];
}

/** A hook with Bitbucket's defaults for whatever the caller left out; also used to plant hooks. */
export function newHook(fields: HookChanges & Partial<SimHook>): SimHook {
  return {
    uuid: fields.uuid ?? braceUuid(),
    url: fields.url ?? "",
    description: fields.description ?? "",
    events: [...new Set(fields.events ?? [])].sort(),
    active: fields.active ?? true,
    secret: fields.secret ?? null,
    created_at: fields.created_at ?? new Date().toISOString(),
    skip_cert_verification: fields.skip_cert_verification ?? false,
    history_enabled: fields.history_enabled ?? false,
    read_only: fields.read_only ?? false,
  };
}
