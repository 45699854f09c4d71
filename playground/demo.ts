import type { Kysely } from "kysely";
import { DateTime } from "luxon";
import type { Database } from "../src/db/types.ts";
import type { Clock } from "../src/time/clock.ts";
import { PLAYGROUND_PEOPLE } from "./people.ts";
import { type SlackStandIn, TEAM_ID } from "./slack/standin.ts";
import { aadObjectIdOf, channelId, TENANT_ID } from "./teams/identity.ts";

/** Where the demo organisation is seeded: a workspace, and its people's and channels' ids. */
export interface DemoWorkspace {
  platform: "slack" | "teams";
  externalId: string;
  /** A person's id on the platform, from their playground id ("U0LEARNER"). */
  person(key: string): string;
  /** A team's digest channel on the platform, from its name ("data"). */
  channel(name: string): string;
}

/** The Slack workspace the Slack view plays. */
export const SLACK_DEMO: DemoWorkspace = {
  platform: "slack",
  externalId: TEAM_ID,
  person: (key) => key,
  channel: (name) => `C0${name.toUpperCase()}`,
};

/** The Teams tenant the Teams view plays: people by AAD object id, channels of its one team. */
export const TEAMS_DEMO: DemoWorkspace = {
  platform: "teams",
  externalId: TENANT_ID,
  person: aadObjectIdOf,
  channel: channelId,
};

interface DemoPerson {
  id: string;
  name: string;
  real: string;
  tz: string;
  team: "Data" | "Marketing" | "Support";
  /** Hours a week this person actually manages, against a plan of `plan`. */
  pace: number;
  plan: number;
  credentials: string[];
}

const TEAMS = [
  { name: "Data", channelName: "data", tz: "Europe/London" },
  { name: "Marketing", channelName: "marketing", tz: "America/New_York" },
  { name: "Support", channelName: "support", tz: "Asia/Kolkata" },
] as const;

// Deterministic, so every demo looks the same and screenshots can be compared.
const PEOPLE: DemoPerson[] = [
  [
    "U0D01",
    "amara",
    "Amara Okafor",
    "Europe/London",
    "Data",
    4,
    4,
    ["Data Analysis with Python", "Microsoft Power BI Data Analyst (PL-300)"],
  ],
  ["U0D02", "bruno", "Bruno Costa", "Europe/Lisbon", "Data", 1.5, 3, ["AI for Everyone"]],
  [
    "U0D03",
    "chen",
    "Chen Wei",
    "Asia/Shanghai",
    "Data",
    5,
    4,
    ["Microsoft Power BI Data Analyst (PL-300)"],
  ],
  ["U0D04", "dana", "Dana Levi", "Asia/Jerusalem", "Data", 0, 2, ["People Analytics"]],
  ["U0D05", "emil", "Emil Novak", "Europe/Prague", "Data", 3, 3, ["Data Analysis with Python"]],
  ["U0D06", "fatima", "Fatima Zahra", "Africa/Casablanca", "Data", 2, 2, ["AI Fundamentals"]],
  [
    "U0D07",
    "gus",
    "Gus Johansson",
    "Europe/Stockholm",
    "Marketing",
    3,
    3,
    ["Meta Social Media Marketing Professional Certificate"],
  ],
  [
    "U0D08",
    "hana",
    "Hana Sato",
    "Asia/Tokyo",
    "Marketing",
    2.5,
    2,
    ["Generative AI for Marketers", "Google Prompting Essentials"],
  ],
  [
    "U0D09",
    "ivan",
    "Ivan Petrov",
    "Europe/Sofia",
    "Marketing",
    1,
    3,
    ["Meta Social Media Marketing Professional Certificate"],
  ],
  [
    "U0D10",
    "jade",
    "Jade Martin",
    "America/New_York",
    "Marketing",
    4,
    3,
    ["Prompt Engineering for ChatGPT"],
  ],
  [
    "U0D11",
    "kofi",
    "Kofi Mensah",
    "Africa/Accra",
    "Marketing",
    2,
    2,
    ["Generative AI for Business Leaders"],
  ],
  [
    "U0D12",
    "lena",
    "Lena Fischer",
    "Europe/Berlin",
    "Marketing",
    3,
    3,
    ["Generative AI for Marketers"],
  ],
  ["U0D13", "mateo", "Mateo Rossi", "Europe/Rome", "Marketing", 0.5, 2, ["AI for Everyone"]],
  [
    "U0D14",
    "nia",
    "Nia Roberts",
    "America/Chicago",
    "Support",
    3,
    3,
    ["AI-Powered Customer Service"],
  ],
  [
    "U0D15",
    "omar",
    "Omar Haddad",
    "Asia/Dubai",
    "Support",
    2,
    2,
    ["AI-Powered Customer Service", "AI for Everyone"],
  ],
  [
    "U0D16",
    "priya",
    "Priya Nair",
    "Asia/Kolkata",
    "Support",
    4,
    3,
    ["Google Project Management Certificate"],
  ],
  [
    "U0D17",
    "quinn",
    "Quinn Byrne",
    "Europe/Dublin",
    "Support",
    1,
    2,
    ["Google Prompting Essentials"],
  ],
  [
    "U0D18",
    "rosa",
    "Rosa Jimenez",
    "America/Mexico_City",
    "Support",
    2,
    2,
    ["Microsoft Power Platform Fundamentals (PL-900)"],
  ],
  [
    "U0D19",
    "sami",
    "Sami Virtanen",
    "Europe/Helsinki",
    "Support",
    3,
    3,
    ["AI in Project Management"],
  ],
  ["U0D20", "tara", "Tara Singh", "Asia/Kathmandu", "Support", 2, 2, ["People Analytics"]],
].map(([id, name, real, tz, team, pace, plan, credentials]) => ({
  id,
  name,
  real,
  tz,
  team,
  pace,
  plan,
  credentials,
})) as DemoPerson[];

