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
