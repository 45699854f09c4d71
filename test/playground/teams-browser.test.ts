import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DefaultPlayground,
  launchChromium,
  openPlayground,
  SHOTS,
  startDefaultPlayground,
} from "./support.ts";

/**
 * The Teams story in a real browser, on the zero-config default: the page draws the bot's
 * Adaptive Cards with Microsoft's renderer, and what the visitor types or clicks reaches the real
 * Teams adapter as Bot Framework activities through the Bot Connector stand-in.
 */
describe("playground Teams view in a browser", () => {
  let playground: DefaultPlayground;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    // A Sunday morning: next Monday 09:00 is a day away, too soon for a nudge.
    playground = await startDefaultPlayground({ at: "2026-05-17T10:00:00Z" });
    browser = await launchChromium();
    page = await openPlayground(browser, playground.url);
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await page
      ?.screenshot({ path: path.join(SHOTS, "teams-last.png"), fullPage: true })
      .catch(() => {});
    await browser?.close();
    await playground?.stop();
  });

  const messages = () => page.getByTestId("teams-message");
  const lastMessage = () => messages().last();

  async function as(person: string, where = "teams-chat") {
    await page.getByTestId("who").selectOption(person);
    await page.getByTestId(where).click();
    await expect
      .poll(() => page.getByTestId("teams-messages").getAttribute("data-shows"))
      .toBe(where);
  }

  /** Types a message and waits for the bot's answer below it. */
  async function say(text: string) {
    const before = await messages().count();
    await page.getByTestId("teams-text").fill(text);
    await page.getByTestId("teams-send").click();
    await expect.poll(() => messages().count(), { timeout: 15_000 }).toBeGreaterThan(before + 1);
  }

  it("switches to Teams: a goal, a check-in card's button, and the digest in the team channel", async () => {
    await page.getByTestId("platform-teams").click();
    await expect.poll(() => page.getByTestId("teams-channel-learning").count()).toBe(1);

    // The admin makes the learning channel a team's digest channel, from the channel itself.
    await as("U0ADMIN", "teams-channel-learning");
    await say("learn admin team create Learners here");
    await expect.poll(() => lastMessage().textContent()).toContain("personal chat");
    await as("U0ADMIN");
    await say("learn admin team add Learners @ada");
    await say("learn admin digest Learners mon 09:00 Europe/London");
    await expect.poll(() => lastMessage().textContent()).toMatch(/Mon|09:00|9:00/);

    // The learner sets a goal in their personal chat; the card comes from the real renderer.
    await as("U0LEARNER");
    await say("learn goal Google Project Management Certificate by March 31 5h/week");
    await expect
      .poll(() => lastMessage().textContent())
      .toContain("Goal set: Google Project Management Certificate");
    expect(await lastMessage().locator(".ac-adaptiveCard").count()).toBe(1);
    // Card Markdown is drawn: the goal's name is bold, not wrapped in asterisks.
    expect(await lastMessage().locator("strong", { hasText: "Google Project" }).count()).toBe(2);
    expect(await lastMessage().textContent()).not.toContain("**");
    await say("learn checkins mon 09:00");
    await page.screenshot({ path: path.join(SHOTS, "teams-1-goal.png"), fullPage: true });

    // Monday morning: the check-in card arrives, and its button logs an hour in place.
    await page.getByTestId("next-monday").click();
    const checkin = messages().filter({ hasText: "Time for a quick check-in" });
    await expect.poll(() => checkin.count(), { timeout: 20_000 }).toBe(1);
    const id = await checkin.getAttribute("data-id");
    const count = await messages().count();
    await page.screenshot({ path: path.join(SHOTS, "teams-2-checkin.png"), fullPage: true });
    await checkin.getByRole("button", { name: "Log 1 h" }).click();
    const same = page.locator(`[data-testid="teams-message"][data-id="${id}"]`);
    await expect.poll(() => same.textContent(), { timeout: 10_000 }).toContain("1 h of 140 h");
    expect(await same.textContent()).toContain("Edited");
    expect(await messages().count()).toBe(count);

    // Other… opens a form card; its inputs travel with the submit button's data.
    await same.getByRole("button", { name: "Other…" }).click();
    const form = messages().last();
    await expect.poll(() => form.locator("input").count(), { timeout: 10_000 }).toBe(2);
    const formId = await form.getAttribute("data-id");
    await form.locator("input").first().fill("2");
    await form.locator("input").last().fill("read <b>chapter</b> 2");
    await form.locator("button.style-positive").click();
    const answered = page.locator(`[data-testid="teams-message"][data-id="${formId}"]`);
    await expect.poll(() => answered.textContent(), { timeout: 10_000 }).toContain("3 h of 140 h");
    expect(await answered.locator("input").count()).toBe(0);
    const note = await playground.app.database.db
      .selectFrom("progress_events")
      .where("hours", "=", 2)
      .select("note")
      .executeTakeFirstOrThrow();
    expect(note.note).toBe("read <b>chapter</b> 2");

    // The team's digest is in the learning channel, with its chart.
    await page.getByTestId("teams-channel-learning").click();
    const digest = messages().filter({ hasText: "Learners · week of" });
    await expect.poll(() => digest.count(), { timeout: 20_000 }).toBe(1);
    expect(await digest.textContent()).toContain("Ada Lovelace");
    const chart = digest.getByTestId("teams-image");
    expect(await chart.count()).toBe(1);
    const width = await chart.evaluate(
      (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
    );
    expect(width).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(SHOTS, "teams-3-digest.png"), fullPage: true });
  }, 180_000);

  it("shows what people type as text, and a card's Markdown never runs HTML", async () => {
    await as("U0LEARNER");
    const typed = 'learn goal <img src=x onerror="alert(1)"> **Bold** 2h/week';
    await say(typed);
    const texts = await messages().allTextContents();
    // The person's own message, then the bot's card naming the goal: both as plain text.
    expect(texts.at(-2)).toContain('<img src=x onerror="alert(1)"> **Bold**');
    expect(texts.at(-1)).toContain('Goal set: <img src=x onerror="alert(1)"> **Bold**');
    expect(await page.locator('#teams-messages img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  }, 60_000);

  it("draws a card's raw HTML and script links as text, whatever a card holds", async () => {
    // A string, so the test runner's transform leaves the page's own dynamic import alone.
    const drawn = (await page.evaluate(`(async () => {
      const { renderCard } = await import("/playground/assets/cards.js");
      const card = renderCard(
        {
          type: "AdaptiveCard",
          version: "1.5",
          body: [
            { type: "TextBlock", text: '<img src="y" onerror="alert(2)"> **bold**' },
            { type: "TextBlock", text: "[run](javascript:alert(3)) [docs](https://example.test/)" },
          ],
        },
        () => {},
      );
      return {
        images: card.querySelectorAll("img").length,
        bold: card.querySelectorAll("strong").length,
        links: [...card.querySelectorAll("a")].map((a) => a.getAttribute("href")),
        text: card.textContent,
      };
    })()`)) as { images: number; bold: number; links: string[]; text: string };
    expect(drawn.images).toBe(0);
    expect(drawn.bold).toBe(1);
    expect(drawn.links).toEqual(["https://example.test/"]);
    expect(drawn.text).toContain('<img src="y" onerror="alert(2)">');
    expect(dialogs).toEqual([]);
  });
});
