import type { Logger } from "pino";
import { z } from "zod";
import type { CapabilityProblem, PackNeed } from "../../src/domain/tracker-needs.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import type { YandexClient } from "./client.js";
import { statusKey, type YandexNormaliser } from "./normalise.js";
import { TrackerPriority } from "./payloads.js";

const Statuses = z.array(
  z.object({ key: z.string(), display: z.string().optional(), name: z.string().optional() }),
);

/**
 * `GET /v3/queues/{queue}/permissions/users/{user}` (get-user-access): the user and,
 * under `permissions`, each right it has (`CREATE`, …) with who grants it. Only the
 * reference's first right is shown in full there, so the keys are read in any case and
 * an answer without a `permissions` object tells nothing.
 */
const UserAccess = z.looseObject({ permissions: z.record(z.string(), z.unknown()) });

/**
 * The needs that edit an issue and so want the queue's write right. Comments are left
 * out: whether reading issues is enough to comment is not said in the reference.
 */
const writes = new Set<PackNeed["kind"]>(["setField", "labels", "transition", "assign", "assignReporter"]);

export interface CapabilitySettings {
  /** The robot's user id (`bridgeUser`). */
  bridgeUser: string;
  logger?: Pick<Logger, "info" | "warn">;
}

/**
 * What a Yandex Tracker organisation will refuse the robot, read at start-up:
 * - the statuses a pack moves tickets into exist (`GET /v3/statuses`, by key through
 *   `options.statuses`); whether a workflow reaches one from where a ticket stands is per
 *   ticket (its transitions), and is said then;
 * - the priorities of `options.priorities` exist (`GET /v2/priorities`, get-priorities.md):
 *   a mapped key the organisation lacks blocks a pack that sets priorities, and a
 *   priority left out of the map reads as "unknown";
 * - the robot has the write right in each queue (get-user-access). When that cannot be
 *   read (the robot may not see the queue's access settings), it is logged as unknown.
 */
export async function checkYandexCapabilities(
  client: YandexClient,
  n: YandexNormaliser,
  needs: ReadonlyMap<string, readonly PackNeed[]>,
  settings: CapabilitySettings,
): Promise<CapabilityProblem[]> {
  const queues = [...needs].filter(([, list]) => list.length);
  if (!queues.length) return [];
  return [
    ...(await statuses(client, n, queues)),
    ...(await priorities(client, n, queues)),
    ...(await writeRights(client, n, queues, settings)),
  ];
}

type Queues = [string, readonly PackNeed[]][];

async function statuses(client: YandexClient, n: YandexNormaliser, queues: Queues) {
  const transitions = queues.flatMap(([queue, list]) =>
    list.flatMap((need) =>
      need.kind === "transition"
        ? [{ queue, need, status: need.status, key: statusKey(n, need.status) }]
        : [],
    ),
  );
  if (!transitions.length) return [];
  const res = await client.request<unknown>("list the organisation's statuses", {
    method: "GET",
    url: "/v3/statuses",
  });
  const known = Statuses.parse(res.data);
  const keys = new Set(known.map((s) => s.key));
  return transitions
    .filter((t) => !keys.has(t.key))
    .map(
      ({ queue, need, status, key }): CapabilityProblem => ({
        project: queue,
        severity: "blocks",
        need,
        setting: `trackers.${n.instance}.options.statuses`,
        message: `moving issues to ${status} will be refused: the organisation has no status with the key "${key}" (it has ${known
          .map((s) => s.key)
          .join(
            ", ",
          )}); name the queue's key for it in trackers.${n.instance}.options.statuses (\`<key>: ${status}\`)`,
      }),
    );
}

async function priorities(client: YandexClient, n: YandexNormaliser, queues: Queues) {
  const res = await client.request<unknown>("list the organisation's priorities", {
    method: "GET",
    url: "/v2/priorities",
  });
  const known = TrackerPriority.array().parse(res.data);
  const keys = new Set(known.map((p) => p.key));
  const setting = `trackers.${n.instance}.options.priorities`;
  const mapped = Object.entries(n.options.priorities);
  const has = `the organisation has ${known.map((p) => `${p.key}${p.name ? ` (${p.name})` : ""}`).join(", ")}`;
  const problems: CapabilityProblem[] = [];
  for (const [queue, list] of queues) {
    const need = list.find((x) => x.kind === "setField" && x.field === "priority");
    if (!need) continue;
    for (const [key, value] of mapped.filter(([k]) => !keys.has(k))) {
      problems.push({
        project: queue,
        severity: "blocks",
        need,
        setting,
        message: `setting priority ${value} will be refused: ${setting} maps it to the key "${key}", which the organisation has no priority for (${has}); map ${value} to one of those keys`,
      });
    }
  }
  const unmapped = known.filter((p) => !mapped.some(([k]) => k === p.key));
  if (unmapped.length) {
    problems.push({
      project: queues[0]![0],
      severity: "hinders",
      setting,
      message: `issues with the priority ${unmapped.map((p) => `"${p.key}"`).join(", ")} are read with priority "unknown" (organisation-wide): ${setting} does not map ${unmapped.length === 1 ? "it" : "them"} to a neutral priority`,
    });
  }
  return problems;
}

async function writeRights(
  client: YandexClient,
  n: YandexNormaliser,
  queues: Queues,
  { bridgeUser, logger }: CapabilitySettings,
) {
  const problems: CapabilityProblem[] = [];
  for (const [queue, list] of queues) {
    const need = list.find((x) => writes.has(x.kind));
    if (!need) continue;
    let rights: string[] | undefined;
    try {
      const res = await client.request<unknown>(`read the robot's rights in queue ${queue}`, {
        method: "GET",
        url: `/v3/queues/${encodeURIComponent(queue)}/permissions/users/${encodeURIComponent(bridgeUser)}`,
      });
      const parsed = UserAccess.safeParse(res.data);
      rights = parsed.success
        ? Object.entries(parsed.data.permissions)
            .filter(([, v]) => v !== null && v !== false)
            .map(([k]) => k.toUpperCase())
        : undefined;
    } catch (err) {
      if (!(err instanceof TrackerRequestError) || err.retryable) throw err;
      rights = undefined;
    }
    if (rights === undefined || rights.length === 0) {
      // An empty answer says as little as a refused one: access may come from the organisation's admins.
      logger?.info(
        { instance: n.instance, project: queue },
        `could not tell whether the robot may edit issues in queue ${queue} (GET /v3/queues/${queue}/permissions/users/${bridgeUser}); a refused write will be reported when it happens`,
      );
      continue;
    }
    if (!rights.includes("WRITE")) {
      problems.push({
        project: queue,
        severity: "blocks",
        need,
        setting: `queue ${queue} access: write (edit issues)`,
        message: `the robot ${bridgeUser} may ${rights.map((r) => r.toLowerCase()).join(", ")} in queue ${queue} but not edit issues there (no WRITE right): its field edits, assignments and transitions will be refused; grant it in the queue's settings → Access`,
      });
    }
  }
  return problems;
}
