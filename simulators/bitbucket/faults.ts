/**
 * Injectable faults, applied before a simulator's normal handlers. Shared by the Bitbucket and ARM simulators.
 * A fault matches by method and path (a string matches when the path and query contain it), then delays,
 * answers with a status (and Retry-After), drops the connection, or hangs until the server closes.
 */
import type { Request, RequestHandler, Response } from "express";

export interface FaultSpec {
  method?: string;
  pathPattern?: RegExp | string;
  status?: number; // omitted: only the delay applies, then the normal handler answers
  retryAfterSeconds?: number;
  times?: number; // omitted: every matching request until removed
  delayMs?: number;
  body?: unknown;
  headers?: Record<string, string>;
  dropConnection?: boolean;
  hang?: boolean;
}

export interface Fault extends FaultSpec {
  id: number;
  hits: number;
}

export class Faults {
  private readonly active: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault = { ...spec, id: this.nextId++, hits: 0 };
    this.active.push(fault);
    return fault;
  }

  remove(id: number): void {
    const i = this.active.findIndex((f) => f.id === id);
    if (i >= 0) this.active.splice(i, 1);
  }

  clear(): void {
    this.active.length = 0;
  }

  list(): Fault[] {
    return [...this.active];
  }

  /** The first fault matching this request, counted as used (and retired once its `times` are spent). */
  take(method: string, pathAndQuery: string): Fault | undefined {
    const fault = this.active.find((f) => matches(f, method, pathAndQuery));
    if (!fault) return undefined;
    fault.hits++;
    if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
    return fault;
  }
}

function matches(f: Fault, method: string, pathAndQuery: string): boolean {
  if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
  if (f.pathPattern === undefined) return true;
  return typeof f.pathPattern === "string" ? pathAndQuery.includes(f.pathPattern) : f.pathPattern.test(pathAndQuery);
}

/** `defaultBody` gives the simulator's own error body for a status when the fault brings none. */
export function faultMiddleware(faults: Faults, defaultBody: (status: number) => unknown): RequestHandler {
  return (req, res, next) => {
    const fault = faults.take(req.method, req.originalUrl);
    if (!fault) return next();
    res.locals.faultId = fault.id;
    applyFault(fault, req, res, next, defaultBody);
  };
}

/** Carries out a fault; `proceed` runs the normal handler (a delay-only fault). */
export function applyFault(fault: Fault, req: Request, res: Response, proceed: () => void, defaultBody: (status: number) => unknown): void {
  const act = () => {
    if (fault.hang) return;
    if (fault.dropConnection) return void req.socket.destroy();
    if (fault.status === undefined) return proceed();
    if (fault.headers) res.set(fault.headers);
    if (fault.retryAfterSeconds !== undefined) res.set("Retry-After", String(fault.retryAfterSeconds));
    res.status(fault.status).json(fault.body ?? defaultBody(fault.status));
  };
  if (fault.delayMs) setTimeout(act, fault.delayMs);
  else act();
}

/** A fault described in JSON (control API): `pathRegex` stands for a RegExp `pathPattern`. */
export function faultFromJson(json: FaultSpec & { pathRegex?: string }): FaultSpec {
  const { pathRegex, ...spec } = json;
  return pathRegex === undefined ? spec : { ...spec, pathPattern: new RegExp(pathRegex) };
}
