import { own } from "../../src/domain/own.js";
import { TrackerRequestError } from "../../src/errors/tracker-error.js";
import { type YandexClient, YandexRequestError } from "./client.js";
import { statusValue, type YandexNormaliser } from "./normalise.js";
import { ScreenElement, Transition } from "./payloads.js";

/**
 * A status change through the issue's workflow (new-transition.md): `GET …/transitions`,
 * then `POST …/transitions/{id}/_execute` with the fields the transition's screen takes —
 * a closing transition typically requires a resolution, which the official client passes
 * the same way (`transition.execute(comment=…, resolution='fixed')`). What the
 * configuration says goes in the body (`options.resolutions`, `options.transitionFields`,
 * by the status's key or the pack's name for it); a screen field that is required and
 * that nothing fills is refused before the request, naming the field and the option to
 * set — as is a 422/400 that names fields — instead of a request refused again on every retry.
 */
type Request = YandexClient["request"];

function optionFor(n: YandexNormaliser, field: string, status: string): string {
  return field === "resolution"
    ? `trackers.${n.instance}.options.resolutions.${status}`
    : `trackers.${n.instance}.options.transitionFields.${status}.${field}`;
}

/** The body a transition into `target` (the pack's `status`) carries by configuration. */
export function configuredFields(
  n: YandexNormaliser,
  target: string,
  status: string,
): Record<string, unknown> {
  const resolution = own(n.options.resolutions, target) ?? own(n.options.resolutions, status);
  const fields = own(n.options.transitionFields, target) ?? own(n.options.transitionFields, status) ?? {};
  return { ...fields, ...(resolution ? { resolution } : {}) };
}

/**
 * The screen's required fields without a default, or undefined when the screen cannot be
 * read (its endpoint is not in the public reference: a refusal or another shape is "unknown").
 */
async function requiredFields(request: Request, screen: string): Promise<ScreenElement[] | undefined> {
  try {
    const res = await request<unknown>(`read transition screen ${screen}`, {
      method: "GET",
      url: `/v2/screens/${encodeURIComponent(screen)}/elements`,
    });
    const parsed = ScreenElement.array().safeParse(res.data);
    if (!parsed.success) return undefined;
    return parsed.data.filter(
      (e) => e.required === true && (e.defaultValue === undefined || e.defaultValue === null),
    );
  } catch (err) {
    if (err instanceof TrackerRequestError && !err.retryable && !err.conflict) return undefined;
    throw err;
  }
}

export async function executeTransition(
  request: Request,
  n: YandexNormaliser,
  key: string,
  target: string,
  status: string,
): Promise<void> {
  const path = `/v2/issues/${encodeURIComponent(key)}`;
  const refused = (reason: string, httpStatus?: number) =>
    new TrackerRequestError({
      instance: n.instance,
      what: `move ${key} to "${statusValue(n, target)}"`,
      ...(httpStatus ? { status: httpStatus } : {}),
      reason,
      retryable: false,
    });
  const available = Transition.array().parse(
    (await request<unknown>(`list the transitions of ${key}`, { method: "GET", url: `${path}/transitions` }))
      .data,
  );
  const step = available.find((t) => t.to.key === target);
  if (!step) {
    const names = available.map((t) => `${t.id} → ${t.to.key}${t.to.display ? ` (${t.to.display})` : ""}`);
    throw refused(
      `the issue's workflow has no transition to status "${target}" from where it is now; available: ${names.join(", ") || "none"} (map the pack's "${status}" in options.statuses if its key differs)`,
    );
  }
  const body = configuredFields(n, target, status);
  const named = `the transition "${step.display ?? step.id}" to "${target}"`;
  const required = step.screen ? await requiredFields(request, step.screen.id) : undefined;
  const missing = (required ?? []).filter((e) => !Object.hasOwn(body, e.field.id));
  if (missing.length) {
    throw refused(
      `${named} requires ${missing
        .map((e) => `${e.field.display ? `«${e.field.display}» ` : ""}(${e.field.id})`)
        .join(", ")}, which the bridge has no value for; set ${missing
        .map((e) => optionFor(n, e.field.id, target))
        .join(", ")}`,
    );
  }
  try {
    await request(`move ${key} to "${target}"`, {
      method: "POST",
      url: `${path}/transitions/${encodeURIComponent(step.id)}/_execute`,
      data: body,
    });
  } catch (err) {
    const fields = err instanceof YandexRequestError ? Object.keys(err.fieldErrors) : [];
    if (!(err instanceof YandexRequestError) || ![400, 422].includes(err.status ?? 0) || !fields.length)
      throw err;
    throw refused(
      `Tracker refused ${named}: ${err.reason}; the fields it names are filled from ${fields
        .map((f) => optionFor(n, f, target))
        .join(", ")}`,
      err.status,
    );
  }
}
