import { z } from "zod";
import type { CapabilityProblem, PackNeed } from "../../src/domain/tracker-needs.js";
import type { MantisClient } from "./client.js";
import type { MantisOptions } from "./options.js";

/**
 * What a MantisBT installation's thresholds will refuse the bridge (or the people a pack
 * counts on), read with the bridge's own token: `GET /projects/{id}` gives the account's
 * effective access level in the project, `GET /config?project_id=` the thresholds as they
 * apply there, and `GET /projects/{id}/users` the levels of the people who report.
 */

const options = [
  "access_levels_enum_string",
  "update_bug_threshold",
  "update_bug_status_threshold",
  "set_status_threshold",
  "update_bug_assign_threshold",
  "handle_bug_threshold",
  "report_bug_threshold",
  "add_bugnote_threshold",
  "tag_attach_threshold",
  "tag_detach_threshold",
  "bug_readonly_status_threshold",
  "update_readonly_bug_threshold",
  "allow_reporter_close",
  "auto_set_status_to_assigned",
] as const;
type OptionName = (typeof options)[number];

const Level = z.object({ id: z.number(), name: z.string() });
const ProjectAnswer = z.object({
  projects: z
    .array(
      z.object({
        id: z.number(),
        name: z.string(),
        access_level: Level.optional(),
        custom_fields: z.array(z.object({ name: z.string(), access_level_rw: Level.optional() })).default([]),
      }),
    )
    .min(1),
});
const ConfigAnswer = z.object({ configs: z.array(z.object({ option: z.string(), value: z.unknown() })) });
const UsersAnswer = z.object({
  users: z.array(z.object({ id: z.number(), name: z.string(), access_level: Level })).default([]),
});

/** A MantisBT threshold: a minimum level, or (as MantisBT also allows) a list of exact levels. */
type Threshold = number | readonly number[];

function threshold(value: unknown): Threshold | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  if (Array.isArray(value)) return value.map(Number).filter(Number.isFinite);
  return undefined;
}

/** MantisBT's access_compare_level. */
function meets(level: number, t: Threshold | undefined): boolean {
  if (t === undefined) return true;
  return typeof t === "number" ? level >= t : t.includes(level);
}

interface ProjectFacts {
  id: string;
  name: string;
  level: number;
  config: Partial<Record<OptionName, unknown>>;
  lineFieldLevel?: number;
  /** People who may report here, by name with their level. */
  reporters?: readonly { name: string; level: number }[];
}

