import type { Kysely } from "kysely";
import type { Database } from "../../db/types.ts";
import { countDelivery } from "../../metrics.ts";
import type { BatchJobQueue, Delivery, Destination } from "../../ports.ts";
import type { Clock } from "../../time/clock.ts";
import { buildDigests, type TeamDigest } from "../reports/digest.ts";
import { buildReport, type Report } from "../reports/report.ts";
import { previousWindow } from "../scoring/periods.ts";
import { DigestLedger } from "./digest-ledger.ts";
import { type DigestJobs, type DueDigest, type DueSummary, dueWork } from "./digests.ts";
import { OrgRepository } from "./repository.ts";

/** The message builder for digests and summaries, whatever message type the messenger takes. */
export interface DigestMessages<M> {
  /**
   * `locales`: the languages to write in, most preferred first (the team's, the workspace's);
   * the builder takes the first it speaks, else English.
   */
  digest(digest: TeamDigest, locales: (string | null)[]): M;
  /** `to.locales`: the manager's languages, most preferred first. */
  summary(report: Report, to: { timeZone: string; locales: (string | null)[] }, now: Date): M;
}

export interface DigestMessenger<M> {
  send(to: Destination, message: M): Promise<Delivery>;
}

/** Finds due work and enqueues one job per team or manager, keyed so it queues once. */
export async function queueDueDigests(
  db: Kysely<Database>,
  now: Date,
  jobs: BatchJobQueue<DigestJobs>,
): Promise<number> {
  const { digests, summaries } = await dueWork(db, now);
  const id = (key: string) => key.replace(/:/g, "-");
  const queued = [
    ...digests.map((d) => ({ job: "digests.team", data: d, id: id(d.key) }) as const),
    ...summaries.map((s) => ({ job: "digests.summary", data: s, id: id(s.key) }) as const),
  ];
  if (queued.length > 0) await jobs.enqueueMany(queued);
  return queued.length;
}

/** Sends weekly team digests to their channels and monthly manager summaries by DM, once each. */
export class DigestSender<M> {
  private readonly ledger: DigestLedger;
  private readonly org: OrgRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly messenger: DigestMessenger<M>,
    private readonly messages: DigestMessages<M>,
  ) {
    this.ledger = new DigestLedger(db);
    this.org = new OrgRepository(db);
  }

  async sendDigest(due: DueDigest): Promise<"sent" | "skipped"> {
    const team = await this.org.teamById(due.teamId);
    if (!team?.channel_id) return "skipped";
    const to: Destination = {
      kind: "channel",
      workspaceId: team.workspace_id,
      channelId: team.channel_id,
    };
    const entry = {
      key: due.key,
      kind: "digest",
      workspaceId: team.workspace_id,
      teamId: team.id,
      userId: null,
      periodStart: due.weekStart,
    } as const;
    return this.ledger.once(entry, this.now, async () => {
      const [digest] = await buildDigests(
        this.db,
        [{ team, digestDate: due.digestDate }],
        this.clock.now(),
      );
      if (!digest) return null;
      const workspace = await this.db
        .selectFrom("workspaces")
        .where("id", "=", team.workspace_id)
        .select("locale")
        .executeTakeFirst();
      const message = this.messages.digest(digest, [team.locale, workspace?.locale ?? null]);
      return countDelivery("digest", () => this.messenger.send(to, message));
    });
  }

  async sendSummary(due: DueSummary): Promise<"sent" | "skipped"> {
    const user = await this.ledger.summaryRecipient(due.userId);
    if (!user) return "skipped";
    const entry = {
      key: due.key,
      kind: "summary",
      workspaceId: user.workspaceId,
      teamId: null,
      userId: user.id,
      periodStart: due.monthStart,
    } as const;
    return this.ledger.once(entry, this.now, async () => {
      const now = this.clock.now();
      const ids = await this.org.chain(user.workspaceId, user.id);
      const window = previousWindow("month", now, user.timeZone);
      const report = await buildReport(this.db, ids, window, now);
      await this.org.audit({
        workspaceId: user.workspaceId,
        actorId: user.id,
        action: "report.summary",
        scope: "your reports",
        subjectIds: ids,
        detail: { period: "month", from: window.from.toISOString() },
        at: now,
      });
      const message = this.messages.summary(report, user, now);
      return countDelivery("digest", () =>
        this.messenger.send({ kind: "user", userId: user.id }, message),
      );
    });
  }

  private readonly now = () => this.clock.now();
}
