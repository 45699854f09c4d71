import { parse } from "csv-parse/sync";
import { type Kysely, sql } from "kysely";
import { columnOf } from "../../db/arrays.ts";
import type { Database, Role } from "../../db/types.ts";
import { LOCALES, supportedLocale } from "../../i18n/index.ts";
import { type ChannelRef, channelPlatform, readChannel } from "./channels.ts";
import { OrgRepository } from "./repository.ts";

export interface OrgRow {
  line: number;
  email: string;
  team: string | null;
  managerEmail: string | null;
  role: Role | null;
  /** The team's digest channel, from the optional channel column. */
  channel?: ChannelRef | null;
  /** The team's digest language (BCP 47), from the optional language column. */
  language?: string | null;
}

export interface LineError {
  line: number;
  message: string;
}

export const ORG_COLUMNS = ["email", "team", "manager_email", "role"] as const;
/** Optional: a team's digest channel, given on any of its rows. */
export const ORG_CHANNEL_COLUMN = "channel";
/** Optional: a team's digest language (`de`, `pt-BR`), given on any of its rows. */
export const ORG_LANGUAGE_COLUMN = "language";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = new Set(["member", "manager", "admin"]);
const NAMES = { slack: "Slack", teams: "Teams" } as const;

/** A team keeps one channel (or language) however many of its rows name it: false when none. */
function onePerTeam(
  team: string | null,
  id: string,
  line: number,
  seen: Map<string, { id: string; line: number }>,
  what: string,
  problems: string[],
): boolean {
  if (!team) {
    problems.push(`a ${what} needs a team on the same line`);
    return false;
  }
  const earlier = seen.get(team.toLowerCase());
  if (earlier && earlier.id !== id)
    problems.push(`${team} already has another ${what} on line ${earlier.line}`);
  else if (!earlier) seen.set(team.toLowerCase(), { id, line });
  return true;
}

/** A row's channel cell; a team keeps one channel however many of its rows name it. */
function readTeamChannel(
  text: string,
  team: string | null,
  line: number,
  seen: Map<string, { id: string; line: number }>,
  problems: string[],
): ChannelRef | null {
  if (!text) return null;
  const channel = readChannel(text);
  if (!channel) {
    problems.push(
      `channel "${text}" is not a Slack channel id (C…), a Teams channel id (19:…) or a Teams channel link`,
    );
    return null;
  }
  return onePerTeam(team, channel.id, line, seen, "channel", problems) ? channel : null;
}

/** A row's language cell; a team keeps one language however many of its rows name it. */
function readTeamLanguage(
  text: string,
  team: string | null,
  line: number,
  seen: Map<string, { id: string; line: number }>,
  problems: string[],
): string | null {
  if (!text) return null;
  const language = supportedLocale(text);
  if (!language) {
    problems.push(`language "${text}" is not one Stackup speaks (${LOCALES.join(", ")})`);
    return null;
  }
  return onePerTeam(team, language, line, seen, "language", problems) ? language : null;
}

