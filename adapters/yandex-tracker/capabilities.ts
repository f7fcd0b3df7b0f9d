import { z } from "zod";
import type { CapabilityProblem, PackNeed } from "../../src/domain/tracker-needs.js";
import type { YandexClient } from "./client.js";
import { statusKey, type YandexNormaliser } from "./normalise.js";

const Statuses = z.array(
  z.object({ key: z.string(), display: z.string().optional(), name: z.string().optional() }),
);

/**
 * What a Yandex Tracker organisation will refuse the robot: the statuses a pack moves
 * tickets into must exist (`GET /v3/statuses`, the organisation's statuses by key, mapped
 * through `options.statuses`). Whether a queue's workflow reaches a status from where a
 * ticket stands is only known per ticket (its transitions), and is said then.
 */
export async function checkYandexCapabilities(
  client: YandexClient,
  n: YandexNormaliser,
  needs: ReadonlyMap<string, readonly PackNeed[]>,
): Promise<CapabilityProblem[]> {
  const transitions = [...needs].flatMap(([queue, list]) =>
    list.flatMap((need) =>
      need.kind === "transition" ? [{ queue, need, key: statusKey(n, need.status) }] : [],
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
    .map(({ queue, need, key }) => ({
      project: queue,
      severity: "blocks" as const,
      need,
      setting: `trackers.${n.instance}.options.statuses`,
      message: `moving issues to ${need.kind === "transition" ? need.status : key} will be refused: the organisation has no status with the key "${key}" (it has ${known
        .map((s) => s.key)
        .join(
          ", ",
        )}); name the queue's key for it in trackers.${n.instance}.options.statuses (\`<key>: ${need.kind === "transition" ? need.status : key}\`)`,
    }));
}
