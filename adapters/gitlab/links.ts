import type { LinkedTicket, TicketRef } from "../../src/domain/ticket.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import type { GitlabApi } from "./client.js";
import { ProjectAnswer } from "./membership.js";
import type { Normaliser } from "./normalise.js";
import { RestLinkedIssue } from "./payloads.js";

/**
 * An issue's linked issues (`GET /projects/:id/issues/:iid/links`, docs.gitlab.com/api/
 * issue_links). Each names its project by numeric `project_id`; the documented answer has
 * no `references`, so the ticket id `path#iid` (and the project a rule compares with) is
 * made from the project's path: `references.full` when GitLab sends it, else the path last
 * seen for that id, else the issue's `web_url` when it is under the configured GitLab,
 * else `GET /projects/:id` (once per project). A project the token may not see keeps its
 * number.
 */
export async function linkedTickets(
  api: GitlabApi,
  n: Normaliser,
  project: string,
  iid: number,
  refFromUrl: (url: string) => TicketRef | undefined,
): Promise<LinkedTicket[]> {
  const links = RestLinkedIssue.array().parse(await api.links.all(project, iid));
  const linked: LinkedTicket[] = [];
  for (const l of links) {
    const path =
      l.references?.full?.split("#")[0] ??
      n.paths.get(l.project_id) ??
      (l.web_url ? refFromUrl(l.web_url)?.project : undefined) ??
      (await pathOf(api, n, l.project_id));
    if (!/^\d+$/.test(path)) n.paths.set(l.project_id, path);
    linked.push({
      project: path,
      id: `${path}#${l.iid}`,
      title: l.title,
      labels: l.labels,
      ...(l.web_url ? { url: l.web_url } : {}),
    });
  }
  return linked;
}

async function pathOf(api: GitlabApi, n: Normaliser, id: number): Promise<string> {
  try {
    return ProjectAnswer.parse(await api.projects.show(id)).path_with_namespace;
  } catch (err) {
    if (err instanceof TrackerRequestError && !err.retryable) {
      // Not visible to the bridge's user: the number is all there is.
      n.paths.set(id, String(id));
      return String(id);
    }
    throw err;
  }
}
