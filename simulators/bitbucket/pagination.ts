import type { Response } from "express";
import { sendError } from "./errors";

/** Bitbucket's page envelope: {pagelen, page, size, values, next}; `next` is absolute and keeps the other query parameters. */

const DEFAULT_PAGELEN = 10;
const MAX_PAGELEN = 100;

export interface PageBody<T> {
  pagelen: number;
  page: number;
  size: number;
  values: T[];
  next?: string;
}

export type PageResult<T> = { ok: true; body: PageBody<T> } | { ok: false; status: number; message: string };

/** `requestUrl` is the absolute URL of this request (its query holds `page` and `pagelen`). */
export function paginate<T>(all: T[], requestUrl: string): PageResult<T> {
  const url = new URL(requestUrl);
  const pagelen = intParam(url, "pagelen", DEFAULT_PAGELEN);
  if (pagelen === undefined || pagelen < 1 || pagelen > MAX_PAGELEN) {
    return { ok: false, status: 400, message: `Invalid pagelen: must be an integer from 1 to ${MAX_PAGELEN}` };
  }
  const page = intParam(url, "page", 1);
  if (page === undefined || page < 1) return { ok: false, status: 400, message: "Invalid page" };
  const start = (page - 1) * pagelen;
  if (page > 1 && start >= all.length) return { ok: false, status: 404, message: "Invalid page" };
  const body: PageBody<T> = { pagelen, page, size: all.length, values: all.slice(start, start + pagelen) };
  if (start + pagelen < all.length) {
    url.searchParams.set("page", String(page + 1));
    body.next = url.toString();
  }
  return { ok: true, body };
}

function intParam(url: URL, name: string, fallback: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Answers with one page of `all`, or Bitbucket's error when the page parameters are out of range. */
export function sendPage<T>(res: Response, all: T[], requestUrl: string): void {
  const page = paginate(all, requestUrl);
  if (!page.ok) return sendError(res, page.status, page.message);
  res.json(page.body);
}
