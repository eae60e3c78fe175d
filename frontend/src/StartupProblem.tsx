/** Shown instead of the page when it cannot work at all (opened outside Bitbucket, or without its context). */
import SectionMessage from "@atlaskit/section-message";

export function StartupProblem({ title, children }: { title: string; children: string }) {
  return (
    <main className="arm-page">
      <h1>ARM Connector</h1>
      <SectionMessage appearance="warning" title={title}>
        <p>{children}</p>
      </SectionMessage>
    </main>
  );
}
