/**
 * POST /installed. Bitbucket sends the first install unsigned (by design); a later install for a known
 * client key must be signed with the secret we hold, or it could be used to take over the tenant.
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { hostMatches } from "../../arm/host-pattern";
import { assertBitbucketApiBase } from "../../bitbucket/api-base";
import { UserError } from "../../connections/errors";
import { verifyLifecycleCall } from "../auth/lifecycle-auth";
import type { ConnectDeps } from "../deps";
import { sendError } from "../send-error";

const InstallPayload = z.object({
  key: z.string(),
  clientKey: z.string().min(1).max(255),
  sharedSecret: z.string().min(16).max(512),
  baseUrl: z.url(),
  baseApiUrl: z.url(),
  productType: z.literal("bitbucket"),
  eventType: z.literal("installed").optional(),
  principal: z.object({ uuid: z.string().optional(), username: z.string().optional(), slug: z.string().optional() }).loose().optional(),
});

export function installedRoute(deps: ConnectDeps) {
  return async (req: Request, res: Response) => {
    try {
      const parsed = InstallPayload.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UserError(`The install payload is invalid: ${issue.path.join(".") || "body"}: ${issue.message}.`, "install-invalid");
      }
      const body = parsed.data;
      if (body.key !== deps.config.appKey) throw new UserError(`The install is for app "${body.key}", not this one.`, "install-wrong-app");
      const host = new URL(body.baseUrl).hostname;
      if (!deps.config.installHosts.some((pattern) => hostMatches(host, pattern))) {
        throw new UserError(`Installs from ${host} are not allowed (allowed: ${deps.config.installHosts.join(", ")}).`, "install-host", "baseUrl", 422);
      }
      let baseApiUrl: string;
      try {
        baseApiUrl = assertBitbucketApiBase(body.baseApiUrl, {
          production: deps.config.env === "production",
          allowHttpLoopback: deps.config.allowHttpLoopback,
        });
      } catch (e) {
        throw new UserError((e as Error).message, "install-api-base", "baseApiUrl", 422);
      }
      if (await deps.tenants.get(body.clientKey)) await verifyLifecycleCall(req, body.clientKey, deps);
      await deps.tenants.save({
        clientKey: body.clientKey,
        sharedSecret: body.sharedSecret,
        baseUrl: body.baseUrl.replace(/\/+$/, ""),
        baseApiUrl,
        productType: body.productType,
        workspaceUuid: body.principal?.uuid ?? null,
        workspaceSlug: body.principal?.username ?? body.principal?.slug ?? null,
      });
      deps.logger.info({ clientKey: body.clientKey, workspace: body.principal?.uuid }, "App installed");
      res.status(204).end();
    } catch (err) {
      sendError(res, err, deps.logger);
    }
  };
}
