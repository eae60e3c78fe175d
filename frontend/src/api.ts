/**
 * The settings API as the page calls it. Every failure becomes an ApiError carrying one plain sentence
 * (and the field it concerns, when the server names one); nothing else ever reaches the page.
 */
import type { ApiErrorBody, ConnectionResponse, ConnectRequest, ReplaceTokenRequest, SmartCommitPreview } from "../../src/connections/views";
import type { DeliveryFilter, DeliveryPage, DeliveryStats, TestEventResult } from "../../src/connections/delivery-log";
import type { GetToken } from "./ap";

const REQUEST_TIMEOUT_MS = 60_000; // connecting talks to Bitbucket several times; allow for a slow API
const UNREACHABLE = "Could not reach the ARM Connector service. Check your connection and try again.";
const TIMED_OUT = "The ARM Connector service did not answer in time. Reload the page to see the current state.";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface SettingsApi {
  load(): Promise<ConnectionResponse>;
  connect(request: ConnectRequest): Promise<ConnectionResponse>;
  reconnect(): Promise<ConnectionResponse>;
  replaceToken(request: ReplaceTokenRequest): Promise<ConnectionResponse>;
  disconnect(): Promise<ConnectionResponse>;
  /** The repository's recent commits under a story key pattern (blank: the default). */
  previewSmartCommits(pattern: string): Promise<SmartCommitPreview>;
  /** The delivery log (relay mode): newest first; `before` is the previous page's nextCursor. */
  listDeliveries(filter: DeliveryFilter, before?: string): Promise<DeliveryPage>;
  redeliver(id: string): Promise<Redelivered>;
  /** Every failed delivery created since this ISO time. */
  redeliverFailed(since: string): Promise<Redelivered>;
  sendTestEvent(): Promise<TestEventResult>;
  deliveryStats(hours: number): Promise<DeliveryStats>;
}

export interface Redelivered {
  redelivered: number;
}

export interface ApiOptions {
  getToken: GetToken;
  sessionToken: string;
  fetchFn?: typeof fetch;
  timeoutMs?: number;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  const error = (body as ApiErrorBody | null)?.error;
  return typeof error?.message === "string" && error.message.trim() !== "";
}

function isConnectionResponse(body: unknown): body is ConnectionResponse {
  const b = body as ConnectionResponse | null;
  return typeof b === "object" && b !== null && "connection" in b && Array.isArray(b.hooks) && Array.isArray(b.existingArmHooks);
}

function isSmartCommitPreview(body: unknown): body is SmartCommitPreview {
  const b = body as SmartCommitPreview | null;
  return typeof b === "object" && b !== null && typeof b.pattern === "string" && Array.isArray(b.commits);
}

const isObject = (body: unknown): body is Record<string, unknown> => typeof body === "object" && body !== null;
const isDeliveryPage = (body: unknown): body is DeliveryPage => isObject(body) && Array.isArray(body.deliveries);
const isRedelivered = (body: unknown): body is Redelivered => isObject(body) && typeof body.redelivered === "number";
const isTestEventResult = (body: unknown): body is TestEventResult => isObject(body) && typeof body.id === "string";
const isDeliveryStats = (body: unknown): body is DeliveryStats => isObject(body) && Array.isArray(body.buckets);

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined; // an HTML error page from a proxy, an empty body: reported as unexpected below
  }
}

export function createSettingsApi({ getToken, sessionToken, fetchFn = (input, init) => fetch(input, init), timeoutMs = REQUEST_TIMEOUT_MS }: ApiOptions): SettingsApi {
  async function call(method: string, path: string, body?: unknown): Promise<ConnectionResponse> {
    return request(method, path, body, isConnectionResponse);
  }

  async function request<T>(method: string, path: string, body: unknown, understood: (json: unknown) => json is T): Promise<T> {
    const token = await getToken().catch((err: unknown) => {
      throw new ApiError(err instanceof Error ? err.message : UNREACHABLE, "bridge");
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    let json: unknown;
    try {
      res = await fetchFn(path, {
        method,
        headers: { Authorization: `JWT ${token}`, "X-ARM-Session": sessionToken, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      json = await readJson(res);
    } catch {
      throw new ApiError(controller.signal.aborted ? TIMED_OUT : UNREACHABLE, controller.signal.aborted ? "timeout" : "network");
    } finally {
      clearTimeout(timer);
    }
    // An abort while the body was streaming surfaces as unreadable JSON, not as a rejection.
    if (controller.signal.aborted) throw new ApiError(TIMED_OUT, "timeout");
    if (!res.ok) {
      if (isErrorBody(json)) throw new ApiError(json.error.message, json.error.code, json.error.field);
      throw new ApiError(`Could not reach the ARM Connector service: it answered with an error (HTTP ${res.status}). Try again in a moment.`, "http");
    }
    if (!understood(json)) {
      throw new ApiError("Could not reach the ARM Connector service: its answer was not understood. Reload the page and try again.", "unexpected");
    }
    return json;
  }

  return {
    load: () => call("GET", "/api/connection"),
    connect: (request) => call("PUT", "/api/connection", request),
    reconnect: () => call("POST", "/api/connection/reconnect"),
    replaceToken: (request) => call("PUT", "/api/connection/token", request),
    disconnect: () => call("DELETE", "/api/connection"),
    previewSmartCommits: (pattern) =>
      request("GET", `/api/smart-commits/preview?pattern=${encodeURIComponent(pattern)}`, undefined, isSmartCommitPreview),
    listDeliveries: (filter, before) =>
      request("GET", `/api/deliveries?status=${filter}${before ? `&before=${encodeURIComponent(before)}` : ""}`, undefined, isDeliveryPage),
    redeliver: (id) => request("POST", `/api/deliveries/${encodeURIComponent(id)}/redeliver`, undefined, isRedelivered),
    redeliverFailed: (since) => request("POST", "/api/deliveries/redeliver-failed", { since }, isRedelivered),
    sendTestEvent: () => request("POST", "/api/deliveries/test", undefined, isTestEventResult),
    deliveryStats: (hours) => request("GET", `/api/deliveries/stats?hours=${hours}`, undefined, isDeliveryStats),
  };
}