export async function checkMantisCapabilities(
  client: MantisClient,
  mantis: Pick<MantisOptions, "enums" | "lineField">,
  bridgeUser: string,
  needs: ReadonlyMap<string, readonly PackNeed[]>,
): Promise<CapabilityProblem[]> {
  const problems: CapabilityProblem[] = [];
  for (const [project, projectNeeds] of needs) {
    if (!projectNeeds.length) continue;
    const facts = await readProject(client, project, bridgeUser, mantis.lineField);
    const levels = levelNames(facts.config.access_levels_enum_string);
    const named = (level: number) => `${levels.get(level) ?? "level"} (${level})`;
    const namedT = (t: Threshold | undefined) =>
      t === undefined ? "?" : typeof t === "number" ? named(t) : t.map(named).join(" or ");
    const where = `in project ${facts.id} «${facts.name}»`;
    const account = `the bridge account is ${named(facts.level)} ${where}`;
    const raise = `give the bridge account that level in the project (Manage → Projects → «${facts.name}» → Users) or lower the threshold (Manage → Configuration → Workflow Thresholds)`;
    const t = (name: OptionName) => threshold(facts.config[name]);

    const requireLevel = (need: PackNeed, option: OptionName, what: string, t0 = t(option)) => {
      if (meets(facts.level, t0)) return;
      problems.push({
        project,
        severity: "blocks",
        need,
        setting: option,
        message: `${what} will be refused: ${account}, and ${option} is ${namedT(t0)}; ${raise}`,
      });
    };

    const readOnly: PackNeed[] = [];
    for (const need of projectNeeds) {
      switch (need.kind) {
        case "comment":
          requireLevel(need, "add_bugnote_threshold", "the bridge's notes");
          break;
        case "setField":
          requireLevel(need, "update_bug_threshold", `setting ${need.field}`);
          if (
            need.field === "line" &&
            facts.lineFieldLevel !== undefined &&
            facts.level < facts.lineFieldLevel
          ) {
            problems.push({
              project,
              severity: "blocks",
              need,
              setting: `custom field «${mantis.lineField}» write access`,
              message: `setting the support line will be refused: ${account}, and the custom field «${mantis.lineField}» is writable from ${named(facts.lineFieldLevel)}; lower its write access (Manage → Custom Fields) or raise the account`,
            });
          }
          break;
        case "labels":
          requireLevel(need, "tag_attach_threshold", "adding tags");
          requireLevel(need, "tag_detach_threshold", "removing tags");
          break;
        case "transition": {
          const id = mantis.enums.status[need.status];
          const perStatus = facts.config.set_status_threshold as Record<string, unknown> | undefined;
          const specific = id !== undefined ? threshold(perStatus?.[String(id)]) : undefined;
          if (specific !== undefined) {
            requireLevel(need, "set_status_threshold", `moving tickets to ${need.status}`, specific);
          } else {
            requireLevel(need, "update_bug_status_threshold", `moving tickets to ${need.status}`);
          }
          break;
        }
        case "assign":
          requireLevel(need, "update_bug_assign_threshold", "assigning tickets");
          break;
        case "assignReporter": {
          const handle = t("handle_bug_threshold");
          const cannot = (facts.reporters ?? []).filter((r) => !meets(r.level, handle));
          const lowest = threshold(facts.config.report_bug_threshold);
          const unnamed =
            facts.reporters === undefined && typeof lowest === "number" && !meets(lowest, handle);
          if (!cannot.length && !unnamed) break;
          const who = cannot.length
            ? `${cannot
                .slice(0, 5)
                .map((r) => `${r.name} (${named(r.level)})`)
                .join(", ")}${cannot.length > 5 ? ` and ${cannot.length - 5} more` : ""}`
            : `reporters at ${named(lowest as number)}`;
          problems.push({
            project,
            severity: "blocks",
            need,
            setting: "handle_bug_threshold",
            message: `handing tickets back to their reporters will be refused ("User does not have access right to handle issues"): ${who} ${where} cannot be handlers, since handle_bug_threshold is ${namedT(handle)}; set handle_bug_threshold to ${named(Math.min(...(cannot.length ? cannot.map((r) => r.level) : [lowest as number])))} (Manage → Configuration → Workflow Thresholds, "Assign issues to")`,
          });
          break;
        }
        case "writeInStatus": {
          const id = mantis.enums.status[need.status];
          const from = threshold(facts.config.bug_readonly_status_threshold);
          if (id !== undefined && typeof from === "number" && id >= from) readOnly.push(need);
          break;
        }
        case "createLinked":
          // The linked project is checked with its own facts: the bridge must be able to report there.
          if (need.project === project) requireLevel(need, "report_bug_threshold", "creating linked issues");
          break;
        case "statusKeptOnAssign":
          if (
            facts.config.auto_set_status_to_assigned === 1 ||
            facts.config.auto_set_status_to_assigned === true
          ) {
            problems.push({
              project,
              severity: "hinders",
              need,
              setting: "auto_set_status_to_assigned",
              message: `MantisBT's web form moves a ticket to «assigned» whenever a handler is set (auto_set_status_to_assigned is ON ${where}), which the regulation forbids: the bridge will set the status back each time; set auto_set_status_to_assigned to OFF (Manage → Configuration → Workflow Transitions)`,
            });
          }
          break;
        case "reporterClosesResolved":
          problems.push(...reporterCloses(facts, need, mantis, named, namedT, where));
          break;
      }
    }
    if (readOnly.length) {
      const from = threshold(facts.config.bug_readonly_status_threshold) as number;
      const statuses = readOnly.map((n) => (n.kind === "writeInStatus" ? n.status : "")).join(", ");
      requireLevel(
        readOnly[0]!,
        "update_readonly_bug_threshold",
        `writing on tickets in ${statuses} (read-only from ${statusName(mantis, from)}, bug_readonly_status_threshold)`,
      );
    }
  }
  return problems;
}

