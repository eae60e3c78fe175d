/**
 * The host side of an app's repository settings page: a page like Bitbucket's that embeds the app's
 * adminPage module in an iframe (URL variables substituted, `jwt` appended), answers the AP shim's
 * postMessage calls, and hands out context tokens through `POST /_sim/context-token`.
 */
import { randomUUID } from "node:crypto";
import express, { Router } from "express";
import { apShimScript } from "./ap-shim";
import { signAppRequest, signContextToken } from "./connect-jwt";
import type { SimContext } from "./context";
import { appUrl } from "./descriptor";
import { esc, layout, scriptJson } from "./html";
import type { AdminPageModule, InstalledApp, SimRepository, SimUser, SimWorkspace } from "./types";

export const REPOSITORY_ADMIN = "org.bitbucket.repository.admin";
const MAX_PAGES = 1000;

export function repositoryAdminPages(app: InstalledApp): AdminPageModule[] {
  return (app.descriptor.modules?.adminPages ?? []).filter((m) => m.location === REPOSITORY_ADMIN);
}

export function settingsPagePath(repo: SimRepository, app: InstalledApp, module: AdminPageModule): string {
  return `/${repo.full_name}/admin/addon/admin/${encodeURIComponent(app.key)}/${encodeURIComponent(module.key)}`;
}

/** What the page's context token and AP.context.getContext() carry. */
export function pageContext(ws: SimWorkspace, repo: SimRepository, user: SimUser) {
  return {
    user: { uuid: user.uuid, accountId: user.account_id, nickname: user.nickname, displayName: user.display_name },
    workspace: { uuid: ws.uuid, slug: ws.slug },
    repository: { uuid: repo.uuid, full_name: repo.full_name, name: repo.name },
  };
}

/** The iframe URL: the module URL with its variables filled in, then `jwt` (qsh over everything else). */
export function adminPageIframeUrl(app: InstalledApp, module: AdminPageModule, ws: SimWorkspace, repo: SimRepository, user: SimUser): string {
  const vars: Record<string, string> = {
    "repository.uuid": repo.uuid,
    "repository.full_name": repo.full_name,
    "repository.slug": repo.slug,
    "workspace.slug": ws.slug,
    "workspace.uuid": ws.uuid,
    "user.uuid": user.uuid,
  };
  const filled = module.url.replace(/\{([\w.]+)\}/g, (_m, name: string) => encodeURIComponent(vars[name] ?? ""));
  const url = new URL(appUrl(app.descriptor, filled));
  url.searchParams.append("jwt", signAppRequest(app, { method: "GET", url: url.toString(), sub: user.uuid }));
  return url.toString();
}

interface OpenPage {
  clientKey: string;
  userUuid: string;
  context: ReturnType<typeof pageContext>;
}

