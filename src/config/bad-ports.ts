import { z } from "zod";

/**
 * The ports the WHATWG fetch standard blocks ("bad ports": other protocols' well-known
 * ones). Node's fetch — the GitLab client's and the alert endpoints' — refuses them with a
 * bare "fetch failed: bad port", and browsers will not open a ticket link on one, so a
 * tracker or an alert endpoint there is refused when the configuration is checked.
 */
const badPorts = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** An http(s) URL whose port fetch does not refuse. */
export const fetchableUrl = () =>
  z.url().superRefine((text, ctx) => {
    // zod runs this on a text z.url() already refused too.
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if ((url?.protocol === "http:" || url?.protocol === "https:") && badPorts.has(Number(url.port)))
      ctx.addIssue({
        code: "custom",
        message: `port ${url.port} is one browsers and Node's fetch refuse (a "bad port" of the fetch standard); use another`,
      });
  });
