import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Serves one PGlite session to many `pg` connections over loopback.
 *
 * PGlite is a single session. Interleaving two connections message by message breaks the
 * extended query protocol (Parse/Bind/Execute share the session's unnamed statement and portal),
 * so each connection's messages run as whole units — up to and including a Sync or a simple
 * Query — and a connection that leaves a transaction open keeps the session until it ends it.
 */
export class PGliteServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The connection whose open transaction holds the session. */
  private owner: Socket | undefined;
  /** Units run one at a time, whole. */
  private turn: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<() => void>();

  constructor(private readonly db: PGlite) {}

  async listen(host = "127.0.0.1", port = 0): Promise<string> {
    await this.db.waitReady;
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server?.once("error", reject);
      this.server?.listen(port, host, () => resolve());
    });
    // Past start-up an accept error (out of file descriptors, say) costs that one connection;
    // the client's pool retries, so the process must not end over it.
    this.server.on("error", () => undefined);
    const address = this.server.address();
    if (!address || typeof address === "string") throw new Error("PGlite server has no port");
    return `${host}:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /**
   * Runs one unit when the session is free: no transaction open, or one this connection opened.
   * A transaction another connection has held open for GUEST_AFTER_MS is most likely waiting for
   * this very connection (a lookup made outside a transaction while it is open), which a single
   * session could never serve; the unit then runs as a guest inside that transaction. This
   * server is for local use only.
   */
  private async runUnit(socket: Socket, messages: Buffer[]): Promise<void> {
    const deadline = Date.now() + GUEST_AFTER_MS;
    for (;;) {
      let done!: () => void;
      const previous = this.turn;
      this.turn = new Promise((resolve) => {
        done = resolve;
      });
      await previous;
      const held = this.db.isInTransaction() && this.owner !== undefined && this.owner !== socket;
      const guest = held && Date.now() >= deadline;
      if (!held || guest) {
        const notifications = new NotificationScanner();
        try {
          await this.db.runExclusive(async () => {
            for (const message of messages) {
              await this.db.execProtocolRawStream(new Uint8Array(message), {
                onRawData: (data: Uint8Array) => {
                  notifications.scan(data);
                  if (socket.writable) socket.write(data);
                },
              });
            }
          });
          this.forward(notifications.found, socket);
        } finally {
          if (!this.db.isInTransaction()) this.owner = undefined;
          else if (!guest) this.owner = socket;
          done();
          for (const wake of this.wakers) wake();
        }
        return;
      }
      done();
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(deadline - Date.now(), 0));
        this.wakers.add(wake);
      });
    }
  }

  /**
   * NOTIFY in the one shared session comes back in the output of the connection that committed
   * it, not to the one that ran LISTEN (a queue worker waiting for jobs). Hand each notification
   * to every other connection after the unit that raised it, so no message is split (clients
   * filter by channel).
   */
  private forward(found: Buffer[], from: Socket): void {
    for (const message of found) {
      for (const socket of this.sockets)
        if (socket !== from && socket.writable) socket.write(message);
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    // Messages of the unit being received; a unit may span several TCP chunks.
    let unit: Buffer[] = [];
    let chain = Promise.resolve();

    const run = (messages: Buffer[]) => {
      chain = chain
        .then(() => this.runUnit(socket, messages))
        .catch(() => {
          socket.destroy();
        });
    };

    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.readInt32BE(4) === SSL_REQUEST) {
            // We speak plain TCP on loopback.
            socket.write("N");
            buffer = buffer.subarray(8);
            continue;
          }
          if (buffer.length < length) return;
          run([buffer.subarray(0, length)]);
          buffer = buffer.subarray(length);
          started = true;
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const type = String.fromCharCode(message[0]!);
        if (type === "X") {
          socket.end();
          return;
        }
        unit.push(message);
        // Sync ends an extended-protocol unit; a simple Query is a unit of its own.
        if (type === "S" || type === "Q") {
          run(unit);
          unit = [];
        }
      }
    });

    socket.on("close", () => {
      this.sockets.delete(socket);
      chain = chain.then(async () => {
        if (this.owner !== socket) return;
        // A connection that vanished mid-transaction must not hold the session forever.
        if (this.db.isInTransaction()) await this.db.exec("rollback").catch(() => undefined);
        this.owner = undefined;
        for (const wake of this.wakers) wake();
      });
    });
    socket.on("error", () => socket.destroy());
  }
}

const SSL_REQUEST = 80877103;

/** Picks NotificationResponse ("A") messages out of the server's output, however it is chunked. */
class NotificationScanner {
  readonly found: Buffer[] = [];
  private head = Buffer.alloc(0);
  /** Bytes of the current message still to come, and the message itself when it is kept. */
  private remaining = 0;
  private current: Buffer[] | undefined;

  scan(data: Uint8Array): void {
    let chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    while (chunk.length > 0) {
      if (this.remaining > 0) {
        const part = chunk.subarray(0, this.remaining);
        this.current?.push(Buffer.from(part));
        this.remaining -= part.length;
        chunk = chunk.subarray(part.length);
        if (this.remaining === 0 && this.current) {
          this.found.push(Buffer.concat(this.current));
          this.current = undefined;
        }
        continue;
      }
      const need = 5 - this.head.length;
      this.head = Buffer.concat([this.head, chunk.subarray(0, need)]);
      chunk = chunk.subarray(need);
      if (this.head.length < 5) return;
      this.remaining = this.head.readInt32BE(1) - 4;
      this.current = this.head[0] === 0x41 ? [this.head] : undefined;
      this.head = Buffer.alloc(0);
      if (this.remaining === 0 && this.current) {
        this.found.push(Buffer.concat(this.current));
        this.current = undefined;
      }
    }
  }
}

const GUEST_AFTER_MS = 250;
