/**
 * Which of the repository's recent commits the story key pattern matches, fetched from the server (the same
 * code the relay runs) shortly after the admin stops typing. Answers to older patterns are dropped.
 */
import { useEffect, useState } from "react";
import Lozenge from "@atlaskit/lozenge";
import type { SmartCommitPreview } from "../../src/connections/views";
import { plural } from "./labels";
import { highlightKeys } from "./SmartCommitsHighlight";

export const PREVIEW_DEBOUNCE_MS = 400;

type State = { phase: "loading" } | { phase: "failed"; message: string } | { phase: "ready"; data: SmartCommitPreview };

interface Props {
  /** The pattern as typed (blank: the default); null while it is invalid. */
  pattern: string | null;
  load: (pattern: string) => Promise<SmartCommitPreview>;
}

export function SmartCommitsPreview({ pattern, load }: Props) {
  const [state, setState] = useState<State>({ phase: "loading" });

  useEffect(() => {
    if (pattern === null) return undefined;
    let current = true;
    setState({ phase: "loading" });
    const timer = setTimeout(() => {
      load(pattern).then(
        (data) => current && setState({ phase: "ready", data }),
        (err: unknown) => current && setState({ phase: "failed", message: err instanceof Error ? err.message : "The preview could not be loaded." }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [pattern, load]);

  return (
    <section aria-labelledby="arm-smart-preview-title" className="arm-stack arm-preview">
      <h4 id="arm-smart-preview-title">Preview: recent commits</h4>
      <div aria-live="polite" data-testid="smart-commit-summary">
        {pattern === null ? (
          <p className="arm-muted">Correct the pattern to see which commits it matches.</p>
        ) : state.phase === "loading" ? (
          <p className="arm-muted">Reading the repository's recent commits…</p>
        ) : state.phase === "failed" ? (
          <p className="arm-muted">{state.message}</p>
        ) : state.data.commits.length === 0 ? (
          <p className="arm-muted">This repository has no commits yet.</p>
        ) : (
          <p className="arm-muted">
            {state.data.commits.filter((c) => c.keys.length > 0).length} of {plural(state.data.commits.length, "recent commit", "recent commits")}{" "}
            {state.data.commits.length === 1 ? "carries" : "carry"} a story key{state.data.isDefault ? " (default pattern)" : ""}.
          </p>
        )}
      </div>
      {pattern !== null && state.phase === "ready" && state.data.commits.length > 0 && (
        <ul className="arm-list" data-testid="smart-commit-preview">
          {state.data.commits.map((commit) => (
            <li key={commit.hash} className="arm-item">
              <div>
                <code>{commit.hash}</code>{" "}
                {highlightKeys(commit.message, commit.keys).map((s, i) => (s.isKey ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
              </div>
              <div className="arm-muted">
                {commit.author} · {new Date(commit.date).toLocaleString()}
              </div>
              {commit.keys.length > 0 && (
                <div className="arm-actions" aria-label="Story keys">
                  {commit.keys.map((key) => (
                    <Lozenge key={key} appearance="inprogress">
                      {key}
                    </Lozenge>
                  ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
