/**
 * Installing and uninstalling an app, acting as Bitbucket (REFERENCE section 2): fetch and check the
 * descriptor, POST the lifecycle payload. The first install is unsigned; a re-install is signed with the
 * previous shared secret and carries a new one; uninstall is signed with the current one.
 */
import { randomBytes } from "node:crypto";
import { signAppRequest } from "./connect-jwt";
import type { SimContext } from "./context";
import { appUrl, checkDescriptor } from "./descriptor";
import { post } from "./http-post";
import { restUser, restWorkspace } from "./representations";
import type { AppDescriptor, InstalledApp, LifecycleCall, SimUser, SimWorkspace } from "./types";

export interface LifecycleOptions {
  /** Installing or uninstalling user: nickname or uuid; default the simulator's first user. */
  user?: string;
  /** `auto`: as Bitbucket does. `none`: never sign. `forged`: sign with a wrong secret (negative tests). */
  signature?: "auto" | "none" | "forged";
}

export interface LifecycleResult {
  ok: boolean; // the app answered 2xx
  clientKey: string;
  status: number; // 0 when the app could not be reached
  body: string;
  signed: boolean;
}

export async function installApp(ctx: SimContext, calls: LifecycleCall[], appBaseUrl: string, workspace: string, opts: LifecycleOptions = {}): Promise<LifecycleResult> {
  const ws = ctx.state.findWorkspace(workspace);
  if (!ws) throw new Error(`Bitbucket simulator: no workspace ${workspace}`);
  const descriptor = await fetchDescriptor(appBaseUrl, ctx.deliveryTimeoutMs);
  const user = actingUser(ctx, opts);
  const clientKey = `ari:cloud:bitbucket::app/${ws.uuid}/${descriptor.key}`;
  const previous = ctx.state.apps.get(clientKey);
  const app: InstalledApp = {
    key: descriptor.key,
    clientKey,
    sharedSecret: randomBytes(32).toString("base64url"),
    workspace: ws.slug,
    installedBy: user.uuid,
    installedAt: new Date().toISOString(),
    descriptor,
  };
  const payload = { ...payloadBase(ctx, app, ws, user), sharedSecret: app.sharedSecret, eventType: "installed" };
  const result = await callLifecycle(ctx, calls, app, "installed", payload, opts.signature === "none" ? undefined : signingSecret(opts, previous?.sharedSecret));
  if (result.ok) ctx.state.apps.set(clientKey, app);
  return result;
}

export async function uninstallApp(ctx: SimContext, calls: LifecycleCall[], clientKey: string, opts: LifecycleOptions = {}): Promise<LifecycleResult> {
  const app = ctx.state.apps.get(clientKey);
  if (!app) throw new Error(`Bitbucket simulator: no installed app ${clientKey}`);
  // Bitbucket removes the app whatever the app answers.
  ctx.state.apps.delete(clientKey);
  const ws = ctx.state.findWorkspace(app.workspace)!;
  const payload = { ...payloadBase(ctx, app, ws, actingUser(ctx, opts)), eventType: "uninstalled" };
  if (!app.descriptor.lifecycle.uninstalled) return { ok: true, clientKey, status: 0, body: "", signed: false };
  return callLifecycle(ctx, calls, app, "uninstalled", payload, opts.signature === "none" ? undefined : signingSecret(opts, app.sharedSecret));
}

async function fetchDescriptor(appBaseUrl: string, timeoutMs: number): Promise<AppDescriptor> {
  const url = `${appBaseUrl.replace(/\/$/, "")}/atlassian-connect.json`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`Bitbucket simulator: GET ${url} answered ${res.status}`);
  return checkDescriptor(await res.json());
}

function actingUser(ctx: SimContext, opts: LifecycleOptions): SimUser {
  const user = opts.user ? ctx.state.findUser(opts.user) : ctx.state.defaultUser();
  if (!user) throw new Error(`Bitbucket simulator: no user ${opts.user}`);
  return user;
}

function signingSecret(opts: LifecycleOptions, secret: string | undefined): string | undefined {
  return opts.signature === "forged" ? randomBytes(32).toString("base64url") : secret;
}

function payloadBase(ctx: SimContext, app: InstalledApp, ws: SimWorkspace, user: SimUser) {
  return {
    key: app.key,
    clientKey: app.clientKey,
    baseUrl: ctx.url,
    baseApiUrl: ctx.url,
    productType: "bitbucket",
    // Shape as seen in public fixtures of Bitbucket installs: the workspace as a legacy "team" principal.
    principal: { type: "team", uuid: ws.uuid, username: ws.slug, display_name: ws.name, links: restWorkspace(ctx.url, ws).links },
    user: restUser(ctx.url, user),
  };
}

async function callLifecycle(
  ctx: SimContext,
  calls: LifecycleCall[],
  app: InstalledApp,
  eventType: LifecycleCall["eventType"],
  payload: object,
  secret: string | undefined,
): Promise<LifecycleResult> {
  const url = appUrl(app.descriptor, eventType === "installed" ? app.descriptor.lifecycle.installed : app.descriptor.lifecycle.uninstalled!);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (secret) headers.Authorization = `JWT ${signAppRequest(app, { method: "POST", url, secret })}`;
  const outcome = await post(url, Buffer.from(JSON.stringify(payload)), headers, ctx.deliveryTimeoutMs);
  const status = outcome.status ?? 0;
  const body = outcome.status === null ? outcome.error : outcome.body;
  calls.push({ eventType, clientKey: app.clientKey, url, signed: Boolean(secret), status, body, at: new Date().toISOString() });
  return { ok: status >= 200 && status < 300, clientKey: app.clientKey, status, body, signed: Boolean(secret) };
}
