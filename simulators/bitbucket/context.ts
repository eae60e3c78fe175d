/** What the simulator's routes share: the state, the options, and the URL (known once listening). */
import type { SimState } from "./state";

export interface SimContext {
  state: SimState;
  url: string; // http://127.0.0.1:PORT, set once listening
  allowInternalHookUrls: boolean;
  deliveryTimeoutMs: number;
}