export function hostPageRoutes(ctx: SimContext): Router {
  const r = Router();
  const pages = new Map<string, OpenPage>(); // page id -> who is looking at what

  r.get("/atlassian-connect/all.js", (_req, res) => {
    res.type("application/javascript").send(apShimScript(ctx.url));
  });

  r.get("/:workspace/:repo_slug/admin/addon/admin/:appKey/:moduleKey", (req, res) => {
    const data = ctx.state.findRepository(req.params.workspace, req.params.repo_slug);
    const app = data && ctx.state.appsInWorkspace(data.repo.workspace).find((a) => a.key === req.params.appKey);
    const module = app && repositoryAdminPages(app).find((m) => m.key === req.params.moduleKey);
    const user = typeof req.query.user === "string" ? ctx.state.findUser(req.query.user) : ctx.state.defaultUser();
    if (!data || !app || !module || !user) return void res.status(404).send(layout("Not found", "<h1>Page not found</h1>"));
    const ws = ctx.state.findWorkspace(data.repo.workspace)!;
    const page = randomUUID();
    const context = pageContext(ws, data.repo, user);
    pages.set(page, { clientKey: app.clientKey, userUuid: user.uuid, context });
    if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value!);
    const appOrigin = new URL(app.descriptor.baseUrl).origin;
    const main = `<h1>${esc(module.name?.value ?? module.key)}</h1>
<iframe id="app-frame" title="${esc(app.key)}" src="${esc(adminPageIframeUrl(app, module, ws, data.repo, user))}"></iframe>
<script>${hostScript(appOrigin, page, context)}</script>`;
    res.type("html").send(layout(`${data.repo.full_name} settings`, main, settingsSidebar(ctx, data.repo, req.path)));
  });

  r.get("/:workspace/:repo_slug/admin/webhooks", (req, res) => {
    const data = ctx.state.findRepository(req.params.workspace, req.params.repo_slug);
    if (!data) return void res.status(404).send(layout("Not found", "<h1>Repository not found</h1>"));
    const rows = data.hooks
      .map((h) => `<tr><td>${esc(h.description)}</td><td><code>${esc(h.url)}</code></td><td>${esc(h.events.join(", "))}</td>
<td>${h.active ? "active" : "inactive"}</td><td>${h.secret === null ? "no secret" : "secret set"}</td><td><code>${esc(h.uuid)}</code></td></tr>`)
      .join("");
    const main = `<h1>Webhooks</h1>${rows ? `<table><tr><th>Title</th><th>URL</th><th>Triggers</th><th>Status</th><th>Secret</th><th>UUID</th></tr>${rows}</table>` : "<p>No webhooks.</p>"}`;
    res.type("html").send(layout(`${data.repo.full_name} webhooks`, main, settingsSidebar(ctx, data.repo, req.path)));
  });

  r.post("/_sim/context-token", express.json(), (req, res) => {
    const open = pages.get(String(req.body?.page));
    const app = open && ctx.state.apps.get(open.clientKey);
    if (!open || !app) return void res.status(401).json({ error: "Unknown page, or the app is no longer installed." });
    res.json({ token: signContextToken(app, open.userUuid, open.context) });
  });

  return r;
}

function settingsSidebar(ctx: SimContext, repo: SimRepository, currentPath: string): string {
  const link = (path: string, label: string) => `<a href="${esc(path)}"${path === currentPath ? ' class="current"' : ""}>${esc(label)}</a>`;
  const apps = ctx.state
    .appsInWorkspace(repo.workspace)
    .flatMap((app) => repositoryAdminPages(app).map((m) => link(settingsPagePath(repo, app, m), m.name?.value ?? m.key)))
    .join("");
  return `<h4>Repository settings</h4><a>Repository details</a>${link(`/${repo.full_name}/admin/webhooks`, "Webhooks")}${apps ? `<h4>Apps</h4>${apps}` : ""}`;
}

/** Answers the shim, only for messages from the app's origin and its iframe. */
function hostScript(appOrigin: string, page: string, context: object): string {
  return `(function () {
  "use strict";
  var APP_ORIGIN = ${scriptJson(appOrigin)}, PAGE = ${scriptJson(page)}, CONTEXT = ${scriptJson(context)};
  var frame = document.getElementById("app-frame");
  window.addEventListener("message", function (event) {
    if (event.origin !== APP_ORIGIN || event.source !== frame.contentWindow) return;
    var msg = event.data;
    if (!msg || msg.apSim !== 1) return;
    function reply(result, error) {
      frame.contentWindow.postMessage({ apSimReply: 1, id: msg.id, result: result, error: error }, APP_ORIGIN);
    }
    var args = msg.args || [];
    if (msg.method === "getToken") {
      fetch("/_sim/context-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ page: PAGE }) })
        .then(function (r) { if (!r.ok) throw new Error("context token refused (" + r.status + ")"); return r.json(); })
        .then(function (b) { reply(b.token); }, function (e) { reply(undefined, String(e.message || e)); });
    } else if (msg.method === "getContext") {
      reply(CONTEXT);
    } else if (msg.method === "resize") {
      if (args[0]) frame.style.width = String(args[0]).match(/^\\d+$/) ? args[0] + "px" : String(args[0]);
      if (args[1]) frame.style.height = String(args[1]).match(/^\\d+$/) ? args[1] + "px" : String(args[1]);
      reply(true);
    } else if (msg.method === "sizeToParent") {
      frame.style.height = Math.max(150, window.innerHeight - frame.getBoundingClientRect().top - 16) + "px";
      reply(true);
    } else {
      reply(undefined, "Unknown AP method: " + msg.method);
    }
  });
})();`;
}