function reporterCloses(
  facts: ProjectFacts,
  need: Extract<PackNeed, { kind: "reporterClosesResolved" }>,
  mantis: Pick<MantisOptions, "enums">,
  named: (level: number) => string,
  namedT: (t: Threshold | undefined) => string,
  where: string,
): CapabilityProblem[] {
  const out: CapabilityProblem[] = [];
  const reporterLevel = facts.reporters?.length
    ? Math.min(...facts.reporters.map((r) => r.level))
    : (threshold(facts.config.report_bug_threshold) as number | undefined);
  if (reporterLevel === undefined) return out;
  const closedId = mantis.enums.status[need.closed];
  const perStatus = facts.config.set_status_threshold as Record<string, unknown> | undefined;
  const closeThreshold =
    (closedId !== undefined ? threshold(perStatus?.[String(closedId)]) : undefined) ??
    threshold(facts.config.update_bug_status_threshold);
  const allowClose = facts.config.allow_reporter_close === 1 || facts.config.allow_reporter_close === true;
  if (!allowClose && !meets(reporterLevel, closeThreshold)) {
    out.push({
      project: facts.id,
      severity: "hinders",
      need,
      setting: "allow_reporter_close",
      message: `the regulation has the reporter close a resolved ticket, but reporters (${named(reporterLevel)}) ${where} may not close (allow_reporter_close is OFF and closing needs ${namedT(closeThreshold)}); set allow_reporter_close to ON (Manage → Configuration → Workflow Thresholds, "Allow reporter to close")`,
    });
  }
  const readonlyFrom = threshold(facts.config.bug_readonly_status_threshold);
  const resolvedIds = need.resolved.map((s) => mantis.enums.status[s]).filter((id) => id !== undefined);
  if (
    typeof readonlyFrom === "number" &&
    resolvedIds.some((id) => id >= readonlyFrom) &&
    !meets(reporterLevel, threshold(facts.config.update_readonly_bug_threshold))
  ) {
    out.push({
      project: facts.id,
      severity: "hinders",
      need,
      setting: "bug_readonly_status_threshold",
      message: `resolved tickets are read-only for reporters (${named(reporterLevel)}) ${where}: bug_readonly_status_threshold is ${statusName(mantis, readonlyFrom)} and update_readonly_bug_threshold ${namedT(threshold(facts.config.update_readonly_bug_threshold))}, so the reporter can neither close a resolved ticket nor answer that it is not solved; set bug_readonly_status_threshold to ${closedId !== undefined ? statusName(mantis, closedId) : "the closed status"}`,
    });
  }
  return out;
}

function statusName(mantis: Pick<MantisOptions, "enums">, id: number): string {
  const name = Object.entries(mantis.enums.status).find(([, v]) => v === id)?.[0];
  return name ? `${name} (${id})` : String(id);
}

function levelNames(value: unknown): Map<number, string> {
  const list = Array.isArray(value) ? value : [];
  return new Map(
    list.flatMap((l) =>
      l && typeof l === "object" && typeof l.id === "number" && typeof l.name === "string"
        ? [[l.id, l.name]]
        : [],
    ),
  );
}

async function readProject(
  client: MantisClient,
  project: string,
  bridgeUser: string,
  lineField?: string,
): Promise<ProjectFacts> {
  const [p, c] = await Promise.all([
    client.request<unknown>(`read project ${project}`, { method: "GET", url: `/projects/${project}` }),
    client.request<unknown>(`read the thresholds of project ${project}`, {
      method: "GET",
      url: `/config?${options.map((o) => `option[]=${o}`).join("&")}&project_id=${encodeURIComponent(project)}`,
    }),
  ]);
  const info = ProjectAnswer.parse(p.data).projects[0]!;
  const config = Object.fromEntries(
    ConfigAnswer.parse(c.data).configs.map((e) => [e.option, e.value]),
  ) as ProjectFacts["config"];
  const facts: ProjectFacts = {
    id: project,
    name: info.name,
    level: info.access_level?.id ?? 0,
    config,
  };
  const line = lineField ? info.custom_fields.find((f) => f.name === lineField) : undefined;
  if (line?.access_level_rw) facts.lineFieldLevel = line.access_level_rw.id;
  const report = threshold(config.report_bug_threshold);
  try {
    const users = await client.request<unknown>(`list the users of project ${project}`, {
      method: "GET",
      url: `/projects/${project}/users`,
    });
    facts.reporters = UsersAnswer.parse(users.data)
      .users.filter((u) => u.name !== bridgeUser && meets(u.access_level.id, report))
      .map((u) => ({ name: u.name, level: u.access_level.id }));
  } catch {
    // Listing users may be closed to the account; the thresholds alone then decide.
  }
  return facts;
}
