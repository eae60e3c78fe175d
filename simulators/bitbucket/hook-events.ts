/**
 * Events a repository hook may subscribe to: the `webhook_subscription.events` enum of the OpenAPI document,
 * without `project:updated` and `pipeline:span_created`, which belong to workspace hooks (assumption: the
 * document does not split the enum by subject type).
 */
export const REPOSITORY_EVENTS = [
  "issue:comment_created",
  "issue:created",
  "issue:updated",
  "pullrequest:approved",
  "pullrequest:changes_request_created",
  "pullrequest:changes_request_removed",
  "pullrequest:comment_created",
  "pullrequest:comment_deleted",
  "pullrequest:comment_reopened",
  "pullrequest:comment_resolved",
  "pullrequest:comment_updated",
  "pullrequest:created",
  "pullrequest:fulfilled",
  "pullrequest:push",
  "pullrequest:rejected",
  "pullrequest:unapproved",
  "pullrequest:updated",
  "repo:commit_comment_created",
  "repo:commit_status_created",
  "repo:commit_status_updated",
  "repo:created",
  "repo:deleted",
  "repo:fork",
  "repo:imported",
  "repo:push",
  "repo:transfer",
  "repo:updated",
] as const;

const CATEGORIES: Record<string, string> = { repo: "Repository", pullrequest: "Pull Request", issue: "Issue" };

/** One entry of `GET /2.0/hook_events/repository`. */
export function describeEvent(event: string) {
  const [family, action] = event.split(":");
  const label = action.replace(/_/g, " ");
  return {
    event,
    category: CATEGORIES[family],
    label: label[0].toUpperCase() + label.slice(1),
    description: `${CATEGORIES[family]}: ${label}`,
  };
}

export function isRepositoryEvent(event: string): boolean {
  return (REPOSITORY_EVENTS as readonly string[]).includes(event);
}
