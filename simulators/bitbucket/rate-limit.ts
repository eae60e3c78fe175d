/**
 * Bitbucket's rate-limit headers (`X-RateLimit-Limit`, `X-RateLimit-Remaining`) over a fixed window.
 * Counting always happens; refusing with 429 only when `enforce` is set, so long sandbox sessions keep working.
 */
import type { RequestHandler } from "express";
import { errorBody } from "./errors";

export interface RateLimitOptions {
  limit?: number; // default 1000, Bitbucket's figure for webhook endpoints
  windowSeconds?: number; // default 3600
  enforce?: boolean;
}

export class RateLimiter {
  private windowStart = 0;
  private used = 0;
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(private readonly opts: RateLimitOptions = {}) {
    this.limit = opts.limit ?? 1000;
    this.windowMs = (opts.windowSeconds ?? 3600) * 1000;
  }

  reset(): void {
    this.used = 0;
    this.windowStart = 0;
  }

  middleware(): RequestHandler {
    return (_req, res, next) => {
      const now = Date.now();
      if (now - this.windowStart >= this.windowMs) {
        this.windowStart = now;
        this.used = 0;
      }
      this.used++;
      res.set("X-RateLimit-Limit", String(this.limit));
      res.set("X-RateLimit-Remaining", String(Math.max(0, this.limit - this.used)));
      if (this.opts.enforce && this.used > this.limit) {
        res.set("Retry-After", String(Math.ceil((this.windowStart + this.windowMs - now) / 1000)));
        return void res.status(429).json(errorBody("Rate limit for this resource has been exceeded"));
      }
      next();
    };
  }
}
