import { getHeapStatistics } from "node:v8";

/**
 * The V8 heap sizing the bridge is started with (`npm start` and the image set it). V8 lets
 * garbage pile up in proportion to the old generation's limit: under Node's default for a
 * large machine (gigabytes) it keeps three to four times the live heap before collecting,
 * so a bridge with 60 MB of live objects sits at 250–300 MB of RSS; under 256 MB it
 * collects at about 1.3 times (165 MB of RSS), and with the young generation's semi-spaces
 * at 4 MB instead of 16 the same bridge sits near 140 MB, at the same throughput
 * (bench/soak).
 */
export const recommendedNodeOptions = "--max-old-space-size=256 --max-semi-space-size=4";

/** Above this the limit is likely Node's default for the machine, not one chosen for the bridge. */
const defaultLike = 1024;

export function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 1048576);
}

/** What `serve` tells the administrator when the heap is sized by Node's default. */
export function heapAdvice(limitMb = heapLimitMb()): string | undefined {
  if (limitMb <= defaultLike) return undefined;
  return (
    `Heap: the V8 heap limit is ${limitMb.toLocaleString("en-US")} MB (Node's default on this machine unless set); ` +
    `under a limit this large V8 lets garbage grow to 3–4 times the live heap (RSS 250–300 MB under load); start with ` +
    `NODE_OPTIONS="${recommendedNodeOptions}", as npm start and the image do, to hold it near 140 MB`
  );
}
