/** Test support for the simulator tests: a tiny Connect app (descriptor, lifecycle, event sink) and JWT signing as that app. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createQueryStringHash, encodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import express from "express";
import type { AppDescriptor, InstalledApp } from "../../../simulators";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeApp {
  url: string;
  descriptor: AppDescriptor;
  received: Received[];
  /** Statuses to answer next on POST, in order; 200 once spent. */
  answers: number[];
  /** Where GET /settings loads all.js from (the simulator URL). */
  hostUrl: string;
  close(): Promise<void>;
}

export const APP_KEY = "arm-connector-test";

export async function startFakeApp(patch: (d: AppDescriptor) => AppDescriptor = (d) => d): Promise<FakeApp> {
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeApp = {
    url,
    descriptor: patch({
      key: APP_KEY,
      name: "ARM Connector (test)",
      baseUrl: url,
      authentication: { type: "jwt" },
      lifecycle: { installed: "/installed", uninstalled: "/uninstalled" },
      scopes: ["account", "repository", "pullrequest", "webhook"],
      contexts: ["account"],
      modules: {
        adminPages: [
          {
            key: "repo-settings",
            name: { value: "ARM Connector" },
            location: "org.bitbucket.repository.admin",
            url: "/settings?repo={repository.uuid}&name={repository.full_name}&ws={workspace.slug}&user={user.uuid}",
          },
        ],
        webhooks: [{ event: "repo:push", url: "/events" }],
      },
    }),
    received: [],
    answers: [],
    hostUrl: "",
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  app.get("/atlassian-connect.json", (_req, res) => void res.json(fake.descriptor));
  // A settings page that uses the AP shim and shows what it got.
  app.get("/settings", (_req, res) => {
    res.type("html").send(`<!doctype html><html><body style="margin:0"><div style="height:321px;overflow:hidden">
<pre id="context"></pre><pre id="token"></pre><pre id="error"></pre></div>
<script src="${fake.hostUrl}/atlassian-connect/all.js"></script>
<script>
  Promise.all([AP.context.getContext(), AP.context.getToken()])
    .then(([context, token]) => {
      document.getElementById("context").textContent = JSON.stringify(context);
      document.getElementById("token").textContent = token;
    })
    .catch((e) => { document.getElementById("error").textContent = String(e); });
</script></body></html>`);
  });
  app.post("*", express.raw({ type: () => true }), (req, res) => {
    fake.received.push({ path: req.originalUrl, headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
    res.status(fake.answers.shift() ?? 200).send("ok");
  });
  return fake;
}

/** `Authorization` value for a REST call as the app; `claims` and `secret` override for negative tests. */
export function signAsApp(app: InstalledApp, method: string, pathAndQuery: string, claims: object = {}, secret = app.sharedSecret): string {
  const now = Math.floor(Date.now() / 1000);
  const token = encodeSymmetric(
    { iss: app.key, sub: app.clientKey, iat: now, exp: now + 60, qsh: createQueryStringHash(fromMethodAndUrl(method, pathAndQuery)), ...claims },
    secret,
    SymmetricAlgorithm.HS256,
  );
  return `JWT ${token}`;
}

export function json(r: Received): any {
  return JSON.parse(r.body.toString("utf8"));
}
