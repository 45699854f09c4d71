import { expect } from "vitest";
import { ALICE } from "../slack/harness.ts";
import type { FakeSlack } from "../support/fake-slack.ts";
import { sign, slashCommandBody } from "../support/slack-signing.ts";

/** Plain text of Block Kit blocks as a person would read them. */
export function readBlocks(blocks: unknown): string {
  return (JSON.stringify(blocks ?? "").match(/"text":"((?:[^"\\]|\\.)*)"/g) ?? [])
    .map((m) => JSON.parse(m.slice(7)) as string)
    .join("\n");
}

/** Sends `/learn text` as Slack would and returns the text of the reply to its response_url. */
export async function slash(
  url: string,
  fake: FakeSlack,
  text: string,
  userId = ALICE.id,
): Promise<string> {
  const responseUrl = fake.responseUrl();
  const signed = sign(slashCommandBody({ text, responseUrl, userId }));
  const res = await fetch(`${url}/slack/events`, {
    method: "POST",
    body: signed.body,
    headers: signed.headers,
  });
  expect(res.status).toBe(200);
  const reply = await fake.waitFor(
    (c) => c.method === "response_url" && responseUrl.endsWith(c.path),
    15_000,
  );
  return readBlocks(reply.body.blocks);
}