/** Reads the CSV (email, team, manager_email, role, optional channel and language) and checks each row on its own. */
export function parseOrgCsv(text: string): { rows: OrgRow[]; errors: LineError[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as typeof records;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    return { rows: [], errors: [{ line: e.lines ?? 1, message: e.message }] };
  }
  const errors: LineError[] = [];
  const header = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/, 1)[0]!
    .toLowerCase();
  const missing = ORG_COLUMNS.filter(
    (c) =>
      !header
        .split(",")
        .map((h) => h.trim())
        .includes(c),
  );
  if (missing.length > 0) {
    return {
      rows: [],
      errors: [
        {
          line: 1,
          message: `missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`,
        },
      ],
    };
  }
  const rows: OrgRow[] = [];
  const seen = new Map<string, number>();
  const channels = new Map<string, { id: string; line: number }>();
  const languages = new Map<string, { id: string; line: number }>();
  for (const { record, info } of records) {
    const line = info.lines;
    const email = (record.email ?? "").toLowerCase();
    const team = record.team || null;
    const managerEmail = (record.manager_email ?? "").toLowerCase() || null;
    const role = (record.role ?? "").toLowerCase() || null;
    const problems: string[] = [];
    if (!EMAIL.test(email))
      problems.push(email ? `"${email}" is not an email address` : "email is empty");
    if (managerEmail && !EMAIL.test(managerEmail))
      problems.push(`manager_email "${managerEmail}" is not an email address`);
    if (managerEmail && managerEmail === email) problems.push("someone can't be their own manager");
    if (role && !ROLES.has(role))
      problems.push(`role must be member, manager or admin, not "${role}"`);
    if (team && team.length > 80) problems.push("team name is longer than 80 characters");
    const channel = readTeamChannel(
      record[ORG_CHANNEL_COLUMN] ?? "",
      team,
      line,
      channels,
      problems,
    );
    const cell = record[ORG_LANGUAGE_COLUMN] ?? "";
    const language = readTeamLanguage(cell, team, line, languages, problems);
    if (seen.has(email)) problems.push(`${email} is already on line ${seen.get(email)}`);
    else if (email) seen.set(email, line);
    if (problems.length) errors.push({ line, message: problems.join("; ") });
    else
      rows.push({ line, email, team, managerEmail, role: role as Role | null, channel, language });
  }
  return { rows, errors };
}

export interface OrgImportCounts {
  people: number;
  teamsCreated: number;
  membershipsAdded: number;
  managersSet: number;
  rolesSet: number;
}

/** Who ran an import, for its audit entry: null from the command line. */
export interface ImportAudit {
  actorId: number | null;
  /** The file's name, as the entry shows it. */
  source: string;
  at: Date;
}

/**
 * Applies the rows to one workspace in one transaction, or nothing when any row is wrong:
 * unknown people, or a manager chain that would loop. The audit entry is written in the same
 * transaction, so it exists exactly when the import does.
 */
