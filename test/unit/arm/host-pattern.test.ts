import { hostMatches, parseHostPatterns } from "../../../src/arm/host-pattern";

describe("hostMatches", () => {
  it.each([
    ["login.autorabit.com", "*.autorabit.com"],
    ["na25.autorabit.com", "*.autorabit.com"],
    ["pilot.autorabit.com", "*.autorabit.com"],
    ["NA25.AutoRABIT.com", "*.autorabit.com"],
    ["na25.autorabit.com", "*.AUTORABIT.COM"],
    ["login.autorabit.com", "login.autorabit.com"],
    ["LOGIN.autorabit.com", "login.autorabit.com"],
    ["x-1.autorabit.com", "*.autorabit.com"],
    ["127.0.0.1", "127.0.0.1"],
  ])("%s matches %s", (host, pattern) => {
    expect(hostMatches(host, pattern)).toBe(true);
  });

  it.each([
    ["autorabit.com", "*.autorabit.com"], // the apex is not a subdomain
    ["a.b.autorabit.com", "*.autorabit.com"], // two extra labels
    ["evil-autorabit.com", "*.autorabit.com"],
    ["login.autorabit.com.evil.com", "*.autorabit.com"],
    ["login.autorabit.com.", "*.autorabit.com"],
    ["autorabit.co", "*.autorabit.com"],
    [".autorabit.com", "*.autorabit.com"],
    ["-x.autorabit.com", "*.autorabit.com"],
    ["na25.autorabit.com", "login.autorabit.com"],
    ["login.autorabit.com.evil.com", "login.autorabit.com"],
    ["xlogin.autorabit.com", "login.autorabit.com"],
    ["*.autorabit.com", "login.autorabit.com"],
  ])("%s does not match %s", (host, pattern) => {
    expect(hostMatches(host, pattern)).toBe(false);
  });
});

describe("parseHostPatterns", () => {
  it("parses the default", () => {
    expect(parseHostPatterns("*.autorabit.com")).toEqual(["*.autorabit.com"]);
  });

  it("trims, lower-cases, drops empty items and duplicates", () => {
    expect(parseHostPatterns(" *.AutoRabit.com , login.autorabit.com,, *.autorabit.com ,localhost")).toEqual([
      "*.autorabit.com",
      "login.autorabit.com",
      "localhost",
    ]);
  });

  it.each(["", " , ,"])("rejects an empty list %j", (csv) => {
    expect(() => parseHostPatterns(csv)).toThrow(/empty/);
  });

  it.each([
    "*.com", // a wildcard over a top-level domain
    "*",
    "*.*.autorabit.com",
    "na*.autorabit.com",
    "https://login.autorabit.com",
    "login.autorabit.com/",
    "login.autorabit.com:443",
    "-bad.autorabit.com",
    "bad-.autorabit.com",
    "a..b.com",
    "under_score.com",
    `${"a".repeat(64)}.com`,
  ])("rejects %j and names it", (bad) => {
    expect(() => parseHostPatterns(`*.autorabit.com,${bad}`)).toThrow(`"${bad.toLowerCase()}" is not a valid ARM host pattern`);
  });
});
