/**
 * Bitbucket refuses hook URLs that do not resolve to a public address. The simulator cannot resolve
 * names, so it judges the host as written: loopback, private, link-local and single-label names are internal.
 */
import { isIP } from "node:net";

export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const family = isIP(host);
  if (family === 4) return isInternalIpv4(host);
  if (family === 6) return isInternalIpv6(host);
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal") || !host.includes(".");
}

function isInternalIpv4(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

function isInternalIpv6(ip: string): boolean {
  if (ip === "::" || ip === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return isInternalIpv4(mapped[1]);
  return /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip);
}
