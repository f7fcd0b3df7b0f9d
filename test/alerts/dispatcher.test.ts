import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Alert } from "../../src/alerts/alert.js";
import { alertId } from "../../src/alerts/alert.js";
import { AlertDispatcher } from "../../src/alerts/dispatcher.js";
import { sign } from "../../src/alerts/signature.js";
import { connectRedis } from "../../src/redis/connection.js";
import { KeySpace } from "../../src/redis/key-space.js";
import { silentLogger } from "../helpers/logger.js";
import { testRedisUrl } from "../helpers/redis.js";

const secret = `whsec_${Buffer.from("a supervisor's shared secret").toString("base64")}`;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
let failuresLeft = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (failuresLeft > 0) {
      failuresLeft--;
      res.writeHead(500).end();
      return;
    }
    received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});

const redis = await connectRedis(testRedisUrl(4));
let dispatcher: AlertDispatcher;

beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  dispatcher = new AlertDispatcher({
    connection: redis,
    keys: new KeySpace("test-alerts", 4),
    logger: silentLogger,
    baseDelayMs: 100,
    endpoints: [
      { name: "supervisors", url, secret, events: ["sla.breached", "ticket.escalated"] },
      { name: "line2", url, secret, events: ["ticket.escalated"], packs: ["e-recipe-by"] },
    ],
  });
  dispatcher.start();
});
afterAll(async () => {
  await dispatcher.close();
  await redis.flushdb();
  redis.disconnect();
  server.close();
});

const ref = { tracker: "gitlab" as const, instance: "erecipe", id: "77" };
const alert = (over: Partial<Alert> = {}): Alert => ({
  id: alertId(ref, "sla.breached", "resolution", 123),
  type: "sla.breached",
  occurredAt: "2026-03-02T12:00:00+03:00",
  pack: "krasnoyarsk-kmiac",
  ticket: ref,
  message: "Нарушен срок",
  ...over,
});
const waitFor = async (predicate: () => boolean, ms: number) => {
  const until = Date.now() + ms;
  while (!predicate() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
};

describe("AlertDispatcher", () => {
  it("signs by the Standard Webhooks scheme, verifiable with the standardwebhooks package", async () => {
    received.length = 0;
    await dispatcher.publish(alert());
    await waitFor(() => received.length === 1, 3000);
    const [{ headers, body }] = received as [{ headers: IncomingMessage["headers"]; body: string }];
    const payload = new Webhook(secret).verify(body, {
      "webhook-id": String(headers["webhook-id"]),
      "webhook-timestamp": String(headers["webhook-timestamp"]),
      "webhook-signature": String(headers["webhook-signature"]),
    }) as Alert;
    expect(payload).toMatchObject({ type: "sla.breached", ticket: { id: "77" }, pack: "krasnoyarsk-kmiac" });
    expect(headers["webhook-id"]).toBe(alert().id);
  });

  it("matches the scheme's published test vector", () => {
    // From the Standard Webhooks specification's example.
    expect(
      sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("retries a failing endpoint and delivers once (500, then 204)", async () => {
    received.length = 0;
    failuresLeft = 1;
    const a = alert({ id: alertId(ref, "sla.breached", "reaction", 1) });
    await dispatcher.publish(a);
    await waitFor(() => received.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 400));
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([a.id]);
  });

  it("never delivers the same alert twice", async () => {
    received.length = 0;
    const a = alert({ id: alertId(ref, "sla.breached", "reaction", 2) });
    expect(await dispatcher.publish(a)).toEqual(["supervisors"]);
    expect(await dispatcher.publish(a)).toEqual([]);
    await waitFor(() => received.length === 1, 3000);
    await new Promise((r) => setTimeout(r, 400));
    expect(received).toHaveLength(1);
  });

  it("queues and sends the message redacted: a decision's message may quote the ticket", async () => {
    received.length = 0;
    const a = alert({
      id: alertId(ref, "sla.breached", "personal-data", 1),
      message: "Нарушен срок: пациент Петров Пётр Петрович 01.02.1980, тел. +7 912 345-67-89",
    });
    await dispatcher.publish(a);
    await waitFor(() => received.length === 1, 3000);
    const said = "Нарушен срок: пациент [birthdate-with-name] [birthdate-with-name], тел. [phone]";
    expect((JSON.parse(received[0]!.body) as Alert).message).toBe(said);
    const job = await dispatcher.queue.getJob(
      createHash("sha256").update(`${a.id}\u0000supervisors`).digest("hex"),
    );
    expect(job?.data.alert.message).toBe(said);
  });

  it("sends to every endpoint subscribed to the event and the pack", async () => {
    received.length = 0;
    const escalated = alert({
      id: alertId(ref, "ticket.escalated", "L2"),
      type: "ticket.escalated",
      pack: "e-recipe-by",
    });
    expect((await dispatcher.publish(escalated)).sort()).toEqual(["line2", "supervisors"]);
    const other = alert({
      id: alertId(ref, "ticket.escalated", "L2-other"),
      type: "ticket.escalated",
      pack: "mgerm",
    });
    expect(await dispatcher.publish(other)).toEqual(["supervisors"]);
    await waitFor(() => received.length === 3, 3000);
    expect(received).toHaveLength(3);
  });
});
