/** AutoRABIT ARM simulator. */
export { startArmSimulator } from "./server";
export type { ArmSim, ArmSimOptions } from "./server";
export type { ArmDelivery } from "./delivery-log";
export { hubSignature } from "./signature";
export { LEGACY_IGNORED } from "./judge";
