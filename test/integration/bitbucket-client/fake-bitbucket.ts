/**
 * A tiny Bitbucket stand-in on 127.0.0.1 for the client tests: repository hooks in memory, JWT checked on every
 * request with atlassian-jwt (including the qsh), and a queue of scripted answers to inject failures.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";

export interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: unknown;
  claims?: Record<string, unknown>;
  jwtProblem?: string;
}

interface StoredHook {
  uuid: string;
  url: string;
  description: string;
  events: string[];
  active: boolean;
  secret: string | null;
}

/** A scripted answer: runs instead of the normal handler for the next request that matches. */
export type Script = {
  match: (req: Seen) => boolean;
  /** `hang`: keep the connection open without answering. `after`: let the normal handler run first (answer lost). */
  respond: { status: number; headers?: Record<string, string>; body?: unknown } | "hang";
  after?: boolean;
};

export class FakeBitbucket {
  readonly seen: Seen[] = [];
  readonly hooks = new Map<string, StoredHook>();
  /** Raw page answers for GET paths, when a test wants to control `next` links. */
  readonly pages = new Map<string, { status?: number; body: unknown }>();
  private scripts: Script[] = [];
  private server?: http.Server;
  private next = 1;
  origin = "";

  constructor(private readonly sharedSecret: string) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  script(s: Script): void {
    this.scripts.push(s);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const seen: Seen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
      this.checkJwt(seen);
      this.seen.push(seen);
      const i = this.scripts.findIndex((s) => s.match(seen));
      const script = i >= 0 ? this.scripts.splice(i, 1)[0] : undefined;
      if (script) {
        if (script.after) this.route(seen, () => undefined);
        if (script.respond === "hang") return; // never answer
        const { status, headers, body } = script.respond;
        return send(res, status, body, headers);
      }
      this.route(seen, (status, body, headers) => send(res, status, body, headers));
    });
  }

  private checkJwt(seen: Seen): void {
    const m = /^JWT (.+)$/.exec(seen.authorization ?? "");
    if (!m) {
      seen.jwtProblem = "no JWT";
      return;
    }
    try {
      seen.claims = decodeSymmetric(m[1], this.sharedSecret, SymmetricAlgorithm.HS256);
      const qsh = createQueryStringHash(fromMethodAndUrl(seen.method, seen.url));
      if (seen.claims!.qsh !== qsh) seen.jwtProblem = "qsh mismatch";
    } catch (e) {
      seen.jwtProblem = (e as Error).message;
    }
  }

  private route(seen: Seen, reply: (status: number, body?: unknown, headers?: Record<string, string>) => void): void {
    if (seen.jwtProblem) return reply(401, { type: "error", error: { message: seen.jwtProblem } });
    const url = new URL(seen.url, this.origin);
    const page = this.pages.get(url.pathname + url.search) ?? this.pages.get(url.pathname);
    if (seen.method === "GET" && page) return reply(page.status ?? 200, page.body);
    const hooksPath = /^\/2\.0\/repositories\/[^/]+\/[^/]+\/hooks(?:\/([^/]+))?$/.exec(url.pathname);
    if (!hooksPath) return reply(404, { type: "error", error: { message: "Resource not found" } });
    const uid = hooksPath[1] === undefined ? undefined : decodeURIComponent(hooksPath[1]);
    const body = seen.body as Partial<StoredHook> | undefined;
    if (uid === undefined && seen.method === "GET") {
      return reply(200, { pagelen: 100, values: [...this.hooks.values()].map(view) });
    }
    if (uid === undefined && seen.method === "POST") {
      const h: StoredHook = {
        uuid: `{hook-${this.next++}}`,
        url: String(body?.url),
        description: body?.description ?? "",
        events: [...(body?.events ?? [])].sort(),
        active: body?.active ?? true,
        secret: body?.secret ?? null,
      };
      this.hooks.set(h.uuid, h);
      return reply(201, view(h), { location: `${this.origin}${url.pathname}/${encodeURIComponent(h.uuid)}` });
    }
    const existing = uid === undefined ? undefined : this.hooks.get(uid);
    if (!existing) return reply(404, { type: "error", error: { message: "Resource not found" } });
    if (seen.method === "PUT") {
      const h: StoredHook = {
        ...existing,
        ...(body?.url !== undefined ? { url: body.url } : {}),
        ...(body?.description !== undefined ? { description: body.description } : {}),
        ...(body?.events !== undefined ? { events: [...body.events].sort() } : {}),
        ...(body?.active !== undefined ? { active: body.active } : {}),
        ...(body && "secret" in body ? { secret: body.secret ?? null } : {}),
      };
      this.hooks.set(h.uuid, h);
      return reply(200, view(h));
    }
    if (seen.method === "DELETE") {
      this.hooks.delete(existing.uuid);
      return reply(204);
    }
    return reply(405);
  }
}

function view(h: StoredHook) {
  const { secret, ...rest } = h;
  return { ...rest, secret_set: secret !== null && secret !== "", subject_type: "repository", created_at: "2026-01-01T00:00:00Z" };
}

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { "content-type": "application/json" } : {}), ...headers });
  res.end(text);
}
