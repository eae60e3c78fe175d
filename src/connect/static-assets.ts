/**
 * The settings page's bundle under /static: compressed when the browser accepts it (the JavaScript is ~1 MB, a
 * quarter of that gzipped), and linked with a content version (`?v=`), so a browser may keep a versioned URL for
 * a year and still never runs an old bundle after a deploy. Unversioned or outdated URLs are revalidated.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compression from "compression";
import express, { Router, type NextFunction, type Request, type Response } from "express";

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

/** Content versions by file, recomputed when the file changes (a rebuild while the app runs). */
export class AssetVersions {
  private readonly known = new Map<string, { stamp: string; version: string }>();

  constructor(private readonly dir: string) {}

  /** The first 16 hex digits of the file's SHA-256, or null when it does not exist. `known`: a stat already taken. */
  version(file: string, known?: fs.Stats): string | null {
    const full = path.join(this.dir, file);
    let stat: fs.Stats;
    try {
      stat = known ?? fs.statSync(full);
    } catch {
      return null;
    }
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.known.get(file);
    if (cached?.stamp === stamp) return cached.version;
    const version = createHash("sha256").update(fs.readFileSync(full)).digest("hex").slice(0, 16);
    this.known.set(file, { stamp, version });
    return version;
  }

  /** `${baseUrl}/static/<file>?v=<version>` (no version when the file is missing: the request will 404 plainly). */
  url(baseUrl: string, file: string): string {
    const version = this.version(file);
    return `${baseUrl}/static/${file}${version === null ? "" : `?v=${version}`}`;
  }
}

export function staticAssets(dir: string, versions: AssetVersions): Router {
  const router = Router();
  router.use(compression());
  router.use(
    express.static(dir, {
      fallthrough: false,
      cacheControl: false, // set below, per request
      setHeaders(res, file, stat) {
        const req = (res as unknown as { req: Request }).req;
        const current = versions.version(path.relative(dir, file), stat);
        res.setHeader("Cache-Control", current !== null && req.query.v === current ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  router.use(staticError);
  return router;
}

/** serve-static's refusals (a missing file, a bad path) as plain text: Express's own page would show a stack trace outside production. */
function staticError(err: { status?: number; statusCode?: number }, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return void res.destroy(); // failed mid-file: nothing sensible can follow
  const status = err.status ?? err.statusCode ?? 500;
  res.status(status >= 400 && status < 500 ? status : 500).type("text/plain").send(status === 404 ? "Not found" : "The file could not be served");
}
