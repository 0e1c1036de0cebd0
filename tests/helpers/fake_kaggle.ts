/**
 * A local fake of the Kaggle API and its resumable upload host, for tests.
 *
 * - API (`Deno.serve` on 127.0.0.1): `/api/v1/blobs/upload`,
 *   `/datasets/status`, `/datasets/create/new`, `/datasets/create/version`;
 *   checks the Authorization header and records every request.
 * - Upload host (raw TCP on another port, i.e. another origin): a minimal
 *   HTTP/1.1 server speaking the resumable protocol (`Content-Range`, 308 +
 *   `Range`). Raw sockets let a fault close the connection after reading only
 *   part of a body, which `Deno.serve` cannot do.
 *
 * Faults are scripted in queues and consumed in order.
 *
 * @module
 */

/** A scripted API answer, used instead of the normal one for a matching route. */
export interface ApiFault {
  /** e.g. `POST /blobs/upload`, `GET /datasets/status`, `POST /datasets/create`. */
  route: string;
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A scripted upload-host misbehaviour for the next data PUT (not queries). */
export type UploadFault =
  /** Behave normally for this request. */
  | { kind: "pass" }
  /** Keep the first `afterBytes` body bytes, then close the socket without answering. */
  | { kind: "drop"; afterBytes: number }
  /** Keep the first `afterBytes` body bytes, then answer `status` and close. */
  | { kind: "status"; status: number; afterBytes: number; headers?: Record<string, string> };

/** One request the API saw. */
export interface ApiRecord {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

/** One PUT the upload host saw. */
export interface PutRecord {
  session: string;
  contentRange: string | null;
  authorization: string | null;
  transferEncoding: string | null;
  /** Offset of the first body byte, when a data PUT. */
  offset: number | null;
  /** Body bytes actually read by the server. */
  received: number;
}

interface Session {
  name: string;
  size: number;
  token: string;
  data: Uint8Array;
  have: number;
  complete: boolean;
}

/** Handle to a running fake. */
export interface FakeKaggle {
  baseUrl: string;
  /** Requests to the API, in order. */
  api: ApiRecord[];
  /** PUTs to the upload host, in order. */
  puts: PutRecord[];
  apiFaults: ApiFault[];
  uploadFaults: UploadFault[];
  /** Status answers for GET status after creation; default "ready". */
  statusAnswers: unknown[];
  /** Whether the dataset exists (status answers 404 when not). */
  exists: boolean;
  /** Upload URLs handed out point here instead of the fake upload host (e.g. a silent server). */
  uploadBaseOverride?: string;
  /** Bytes of each completed upload by token. */
  blobs(): Map<string, { name: string; bytes: Uint8Array }>;
  close(): Promise<void>;
}

/** Start a fake expecting `expectedAuth` as the Authorization header. */
export function startFakeKaggle(expectedAuth: string): FakeKaggle {
  const sessions = new Map<string, Session>();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const uploadBase = `http://127.0.0.1:${listener.addr.port}`;
  const conns = new Set<Promise<void>>();
  let nextId = 1;

  const fake: FakeKaggle = {
    baseUrl: "",
    api: [],
    puts: [],
    apiFaults: [],
    uploadFaults: [],
    statusAnswers: [],
    exists: false,
    blobs() {
      const out = new Map<string, { name: string; bytes: Uint8Array }>();
      for (const s of sessions.values()) {
        if (s.complete) out.set(s.token, { name: s.name, bytes: s.data.slice(0, s.have) });
      }
      return out;
    },
    close: async () => {
      ac.abort();
      listener.close();
      await server.finished;
      await Promise.all(conns);
    },
  };

  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const path = url.pathname.replace(/^\/api\/v1/, "");
      const text = await req.text();
      let body: unknown = undefined;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const authorization = req.headers.get("authorization");
      fake.api.push({ method: req.method, path, authorization, body });
      const route = `${req.method} ${path}`;
      const i = fake.apiFaults.findIndex((f) => route.startsWith(f.route));
      if (i >= 0) {
        const f = fake.apiFaults.splice(i, 1)[0];
        return new Response(f.body ?? "", { status: f.status, headers: f.headers });
      }
      if (authorization !== expectedAuth) {
        return Response.json({ code: 401, message: "Unauthenticated" }, { status: 401 });
      }
      if (req.method === "POST" && path === "/blobs/upload") {
        const b = body as { type: string; name: string; contentLength: number };
        const id = String(nextId++);
        const s: Session = {
          name: b.name,
          size: b.contentLength,
          token: `tok-${id}`,
          data: new Uint8Array(b.contentLength),
          have: 0,
          complete: false,
        };
        sessions.set(id, s);
        return Response.json({
          token: s.token,
          createUrl: `${fake.uploadBaseOverride ?? uploadBase}/upload/${id}`,
        });
      }
      if (req.method === "GET" && path.startsWith("/datasets/status/")) {
        if (!fake.exists) {
          return Response.json({ code: 404, message: "Not found" }, { status: 404 });
        }
        const answer = fake.statusAnswers.length > 0 ? fake.statusAnswers.shift() : "ready";
        return Response.json(answer);
      }
      if (req.method === "POST" && path.startsWith("/datasets/create/")) {
        const ref = path.startsWith("/datasets/create/version/")
          ? path.slice("/datasets/create/version/".length)
          : `${(body as Record<string, string>).ownerSlug}/${
            (body as Record<string, string>).slug
          }`;
        fake.exists = true;
        return Response.json({
          ref,
          url: `https://www.kaggle.com/datasets/${ref}`,
          status: "ok",
          error: "",
          invalidTags: [],
        });
      }
      return Response.json({ code: 404, message: "no route" }, { status: 404 });
    },
  );
  fake.baseUrl = `http://127.0.0.1:${server.addr.port}/api/v1`;

