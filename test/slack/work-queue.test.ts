import { afterEach, describe, expect, it } from "vitest";
import { RESPONSE_URL_USABLE_MS } from "../../adapters/slack/listeners/work.ts";
import { WorkQueue } from "../../adapters/slack/work-queue.ts";
import type { Message, Reply } from "../../src/messages/model.ts";
import { busyMessage } from "../../src/messages/unavailable.ts";
import { eventually, type Harness, startHarness } from "./harness.ts";

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** One trip round the event loop: the queue starts its tasks in the check phase. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("WorkQueue", () => {
  it("runs at most `concurrency` tasks, starts the rest in arrival order, and refuses past maxWaiting", async () => {
    const queue = new WorkQueue({ concurrency: 2, maxWaiting: 3 });
    const started: number[] = [];
    const gates = Array.from({ length: 7 }, gate);
    const offered = gates.map((g, i) =>
      queue.offer(async () => {
        started.push(i);
        await g.opened;
      }),
    );
    expect(offered).toEqual([true, true, true, true, true, false, false]);
    expect(queue.full).toBe(true);
    await turn();
    expect(started).toEqual([0, 1]);
    expect([queue.running, queue.queued]).toEqual([2, 3]);
    expect(queue.full).toBe(true);

    gates[1]!.open();
    await eventually(() => (started.length === 3 ? true : undefined));
    expect(started).toEqual([0, 1, 2]);
    expect(queue.running).toBe(2);
    expect(queue.full).toBe(false);

    const idle = queue.onIdle();
    for (const g of gates) g.open();
    await idle;
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect([queue.running, queue.queued]).toEqual([0, 0]);
  });

  it("starts no work inside the callback that offered it", async () => {
    const queue = new WorkQueue();
    const order: string[] = [];
    queue.offer(async () => {
      order.push("work");
    });
    order.push("ack");
    await queue.onIdle();
    expect(order).toEqual(["ack", "work"]);
  });

  it("frees the turn of a task that fails", async () => {
    const queue = new WorkQueue({ concurrency: 1, maxWaiting: 1 });
    const ran: string[] = [];
    queue.offer(async () => {
      ran.push("fails");
      throw new Error("boom");
    });
    queue.offer(async () => {
      ran.push("next");
    });
    await queue.onIdle();
    expect(ran).toEqual(["fails", "next"]);
  });

  it("refuses a concurrency that could never run a task", () => {
    expect(() => new WorkQueue({ concurrency: 0 })).toThrow(/concurrency/);
  });
});

const answer = (text: string): Reply => ({
  kind: "message",
  visibility: "private",
  message: { summary: text, blocks: [{ type: "text", text: [text] }] } satisfies Message,
});

describe("Slack work after acks", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  function send(harness: Harness, text: string) {
    const { responseUrl, response } = harness.slash(text);
    return { responseUrl, res: response };
  }

  it("acks a burst at once while its work waits its turn, then answers each in order", async () => {
    h = await startHarness({ work: { concurrency: 2, maxWaiting: 5 } });
    const release = new Map<string, () => void>();
    h.core.onCommand = async (text) => {
      const g = gate();
      release.set(text, g.open);
      await g.opened;
      return answer(`done ${text}`);
    };

    // Each command is acked while every earlier command's work is still blocked.
    const sent: { text: string; responseUrl: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const { responseUrl, res } = send(h, `c${i}`);
      const ack = await res;
      expect(ack.status).toBe(200);
      expect(await ack.text()).toBe("");
      sent.push({ text: `c${i}`, responseUrl });
    }
    await eventually(() => (h!.core.calls.length === 2 ? true : undefined));
    expect(h.core.calls.map((c) => (c.kind === "command" ? c.text : c.kind))).toEqual(["c0", "c1"]);
    expect([h.slack.queue.running, h.slack.queue.queued]).toEqual([2, 5]);

    // Full: the next one is told at once, in the ack, and its work never reaches the core.
    const refused = await send(h, "c7").res;
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({
      response_type: "ephemeral",
      text: busyMessage().summary,
    });

    // Released out of order, the waiting work still starts in arrival order.
    release.get("c1")!();
    await eventually(() => (h!.core.calls.length === 3 ? true : undefined));
    release.get("c0")!();
    for (let i = 2; i < 7; i++) {
      await eventually(() => release.get(`c${i}`));
      expect(h.slack.queue.running).toBeLessThanOrEqual(2);
      release.get(`c${i}`)!();
    }
    await h.slack.queue.onIdle();
    const texts = h.core.calls.map((c) => (c.kind === "command" ? c.text : c.kind));
    expect(texts).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    const replies = h.fake.callsTo("response_url");
    expect(replies).toHaveLength(7);
    for (const { text, responseUrl } of sent) {
      const reply = replies.find((r) => responseUrl.endsWith(r.path));
      expect(reply?.body).toMatchObject({ text: `done ${text}` });
    }
  });

  it("sends a reply that waited past its response_url's life to the person's DM", async () => {
    let now = Date.UTC(2026, 4, 17, 10, 0);
    h = await startHarness({ work: { concurrency: 1, maxWaiting: 10 }, now: () => now });
    const first = gate();
    h.core.onCommand = async (text) => {
      if (text === "slow") await first.opened;
      return answer(`done ${text}`);
    };
    const slow = send(h, "slow");
    expect((await slow.res).status).toBe(200);
    const late = send(h, "late");
    expect((await late.res).status).toBe(200);
    await eventually(() => (h!.slack.queue.queued === 1 ? true : undefined));

    now += RESPONSE_URL_USABLE_MS;
    first.open();
    await h.slack.queue.onIdle();

    const atUrls = h.fake.callsTo("response_url");
    expect(atUrls).toHaveLength(1);
    expect(slow.responseUrl.endsWith(atUrls[0]!.path)).toBe(true);
    expect(atUrls[0]?.body).toMatchObject({ text: "done slow" });
    const dm = await h.fake.waitFor((c) => c.method === "chat.postMessage");
    expect(dm.body).toMatchObject({ text: "done late" });
    expect(String(dm.body.channel)).toMatch(/^D/);
    expect(h.fake.callsTo("conversations.open")[0]?.body.users).toBe("U0ALICE");
  });
});
