/**
 * A small typed client for the Bitbucket Cloud REST API, acting as the installed app (JWT per request).
 * Retries follow classifyResponse; every failure surfaces as a BitbucketApiError with an admin-facing message.
 * Secrets and the Authorization header are never logged.
 */
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import type { HookBody, RemoteHook, RepoHooksApi } from "../hooks/types";
import { classifyResponse, type ResponseFacts } from "./classify-response";
import { BitbucketApiError } from "./errors";
import { networkErrorKind } from "./network-error";
import { signAppRequest } from "./sign-request";
import type { AppCredentials, BitbucketCommit, BitbucketRepository, Page, WebhookSubscription } from "./types";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type Query = Record<string, string | number | string[] | undefined>;

export interface ClientLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BitbucketClientOptions {
  creds: AppCredentials;
  /** Defaults to one keep-alive Agent shared by every client in the process. */
  dispatcher?: Dispatcher;
  /** Per attempt, covering connect, headers and body. */
  timeoutMs?: number;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
  random?: () => number;
  logger?: ClientLogger;
}

export interface ApiResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** Bitbucket's maximum page size. */
export const PAGE_LENGTH = 100;
/** A runaway `next` chain stops here (100,000 items at full pages). */
const MAX_PAGES = 1000;

let sharedAgent: Agent | undefined;
function defaultDispatcher(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  return sharedAgent;
}

