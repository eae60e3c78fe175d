/** `GET /`: installed apps and repositories, with links to their settings pages (the sandbox's front door). */
import type { RequestHandler } from "express";
import type { SimContext } from "./context";
import { repositoryAdminPages, settingsPagePath } from "./host-page";
import { esc, layout } from "./html";

export function indexPage(ctx: SimContext): RequestHandler {
  return (_req, res) => {
    const apps = [...ctx.state.apps.values()];
    const appRows = apps
      .map((a) => `<tr><td>${esc(a.descriptor.name ?? a.key)}</td><td><code>${esc(a.key)}</code></td><td>${esc(a.workspace)}</td><td>${esc(a.installedAt)}</td></tr>`)
      .join("");
    const repoRows = ctx.state
      .repositories()
      .map((repo) => {
        const links = apps
          .filter((a) => a.workspace === repo.workspace)
          .flatMap((a) => repositoryAdminPages(a).map((m) => `<a href="${esc(settingsPagePath(repo, a, m))}">${esc(m.name?.value ?? m.key)}</a>`));
        links.push(`<a href="/${esc(repo.full_name)}/admin/webhooks">Webhooks</a>`);
        return `<tr><td>${esc(repo.full_name)}</td><td>${repo.is_private ? "private" : "public"}</td><td>${links.join(" · ")}</td></tr>`;
      })
      .join("");
    const main = `<h1>Bitbucket Cloud simulator</h1>
<h2>Installed apps</h2>${appRows ? `<table><tr><th>Name</th><th>Key</th><th>Workspace</th><th>Installed</th></tr>${appRows}</table>` : "<p>None.</p>"}
<h2>Repositories</h2>${repoRows ? `<table><tr><th>Repository</th><th>Visibility</th><th>Settings</th></tr>${repoRows}</table>` : "<p>None.</p>"}
<p>API root: <code>${esc(ctx.url)}/2.0</code>. Control API under <code>/_sim/</code>.</p>`;
    res.type("html").send(layout("Simulator", main));
  };
}
