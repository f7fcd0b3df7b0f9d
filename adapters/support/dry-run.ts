import type { AxiosInstance, AxiosResponse } from "axios";
import type { RecordedRequest } from "../../src/domain/adapter.js";

/**
 * A writing request of a dry run: handed to the recorder with the URL it would have gone
 * to, and answered as an empty success (the writers read the ticket, not their writes' answers).
 */
export function recorded<T>(
  http: AxiosInstance,
  config: { method: string; url: string; data?: unknown; params?: unknown },
  record: (request: RecordedRequest) => void,
): AxiosResponse<T> {
  const url = http.getUri({ url: config.url, params: config.params });
  record({
    method: config.method.toUpperCase(),
    url,
    ...(config.data !== undefined ? { body: config.data } : {}),
  });
  return { data: {} as T, status: 200, statusText: "OK (dry run)", headers: {}, config: {} as never };
}
