/** Public API of the ARM endpoint rules (pure; also bundled for the browser). */
export type { ArmHostPolicy, ArmTarget, ArmUrlClass, Edition, EndpointKind, LegacyForm, Validation } from "./types";
export { ARM_DEFAULT_INSTANCE, buildArmUrl, endpointsFor } from "./endpoints";
export { hostMatches, parseHostPatterns } from "./host-pattern";
export { validateInstance, validateOrg, validateTarget } from "./validate";
export { classifyArmUrl } from "./classify-arm-url";
export { parseDisplayedArmUrl } from "./parse-displayed-url";
