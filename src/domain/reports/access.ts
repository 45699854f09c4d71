import type { Role, User } from "../../db/types.ts";
import type { OrgService, PersonRef } from "../org/service.ts";

/** Whom a report covers, for the message to name in the asker's language. */
export type ScopeName =
  | { of: "workspace" }
  | { of: "mine" }
  | { of: "manager"; name: string }
  | { of: "team"; name: string; visible: number; members: number };

/** Why a report was refused, for the message to say in the asker's language. */
export type Refusal =
  | { reason: "members" | "unknownPerson" | "notYourChain" }
  | { reason: "noTeam" | "noneReportToYou"; team: string };

export type Scope =
  | {
      ok: true;
      userIds: number[];
      /** In English, as the audit log records it. */
      label: string;
      name: ScopeName;
      kind: "workspace" | "chain" | "team";
    }
  | ({ ok: false } & Refusal);

const refuse = (refusal: Refusal): Scope => ({ ok: false, ...refusal });

/**
 * Whose data a report may show. Admins: anyone in their workspace. Managers: their direct and
 * indirect reports only (a team is cut down to the people in their chain). Members: no one.
 * Every lookup is scoped to the asker's workspace, so nothing crosses workspaces.
 */
export async function reportScope(
  org: OrgService,
  user: User,
  role: Role,
  target: { manager: PersonRef | null; team: string | null },
): Promise<Scope> {
  if (role === "member") {
    // The report command answers members first, naming the commands in the platform's words.
    return refuse({ reason: "members" });
  }
  const ws = user.workspace_id;
  const mine = role === "admin" ? null : new Set(await org.repo.chain(ws, user.id));
  if (target.manager) {
    const found = await org.resolve(ws, [target.manager]);
    if (!found.ok) return refuse({ reason: "unknownPerson" });
    const manager = found.people[0]!;
    if (mine && manager.id !== user.id && !mine.has(manager.id)) {
      return refuse({ reason: "notYourChain" });
    }
    const ids = await org.repo.chain(ws, manager.id);
    const name = { of: "manager", name: manager.displayName } as const;
    return {
      ok: true,
      userIds: ids,
      label: `${manager.displayName}'s reports`,
      name,
      kind: "chain",
    };
  }
  if (target.team) {
    const team = await org.repo.team(ws, target.team);
    if (!team) return refuse({ reason: "noTeam", team: target.team });
    const members = await org.repo.memberIds(team.id);
    const visible = mine ? members.filter((id) => mine.has(id)) : members;
    if (mine && visible.length === 0) return refuse({ reason: "noneReportToYou", team: team.name });
    const label =
      visible.length === members.length
        ? team.name
        : `${team.name} (${visible.length} of ${members.length} who report to you)`;
    const name = {
      of: "team",
      name: team.name,
      visible: visible.length,
      members: members.length,
    } as const;
    return { ok: true, userIds: visible, label, name, kind: "team" };
  }
  if (mine) {
    return {
      ok: true,
      userIds: [...mine],
      label: "your reports",
      name: { of: "mine" },
      kind: "chain",
    };
  }
  const everyone = await org.repo.db
    .selectFrom("users")
    .where("workspace_id", "=", ws)
    .select("id")
    .execute();
  return {
    ok: true,
    userIds: everyone.map((u) => u.id),
    label: "whole workspace",
    name: { of: "workspace" },
    kind: "workspace",
  };
}
