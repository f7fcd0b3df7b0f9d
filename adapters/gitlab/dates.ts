/**
 * GitLab sends two date formats: ISO 8601 in `object_attributes` and the REST API
 * (`2013-12-03T17:15:43Z`), and Ruby's `2015-05-17 17:06:40 UTC` in `changes` and Note
 * Hooks. Both become ISO 8601 with an offset; anything else is refused by name.
 */
const rubyUtc = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/;
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export function gitlabDate(text: string): string | undefined {
  const ruby = rubyUtc.exec(text);
  const iso = ruby ? `${ruby[1]}T${ruby[2]}Z` : text;
  if (!isoWithOffset.test(iso) || Number.isNaN(Date.parse(iso))) return undefined;
  return iso;
}
