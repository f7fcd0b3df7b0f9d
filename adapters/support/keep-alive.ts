import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";

/**
 * The connections of one tracker instance's HTTP client: kept open between requests (a
 * write-back makes four in a row to the same host, and a TLS handshake costs more than the
 * request), and no more at once than the write-back workers can use.
 */
export function keepAliveAgents(maxSockets = 64) {
  const options = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets, maxFreeSockets: maxSockets };
  return { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
}
