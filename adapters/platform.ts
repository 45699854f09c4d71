import type { IncomingMessage, ServerResponse } from "node:http";
import type { Kysely } from "kysely";
import type { Core } from "../src/commands/core.ts";
import type { Config } from "../src/config.ts";
import type { Database, Platform } from "../src/db/types.ts";
import type { Logger } from "../src/log.ts";
import type { Messenger } from "../src/ports.ts";
import type { Clock } from "../src/time/clock.ts";

/** Connect-style: handles its own paths and calls `next` for everything else. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** What a platform is given to start with. */
export interface PlatformContext {
  config: Config;
  core: Core;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /**
   * The service's own URL when this process takes requests (web and all roles); absent in a
   * worker, which only sends.
   */
  serviceUrl: string | undefined;
  /**
   * Hands the work after an ack to the command thread, by kind; false when it cannot take it
   * now. Absent when this process has no command thread.
   */
  handOff?: ((kind: string, payload: unknown) => boolean) | undefined;
}

/** A started platform: how the jobs reach its people, and the routes its requests come in by. */
export interface RunningPlatform {
  messenger: Messenger;
  /** Mounted on the service's HTTP server in this order; none in a worker or in Socket Mode. */
  handlers: NodeHandler[];
  stop(): Promise<void>;
}

/**
 * One chat platform. Each adapter folder exports one; the service starts those configured, gives
 * their messengers to the jobs and mounts their routes. Its `name` is a workspace's `platform`.
 */
export interface PlatformAdapter<P extends Platform = Platform> {
  readonly name: P;
  /** The command word people type there ("/learn"); messages name commands without it. */
  readonly commandPrefix: string;
  isConfigured(config: Config): boolean;
  /** Logged at start-up when the platform isn't configured: what to set to connect it. */
  readonly howToConnect: string;
  start(context: PlatformContext): Promise<RunningPlatform>;
}