/** One path segment; `{uuid}` becomes `%7Buuid%7D` as Bitbucket expects. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

type Outcome = Omit<ResponseFacts, "method" | "attempt"> & { unreadable?: boolean };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function unexpected(message: string): BitbucketApiError {
  return new BitbucketApiError(message, { code: "unexpected-response", retryable: false });
}

function toRemoteHook(raw: WebhookSubscription | undefined): RemoteHook {
  if (!raw || typeof raw.uuid !== "string" || typeof raw.url !== "string") {
    throw unexpected("Bitbucket sent a webhook without an id or URL.");
  }
  return {
    uuid: raw.uuid,
    url: raw.url,
    description: raw.description ?? "",
    events: Array.isArray(raw.events) ? raw.events : [],
    active: raw.active === true,
    secret_set: raw.secret_set === true,
  };
}

export class BitbucketClient {
  private readonly creds: AppCredentials;
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger?: ClientLogger;

  constructor(opts: BitbucketClientOptions) {
    this.creds = { ...opts.creds, baseApiUrl: opts.creds.baseApiUrl.replace(/\/+$/, "") };
    this.base = new URL(this.creds.baseApiUrl);
    this.dispatcher = opts.dispatcher ?? defaultDispatcher();
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.logger = opts.logger;
  }

  /** `path` is relative to baseApiUrl and starts with `/2.0/`; segments must already be encoded (see pathSegment). */
  async request<T>(method: HttpMethod, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<ApiResponse<T>> {
    return this.send<T>(method, this.urlFor(path, opts.query), opts.body);
  }

  /** Every value of a paginated list, following Bitbucket's `next` links as given. Stops early at `opts.limit` items. */
  async paginate<T>(path: string, query: Query = {}, opts: { limit?: number } = {}): Promise<T[]> {
    const limit = opts.limit ?? Infinity;
    const values: T[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = this.urlFor(path, { ...query, pagelen: Math.min(PAGE_LENGTH, limit) });
    while (url !== undefined && values.length < limit) {
      if (seen.has(url.href) || seen.size >= MAX_PAGES) throw unexpected("Bitbucket's list of results never ended; the app stopped reading it.");
      seen.add(url.href);
      const page: Page<T> | undefined = (await this.send<Page<T>>("GET", url)).body;
      if (!page || !Array.isArray(page.values)) throw unexpected("Bitbucket sent a list without values.");
      values.push(...page.values);
      url = page.next ? this.sameOrigin(new URL(page.next, url)) : undefined;
    }
    return values.slice(0, limit);
  }

  repoHooks(workspace: string, repoSlug: string): RepoHooksApi {
    const hooks = `${this.repoPath(workspace, repoSlug)}/hooks`;
    return {
      list: async () => (await this.paginate<WebhookSubscription>(hooks)).map(toRemoteHook),
      create: async (body: HookBody) => toRemoteHook((await this.request<WebhookSubscription>("POST", hooks, { body })).body),
      update: async (uuid: string, body: HookBody) =>
        toRemoteHook((await this.request<WebhookSubscription>("PUT", `${hooks}/${pathSegment(uuid)}`, { body })).body),
      remove: async (uuid: string) => {
        try {
          await this.request<unknown>("DELETE", `${hooks}/${pathSegment(uuid)}`);
        } catch (err) {
          if (err instanceof BitbucketApiError && err.status === 404) return; // already gone: the goal is reached
          throw err;
        }
      },
    };
  }

  async getRepository(workspace: string, repoSlug: string): Promise<BitbucketRepository> {
    const repo = (await this.request<BitbucketRepository>("GET", this.repoPath(workspace, repoSlug))).body;
    if (!repo || typeof repo.uuid !== "string") throw unexpected("Bitbucket sent a repository without an id.");
    return repo;
  }

  /**
   * The newest commits first (Bitbucket's order), at most `limit`: across all branches, or, like
   * `git log <include…> ^<exclude…>`, those reachable from `include` and not from `exclude` (a push's new commits).
   */
  async listCommits(workspace: string, repoSlug: string, opts: { limit: number; include?: string[]; exclude?: string[] }): Promise<BitbucketCommit[]> {
    const query = { include: opts.include, exclude: opts.exclude };
    return this.paginate<BitbucketCommit>(`${this.repoPath(workspace, repoSlug)}/commits`, query, { limit: opts.limit });
  }

  private repoPath(workspace: string, repoSlug: string): string {
    return `/2.0/repositories/${pathSegment(workspace)}/${pathSegment(repoSlug)}`;
  }

  private urlFor(path: string, query: Query = {}): URL {
    if (!path.startsWith("/")) throw new Error(`Bitbucket API path must start with "/": ${path}`);
    const url = new URL(this.creds.baseApiUrl + path);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    return url;
  }

  /** The JWT goes only to Bitbucket's own origin: a `next` link elsewhere is refused, never followed. */
  private sameOrigin(url: URL): URL {
    if (url.origin !== this.base.origin) {
      throw new BitbucketApiError(
        `Bitbucket's next-page link points to ${url.origin} instead of ${this.base.origin}; the app does not follow it, so its credentials stay with Bitbucket.`,
        { code: "cross-origin-next", retryable: false },
      );
    }
    return url;
  }

  private async send<T>(method: HttpMethod, url: URL, body?: unknown): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const started = this.now();
      const { unreadable, ...outcome } = await this.attempt(method, url, body);
      const verdict = classifyResponse({ method, attempt, ...outcome }, { random: this.random, nowMs: this.now() });
      const logFields = { method, path: url.pathname, status: outcome.status, networkError: outcome.networkError, attempt };
      this.logger?.debug({ ...logFields, ms: this.now() - started }, "bitbucket request");
      if (!verdict.isFailure) {
        if (unreadable) throw unexpected(`Bitbucket sent an answer the app could not read (HTTP ${outcome.status}).`);
        return { status: outcome.status as number, headers: outcome.headers ?? {}, body: outcome.body as T };
      }
      if (verdict.retryable && attempt < this.maxAttempts) {
        this.logger?.warn({ ...logFields, delayMs: verdict.retryDelayMs }, "bitbucket request will be retried");
        await this.sleep(verdict.retryDelayMs);
        continue;
      }
      throw new BitbucketApiError(verdict.message, {
        status: outcome.status,
        code: verdict.code === "ok" ? "unexpected-response" : verdict.code,
        // For the caller, "retryable" means trying again later may succeed: also rate limits and unconfirmed POSTs.
        retryable: verdict.retryable || verdict.ambiguous || verdict.retryAfterMs !== undefined,
        ambiguous: verdict.ambiguous,
        retryAfterMs: verdict.retryAfterMs,
      });
    }
  }

  /** One HTTP exchange; never throws. A body that is not JSON is dropped (error bodies may be HTML) and flagged. */
  private async attempt(method: HttpMethod, url: URL, body?: unknown): Promise<Outcome> {
    const headers: Record<string, string> = {
      authorization: signAppRequest(this.creds, method, url.href, Math.floor(this.now() / 1000)),
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const res = await undiciRequest(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const parsed = parseJson(await res.body.text());
      return { status: res.statusCode, headers: res.headers, body: parsed.ok ? parsed.value : undefined, unreadable: !parsed.ok };
    } catch (err) {
      return { networkError: networkErrorKind(err) };
    }
  }
}
