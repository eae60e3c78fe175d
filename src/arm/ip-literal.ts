/**
 * Classifies IP-literal hosts without DNS or node:net (this module is bundled for the browser too).
 * Input is a WHATWG URL `hostname`: IPv4 already normalised to a dotted quad (`0x7f.1` -> `127.0.0.1`),
 * IPv6 in brackets and compressed (`::ffff:127.0.0.1` -> `::ffff:7f00:1`).
 */

export type HostKind = "name" | "loopback" | "non-public" | "public-ip";

function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a dotted IPv4 tail. */
function parseIPv6(s: string): number[] | undefined {
  let text = s;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]);
    if (!v4) return undefined;
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    text = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const groups = part.split(":");
    return groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups.map((g) => parseInt(g, 16)) : undefined;
  };
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !rest) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tail] : undefined;
  if (known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

function ipv4Kind([a, b, c]: number[]): HostKind {
  if (a === 127) return "loopback";
  const nonPublic =
    a === 0 || // "this network"
    a === 10 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224; // multicast, reserved, broadcast
  return nonPublic ? "non-public" : "public-ip";
}

function ipv6Kind(g: number[]): HostKind {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  if (zeroUpTo(8)) return "non-public"; // unspecified
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4Kind([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255]); // IPv4-mapped
  if ((g[0] & 0xffc0) === 0xfe80) return "non-public"; // link-local fe80::/10
  if ((g[0] & 0xfe00) === 0xfc00) return "non-public"; // unique local fc00::/7
  if ((g[0] & 0xff00) === 0xff00) return "non-public"; // multicast
  return "public-ip";
}

/** What a URL hostname is: a DNS name, or an IP literal and which kind. `localhost` names count as loopback. */
export function hostKind(hostname: string): HostKind {
  const h = hostname.toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return "loopback";
  if (h.startsWith("[") && h.endsWith("]")) {
    const groups = parseIPv6(h.slice(1, -1));
    return groups ? ipv6Kind(groups) : "non-public"; // an unparseable literal is never an ARM instance
  }
  const v4 = parseIPv4(h);
  return v4 ? ipv4Kind(v4) : "name";
}
