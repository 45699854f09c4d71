import { expect } from "vitest";
import type { Config } from "../../src/config.ts";
import type { Logger } from "../../src/log.ts";
import type { Clock } from "../../src/time/clock.ts";
import {
  type ConnectorCall,
  type FakeConnector,
  type FakeMember,
  startFakeConnector,
} from "../support/fake-connector.ts";
import { startTestService, type TestService } from "../support/service.ts";
import {
  cardOf,
  PERSONAL,
  personalMessage,
  readCard,
  TENANT,
  unauthenticatedTeams,
} from "./activities.ts";

/** One of the test people as the roster knows them, in the test tenant. */
export function rosterEntry(
  person: { id: string; aadObjectId: string; name: string },
  email: string,
): FakeMember {
  return { ...person, email, userPrincipalName: email.toLowerCase(), tenantId: TENANT };
}

export interface TeamsService extends TestService {
  fake: FakeConnector;
  /** Posts an activity to /api/messages as Teams would; its status, once the body is read. */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<number>;
  /** Posts an activity, expects 200, and returns the connector calls of its turn but roster look-ups. */
  exchange(activity: Record<string, unknown>): Promise<ConnectorCall[]>;
  /** Posts an activity and reads the card of its one reply, expected in the personal chat. */
  replyTo(activity: Record<string, unknown>): Promise<string>;
  /** Says `text` in the personal chat and reads the card of the one reply. */
  say(text: string): Promise<string>;
}

/**
 * The real service with its Teams CloudAdapter on /api/messages, unauthenticated unless `config`
 * says otherwise, talking to a fake Bot Connector that knows `members`.
 */
export async function startTeamsService(options: {
  label: string;
  role: "web" | "all";
  members?: FakeMember[];
  config?: Partial<Config>;
  clock?: Clock;
  logger?: Logger;
  /** Sent with every post, as Teams presents its token. */
  authorization?: string;
}): Promise<TeamsService> {
  const fake = await startFakeConnector();
  for (const member of options.members ?? []) fake.addMember(member);
  let service: TestService;
  try {
    service = await startTestService({
      label: options.label,
      role: options.role,
      config: { teams: unauthenticatedTeams, ...options.config },
      clock: options.clock,
      logger: options.logger,
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const url = `${service.url}/api/messages`;
  const token: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const post = async (activity: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...token, ...headers },
      body: JSON.stringify(activity),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const exchange = async (activity: Record<string, unknown>) => {
    const before = fake.calls.length;
    expect(await post(activity)).toBe(200);
    return fake.calls.slice(before).filter((c) => c.operation !== "getMember");
  };
  const replyTo = async (activity: Record<string, unknown>) => {
    const calls = await exchange(activity);
    expect(calls.map((c) => [c.operation, c.conversationId])).toEqual([["reply", PERSONAL.id]]);
    return readCard(cardOf(calls[0]!.body));
  };
  return {
    ...service,
    fake,
    post,
    exchange,
    replyTo,
    say: (text) => replyTo(personalMessage(fake.serviceUrl, text)),
    async close() {
      await service.close();
      await fake.close();
    },
  };
}
