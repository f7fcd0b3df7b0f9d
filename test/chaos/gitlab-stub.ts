import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A GitLab stand-in over real HTTP for the chaos suite, with GitLab's semantics for what
 * the bridge uses: issues with labels, assignees and notes; `PUT` with comma-separated
 * `add_labels`/`remove_labels`; notes; the label events; user search; the issue listing.
 * Every change — a person's or the bridge's — produces the Issue Hook or Note Hook GitLab
 * would send, built when the change happens and delivered asynchronously: sometimes late,
 * sometimes twice (the same Idempotency-Key), retried while the bridge does not accept it.
 * It records every request and every delivery, which is what the chaos counts are read from.
 */

export const PROJECT = "FHIR-BY/chaos";
const PROJECT_ID = 14;
const PRIORITY = ["Priority: Low", "Priority: Medium", "Priority: High"] as const;
export const MARKER_LABEL = "needs-priority";

export interface User {
  id: number;
  username: string;
}
export const users: Record<string, User> = {
  operator1: { id: 51, username: "operator1" },
  operator2: { id: 52, username: "operator2" },
  bot: { id: 99, username: "reglament-bot" },
  lead: { id: 60, username: "support-lead" },
  infra: { id: 61, username: "infra-lead" },
};

interface Note {
  id: number;
  body: string;
  author: User;
  created_at: string;
  system: false;
  internal: boolean;
}

interface Issue {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: "opened" | "closed";
  labels: string[];
  author: User;
  assignees: User[];
  created_at: string;
  updated_at: string;
  notes: Note[];
}

/** A bridge write as the stub applied it, with the labels before and after. */
export interface BridgeWrite {
  at: number;
  iid: number;
  kind: "edit" | "note";
  before: string[];
  after: string[];
  body?: string;
}

export interface Delivery {
  key: string;
  iid: number;
  event: "Issue Hook" | "Note Hook";
  /** When the bridge first answered 202 "accepted" (undefined: never accepted). */
  acceptedAt?: number;
  /** When the request that got that answer was sent. */
  sentAt?: number;
  answers: number[];
}

export interface Faults {
  /** Fraction of bridge writes answered 500 without applying them. */
  failBefore?: number;
  /** Fraction of bridge writes applied and then answered 500. */
  failAfter?: number;
  /** Until this moment (epoch ms) every request is answered 429 with Retry-After 1. */
  tooManyUntil?: number;
  /** Issues whose every request is answered 503 with Retry-After 1, for ever. */
  unavailable?: ReadonlySet<number>;
}

const iso = (t = Date.now()) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
const priorities = (labels: readonly string[]) =>
  labels.filter((l) => (PRIORITY as readonly string[]).includes(l));

/** The e-Recipe rule's settled states: exactly one priority label, or none and the marker. */
export function settled(labels: readonly string[]): boolean {
  const p = priorities(labels).length;
  return (p === 1 && !labels.includes(MARKER_LABEL)) || (p === 0 && labels.includes(MARKER_LABEL));
}

export class GitlabStub {
  readonly issues = new Map<number, Issue>();
  readonly deliveries: Delivery[] = [];
  readonly bridgeWrites: BridgeWrite[] = [];
  /** Every request the bridge made that writes (PUT, POST), answered or not. */
  readonly writeRequests: { at: number; status: number }[] = [];
  faults: Faults = {};
  /** Where hooks go: the bridges' webhook URLs; one is picked per delivery. */
  targets: string[] = [];
  #server: Server | undefined;
  #nextNote = 1;
  #pending = 0;
  #closing = false;
  #rand: () => number;

  constructor(
    private readonly secret: string,
    seed = 1,
  ) {
    let x = seed >>> 0 || 1;
    this.#rand = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
  }

  random(): number {
    return this.#rand();
  }

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    const address = this.#server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  /** Deliveries still on their way. */
  get pending(): number {
    return this.#pending;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await new Promise((r) => this.#server?.close(r));
  }

  // --- what people do ---------------------------------------------------------------

  createIssue(iid: number, labels: string[], author = users.operator1!): void {
    const now = iso();
    const issue: Issue = {
      id: 1000 + iid,
      iid,
      title: `Не выписывается рецепт №${iid}`,
      description: "Аптека сообщает об ошибке",
      state: "opened",
      labels: [...labels],
      author,
      assignees: [author],
      created_at: now,
      updated_at: now,
      notes: [],
    };
    this.issues.set(iid, issue);
    this.#issueHook(issue, author, "open", {});
  }

  /** A person edits an issue's labels; the hook is built now and delivered later. */
  editLabels(iid: number, change: (labels: string[]) => string[], by = users.operator1!): void {
    const issue = this.issues.get(iid)!;
    const before = [...issue.labels];
    issue.labels = change([...issue.labels]);
    issue.updated_at = iso();
    this.#issueHook(issue, by, "update", { labels: { previous: before, current: [...issue.labels] } });
  }

