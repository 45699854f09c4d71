import type { WebClientOptions } from "@slack/web-api";
import type { Config } from "../../src/config.ts";

/** The Web API client options for interactive work: a user is waiting, so retry briefly only. */
export function interactiveClientOptions(config: Pick<Config, "slack">): WebClientOptions {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
  };
}