export async function importOrg(
  db: Kysely<Database>,
  workspaceId: number,
  rows: OrgRow[],
  audit: ImportAudit,
): Promise<{ ok: true; counts: OrgImportCounts } | { ok: false; errors: LineError[] }> {
  const repo = new OrgRepository(db);
  return repo.db.transaction().execute(async (trx) => {
    const emails = [...new Set(rows.flatMap((r) => [r.email, r.managerEmail ?? []].flat()))];
    const users = await trx
      .selectFrom("users")
      .where("workspace_id", "=", workspaceId)
      .where(sql`lower(email)`, "in", emails.length ? emails : [""])
      .select(["id", "email"])
      .execute();
    const byEmail = new Map(users.map((u) => [u.email!.toLowerCase(), u.id]));
    const errors: LineError[] = [];
    for (const r of rows) {
      const unknown = [r.email, r.managerEmail].filter((e): e is string => !!e && !byEmail.has(e));
      if (unknown.length)
        errors.push({
          line: r.line,
          message: `no one with ${unknown.join(" or ")} has used Stackup in this workspace yet`,
        });
    }
    const { platform } = await trx
      .selectFrom("workspaces")
      .where("id", "=", workspaceId)
      .select("platform")
      .executeTakeFirstOrThrow();
    for (const r of rows) {
      const on = r.channel && channelPlatform(r.channel.id);
      if (on && on !== platform)
        errors.push({
          line: r.line,
          message: `channel ${r.channel!.id} is a ${NAMES[on]} channel, but this workspace is on ${NAMES[platform]}`,
        });
    }
    if (errors.length) return { ok: false, errors };

    // The manager tree after the import must have no loops.
    const managers = await repo.managers(workspaceId, trx);
    for (const r of rows)
      if (r.managerEmail) managers.set(byEmail.get(r.email)!, byEmail.get(r.managerEmail)!);
    for (const r of rows) {
      const start = byEmail.get(r.email)!;
      const seen = new Set([start]);
      for (let at = managers.get(start); at !== undefined; at = managers.get(at)) {
        if (seen.has(at)) {
          errors.push({
            line: r.line,
            message: `${r.email}'s chain of managers loops back on itself`,
          });
          break;
        }
        seen.add(at);
      }
    }
    if (errors.length) return { ok: false, errors };

    const ids = rows.map((r) => byEmail.get(r.email)!);
    await repo.ensurePeople(
      workspaceId,
      [
        ...new Set([
          ...ids,
          ...rows.flatMap((r) => (r.managerEmail ? [byEmail.get(r.managerEmail)!] : [])),
        ]),
      ],
      trx,
    );
    const withManager = rows.filter((r) => r.managerEmail);
    if (withManager.length) {
      await sql`
        update org_people p set manager_id = v.manager_id
        from unnest(${columnOf(withManager, "int", (r) => byEmail.get(r.email)!)},
                    ${columnOf(withManager, "int", (r) => byEmail.get(r.managerEmail!)!)})
             as v(user_id, manager_id)
        where p.user_id = v.user_id
      `.execute(trx);
    }
    const withRole = rows.filter((r) => r.role);
    if (withRole.length) {
      await sql`
        update org_people p set role = v.role
        from unnest(${columnOf(withRole, "int", (r) => byEmail.get(r.email)!)},
                    ${columnOf(withRole, "text", (r) => r.role!)}) as v(user_id, role)
        where p.user_id = v.user_id
      `.execute(trx);
    }
    const teamNames = [
      ...new Map(rows.flatMap((r) => (r.team ? [[r.team.toLowerCase(), r.team]] : []))).values(),
    ];
    let teamsCreated = 0;
    let membershipsAdded = 0;
    if (teamNames.length) {
      const created = await trx
        .insertInto("teams")
        .values(
          teamNames.map((name) => ({
            workspace_id: workspaceId,
            name,
            channel_id: null,
            channel_name: null,
          })),
        )
        .onConflict((oc) => oc.expression(sql`workspace_id, lower(name)`).doNothing())
        .returning("id")
        .execute();
      teamsCreated = created.length;
      const teams = await trx
        .selectFrom("teams")
        .where("workspace_id", "=", workspaceId)
        .where(
          sql`lower(name)`,
          "in",
          teamNames.map((n) => n.toLowerCase()),
        )
        .select(["id", "name"])
        .execute();
      const teamId = new Map(teams.map((t) => [t.name.toLowerCase(), t.id]));
      const withChannel = [
        ...new Map(
          rows.flatMap((r) => (r.team && r.channel ? [[r.team.toLowerCase(), r]] : [])),
        ).values(),
      ];
      if (withChannel.length) {
        await sql`
          update teams t set channel_id = v.channel_id, channel_name = v.channel_name
          from unnest(${columnOf(withChannel, "int", (r) => teamId.get(r.team!.toLowerCase())!)},
                      ${columnOf(withChannel, "text", (r) => r.channel!.id)},
                      ${columnOf(withChannel, "text", (r) => r.channel!.name)})
               as v(team_id, channel_id, channel_name)
          where t.id = v.team_id
        `.execute(trx);
      }
      const withLanguage = [
        ...new Map(
          rows.flatMap((r) => (r.team && r.language ? [[r.team.toLowerCase(), r]] : [])),
        ).values(),
      ];
      if (withLanguage.length) {
        await sql`
          update teams t set locale = v.locale
          from unnest(${columnOf(withLanguage, "int", (r) => teamId.get(r.team!.toLowerCase())!)},
                      ${columnOf(withLanguage, "text", (r) => r.language!)}) as v(team_id, locale)
          where t.id = v.team_id
        `.execute(trx);
      }
      const added = await trx
        .insertInto("team_members")
        .values(
          rows
            .filter((r) => r.team)
            .map((r) => ({
              team_id: teamId.get(r.team!.toLowerCase())!,
              user_id: byEmail.get(r.email)!,
            })),
        )
        .onConflict((oc) => oc.columns(["team_id", "user_id"]).doNothing())
        .returning("user_id")
        .execute();
      membershipsAdded = added.length;
    }
    const counts = {
      people: rows.length,
      teamsCreated,
      membershipsAdded,
      managersSet: withManager.length,
      rolesSet: withRole.length,
    };
    await repo.audit(
      {
        workspaceId,
        actorId: audit.actorId,
        action: "org.import",
        scope: audit.source,
        subjectIds: ids,
        detail: { ...counts },
        at: audit.at,
      },
      trx,
    );
    return { ok: true, counts };
  });
}
