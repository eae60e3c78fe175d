import { networkErrorKind } from "../../../src/bitbucket/network-error";

const coded = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });

describe("networkErrorKind", () => {
  it.each([
    [coded("ECONNREFUSED"), "refused"],
    [coded("UND_ERR_CONNECT_TIMEOUT"), "refused"],
    [coded("ENOTFOUND"), "dns"],
    [coded("ECONNRESET"), "reset"],
    [coded("UND_ERR_SOCKET"), "reset"],
    [coded("UND_ERR_HEADERS_TIMEOUT"), "timeout"],
    [Object.assign(new Error("aborted"), { name: "TimeoutError" }), "timeout"],
    [coded("CERT_HAS_EXPIRED"), "tls"],
    [coded("ERR_TLS_CERT_ALTNAME_INVALID"), "tls"],
    [new TypeError("fetch failed", { cause: coded("ECONNREFUSED") }), "refused"],
    [new Error("something"), "other"],
    ["not even an error", "other"],
  ])("%p -> %s", (err, kind) => {
    expect(networkErrorKind(err)).toBe(kind);
  });
});
