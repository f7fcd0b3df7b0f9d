import { type Alert, alertId } from "../alerts/alert.js";
import type { BusinessCalendar } from "../calendar/business-calendar.js";
import { formatDuration } from "../calendar/duration.js";
import type { Action } from "../domain/action.js";
import type { Ticket } from "../domain/ticket.js";
import type { LoadedPack } from "../engine/pack-loader.js";
import type { ClockReport } from "./clocks.js";
import type { SlaSpec } from "./sla-spec.js";

/** One thing a clock's state calls for: an alert, and the write-backs that go with it. */
export interface SlaEffect {
  /** The alert's id: the same situation always gives the same effect, done once. */
  id: string;
  alert: Alert;
  /** The reporter told of a missed deadline; the auto-close transition and its comment. */
  actions: Action[];
}

const words = {
  ru: {
    atRisk: (title: string, due: string) => `Под угрозой срок «${title}»: он истекает ${due}.`,
    breached: (title: string, over: string) => `Нарушен срок «${title}» (просрочка ${over}).`,
    toReporter: (title: string) =>
      `Срок «${title}» по вашей заявке нарушен. Приносим извинения; исполнитель свяжется с вами и согласует новый срок решения.`,
    autoClosed: (status: string, after: string) =>
      `Заявка закрыта автоматически (статус «${status}»): ответа инициатора не было ${after} рабочего времени.`,
    basis: (citation: string) => `Основание: ${citation}.`,
  },
  en: {
    atRisk: (title: string, due: string) => `Deadline "${title}" is at risk: it ends ${due}.`,
    breached: (title: string, over: string) => `Deadline "${title}" was missed (overdue by ${over}).`,
    toReporter: (title: string) =>
      `The deadline "${title}" of your ticket was missed. We apologise; the executor will contact you to agree a new deadline.`,
    autoClosed: (status: string, after: string) =>
      `The ticket was closed automatically (status "${status}"): the reporter did not answer for ${after} of working time.`,
    basis: (citation: string) => `Basis: ${citation}.`,
  },
};

/**
 * What the clocks' states call for right now: at-risk and breach alerts, the reporter told
 * of a breach when the pack says so, and the auto-close. Pure; every alert carries an id
 * derived from the situation, so computing the effects again sends nothing twice.
 */
export function slaEffects(
  ticket: Ticket,
  reports: readonly ClockReport[],
  ctx: { pack: LoadedPack; sla: SlaSpec; calendar: BusinessCalendar; now: number },
): SlaEffect[] {
  const { pack, sla, calendar, now } = ctx;
  const w = words[pack.language];
  const citation = pack.citation(sla.section);
  const ref = ticket.ref;
  const base = {
    occurredAt: calendar.iso(now),
    pack: pack.id,
    ticket: {
      tracker: ref.tracker,
      instance: ref.instance,
      id: ref.id,
      ...(ref.url ? { url: ref.url } : {}),
    },
    citation,
    ...(ticket.line ? { line: ticket.line } : {}),
    ...(ticket.assignee ? { assignee: ticket.assignee.id } : {}),
  };
  const effects: SlaEffect[] = [];
  const add = (alert: Alert, actions: Action[] = []) => effects.push({ id: alert.id, alert, actions });
  for (const r of reports) {
    const clockFacts = {
      clock: r.id,
      ...(r.target !== undefined ? { target: formatDuration(r.target) } : {}),
      ...(r.due !== undefined ? { due: calendar.iso(r.due) } : {}),
    };
    if (r.kind === "autoClose") {
      if (r.state !== "breached" || !sla.autoClose) continue;
      const message = w.autoClosed(pack.display("status", sla.autoClose.to), formatDuration(r.target ?? 0));
      add(
        {
          ...base,
          ...clockFacts,
          id: alertId(ref, "ticket.auto_closed", r.start),
          type: "ticket.auto_closed",
          message,
        },
        [
          { type: "transition", status: sla.autoClose.to },
          { type: "comment", body: `${message}\n\n${w.basis(citation)}`, public: true },
        ],
      );
      continue;
    }
    // An extended deadline is a new one: its alerts are its own (and the same as before without one).
    const extension = r.extendedTo !== undefined ? [r.extendedTo] : [];
    if (r.state === "at_risk" && r.due !== undefined) {
      add({
        ...base,
        ...clockFacts,
        id: alertId(ref, "sla.at_risk", r.id, r.start, r.target, ...extension),
        type: "sla.at_risk",
        message: w.atRisk(r.title, calendar.iso(r.due)),
      });
    }
    if (r.state === "breached" && r.stoppedAt === undefined && r.target !== undefined) {
      const overdueBy = formatDuration(
        r.extendedTo !== undefined && r.due !== undefined
          ? r.time === "working"
            ? calendar.workingTimeBetween(r.due, now)
            : now - r.due
          : r.elapsed - r.target,
      );
      const alert: Alert = {
        ...base,
        ...clockFacts,
        id: alertId(ref, "sla.breached", r.id, r.start, r.target, ...extension),
        type: "sla.breached",
        overdueBy,
        message: w.breached(r.title, overdueBy),
      };
      const tell: Action[] = sla.notifyReporterOnBreach
        ? [
            {
              type: "comment",
              body: `@${ticket.reporter.id}, ${w.toReporter(r.title)}\n\n${w.basis(citation)}`,
              public: true,
            },
          ]
        : [];
      add(alert, tell);
    }
  }
  return effects;
}
