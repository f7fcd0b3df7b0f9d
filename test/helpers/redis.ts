/**
 * Each test file that touches Redis uses its own DB index on the machine's Redis (or
 * REDIS_TEST_URL), so files can run in parallel and clean up with FLUSHDB.
 */
export const testRedisBase = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

export function testRedisUrl(db: number): string {
  return `${testRedisBase}/${db}`;
}

/** A URL where nothing listens: for "Redis unreachable" cases. */
export const deadRedisUrl = "redis://127.0.0.1:1";

/** Deletes every key a bridge with this key prefix wrote: plain `<prefix>:…` and tagged `{<prefix>:…}…`. */
export async function deleteKeysOf(
  redis: { keys(pattern: string): Promise<string[]>; del(...keys: string[]): Promise<number> },
  prefix: string,
): Promise<void> {
  const keys = [...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`{${prefix}:*`))];
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
}
