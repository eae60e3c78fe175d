/**
 * The ARM sender's thread (see threaded-arm-sender.ts): runs the same undici sender as the main thread would and
 * answers each request by id. Requests and answers travel in batches, one message per turn of either loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createArmSender, type ArmResponse } from "./send-to-arm";
import type { ThreadRequest, ThreadMessage } from "./threaded-arm-sender";

const port = parentPort!;
const sender = createArmSender(workerData as { connectionsPerOrigin: number });
let answers: Array<[number, ArmResponse]> = [];

function answer(id: number, res: ArmResponse): void {
  if (answers.length === 0) setImmediate(() => port.postMessage({ answers: answers.splice(0) } satisfies ThreadMessage));
  answers.push([id, res]);
}

port.on("message", (message: { requests: ThreadRequest[] } | "close") => {
  if (message === "close") return void sender.close().finally(() => port.postMessage({ closed: true } satisfies ThreadMessage));
  for (const r of message.requests) {
    const body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    void sender.send({ url: r.url, body, headers: r.headers, timeoutMs: r.timeoutMs }).then((res) => answer(r.id, res));
  }
});
