import type { IncomingMessage, ServerResponse } from "node:http";
import * as events from "./events.ts";
import { authorize } from "./oauth.ts";
import type { ClickInput, EventResult, ShareFileInput } from "./records.ts";
import { StandInState } from "./state.ts";
import { handle } from "./web-api.ts";

/**
 * A local stand-in for the Slack platform: it keeps a pretend workspace in memory, answers the
 * Web API methods the bot calls with Slack-shaped responses, and sends the bot signed slash
 * commands, button clicks and form submissions exactly as Slack does. The playground page, the
 * integration tests and the benchmarks all use it as their Slack.
 */

export * from "./records.ts";

/** The pretend Slack workspace (state.ts), its Web API, the events it sends and its OAuth. */
export class SlackStandIn extends StandInState {
  /** Serves the Web API, response_urls, uploads and file downloads under this stand-in's base path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    return handle(this, req, res, path);
  }

  /**
   * The authorize page: the installer in `team` approves, and is sent back to the app's redirect
   * URL with a one-time code and the state the app put in the link.
   */
  authorize(link: string | URL, who: { team?: string; user?: string } = {}): string {
    return authorize(this, link, who);
  }

  /**
   * The app is removed from a workspace: its tokens stop working and the app is told. `eventTime`
   * (seconds) and `revoke: false` replay an old uninstall event, as Slack's retries can.
   */
  uninstall(
    teamId: string,
    options: { eventTime?: number; revoke?: boolean } = {},
  ): Promise<EventResult> {
    return events.uninstall(this, teamId, options);
  }

  /**
   * Slack escapes mentions in a command's text when the manifest asks it to (should_escape):
   * `@ada` becomes `<@U123|ada>` and `#learning` becomes `<#C123|learning>`.
   */
  escapeMentions(text: string): string {
    return events.escapeMentions(this, text);
  }

  /** Types `/learn <text>` in a channel (the person's DM with the bot by default). */
  slash(userId: string, text: string, channel?: string, command = "/learn"): Promise<EventResult> {
    return events.slash(this, userId, text, channel, command);
  }

  /** Clicks a button in a message, the App Home tab or an open modal. */
  click(input: ClickInput): Promise<EventResult> {
    return events.click(this, input);
  }

  /** Submits an open modal with values by block id (as the page reads them from its inputs). */
  submit(
    userId: string,
    viewId: string,
    values: Record<string, string | undefined>,
  ): Promise<EventResult> {
    return events.submit(this, userId, viewId, values);
  }

  /**
   * Shares a file in the person's DM with the bot: the message appears there, and the bot gets
   * the message event Slack sends for it (message.im, subtype file_share, with files[]).
   */
  shareFile(userId: string, input: ShareFileInput): Promise<EventResult> {
    return events.shareFile(this, userId, input);
  }

  /** Opens the bot's App Home tab. */
  openHome(userId: string): Promise<EventResult> {
    return events.openHome(this, userId);
  }
}