  // --- hooks ------------------------------------------------------------------------

  #hookLabels(labels: readonly string[]) {
    return labels.map((title, i) => ({
      id: 200 + i,
      title,
      color: "#fff",
      project_id: PROJECT_ID,
      type: "ProjectLabel",
    }));
  }

  #project() {
    return {
      id: PROJECT_ID,
      name: "chaos",
      path_with_namespace: PROJECT,
      web_url: `https://gitlab.test/${PROJECT}`,
    };
  }

  #issueHook(
    issue: Issue,
    by: User,
    action: string,
    changes: { labels?: { previous: string[]; current: string[] } },
  ) {
    const body = {
      object_kind: "issue",
      event_type: "issue",
      user: { id: by.id, name: by.username, username: by.username },
      project: this.#project(),
      object_attributes: {
        id: issue.id,
        iid: issue.iid,
        title: issue.title,
        description: issue.description,
        state: issue.state,
        state_id: issue.state === "opened" ? 1 : 2,
        action,
        author_id: issue.author.id,
        assignee_ids: issue.assignees.map((a) => a.id),
        project_id: PROJECT_ID,
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        labels: this.#hookLabels(issue.labels),
        type: "Issue",
        url: `https://gitlab.test/${PROJECT}/-/issues/${issue.iid}`,
      },
      labels: this.#hookLabels(issue.labels),
      assignees: issue.assignees.map((a) => ({ id: a.id, name: a.username, username: a.username })),
      changes: changes.labels
        ? {
            labels: {
              previous: this.#hookLabels(changes.labels.previous),
              current: this.#hookLabels(changes.labels.current),
            },
          }
        : {},
    };
    this.#deliver(issue.iid, "Issue Hook", body);
  }

  #noteHook(issue: Issue, note: Note) {
    const body = {
      object_kind: "note",
      event_type: "note",
      user: { id: note.author.id, name: note.author.username, username: note.author.username },
      project: this.#project(),
      object_attributes: {
        id: note.id,
        note: note.body,
        noteable_type: "Issue",
        author_id: note.author.id,
        system: false,
        internal: note.internal,
        created_at: note.created_at,
      },
      issue: {
        id: issue.id,
        iid: issue.iid,
        title: issue.title,
        description: issue.description,
        state: issue.state,
        labels: this.#hookLabels(issue.labels),
        author_id: issue.author.id,
        assignee_ids: issue.assignees.map((a) => a.id),
        created_at: issue.created_at,
        updated_at: issue.updated_at,
      },
    };
    this.#deliver(issue.iid, "Note Hook", body);
  }

  /** Sent after a random delay (sometimes late), one in five twice, retried until accepted. */
  #deliver(iid: number, event: Delivery["event"], body: unknown): void {
    const delivery: Delivery = { key: randomUUID(), iid, event, answers: [] };
    this.deliveries.push(delivery);
    const payload = JSON.stringify(body);
    const late = this.#rand() < 0.1;
    const first = late ? 400 + this.#rand() * 800 : 20 + this.#rand() * 150;
    this.#send(delivery, payload, first);
    if (this.#rand() < 0.2) this.#send(delivery, payload, first + 50 + this.#rand() * 400);
  }

  #send(delivery: Delivery, payload: string, delay: number): void {
    this.#pending++;
    const attempt = async () => {
      if (this.#closing) return void this.#pending--;
      const target = this.targets[Math.floor(this.#rand() * this.targets.length)];
      const sentAt = Date.now();
      let status = 0;
      let accepted = false;
      if (target) {
        try {
          const res = await fetch(target, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-gitlab-event": delivery.event,
              "x-gitlab-token": this.secret,
              "idempotency-key": delivery.key,
            },
            body: payload,
            signal: AbortSignal.timeout(5000),
          });
          status = res.status;
          const answer = (await res.json().catch(() => ({}))) as { status?: string };
          accepted = status === 202 && answer.status === "accepted";
          if (status === 202 && answer.status !== "accepted" && answer.status !== "duplicate")
            throw new Error(`the bridge ignored a chaos delivery: ${JSON.stringify(answer)}`);
        } catch (err) {
          if ((err as Error).message.startsWith("the bridge ignored")) throw err;
          status = 0;
        }
      }
      delivery.answers.push(status);
      if (accepted && delivery.acceptedAt === undefined) {
        delivery.acceptedAt = Date.now();
        delivery.sentAt = sentAt;
      }
      if (status === 202) return void this.#pending--;
      setTimeout(() => void attempt(), 250);
    };
    setTimeout(() => void attempt(), delay);
  }

  // --- the REST API -----------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://stub");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const writes = req.method === "PUT" || req.method === "POST";
    const now = Date.now();
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v4/, "");
    const issueMatch = path.match(/^\/projects\/(.+?)\/issues\/(\d+)(\/.*)?$/);
    const iid = issueMatch ? Number(issueMatch[2]) : undefined;
    const answerWrite = (status: number) => writes && this.writeRequests.push({ at: now, status });

    if (this.faults.tooManyUntil && now < this.faults.tooManyUntil) {
      answerWrite(429);
      return send(429, { message: "429 Too Many Requests" }, { "retry-after": "1" });
    }
    if (iid !== undefined && this.faults.unavailable?.has(iid)) {
      answerWrite(503);
      return send(503, { message: "503 Service Unavailable" }, { "retry-after": "1" });
    }
    const failBefore = writes && this.#rand() < (this.faults.failBefore ?? 0);
    if (failBefore) {
      answerWrite(500);
      return send(500, { message: "500 Internal Server Error" });
    }
    const failAfter = writes && this.#rand() < (this.faults.failAfter ?? 0);
    const done = (status: number, body: unknown) => {
      answerWrite(failAfter ? 500 : status);
      return failAfter ? send(500, { message: "500 Internal Server Error" }) : send(status, body);
    };

    if (path === `/projects/${PROJECT}` && req.method === "GET")
      // The bridge's user is a member (GitLab shows a non-member null permissions).
      return send(200, {
        id: PROJECT_ID,
        path_with_namespace: PROJECT,
        permissions: { project_access: { access_level: 30 }, group_access: null },
      });
    if (path === "/users" && req.method === "GET") {
      const u = Object.values(users).find((x) => x.username === url.searchParams.get("username"));
      return send(200, u ? [u] : []);
    }
    if (path === `/projects/${PROJECT}/issues` && req.method === "GET") {
      const after = url.searchParams.get("updated_after") ?? "";
      const perPage = Number(url.searchParams.get("per_page") ?? 20);
      const page = Number(url.searchParams.get("page") ?? 1);
      const list = [...this.issues.values()]
        .filter((i) => i.updated_at > after)
        .sort((a, b) => a.updated_at.localeCompare(b.updated_at));
      return send(
        200,
        list.slice((page - 1) * perPage, page * perPage).map((i) => this.#rest(i)),
      );
    }
    const issue = iid === undefined ? undefined : this.issues.get(iid);
    if (!issue) return send(404, { message: "404 Not found" });
    const sub = issueMatch![3] ?? "";
    if (sub === "" && req.method === "GET") return send(200, this.#rest(issue));
    if (sub === "/resource_label_events" && req.method === "GET") return send(200, []);
    if (sub === "/notes" && req.method === "GET") {
      const notes = [...issue.notes];
      if (url.searchParams.get("sort") === "desc") notes.reverse();
      const perPage = Number(url.searchParams.get("per_page") ?? 20);
      return send(200, notes.slice(0, perPage));
    }
    if (sub === "" && req.method === "PUT") {
      const body = JSON.parse(raw || "{}") as {
        add_labels?: string;
        remove_labels?: string;
        assignee_ids?: number[];
      };
      const before = [...issue.labels];
      const labels = new Set(issue.labels);
      for (const l of (body.add_labels ?? "").split(",").filter(Boolean)) labels.add(l);
      for (const l of (body.remove_labels ?? "").split(",").filter(Boolean)) labels.delete(l);
      issue.labels = [...labels];
      if (body.assignee_ids)
        issue.assignees = body.assignee_ids
          .map((id) => Object.values(users).find((u) => u.id === id)!)
          .filter(Boolean);
      issue.updated_at = iso();
      this.bridgeWrites.push({ at: now, iid: issue.iid, kind: "edit", before, after: [...issue.labels] });
      this.#issueHook(issue, users.bot!, "update", {
        labels: { previous: before, current: [...issue.labels] },
      });
      return done(200, this.#rest(issue));
    }
    if (sub === "/notes" && req.method === "POST") {
      const body = JSON.parse(raw || "{}") as { body: string; internal?: boolean };
      const note: Note = {
        id: this.#nextNote++,
        body: body.body,
        author: users.bot!,
        created_at: iso(),
        system: false,
        internal: body.internal ?? false,
      };
      issue.notes.push(note);
      issue.updated_at = iso();
      this.bridgeWrites.push({
        at: now,
        iid: issue.iid,
        kind: "note",
        before: [...issue.labels],
        after: [...issue.labels],
        body: body.body,
      });
      this.#noteHook(issue, note);
      return done(201, note);
    }
    return send(404, { message: `404 ${req.method} ${path} is not part of the stub` });
  }

  #rest(issue: Issue) {
    return {
      id: issue.id,
      iid: issue.iid,
      project_id: PROJECT_ID,
      title: issue.title,
      description: issue.description,
      state: issue.state,
      labels: [...issue.labels],
      author: issue.author,
      assignees: issue.assignees,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      web_url: `https://gitlab.test/${PROJECT}/-/issues/${issue.iid}`,
      references: { full: `${PROJECT}#${issue.iid}` },
    };
  }
}
