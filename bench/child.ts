/**
 * A process under test (the app or the bare forwarder), started from the compiled output so that its CPU
 * and memory are its own; /proc gives its resident memory (current and peak) and CPU time.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
const KEEP_LINES = 40;

export interface ProcSample {
  rssMb: number;
  /** Peak resident set since the process started (VmHWM). */
  peakRssMb: number;
  /** User + system CPU time since start. */
  cpuMs: number;
}

export interface Child {
  name: string;
  pid: number;
  url: string;
  sample(): ProcSample;
  /** The last lines it wrote, for error messages. */
  output(): string;
  /** Sends `signal` and waits for the exit; resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export async function startChild(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  runtimeFlags = "",
): Promise<Child> {
  const file = path.join(ROOT, "dist", script);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm run bench does)`);
  const flags = runtimeFlags.split(/\s+/).filter(Boolean);
  const proc = spawn(process.execPath, [...flags, ...nodeArgs, file], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - KEEP_LINES));
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const child: Child = {
    name,
    pid: proc.pid!,
    url,
    sample: () => sampleProc(proc.pid!),
    output: () => lines.join("\n"),
    async stop(signal = "SIGTERM", timeoutMs = 30_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await waitUntilUp(proc, url, child);
  return child;
}

async function waitUntilUp(proc: ChildProcess, url: string, child: Child): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${child.name} exited with ${proc.exitCode} while starting:\n${child.output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill("SIGKILL");
  throw new Error(`${child.name} did not answer /healthz within 60 s:\n${child.output()}`);
}

function sampleProc(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  // /proc/<pid>/stat: the command name may contain spaces, so count fields after its closing parenthesis.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024, cpuMs: (ticks * 1000) / CLOCK_TICKS };
}
