/** Bitbucket's error body: {"type": "error", "error": {"message", "detail"?, "fields"?}}. */
import type { Response } from "express";

export interface ErrorExtras {
  detail?: unknown;
  fields?: Record<string, string[]>;
}

export function errorBody(message: string, extras: ErrorExtras = {}) {
  return { type: "error" as const, error: { message, ...extras } };
}

export function sendError(res: Response, status: number, message: string, extras?: ErrorExtras): void {
  res.status(status).json(errorBody(message, extras));
}