/** Who manages whom: team leads report to Grace (manager) and Linus (admin) sits on top. */
const LEADS: Record<DemoPerson["team"], string> = {
  Data: "U0D01",
  Marketing: "U0D07",
  Support: "U0D14",
};
const WEEKS_OF_HISTORY = 12;

/** The demo's people and team channels in the pretend Slack, which the Teams view shares. */
export function addDemoPeople(standin: SlackStandIn): void {
  for (const p of PEOPLE) {
    standin.addUser({
      id: p.id,
      name: p.name,
      real_name: p.real,
      tz: p.tz,
      email: `${p.name}@example.test`,
    });
  }
  for (const t of TEAMS) {
    standin.addChannel({ id: SLACK_DEMO.channel(t.channelName), name: t.channelName });
  }
}

/**
 * Seeds a sample organisation in one workspace: three teams with digest channels, twenty people
 * with managers, goals at different paces with twelve weeks of history, and a few verified
 * completions. Safe to call twice: a second call finds the people and adds nothing.
 */
export async function seedDemo(
  db: Kysely<Database>,
  where: DemoWorkspace,
  clock: Clock,
): Promise<{ people: number; teams: number; created: boolean }> {
  const people = [
    ...PLAYGROUND_PEOPLE.map((p) => ({ id: p.id, name: p.name, real: p.real_name, tz: p.tz })),
    ...PEOPLE.map((p) => ({ id: p.id, name: p.name, real: p.real, tz: p.tz })),
  ];
  const now = clock.now();
  const created = await db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto("workspaces")
      .values({ platform: where.platform, external_id: where.externalId, name: "Playground" })
      .onConflict((oc) =>
        oc.columns(["platform", "external_id"]).doUpdateSet({ name: "Playground" }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom("users")
      .where("workspace_id", "=", workspace.id)
      .where("platform_user_id", "=", where.person(PEOPLE[0]!.id))
      .select("id")
      .executeTakeFirst();
    if (existing) return false;

    const users = await trx
      .insertInto("users")
      .values(
        people.map((p) => ({
          workspace_id: workspace.id,
          platform_user_id: where.person(p.id),
          display_name: p.real,
          email: `${p.name}@example.test`,
          time_zone: p.tz,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["workspace_id", "platform_user_id"]).doNothing())
      .returning(["id", "platform_user_id"])
      .execute();
    const all = await trx
      .selectFrom("users")
      .where("workspace_id", "=", workspace.id)
      .select(["id", "platform_user_id"])
      .execute();
    const userId = new Map(all.map((u) => [u.platform_user_id, u.id]));
    const id = (key: string) => userId.get(where.person(key))!;

    const teams = await trx
      .insertInto("teams")
      .values(
        TEAMS.map((t) => ({
          workspace_id: workspace.id,
          name: t.name,
          channel_id: where.channel(t.channelName),
          channel_name: t.channelName,
          digest_day: 1,
          digest_time: "09:00",
          digest_time_zone: t.tz,
        })),
      )
      .returning(["id", "name"])
      .execute();
    const teamId = new Map(teams.map((t) => [t.name, t.id]));
    await trx
      .insertInto("team_members")
      .values(PEOPLE.map((p) => ({ team_id: teamId.get(p.team)!, user_id: id(p.id) })))
      .execute();

    const manager = (p: DemoPerson) => (LEADS[p.team] === p.id ? "U0MANAGER" : LEADS[p.team]);
    await trx
      .insertInto("org_people")
      .values([
        { user_id: id("U0ADMIN"), workspace_id: workspace.id, role: "admin", manager_id: null },
        {
          user_id: id("U0MANAGER"),
          workspace_id: workspace.id,
          role: "manager",
          manager_id: id("U0ADMIN"),
        },
        {
          user_id: id("U0LEARNER"),
          workspace_id: workspace.id,
          role: "member",
          manager_id: id("U0MANAGER"),
        },
        ...PEOPLE.map((p) => ({
          user_id: id(p.id),
          workspace_id: workspace.id,
          role: LEADS[p.team] === p.id ? ("manager" as const) : ("member" as const),
          manager_id: id(manager(p)),
        })),
      ])
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();

    const catalog = await trx
      .selectFrom("credentials")
      .select(["id", "title", "estimated_hours"])
      .execute();
    const credential = new Map(catalog.map((c) => [c.title, c]));
    const started = DateTime.fromJSDate(now).minus({ weeks: WEEKS_OF_HISTORY }).startOf("day");

    const planned = PEOPLE.flatMap((p, index) =>
      p.credentials.flatMap((title, n) => {
        const c = credential.get(title);
        return c ? [{ p, index, n, c }] : [];
      }),
    );
    const goals = await trx
      .insertInto("goals")
      .values(
        planned.map(({ p, index, c }) => {
          const createdAt = started.plus({ days: index % 7 }).toJSDate();
          return {
            user_id: id(p.id),
            credential_id: c.id,
            title: c.title,
            hours_per_week: p.plan,
            estimated_hours: c.estimated_hours,
            target_date: started.plus({ weeks: Math.ceil(c.estimated_hours / p.plan) }).toISODate(),
            created_at: createdAt,
            updated_at: createdAt,
          };
        }),
      )
      .returning(["id", "user_id", "credential_id"])
      .execute();
    const goalId = new Map(goals.map((g) => [`${g.user_id}:${g.credential_id}`, g.id]));

    const events: {
      goal_id: number;
      user_id: number;
      hours: number;
      note: string | null;
      occurred_at: Date;
    }[] = [];
    const completed: number[] = [];
    for (const { p, index, n, c } of planned) {
      const goal = goalId.get(`${id(p.id)}:${c.id}`)!;
      // Two sessions a week at the person's real pace; a second goal starts half-way.
      let logged = 0;
      for (let week = n * 6; week < WEEKS_OF_HISTORY && logged < c.estimated_hours; week++) {
        for (const day of [1, 4]) {
          const hours = Math.min(p.pace / 2, c.estimated_hours - logged);
          const at = started.plus({ weeks: week, days: day, hours: 18 + (index % 3) });
          if (hours <= 0 || at.toMillis() > now.getTime()) continue;
          events.push({
            goal_id: goal,
            user_id: id(p.id),
            hours,
            note: null,
            occurred_at: at.toJSDate(),
          });
          logged += hours;
        }
      }
      if (logged >= c.estimated_hours) completed.push(goal);
    }
    if (events.length > 0) await trx.insertInto("progress_events").values(events).execute();
    if (completed.length > 0) {
      const completedAt = started.plus({ weeks: WEEKS_OF_HISTORY - 1 }).toJSDate();
      await trx
        .updateTable("goals")
        .set({ status: "completed", completed_at: completedAt })
        .where("id", "in", completed)
        .execute();
      // Sample evidence: marked as the verifier would, for the showcase and digests to show.
      await trx
        .insertInto("completions")
        .values(
          completed.map((goal, i) => ({
            goal_id: goal,
            completed_at: completedAt,
            evidence_url: `https://badges.example.test/${goal}`,
            verification_status: i % 3 === 2 ? ("link_only" as const) : ("verified" as const),
            trusted: i % 3 !== 2,
            issuer_domain: i % 3 === 2 ? null : "badges.example.test",
          })),
        )
        .execute();
    }
    return users.length > 0;
  });
  return { people: people.length, teams: TEAMS.length, created };
}
