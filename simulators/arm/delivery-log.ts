/** Every request the ARM simulator received, and a way to wait for some. */
import { EventEmitter } from "node:events";
import type { Edition, EndpointKind } from "../../src/arm/types";

export interface ArmDelivery {
  path: string; // pathname as received
  org: string | null;
  endpoint: EndpointKind | null;
  edition: Edition | null; // null for legacy and unknown paths
  legacy: boolean;
  headers: Record<string, string>; // lower-case names
  body: Buffer; // the exact bytes received
  signatureValid: boolean | null; // null: not checked (no token for the org, or no org in the path)
  accepted: boolean; // ARM acted on it
  ignored?: string; // why ARM answered 200 but did nothing
  status: number; // what was answered; 0 when the connection was dropped or left hanging
  faultId?: number;
  receivedAt: string;
}

export class DeliveryLog {
  readonly all: ArmDelivery[] = [];
  private readonly events = new EventEmitter();

  add(d: ArmDelivery): void {
    this.all.push(d);
    this.events.emit("added");
  }

  clear(): void {
    this.all.length = 0;
  }

  /** Resolves once at least `n` deliveries are recorded; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<ArmDelivery[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.all.length < n) return;
        done();
        resolve([...this.all]);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`ARM simulator: expected ${n} deliveries within ${timeoutMs} ms, got ${this.all.length}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.events.off("added", check);
      };
      this.events.on("added", check);
      check();
    });
  }
}
