/** Composition of the Bitbucket Cloud simulator: state, REST API, host pages, control API, and the in-process handle. */
import { createServer } from "node:http";
import express, { Router, type ErrorRequestHandler } from "express";
import { appendCommits, type CommitInput } from "./commits";
import type { SimContext } from "./context";
import { controlRoutes } from "./control-routes";
import { deliverEvent, type DeliveryResult } from "./deliver";
import { errorBody, sendError } from "./errors";
import { faultMiddleware, Faults } from "./faults";
import { hookEventsHandler, hooksRoutes, newHook } from "./hooks-routes";
import { adminPageIframeUrl, hostPageRoutes, pageContext, repositoryAdminPages, settingsPagePath } from "./host-page";
import { indexPage } from "./index-page";
import { jwtCheck } from "./jwt-check";
import { installApp, uninstallApp, type LifecycleOptions, type LifecycleResult } from "./lifecycle";
import { closeServer, listenOn } from "./listen";
import { pullRequestPayload, pushPayload, type Payload, type PullRequestInput, type PushInput } from "./payloads";
import { RateLimiter, type RateLimitOptions } from "./rate-limit";
import { reposRoutes } from "./repos-routes";
import { requestLogger, type RequestLogEntry } from "./request-log";
import { signContextToken } from "./connect-jwt";
import { SimState, type RepoData, type RepositoryOptions } from "./state";
import type { AdminPageModule, InstalledApp, LifecycleCall, SimCommit, SimHook, SimRepository, SimUser, SimWorkspace } from "./types";

export interface BitbucketSimOptions {
  port?: number; // default 0: any free port
  /** Accept hook URLs on loopback/private hosts (Bitbucket refuses them). The sandbox and tests turn this on. */
  allowInternalHookUrls?: boolean;
  /** Timeout of each delivery and lifecycle POST; Bitbucket's is 10 s. */
  deliveryTimeoutMs?: number;
  rateLimit?: RateLimitOptions;
}

/** Which app page, as which user; the app defaults to the only one installed in the repository's workspace. */
export interface PageOptions {
  appKey?: string;
  moduleKey?: string;
  user?: string; // nickname or uuid
}

export type HookSeed = Partial<SimHook> & { url: string; events: string[] };
export type Actor = { actor?: string }; // nickname or uuid; default the first user

export interface EventOutcome {
  event: string;
  payload: object;
  deliveries: DeliveryResult[];
}

export interface BitbucketSim {
  /** http://127.0.0.1:PORT: both the host `baseUrl` and the `baseApiUrl`. */
  readonly url: string;
  close(): Promise<void>;
  reset(): void;

  addWorkspace(slug: string, name?: string): SimWorkspace;
  addUser(nickname: string, displayName?: string): SimUser;
  addRepository(workspace: string, slug: string, opts?: RepositoryOptions): SimRepository;
  repositories(workspace?: string): SimRepository[];
  /** `repo` is `workspace/slug` or `{uuid}`; commits are given oldest first. */
  addCommits(repo: string, commits: CommitInput[], branch?: string): SimCommit[];
  /** Plants a hook as if made by hand or by an older tool. */
  addHook(repo: string, hook: HookSeed): SimHook;
  /** The repository's hooks, secrets included (in-process only; the HTTP APIs never show them). */
  hooks(repo: string): SimHook[];

  install(appBaseUrl: string, workspace: string, opts?: LifecycleOptions): Promise<LifecycleResult>;
  uninstall(clientKey: string, opts?: LifecycleOptions): Promise<LifecycleResult>;
  /** Installed apps, shared secrets included (in-process only). */
  apps(): InstalledApp[];
  readonly lifecycleCalls: LifecycleCall[];

  /** The host settings page that embeds the app (what a person opens). */
  settingsPageUrl(repo: string, opts?: PageOptions): string;
  /** The app's iframe URL with a fresh `jwt`, as the host page would load it. */
  adminPageIframeUrl(repo: string, opts?: PageOptions): string;
  /** A token as AP.context.getToken() yields it on that repository's page. */
  contextToken(repo: string, opts?: PageOptions): string;

  push(repo: string, input: PushInput & Actor): Promise<EventOutcome>;
  pullRequest(repo: string, input: PullRequestInput & Actor): Promise<EventOutcome>;
  readonly deliveries: DeliveryResult[];

  readonly faults: Faults;
  readonly requests: RequestLogEntry[];
}

