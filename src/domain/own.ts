/**
 * A plain object's own entry under a key a tracker or a request names. `obj[key]` and
 * `key in obj` also find what every object inherits — `constructor`, `toString`,
 * `__proto__` — so a label, status key or instance named so would read as configured.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
