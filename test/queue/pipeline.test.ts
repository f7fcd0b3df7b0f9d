import { connectRedis } from "../../src/redis/connection.js";
import { testRedisUrl } from "../helpers/redis.js";
import { pipelineSuite } from "./pipeline-suite.js";

const url = testRedisUrl(6);

pipelineSuite({
  redis: { url },
  yaml: `url: "${url}"`,
  cleanup: async () => {
    const redis = await connectRedis(url);
    await redis.flushdb();
    redis.disconnect();
  },
});