export async function startBitbucketSimulator(opts: BitbucketSimOptions = {}): Promise<BitbucketSim> {
  const ctx: SimContext = {
    state: new SimState(),
    url: "",
    allowInternalHookUrls: opts.allowInternalHookUrls ?? false,
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 10_000,
  };
  const faults = new Faults();
  const requests: RequestLogEntry[] = [];
  const deliveries: DeliveryResult[] = [];
  const lifecycleCalls: LifecycleCall[] = [];
  const limiter = new RateLimiter(opts.rateLimit);
  const { state } = ctx;

  const user = (ref?: string): SimUser => {
    const found = ref ? state.findUser(ref) : state.defaultUser();
    if (!found) throw new Error(`Bitbucket simulator: no user ${ref}`);
    return found;
  };
  const workspaceOf = (data: RepoData) => state.findWorkspace(data.repo.workspace)!;
  const page = (repo: string, o: PageOptions = {}) => {
    const data = state.repo(repo);
    const app = state.appsInWorkspace(data.repo.workspace).find((a) => o.appKey === undefined || a.key === o.appKey);
    if (!app) throw new Error(`Bitbucket simulator: no app installed in workspace ${data.repo.workspace}`);
    const module: AdminPageModule | undefined = repositoryAdminPages(app).find((m) => o.moduleKey === undefined || m.key === o.moduleKey);
    if (!module) throw new Error(`Bitbucket simulator: app ${app.key} has no repository settings page`);
    return { data, app, module, ws: workspaceOf(data), user: user(o.user) };
  };
  const emit = async (data: RepoData, payload: Payload): Promise<EventOutcome> => {
    const results = await deliverEvent(ctx, data, payload);
    deliveries.push(...results);
    return { event: payload.event, payload: payload.body, deliveries: results };
  };

  const sim: BitbucketSim = {
    get url() {
      return ctx.url;
    },
    close: () => closeServer(server),
    reset() {
      state.reset();
      faults.clear();
      limiter.reset();
      requests.length = 0;
      deliveries.length = 0;
      lifecycleCalls.length = 0;
    },
    addWorkspace: (slug, name) => state.addWorkspace(slug, name),
    addUser: (nickname, displayName) => state.addUser(nickname, displayName),
    addRepository: (workspace, slug, o) => state.addRepository(workspace, slug, o),
    repositories: (workspace) => state.repositories(workspace),
    addCommits: (repo, commits, branch) => {
      const data = state.repo(repo);
      return appendCommits(data, branch ?? data.repo.mainbranch, commits, state.defaultUser());
    },
    addHook(repo, seed) {
      const hook = newHook(seed);
      state.repo(repo).hooks.push(hook);
      return structuredClone(hook);
    },
    hooks: (repo) => structuredClone(state.repo(repo).hooks),
    install: (appBaseUrl, workspace, o) => installApp(ctx, lifecycleCalls, appBaseUrl, workspace, o),
    uninstall: (clientKey, o) => uninstallApp(ctx, lifecycleCalls, clientKey, o),
    apps: () => structuredClone([...state.apps.values()]),
    lifecycleCalls,
    settingsPageUrl(repo, o) {
      const p = page(repo, o);
      return `${ctx.url}${settingsPagePath(p.data.repo, p.app, p.module)}${o?.user ? `?user=${encodeURIComponent(o.user)}` : ""}`;
    },
    adminPageIframeUrl(repo, o) {
      const p = page(repo, o);
      return adminPageIframeUrl(p.app, p.module, p.ws, p.data.repo, p.user);
    },
    contextToken(repo, o) {
      const p = page(repo, o);
      return signContextToken(p.app, p.user.uuid, pageContext(p.ws, p.data.repo, p.user));
    },
    push(repo, input) {
      const data = state.repo(repo);
      return emit(data, pushPayload(ctx.url, data, workspaceOf(data), user(input.actor), input));
    },
    pullRequest(repo, input) {
      const data = state.repo(repo);
      return emit(data, pullRequestPayload(ctx.url, data, workspaceOf(data), user(input.actor), input));
    },
    deliveries,
    faults,
    requests,
  };

  const api = Router();
  api.get("/hook_events/:subject_type", jwtCheck(state, true), hookEventsHandler(ctx));
  api.use(jwtCheck(state), hooksRoutes(ctx), reposRoutes(ctx));
  api.use((_req, res) => sendError(res, 404, "Resource not found"));

  const app = express();
  app.disable("x-powered-by");
  app.use("/2.0", requestLogger(requests), limiter.middleware(), faultMiddleware(faults, faultBody), express.json({ limit: "1mb" }), api, apiErrors);
  app.use("/_sim", controlRoutes(sim));
  app.use(hostPageRoutes(ctx));
  app.get("/", indexPage(ctx));

  const server = createServer(app);
  const port = await listenOn(server, opts.port ?? 0);
  ctx.url = `http://127.0.0.1:${port}`;
  return sim;
}

function faultBody(status: number) {
  const messages: Record<number, string> = {
    429: "Rate limit for this resource has been exceeded",
    500: "Something went wrong",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
  };
  return errorBody(messages[status] ?? `HTTP ${status}`);
}

/** Body parser failures and anything unexpected, in Bitbucket's error shape. */
const apiErrors: ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, _next) => {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
  sendError(res, status, err.type === "entity.parse.failed" ? "Request body is not valid JSON" : (err.message ?? "Internal error"));
};
