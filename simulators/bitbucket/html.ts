/** A page frame that looks a little like Bitbucket, and escaping for what goes into it. */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to place inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function layout(title: string, main: string, sidebar = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Bitbucket (simulator)</title>
<style>
  body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, sans-serif; color: #172b4d; }
  header { background: #0747a6; color: #fff; padding: 10px 20px; font-weight: 600; }
  header a { color: #fff; text-decoration: none; }
  .wrap { display: flex; min-height: calc(100vh - 42px); }
  nav { width: 220px; background: #f4f5f7; padding: 16px; box-sizing: border-box; }
  nav h4 { margin: 16px 0 6px; font-size: 11px; text-transform: uppercase; color: #6b778c; }
  nav a { display: block; padding: 4px 8px; color: #42526e; text-decoration: none; border-radius: 3px; }
  nav a.current { background: #deebff; color: #0052cc; }
  main { flex: 1; padding: 20px 28px; }
  table { border-collapse: collapse; } td, th { border-bottom: 1px solid #dfe1e6; padding: 6px 10px; text-align: left; vertical-align: top; }
  iframe { border: 0; width: 100%; height: 600px; display: block; }
  code { background: #f4f5f7; padding: 1px 4px; border-radius: 3px; }
</style></head>
<body><header><a href="/">Bitbucket</a> <small>(simulator)</small></header>
<div class="wrap">${sidebar ? `<nav>${sidebar}</nav>` : ""}<main>${main}</main></div>
</body></html>`;
}
