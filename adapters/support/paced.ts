/**
 * A tracker client's `request`, with the bridge's pace awaited before every request that
 * writes: reads go straight out, writes wait their turn across all bridge processes.
 */
export function paced<C extends { request(what: string, config: { method: string }): Promise<unknown> }>(
  client: C,
  beforeWrite: (() => Promise<void>) | undefined,
): C["request"] {
  if (!beforeWrite) return client.request.bind(client);
  return (async (what: string, config: { method: string }) => {
    if (config.method.toUpperCase() !== "GET") await beforeWrite();
    return client.request(what, config);
  }) as C["request"];
}
