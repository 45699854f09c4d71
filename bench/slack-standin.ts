// A fake Slack for the nudges bench, in a process of its own so the bench's process pays only for
// our side of each call. It answers chat.postMessage as Slack does (a DM's id for a user id, a ts,
// the message echoed back; not_authed without a bearer token) and keeps only a count per DM: the
// test suite's fake Slack (test/support) is the full one. Its CPU is Slack's, not ours, yet on
// this machine it competes with the service measured, so it is a bare HTTP/1.1 server on node:net
// (kept-alive connections, pipelining, content-length bodies) with no request and response objects
// per call and one write per read, however many requests the read held. Prints one JSON line with
// the API URL, then serves until killed.
//   node --import tsx bench/slack-standin.ts
// GET /bench/count and GET /bench/delivered answer how many messages landed, and where.
import { type AddressInfo, createServer, type Socket } from "node:net";

const perChannel = new Map<string, number>();
let messages = 0;
let duplicates = 0;
let seq = 0;
const epoch = Math.floor(Date.now() / 1000);

// node:http's limit on a request's head (431 past it, as there); our posts are a few kilobytes.
const MAX_HEAD = 16 * 1024;
const MAX_BODY = 1024 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n");
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CLOSE = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const KEEP_ALIVE = /(?:^|,)[ \t]*keep-alive[ \t]*(?:,|$)/i;

const NOT_AUTHED = '{"ok":false,"error":"not_authed"}';
const UNKNOWN_METHOD = '{"ok":false,"error":"unknown_method"}';
const INVALID_JSON = '{"ok":false,"error":"invalid_json"}';
const CHANNEL_NOT_FOUND = '{"ok":false,"error":"channel_not_found"}';
const BOT = '{"type":"message","user":"U0BOT","bot_id":"B0BOT"';
const JSON_HEADERS = "content-type: application/json; charset=utf-8\r\ncontent-length: ";
// node:http's keep-alive hint, which undici times its reuse of a connection by.
const KEEP_ALIVE_HEADERS = "\r\nconnection: keep-alive\r\nkeep-alive: timeout=60\r\n\r\n";
const LAST_HEADERS = "\r\nconnection: close\r\n\r\n";
const CLOSE_HEADERS = `content-length: 0${LAST_HEADERS}`;
const REASONS: Record<number, string> = {
  400: "Bad Request",
  411: "Length Required",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
};

// The Date header, made once a second rather than once a response.
let date = "";
let dateUntil = 0;
function refreshDate() {
  const now = Date.now();
  if (now >= dateUntil) {
    date = `date: ${new Date(now).toUTCString()}\r\n`;
    dateUntil = now - (now % 1000) + 1000;
  }
}

function ok(body: string, close: boolean) {
  const length = Buffer.byteLength(body);
  const last = close ? LAST_HEADERS : KEEP_ALIVE_HEADERS;
  return `HTTP/1.1 200 OK\r\n${date}${JSON_HEADERS}${length}${last}${body}`;
}

/** An error the connection does not survive: what follows it can't be framed. */
function fail(status: number) {
  return `HTTP/1.1 ${status} ${REASONS[status]}\r\n${date}${CLOSE_HEADERS}`;
}

function answer(target: string, authorized: boolean, body: string) {
  if (target === "/bench/count") return `{"messages":${messages}}`;
  if (target === "/bench/delivered") {
    return `{"messages":${messages},"channels":${perChannel.size},"duplicates":${duplicates}}`;
  }
  if (!authorized) return NOT_AUTHED;
  if (target !== "/api/chat.postMessage") return UNKNOWN_METHOD;
  let args: { channel?: unknown; text?: unknown; blocks?: unknown } | null;
  try {
    args = JSON.parse(body);
  } catch {
    return INVALID_JSON;
  }
  const to = typeof args === "object" && args !== null ? String(args.channel ?? "") : "";
  if (!to) return CHANNEL_NOT_FOUND;
  // A user id posts in the bot's DM with them.
  const channel = to.startsWith("U") ? `D${to.slice(1)}` : to;
  const before = perChannel.get(channel) ?? 0;
  perChannel.set(channel, before + 1);
  if (before > 0) duplicates += 1;
  messages += 1;
  seq += 1;
  const ts = `${epoch}.${String(seq).padStart(6, "0")}`;
  const head = `{"ok":true,"channel":${JSON.stringify(channel)},"ts":"${ts}","message":${BOT}`;
  const raw = members(body);
  if (!raw) {
    const echo = JSON.stringify({ text: args!.text, blocks: args!.blocks, ts });
    return `${head},${echo.slice(1)}}`;
  }
  const text = raw.text ? `,"text":${body.slice(raw.text[0], raw.text[1])}` : "";
  const blocks = raw.blocks ? `,"blocks":${body.slice(raw.blocks[0], raw.blocks[1])}` : "";
  return `${head}${text}${blocks},"ts":"${ts}"}}`;
}

/**
 * Where the top-level text and blocks values lie in an object's JSON that JSON.parse has taken, so
 * the echo copies them: serializing them again costs about twice this scan. The same bytes as
 * JSON.stringify of what was parsed when the body came from JSON.stringify, as our posts do; the
 * same values, with their whitespace and escapes, otherwise. Undefined when a key has an escape.
 */
