import { assertBitbucketApiBase } from "../../../src/bitbucket/api-base";

const prod = { production: true, allowHttpLoopback: false };
const dev = { production: false, allowHttpLoopback: false };
const devLoop = { production: false, allowHttpLoopback: true };

describe("assertBitbucketApiBase", () => {
  it("production accepts only https://api.bitbucket.org, normalized", () => {
    expect(assertBitbucketApiBase("https://api.bitbucket.org", prod)).toBe("https://api.bitbucket.org");
    expect(assertBitbucketApiBase("https://API.bitbucket.org/", prod)).toBe("https://api.bitbucket.org");
    for (const bad of ["https://api.bitbucket.org.evil.com", "http://api.bitbucket.org", "https://bitbucket.org", "http://127.0.0.1:8080"]) {
      expect(() => assertBitbucketApiBase(bad, { ...prod, allowHttpLoopback: true })).toThrow(/refused: production uses only/);
    }
  });

  it("outside production: any https origin; http only for loopback under the switch", () => {
    expect(assertBitbucketApiBase("https://bb.test:8443", dev)).toBe("https://bb.test:8443");
    expect(() => assertBitbucketApiBase("http://127.0.0.1:8080", dev)).toThrow('"http://127.0.0.1:8080" is refused');
    expect(assertBitbucketApiBase("http://127.0.0.1:8080", devLoop)).toBe("http://127.0.0.1:8080");
    expect(assertBitbucketApiBase("http://localhost:8080/", devLoop)).toBe("http://localhost:8080");
    expect(assertBitbucketApiBase("http://[::1]:8080", devLoop)).toBe("http://[::1]:8080");
    expect(() => assertBitbucketApiBase("http://10.0.0.5", devLoop)).toThrow(/refused/);
    expect(() => assertBitbucketApiBase("ftp://127.0.0.1", devLoop)).toThrow(/refused/);
  });

  it("refuses paths, queries, credentials and non-URLs, naming the value", () => {
    expect(() => assertBitbucketApiBase("https://api.bitbucket.org/2.0", prod)).toThrow(/origin only/);
    expect(() => assertBitbucketApiBase("https://api.bitbucket.org?x=1", prod)).toThrow(/origin only/);
    expect(() => assertBitbucketApiBase("https://u:p@api.bitbucket.org", prod)).toThrow(/origin only/);
    expect(() => assertBitbucketApiBase("https://u:p@api.bitbucket.org", prod)).not.toThrow(/u:p/);
    expect(() => assertBitbucketApiBase("not a url", prod)).toThrow('"not a url" is not a URL');
  });
});
