import type { Platform } from "../src/db/types.ts";
import type { PlatformAdapter } from "./platform.ts";
import { slackPlatform } from "./slack/platform.ts";
import { teamsPlatform } from "./teams/platform.ts";

export type { PlatformAdapter } from "./platform.ts";

/** One adapter for every platform a workspace can be on; a platform without one fails to compile. */
const BY_NAME: { [P in Platform]: PlatformAdapter<P> } = {
  slack: slackPlatform,
  teams: teamsPlatform,
};

/** The platforms the service can connect, in the order they start. */
export const PLATFORMS: readonly PlatformAdapter[] = Object.values(BY_NAME);