function members(json: string) {
  let text: [number, number] | undefined;
  let blocks: [number, number] | undefined;
  let depth = 0;
  let key = "";
  let expectKey = false;
  let valueStart = -1;
  const close = (end: number) => {
    if (valueStart < 0) return;
    let start = valueStart;
    // JSON's whitespace is the only text at or below a space outside strings.
    while (json.charCodeAt(start) <= 32) start += 1;
    while (json.charCodeAt(end - 1) <= 32) end -= 1;
    if (key === "text") text = [start, end];
    else if (key === "blocks") blocks = [start, end];
    valueStart = -1;
  };
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // A string: it ends at the first quote not escaped by an odd run of backslashes.
      let j = json.indexOf('"', i + 1);
      for (;;) {
        let k = j - 1;
        while (json.charCodeAt(k) === 92) k -= 1;
        if ((j - 1 - k) % 2 === 0) break;
        j = json.indexOf('"', j + 1);
      }
      if (expectKey) {
        key = json.slice(i + 1, j);
        if (key.includes("\\")) return undefined;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 123 || c === 91) {
      depth += 1;
      if (depth === 1) {
        if (c !== 123) return undefined;
        expectKey = true;
      }
    } else if (c === 125 || c === 93) {
      if (depth === 1) close(i);
      depth -= 1;
    } else if (depth === 1) {
      if (c === 58) valueStart = i + 1;
      else if (c === 44) {
        close(i);
        expectKey = true;
      }
    }
    i += 1;
  }
  return { text, blocks };
}

function serve(socket: Socket) {
  // Bytes of a request not complete yet, and how many it needs before it can be.
  const held: Buffer[] = [];
  let heldBytes = 0;
  let need = 0;
  let closed = false;
  // A client gone mid-answer is no matter.
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    if (closed) return;
    if (held.length > 0 && heldBytes + chunk.length < need) {
      held.push(chunk);
      heldBytes += chunk.length;
      return;
    }
    let buf = chunk;
    if (held.length > 0) {
      held.push(chunk);
      buf = Buffer.concat(held, heldBytes + chunk.length);
      held.length = 0;
      heldBytes = 0;
    }
    refreshDate();
    let out = "";
    let pos = 0;
    while (pos < buf.length) {
      const headEnd = buf.indexOf(HEAD_END, pos);
      if (headEnd < 0 ? buf.length - pos > MAX_HEAD : headEnd - pos > MAX_HEAD) {
        closed = true;
        out += fail(431);
        break;
      }
      if (headEnd < 0) {
        need = 0;
        break;
      }
      const head = parseHead(buf.toString("latin1", pos, headEnd));
      if (typeof head === "number") {
        closed = true;
        out += fail(head);
        break;
      }
      const bodyStart = headEnd + 4;
      const bodyEnd = bodyStart + head.length;
      if (bodyEnd > buf.length) {
        // Its head is parsed again once the rest has come: simpler than keeping it.
        need = bodyEnd - pos;
        break;
      }
      const body = buf.toString("utf8", bodyStart, bodyEnd);
      out += ok(answer(head.target, head.authorized, body), head.close);
      pos = bodyEnd;
      if (head.close) {
        closed = true;
        break;
      }
    }
    if (closed) {
      socket.end(out);
      return;
    }
    if (pos < buf.length) {
      held.push(pos > 0 ? buf.subarray(pos) : buf);
      heldBytes = buf.length - pos;
    }
    if (out && !socket.write(out)) {
      // A client that doesn't read its answers isn't read from until it does.
      socket.pause();
      socket.once("drain", () => socket.resume());
    }
  });
}

interface Head {
  target: string;
  authorized: boolean;
  length: number;
  close: boolean;
}

/** A request's head, or the status to refuse it with. */
function parseHead(head: string): Head | number {
  let lineEnd = head.indexOf("\r\n");
  if (lineEnd < 0) lineEnd = head.length;
  const request = REQUEST_LINE.exec(head.slice(0, lineEnd));
  if (!request) return 400;
  const http10 = request[3] === "0";
  let host = false;
  let authorization: string | undefined;
  let length = -1;
  let connection = "";
  let chunked = false;
  while (lineEnd < head.length) {
    const start = lineEnd + 2;
    lineEnd = head.indexOf("\r\n", start);
    if (lineEnd < 0) lineEnd = head.length;
    const colon = head.indexOf(":", start);
    if (colon < 0 || colon > lineEnd) return 400;
    const name = head.slice(start, colon);
    const raw = head.slice(colon + 1, lineEnd);
    // A bare CR or LF could end a header where another parser doesn't; no folded lines either.
    if (!TOKEN.test(name) || raw.includes("\r") || raw.includes("\n")) return 400;
    const value = raw.trim();
    switch (name.toLowerCase()) {
      case "host":
        host = true;
        break;
      case "authorization":
        authorization ??= value;
        break;
      case "content-length": {
        if (!/^\d+$/.test(value)) return 400;
        const n = Number(value);
        if (length >= 0 && n !== length) return 400;
        length = n;
        break;
      }
      case "connection":
        connection = connection ? `${connection},${value}` : value;
        break;
      case "transfer-encoding":
        chunked = true;
        break;
    }
  }
  const method = request[1]!;
  if (!host && !http10) return 400;
  // undici sends a content-length with a string body, so a chunked one is not worth decoding.
  if (chunked || (length < 0 && method === "POST")) return 411;
  if (length > MAX_BODY) return 413;
  const close =
    connection === "keep-alive"
      ? false
      : http10
        ? !KEEP_ALIVE.test(connection)
        : CLOSE.test(connection);
  const authorized = authorization?.startsWith("Bearer ") ?? false;
  return { target: request[2]!, authorized, length: Math.max(length, 0), close };
}

const server = createServer({ noDelay: true }, serve);
server.listen(0, "127.0.0.1", () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ apiUrl: `${base}/api/`, baseUrl: base })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
