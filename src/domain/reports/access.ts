import type { Role, User } from "../../db/types.ts";
import type { OrgService, PersonRef } from "../org/service.ts";

export type Scope =
  | { ok: true; userIds: number[]; label: string; kind: "workspace" | "chain" | "team" }
  | { ok: false; message: string };

const refuse = (message: string): Scope => ({ ok: false, message });

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
    return refuse("Reports are for managers and admins.");
  }
  const ws = user.workspace_id;
  const mine = role === "admin" ? null : new Set(await org.repo.chain(ws, user.id));
  if (target.manager) {
    const found = await org.resolve(ws, [target.manager]);
    if (!found.ok) return refuse("I don't know that person in this workspace.");
    const manager = found.people[0]!;
    if (mine && manager.id !== user.id && !mine.has(manager.id)) {
      return refuse("You can see reports for your own chain only.");
    }
    const ids = await org.repo.chain(ws, manager.id);
    return { ok: true, userIds: ids, label: `${manager.displayName}'s reports`, kind: "chain" };
  }
  if (target.team) {
    const team = await org.repo.team(ws, target.team);
    if (!team) return refuse(`There's no team called "${target.team}".`);
    const members = await org.repo.memberIds(team.id);
    const visible = mine ? members.filter((id) => mine.has(id)) : members;
    if (mine && visible.length === 0)
      return refuse(`No one in ${team.name} reports to you, so there's nothing to show.`);
    const label =
      visible.length === members.length
        ? team.name
        : `${team.name} (${visible.length} of ${members.length} who report to you)`;
    return { ok: true, userIds: visible, label, kind: "team" };
  }
  if (mine) return { ok: true, userIds: [...mine], label: "your reports", kind: "chain" };
  const everyone = await org.repo.db
    .selectFrom("users")
    .where("workspace_id", "=", ws)
    .select("id")
    .execute();
  return {
    ok: true,
    userIds: everyone.map((u) => u.id),
    label: "whole workspace",
    kind: "workspace",
  };
}
