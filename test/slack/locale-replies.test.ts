import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "./harness.ts";

/** Slack's own notes (busy, apologies) in the language the core last answered the person in. */
describe("Slack notes in the person's language", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  function send(harness: Harness, text: string) {
    const { responseUrl, response } = harness.slash(text);
    return { responseUrl, res: response };
  }

  it("says it is too busy in German to a person the core answered in German", async () => {
    h = await startHarness({ work: { concurrency: 1, maxWaiting: 0 } });
    h.core.localeOf = (p) => (p.userExternalId === "U0ALICE" ? "de-DE" : undefined);
    let open = () => {};
    h.core.onCommand = () => new Promise((resolve) => (open = () => resolve({ kind: "none" })));
    expect((await send(h, "slow").res).status).toBe(200);
    await eventually(() => (h!.core.calls.length === 1 ? true : undefined));
    const refused = await send(h, "more").res;
    expect(await refused.json()).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Stackup ist gerade sehr ausgelastet"),
    });
    open();
  });

  it("apologises for the database in Japanese, and in English to someone unknown", async () => {
    h = await startHarness();
    const down = Object.assign(new Error("Connection terminated unexpectedly"), {});
    h.core.onCommand = async () => {
      throw down;
    };
    h.core.localeOf = () => "ja-JP";
    const ja = send(h, "goals");
    await ja.res;
    const first = await h.fake.waitFor((c) => ja.responseUrl.endsWith(c.path));
    expect(String(first.body.text)).toContain("データベースに接続できない");

    h.core.localeOf = () => undefined;
    const en = send(h, "goals");
    await en.res;
    const second = await h.fake.waitFor((c) => en.responseUrl.endsWith(c.path));
    expect(String(second.body.text)).toContain("Stackup can't reach its database");
  });
});
