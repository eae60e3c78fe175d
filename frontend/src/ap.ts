/**
 * The part of Bitbucket's Connect JS bridge (`window.AP`, from all.js) this page uses.
 * Only `context.getToken` is needed: it returns a short-lived JWT the server checks on every API call.
 */

interface ApGlobal {
  context?: {
    // all.js takes a callback; recent versions also return a promise. Both are handled.
    getToken?: (callback?: (token: string) => void) => Promise<string> | void;
  };
}

declare global {
  interface Window {
    AP?: ApGlobal;
  }
}

export type GetToken = () => Promise<string>;

const TOKEN_TIMEOUT_MS = 10_000;

export class BridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BridgeError";
  }
}

/** The token source, or undefined when the page was opened outside Bitbucket (no all.js, no bridge). */
export function connectTokenSource(win: Window): GetToken | undefined {
  const getToken = win.AP?.context?.getToken;
  if (typeof getToken !== "function") return undefined;
  const context = win.AP?.context;
  return () =>
    new Promise<string>((resolve, reject) => {
      // A bridge that never answers (frame detached, host page gone) must not leave a spinner forever.
      const timer = setTimeout(
        () => reject(new BridgeError("Bitbucket did not confirm your session. Reload the page and try again.")),
        TOKEN_TIMEOUT_MS,
      );
      const done = (token: unknown) => {
        clearTimeout(timer);
        if (typeof token === "string" && token !== "") resolve(token);
        else reject(new BridgeError("Bitbucket did not confirm your session. Reload the page and try again."));
      };
      try {
        const maybe = getToken.call(context, done);
        if (maybe && typeof maybe.then === "function") maybe.then(done, () => done(undefined));
      } catch {
        done(undefined);
      }
    });
}