  (async () => {
    for await (const conn of listener) {
      const p = serveUpload(conn).catch(() => {}).finally(() => conns.delete(p));
      conns.add(p);
    }
  })().catch(() => {});

  async function serveUpload(conn: Deno.Conn): Promise<void> {
    const io = new ConnReader(conn);
    try {
      const head = await io.readHead();
      if (head === null) return;
      const [requestLine, ...lines] = head.split("\r\n");
      const [method, target] = requestLine.split(" ");
      const headers = new Map<string, string>();
      for (const l of lines) {
        const c = l.indexOf(":");
        if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
      }
      const id = target.replace(/^\/upload\//, "");
      const s = sessions.get(id);
      const contentRange = headers.get("content-range") ?? null;
      const record: PutRecord = {
        session: id,
        contentRange,
        authorization: headers.get("authorization") ?? null,
        transferEncoding: headers.get("transfer-encoding") ?? null,
        offset: null,
        received: 0,
      };
      fake.puts.push(record);
      if (method !== "PUT" || s === undefined) return await respond(conn, 404, {});
      if (!headers.has("content-length")) return await respond(conn, 411, {});
      const length = Number(headers.get("content-length"));

      if (contentRange !== null && contentRange.startsWith("bytes */")) {
        await io.readBody(length, () => {});
        if (s.complete) return await respond(conn, 200, {});
        return await respond(conn, 308, s.have > 0 ? { Range: `bytes=0-${s.have - 1}` } : {});
      }
      let start = 0;
      if (contentRange !== null) {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
        if (!m || Number(m[2]) - Number(m[1]) + 1 !== length || Number(m[3]) !== s.size) {
          return await respond(conn, 400, {});
        }
        start = Number(m[1]);
      } else if (length !== s.size) {
        return await respond(conn, 400, {});
      }
      record.offset = start;
      // A client that resends bytes the server holds is a bug we want to see.
      if (start !== s.have) return await respond(conn, 409, {});

      const next = fake.uploadFaults.shift();
      const fault = next?.kind === "pass" ? undefined : next;
      const keep = fault ? Math.min(fault.afterBytes, length) : length;
      await io.readBody(keep, (bytes) => {
        s.data.set(bytes, s.have);
        s.have += bytes.length;
        record.received += bytes.length;
      });
      if (fault?.kind === "drop") return; // finally closes without answering
      if (fault?.kind === "status") return await respond(conn, fault.status, fault.headers ?? {});
      if (s.have === s.size) {
        s.complete = true;
        return await respond(conn, 200, {});
      }
      return await respond(conn, 308, { Range: `bytes=0-${s.have - 1}` });
    } finally {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  return fake;
}

async function respond(conn: Deno.Conn, status: number, headers: Record<string, string>) {
  const lines = [`HTTP/1.1 ${status} X`, "Content-Length: 0", "Connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const bytes = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

class ConnReader {
  #conn: Deno.Conn;
  #buf = new Uint8Array(0);
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }
  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const merged = new Uint8Array(this.#buf.length + n);
    merged.set(this.#buf);
    merged.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = merged;
    return true;
  }
  async readHead(): Promise<string | null> {
    for (;;) {
      const text = new TextDecoder("latin1").decode(this.#buf);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buf = this.#buf.slice(end + 4);
        return text.slice(0, end);
      }
      if (!(await this.#fill())) return null;
    }
  }
  async readBody(length: number, sink: (bytes: Uint8Array) => void): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.#buf.length === 0 && !(await this.#fill())) return;
      const take = Math.min(left, this.#buf.length);
      sink(this.#buf.slice(0, take));
      this.#buf = this.#buf.slice(take);
      left -= take;
    }
  }
}

/** A server that accepts connections, reads what is sent, and never answers. */
export interface SilentServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Bytes received so far, over all connections. */
  received: number;
  close(): Promise<void>;
}

/**
 * Start a {@link SilentServer}: the "accepts and never answers" fault, at
 * the TCP level so no HTTP library answers for it.
 */
export function startSilentServer(): SilentServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const readers = new Set<Promise<void>>();
  const server: SilentServer = {
    url: `http://127.0.0.1:${listener.addr.port}`,
    connections: 0,
    received: 0,
    close: async () => {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch {
          // already closed by the client
        }
      }
      await Promise.all(readers);
      await accepting;
    },
  };
  async function drain(conn: Deno.Conn): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        server.received += n;
      }
    } catch {
      // closed
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        server.connections++;
        open.add(conn);
        const p = drain(conn).finally(() => readers.delete(p));
        readers.add(p);
      }
    } catch {
      // listener closed
    }
  })();
  return server;
}
