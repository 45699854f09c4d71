import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../src/i18n/index.ts";
import {
  type DefaultPlayground,
  launchChromium,
  openPlayground,
  SHOTS,
  startDefaultPlayground,
} from "./support.ts";

// An Open Badges 3.0 credential baked into a PNG, signed so it verifies with no network at all.
const BADGE = fileURLToPath(
  new URL("../verification/fixtures/openbadges/ob30/simple-json.png", import.meta.url),
);

/**
 * The playground story in a real browser, on what a newcomer gets from `npm start -- --demo` with
 * nothing configured: the page drives the pretend Slack, which drives the real Slack adapter, the
 * core, the embedded PostgreSQL and the jobs queued in it.
 */
describe("playground in a browser", () => {
  let playground: DefaultPlayground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    playground = await startDefaultPlayground({
      // A Sunday morning: "next Monday 09:00" is a day on whatever day the suite runs, too soon
      // for the learner to fall behind the plan and be nudged.
      at: "2026-05-17T10:00:00Z",
      demo: true,
    });
    browser = await launchChromium();
    page = await openPlayground(browser, playground.url);
  }, 120_000);

  afterAll(async () => {
    await page?.screenshot({ path: path.join(SHOTS, "last.png"), fullPage: true }).catch(() => {});
    await browser?.close();
    await playground?.stop();
  });

  async function as(person: string) {
    await page.getByTestId("who").selectOption(person);
    await page.getByTestId("channel-dm").click();
  }

  /** Types a command and waits for the bot's answer to appear. */
  async function learn(text: string) {
    const before = await page.getByTestId("message").count();
    await page.getByTestId("command").fill(`/learn ${text}`);
    await page.getByTestId("send").click();
    await expect
      .poll(() => page.getByTestId("message").count(), { timeout: 15_000 })
      .toBeGreaterThan(before);
  }

  const lastMessage = () => page.getByTestId("message").last();

  it("runs a week of the product: goal, hours, check-in, one-click log, badge, report and digest", async () => {
    // Nothing is configured: the data and the queues both live in the embedded PostgreSQL.
    expect(playground.app.database.embedded).toBeDefined();
    expect(playground.app.queues.backend.kind).toBe("postgres");

    // The admin sets up a team with a digest channel.
    await as("U0ADMIN");
    await learn("admin team create Learners #learning");
    await expect.poll(() => lastMessage().textContent()).toContain("Learners");
    await learn("admin team add Learners @ada @grace");
    await learn("admin manager @ada @grace");
    await learn("admin digest Learners mon 09:00 Europe/London");
    await expect.poll(() => lastMessage().textContent()).toMatch(/Monday|09:00/);

    // A learner declares a goal and logs hours.
    await as("U0LEARNER");
    await learn("goal Google Project Management Certificate by March 31 5h/week");
    await expect
      .poll(() => lastMessage().textContent())
      .toContain("Goal set: Google Project Management Certificate");
    await learn("log 2");
    await expect.poll(() => lastMessage().textContent()).toContain("Logged 2 h");
    await learn("checkins mon 09:00");
    await page.screenshot({ path: path.join(SHOTS, "1-learner-goal.png"), fullPage: true });

    // Advance the clock: the Monday check-in arrives in the DM.
    await page.getByTestId("next-monday").click();
    const checkin = page.getByTestId("message").filter({ hasText: "Time for a quick check-in" });
    await expect.poll(() => checkin.count(), { timeout: 20_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "2-checkin.png"), fullPage: true });

    // One click logs an hour and updates the same message in place.
    const before = await page.getByTestId("message").count();
    // The check-in's text changes once clicked, so keep hold of it by position.
    const position = await page
      .getByTestId("message")
      .evaluateAll((els) =>
        els.findIndex((e) => e.textContent?.includes("Time for a quick check-in")),
      );
    const sameMessage = page.getByTestId("message").nth(position);
    await checkin.getByRole("button", { name: "Log 1 h" }).click();
    const loggedHours = async () =>
      (
        await playground.app.database.db
          .selectFrom("progress_events")
          .innerJoin("users", "users.id", "progress_events.user_id")
          .where("users.platform_user_id", "=", "U0LEARNER")
          .select((e) => e.fn.sum<number>("hours").as("h"))
          .executeTakeFirstOrThrow()
      ).h;
    await expect.poll(loggedHours, { timeout: 10_000 }).toBe(3);
    await expect
      .poll(() => sameMessage.textContent(), { timeout: 10_000 })
      .toContain("3 h of 140 h");
    expect(await page.getByTestId("message").count()).toBe(before);

    // The learner finishes the goal and shares the badge file in the DM; it is checked in a job.
    await learn("done google project");
    await expect
      .poll(() => lastMessage().textContent())
      .toContain("Congratulations on completing Google Project Management Certificate");
    await page.getByTestId("attach").setInputFiles(BADGE);
    await expect
      .poll(() => page.getByTestId("message").filter({ hasText: "Checking your badge" }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    // The fixture's key is only in its own header, which binds nothing to the issuer: the check
    // runs to the end, and says the badge can't show as verified.
    const verdict = page.getByTestId("message").filter({ hasText: "I checked the badge for" });
    await expect.poll(() => verdict.count(), { timeout: 20_000 }).toBe(1);
    expect(await verdict.textContent()).toContain("can't show as verified");
    expect(await verdict.textContent()).toContain('the badge says "Example Corp"');
    // the shared badge shows in the DM as the learner's own message with its image
    const shared = page.getByTestId("message").filter({ hasText: "simple-json.png" });
    expect(await shared.getByTestId("file-image").count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "2b-badge-checked.png"), fullPage: true });

    // The manager sees the report of their people.
    await as("U0MANAGER");
    await learn("report");
    await expect
      .poll(() => lastMessage().textContent(), { timeout: 10_000 })
      .toContain("Ada Lovelace");
    await page.screenshot({ path: path.join(SHOTS, "3-manager-report.png"), fullPage: true });

    // The team channel got its weekly digest with a chart image.
    await page.getByTestId("channel-learning").click();
    const image = page.getByTestId("file-image");
    await expect.poll(() => image.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The element shows before the browser has fetched the chart it points at.
    const loadedWidth = () =>
      image.first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    await expect.poll(loadedWidth, { timeout: 10_000 }).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(SHOTS, "4-digest.png"), fullPage: true });
    // So did the demo organisation's teams.
    await page.getByTestId("channel-data").click();
    await expect.poll(() => image.count(), { timeout: 20_000 }).toBe(1);
  }, 180_000);

  it("lets learning report itself: an xAPI statement from the form, then the pretend Credly", async () => {
    await as("U0LEARNER");
    await learn("goal AI for Everyone 3h/week");
    const goal = page.getByTestId("xapi-goal");
    const option = goal.locator("option", { hasText: "AI for Everyone" });
    // The goal list is read again when the select gets focus.
    await expect
      .poll(
        async () => {
          await goal.focus();
          return option.count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await goal.selectOption({ label: "AI for Everyone" });
    await page.getByTestId("xapi-verb").selectOption("completed");
    await page.getByTestId("xapi-send").click();
    await expect
      .poll(() => page.getByTestId("xapi-sent").textContent(), { timeout: 10_000 })
      .toContain("POST /xapi/statements → 200");
    const told = page
      .getByTestId("message")
      .filter({ hasText: "Playground LMS reports that you completed AI for Everyone" });
    await expect.poll(() => told.count(), { timeout: 15_000 }).toBe(1);

    await page.getByTestId("credly-connect").click();
    const offered = page.getByTestId("message").filter({ hasText: "Narwhal Knitting" });
    await expect.poll(() => offered.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, "5-learning-sources.png"), fullPage: true });
  }, 120_000);
  it("speaks German to a person whose Slack is in German: goal, check-in and a one-click log", async () => {
    // The expected text comes from the German catalogue, formatted as the bot formats it.
    const de = translator("de-DE");
    const hour = de.hours(1);
    // A language the playground doesn't offer changes nothing and says what it offers.
    const refused = await playground.api("language", { user: "U0MANAGER", locale: "xx-YY" });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: expect.stringContaining("de-DE") });
    await as("U0MANAGER");
    expect(await page.getByTestId("language").inputValue()).toBe("");
    await page.getByTestId("language").selectOption("de-DE");
    await learn("goal Cloud Basics 2h/week");
    await expect
      .poll(() => lastMessage().textContent(), { timeout: 10_000 })
      .toContain(
        de.t("goal.created", { title: "Cloud Basics", perWeek: de.hours(2), finish: "none" }),
      );
    await learn("checkins mon 09:00");

    // Monday 09:00 in Grace's New York is later the same day: her check-in comes in German.
    await page.getByTestId("next-monday").click();
    const checkin = page.getByTestId("message").filter({ hasText: de.t("checkin.prompt") });
    await expect.poll(() => checkin.count(), { timeout: 20_000 }).toBe(1);
    await checkin.getByRole("button", { name: de.t("button.logHours", { hours: hour }) }).click();
    const logged = de.t("checkin.logged", { hours: hour, title: "Cloud Basics", resumed: "no" });
    await expect
      .poll(() => page.getByTestId("message").filter({ hasText: logged }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "6-german.png"), fullPage: true });
  }, 120_000);
});
