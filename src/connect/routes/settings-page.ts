/**
 * GET /settings: the repository settings page, loaded by Bitbucket in an iframe with a signed URL.
 * The JWT's qsh covers repoUuid and repoPath, so the repository named here is the one Bitbucket vouched for;
 * the page receives a session token bound to it (auth/session-token.ts).
 */
import type { Request, Response } from "express";
import { ARM_DEFAULT_INSTANCE } from "../../arm/endpoints";
import { AuthError } from "../auth/errors";
import { issueSessionToken, SESSION_TTL_SECONDS } from "../auth/session-token";
import { verifyRequestJwt } from "../auth/request-jwt";
import { readJwt } from "../auth/verify-jwt";
import type { ConnectDeps } from "../deps";
import type { AssetVersions } from "../static-assets";

const REPO_UUID = /^\{[0-9a-fA-F-]{36}\}$/;
const REPO_PATH = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script> must not be able to close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

export function settingsPageRoute(deps: ConnectDeps, assets: AssetVersions) {
  return async (req: Request, res: Response) => {
    try {
      const token = readJwt(undefined, req.query);
      if (!token) throw new AuthError(401, "jwt-missing", "Open this page from the repository settings in Bitbucket.");
      const verified = await verifyRequestJwt(deps, req, token, "request");
      const repoUuid = String(req.query.repoUuid ?? "");
      const repoFullName = String(req.query.repoPath ?? "");
      if (!REPO_UUID.test(repoUuid) || !REPO_PATH.test(repoFullName)) {
        throw new AuthError(403, "repo-context", "This page must be opened from a repository's settings.");
      }
      const tenant = (await deps.tenants.get(verified.clientKey))!;
      const session = issueSessionToken(deps.keys.sessionKey, {
        clientKey: verified.clientKey,
        repoUuid,
        repoFullName,
        user: verified.subject,
        exp: deps.nowSeconds() + SESSION_TTL_SECONDS,
      });
      const context = {
        sessionToken: session,
        repo: { uuid: repoUuid, fullName: repoFullName },
        defaults: { instance: ARM_DEFAULT_INSTANCE },
        policy: { allowedHosts: deps.config.armAllowedHosts, allowHttpLoopback: deps.config.allowHttpLoopback },
      };
      res.setHeader("Content-Security-Policy", `frame-ancestors ${tenant.baseUrl}`);
      res.setHeader("Cache-Control", "no-store");
      res.type("html").send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ARM Connector</title>
<script src="${escapeHtml(tenant.baseUrl)}/atlassian-connect/all.js"></script>
<script id="arm-context" type="application/json">${scriptJson(context)}</script>
<link rel="stylesheet" href="${escapeHtml(assets.url(deps.config.baseUrl, "settings.css"))}">
</head>
<body>
<div id="root"></div>
<script src="${escapeHtml(assets.url(deps.config.baseUrl, "settings.js"))}"></script>
</body>
</html>`);
    } catch (err) {
      const status = err instanceof AuthError ? err.status : 500;
      if (!(err instanceof AuthError)) deps.logger.error({ err }, "Settings page failed");
      const message = err instanceof AuthError ? err.message : "The settings page could not be loaded. Try again in a moment.";
      res.status(status).type("html").send(`<!doctype html><p>${escapeHtml(message)}</p>`);
    }
  };
}
