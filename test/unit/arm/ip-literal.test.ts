import { hostKind } from "../../../src/arm/ip-literal";

/** Runs hosts through WHATWG URL first, as every caller does. */
const kindOf = (host: string) => hostKind(new URL(`https://${host}/`).hostname);

describe("hostKind", () => {
  it.each(["na25.autorabit.com", "login.autorabit.com", "example.com", "1.2.3.example"])("%s is a name", (h) => {
    expect(kindOf(h)).toBe("name");
  });

  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "0x7f.1", // hex, normalised to 127.0.0.1
    "2130706433", // decimal
    "0177.0.0.1", // octal
    "127.1",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "localhost",
    "LOCALHOST",
    "app.localhost",
  ])("%s is loopback", (h) => {
    expect(kindOf(h)).toBe("loopback");
  });

  it.each([
    "0.0.0.0",
    "10.0.0.1",
    "0xa.1", // 10.0.0.1
    "167772161", // 10.0.0.1
    "100.64.0.1",
    "100.127.255.255",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.168.1.1",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "[::]",
    "[fe80::1]",
    "[febf::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:192.168.0.1]",
  ])("%s is non-public", (h) => {
    expect(kindOf(h)).toBe("non-public");
  });

  it.each([
    "8.8.8.8",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "169.253.0.1",
    "192.0.1.1",
    "198.20.0.1",
    "223.255.255.255",
    "[2606:4700::1111]",
    "[fec0::1]", // outside fe80::/10
    "[fe00::1]",
    "[::ffff:8.8.8.8]",
    "[::2]",
  ])("%s is a public IP", (h) => {
    expect(kindOf(h)).toBe("public-ip");
  });

  it("parses IPv6 forms WHATWG does not produce, and rejects broken ones", () => {
    expect(hostKind("[0:0:0:0:0:ffff:127.0.0.1]")).toBe("loopback");
    expect(hostKind("[::10.0.0.1]")).toBe("public-ip"); // IPv4-compatible, deprecated: not mapped
    expect(hostKind("[1::2::3]")).toBe("non-public");
    expect(hostKind("[1:2:3:4:5:6:7:8:9]")).toBe("non-public");
    expect(hostKind("[::ffff:300.0.0.1]")).toBe("non-public");
    expect(hostKind("[gggg::1]")).toBe("non-public");
    expect(hostKind("256.0.0.1")).toBe("name"); // never a WHATWG hostname; no IPv4 reading
  });
});
