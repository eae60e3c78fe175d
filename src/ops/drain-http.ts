/** Stops an HTTP server the polite way: no new connections, in-flight requests answered, then the sockets closed. */
import type http from "node:http";

const SWEEP_MS = 50;

export async function drainHttpServer(server: http.Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() drops idle keep-alive sockets once; a socket whose request finishes later becomes idle then,
  // and would otherwise stay open until its keep-alive timeout.
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  // Requests still running at the grace deadline lose their connection rather than hold up the exit.
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
  }
}
