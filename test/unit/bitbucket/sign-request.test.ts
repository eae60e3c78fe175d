import { createQueryStringHash, decodeSymmetric, fromMethodAndUrl, SymmetricAlgorithm } from "atlassian-jwt";
import { signAppRequest } from "../../../src/bitbucket/sign-request";

const creds = { appKey: "arm-connector", clientKey: "client-1", sharedSecret: "s3cret-shared", baseApiUrl: "https://api.bitbucket.org" };

function decode(header: string) {
  expect(header).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+$/);
  return decodeSymmetric(header.slice(4), creds.sharedSecret, SymmetricAlgorithm.HS256);
}

describe("signAppRequest", () => {
  it("signs HS256 with iss, sub, iat, exp = iat + 180 and the qsh of the path relative to the API root", () => {
    const url = "https://api.bitbucket.org/2.0/repositories/ws/repo/hooks?page=2&pagelen=100";
    const claims = decode(signAppRequest(creds, "get", url, 1_700_000_000));
    const expectedQsh = createQueryStringHash(fromMethodAndUrl("GET", "/2.0/repositories/ws/repo/hooks?page=2&pagelen=100"));
    expect(claims).toEqual({ iss: "arm-connector", sub: "client-1", iat: 1_700_000_000, exp: 1_700_000_180, qsh: expectedQsh });
  });

  it("the qsh covers method, path and query", () => {
    const base = "https://api.bitbucket.org/2.0/repositories/ws/repo/hooks";
    const qsh = (method: string, url: string) => decode(signAppRequest(creds, method, url, 1)).qsh;
    expect(qsh("GET", base)).not.toBe(qsh("POST", base));
    expect(qsh("GET", base)).not.toBe(qsh("GET", `${base}?page=2`));
    expect(qsh("GET", base)).not.toBe(qsh("GET", `${base}/%7Bu%7D`));
  });

  it("with an API root that has a path, the qsh is relative to it", () => {
    const nested = { ...creds, baseApiUrl: "http://127.0.0.1:9999/bitbucket" };
    const claims = decode(signAppRequest(nested, "DELETE", "http://127.0.0.1:9999/bitbucket/2.0/repositories/ws/r/hooks/%7Bu%7D", 5.9));
    expect(claims.iat).toBe(5);
    expect(claims.qsh).toBe(createQueryStringHash(fromMethodAndUrl("DELETE", "/2.0/repositories/ws/r/hooks/%7Bu%7D")));
  });

  it("cannot be verified with another secret", () => {
    const header = signAppRequest(creds, "GET", "https://api.bitbucket.org/2.0/user", 1);
    expect(() => decodeSymmetric(header.slice(4), "other", SymmetricAlgorithm.HS256)).toThrow();
  });
});
