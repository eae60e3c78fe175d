/** Local stand-ins for Bitbucket Cloud and AutoRABIT ARM, for integration tests, the browser test and `npm run sandbox`. */
export * from "./bitbucket";
export * from "./arm";
export { freePort } from "./bitbucket/listen";
