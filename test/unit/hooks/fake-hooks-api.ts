/** An in-memory RepoHooksApi that behaves like Bitbucket (secrets kept but never returned) and can fail on cue. */
import type { HookBody, RemoteHook, RepoHooksApi } from "../../../src/hooks/types";

interface StoredHook extends RemoteHook {
  secret: string | null;
}

type Op = "list" | "create" | "update" | "remove";

export class FakeHooksApi implements RepoHooksApi {
  readonly hooks = new Map<string, StoredHook>();
  readonly calls: string[] = [];
  private failures: { op: Op; error: Error; afterEffect: boolean }[] = [];
  private next = 1;

  seed(h: RemoteHook, secret: string | null = null): void {
    this.hooks.set(h.uuid, { ...h, secret, secret_set: secret !== null });
  }

  /** The next call of `op` throws `error`; with afterEffect the change is made first (a lost answer). */
  failNext(op: Op, error: Error, afterEffect = false): void {
    this.failures.push({ op, error, afterEffect });
  }

  secretOf(uuid: string): string | null | undefined {
    return this.hooks.get(uuid)?.secret;
  }

  async list(): Promise<RemoteHook[]> {
    this.calls.push("list");
    this.failBefore("list");
    return [...this.hooks.values()].map(publicView);
  }

  async create(body: HookBody): Promise<RemoteHook> {
    this.calls.push("create");
    const failure = this.failBefore("create");
    const uuid = `{fake-${this.next++}}`;
    const h: StoredHook = { uuid, ...shape(body), secret: body.secret ?? null, secret_set: Boolean(body.secret) };
    this.hooks.set(uuid, h);
    if (failure) throw failure;
    return publicView(h);
  }

  async update(uuid: string, body: HookBody): Promise<RemoteHook> {
    this.calls.push(`update ${uuid}`);
    this.failBefore("update");
    const old = this.hooks.get(uuid);
    if (!old) throw Object.assign(new Error("not found"), { status: 404 });
    const secret = body.secret === undefined ? old.secret : body.secret;
    const h: StoredHook = { ...old, ...shape(body), secret, secret_set: secret !== null && secret !== "" };
    this.hooks.set(uuid, h);
    return publicView(h);
  }

  async remove(uuid: string): Promise<void> {
    this.calls.push(`remove ${uuid}`);
    this.failBefore("remove");
    this.hooks.delete(uuid);
  }

  /** Throws a queued failure for `op` now, or returns it when it must be thrown after the effect. */
  private failBefore(op: Op): Error | undefined {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i < 0) return undefined;
    const [f] = this.failures.splice(i, 1);
    if (!f.afterEffect) throw f.error;
    return f.error;
  }
}

/** Events come back in an order of Bitbucket's own (here reversed), so tests prove order never matters. */
function shape(body: HookBody) {
  return { url: body.url, description: body.description, events: [...body.events].reverse(), active: body.active };
}

function publicView(h: StoredHook): RemoteHook {
  const { secret: _secret, ...rest } = h;
  return { ...rest, events: [...rest.events] };
}
