import { ruleCatalogue } from "../../policies/rules/index.js";
import type { Config } from "../config/schema.js";
import type { TrackerAdapter } from "../domain/adapter.js";
import { own } from "../domain/own.js";
import type { Ticket } from "../domain/ticket.js";
import { loadPack } from "../engine/pack-loader.js";
import { Errors } from "../errors/catalogue.js";
import type { DeploymentPack } from "../runtime/deployment-packs.js";
import { type AuditReport, auditReport } from "./report.js";
import { type AuditProgress, type AuditResult, auditInstance } from "./run.js";

export interface AuditRequest {
  instance: string;
  /** `30d` (days back from `now`) or a moment; one without an offset is in the pack's zone. */
  since: string;
  until?: string;
  projects?: readonly string[];
  /** Judge with this pack instead of the deployed one. */
  pack?: string;
  readsPerSecond?: number;
}

export interface AuditSession {
  result: AuditResult;
  report: AuditReport;
}

/**
 * One audit of a configured tracker instance, as the CLI and the API run it: the window
 * read in the pack's zone, each project's deployed pack (or `pack`), the instance's pace.
 */
export async function runAuditSession(
  deps: { config: Config; packs: ReadonlyMap<string, DeploymentPack>; adapter: TrackerAdapter },
  request: AuditRequest,
  o: {
    now: number;
    signal?: AbortSignal;
    onProgress?: (p: AuditProgress) => void;
    onTicket?: (t: Ticket) => void;
    /** Called with how each moment without an offset was read. */
    onMoment?: (option: string, text: string, t: number) => void;
  },
): Promise<AuditSession> {
  const tracker = own(deps.config.trackers, request.instance);
  if (!tracker) throw Errors.UNKNOWN_INSTANCE(request.instance, Object.keys(deps.config.trackers));
  for (const p of request.projects ?? [])
    if (!Object.hasOwn(tracker.projects, p))
      throw Errors.USAGE(
        `--project ${p} is not configured under trackers.${request.instance}.projects (${Object.keys(tracker.projects).join(", ")})`,
      );
  const packFor = (project: string | undefined) => {
    const binding = project !== undefined ? own(tracker.projects, project) : undefined;
    return binding ? deps.packs.get(binding.pack) : undefined;
  };
  const first = deps.packs.get(Object.values(tracker.projects)[0]!.pack)!;
  const { calendar } = first.time;
  const moment = (option: string, text: string) => {
    const t = calendar.parse(text);
    o.onMoment?.(option, text, t);
    return t;
  };
  const days = /^(\d+)d$/.exec(request.since.trim());
  const since = days ? o.now - Number(days[1]) * 86_400_000 : moment("--since", request.since);
  const until = request.until ? moment("--until", request.until) : o.now;
  if (!(since < until)) throw Errors.USAGE("the window is empty: --since is not before --until");
  const override = request.pack
    ? loadPack(request.pack, {
        rules: ruleCatalogue,
        settings: own(deps.config.packs, request.pack),
        defaultMode: deps.config.mode,
      })
    : undefined;
  const result = await auditInstance({
    adapter: deps.adapter,
    config: deps.config,
    instance: request.instance,
    packFor: (ref) => packFor(ref.project),
    ...(override ? { override } : {}),
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    ...(request.projects ? { projects: request.projects } : {}),
    readsPerSecond: request.readsPerSecond ?? tracker.writesPerSecond,
    now: o.now,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.onTicket ? { onTicket: o.onTicket } : {}),
  });
  const report = auditReport(result, {
    now: o.now,
    zone: calendar.zone,
    // Shown to the second; the window itself keeps its milliseconds.
    iso: (t) => calendar.iso(Math.round(t / 1000) * 1000),
    deadlines: Object.values(tracker.projects).some((b) => deps.packs.get(b.pack)?.time.sla !== undefined),
  });
  return { result, report };
}
