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

  private readonly notifications: Buffer[] = [];

  constructor(private readonly db: PGlite) {
    db.onNotification((channel, payload) => {
      this.notifications.push(notificationResponse(channel, payload));
    });
  }

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
        try {
          await this.db.runExclusive(async () => {
            for (const message of messages) {
              await this.db.execProtocolRawStream(new Uint8Array(message), {
                onRawData: (data: Uint8Array) => {
                  if (socket.writable) socket.write(data);
                },
              });
            }
          });
          this.forwardNotifications(socket);
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
   * NOTIFY in the one shared session reaches PGlite's own listeners, not the connection that ran
   * LISTEN. Hand each notification to every other connection after the unit that raised it, so
   * no message is split (clients filter by channel).
   */
  private forwardNotifications(from: Socket): void {
    const pending = this.notifications.splice(0);
    for (const message of pending) {
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

/** A NotificationResponse ("A") message as the server would send it. */
function notificationResponse(channel: string, payload: string): Buffer {
  const body = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${channel}\0`, "utf8"),
    Buffer.from(`${payload}\0`, "utf8"),
  ]);
  const head = Buffer.alloc(5);
  head.write("A", 0, "ascii");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
const GUEST_AFTER_MS = 250;
