import { writeAudit } from "../../domain/audit/log.ts";
import { OrgService } from "../../domain/org/service.ts";
import { MAX_LMS_NAME_LENGTH, XapiCredentials } from "../../domain/xapi/credentials.ts";
import { StatementService, UNMATCHED_DAYS } from "../../domain/xapi/statements.ts";
import type { MessageKey, MessageValues } from "../../i18n/index.ts";
import { tr } from "../../messages/goals.ts";
import { privateReply, type Reply } from "../../messages/model.ts";
import { textMessage } from "../../messages/org.ts";
import {
  credentialIssuedMessage,
  credentialListMessage,
  unmatchedMessage,
} from "../../messages/xapi.ts";
import { type Feature, type FeatureDeps, problemIn, type Session } from "../feature.ts";

export const XAPI_USAGE = "admin xapi create <LMS name> | list | revoke <name or key> | unmatched";

const auditOf = (s: Session, action: string, scope: string, detail: Record<string, unknown>) => ({
  workspaceId: s.user.workspace_id,
  actorId: s.user.id,
  action,
  scope,
  subjectIds: [],
  detail,
  at: s.ctx.now,
});

/** `/learn admin xapi …`: credentials for LMSs to forward statements, and what did not match. */
export function xapiAdmin(deps: FeatureDeps) {
  const credentials = new XapiCredentials(deps.db, deps.clock);
  const statements = new StatementService(deps.db, deps.clock);
  const problem = (s: Session, key: MessageKey, values: MessageValues = {}) =>
    problemIn(s, key, values, XAPI_USAGE);

  return async (s: Session, args: string): Promise<Reply> => {
    const [word = "", ...rest] = args.trim().split(/\s+/);
    const name = rest.join(" ").trim();
    const ws = s.user.workspace_id;
    switch (word.toLowerCase()) {
      case "create": {
        if (!name) return problem(s, "xapi.nameLms");
        if (name.length > MAX_LMS_NAME_LENGTH)
          return problem(s, "xapi.nameTooLong", { max: MAX_LMS_NAME_LENGTH });
        // The credentials and their audit entry are written together, or neither.
        const issued = await deps.db.transaction().execute(async (trx) => {
          const made = await new XapiCredentials(trx, deps.clock).create(s.user, name);
          if (!("error" in made))
            await writeAudit(trx, auditOf(s, "xapi.create", made.name, { key: made.key }));
          return made;
        });
        if ("error" in issued) return problem(s, "xapi.alreadyLive", { name });
        return privateReply(credentialIssuedMessage(issued, s.ctx.locale));
      }
      case "list":
      case "":
        return privateReply(credentialListMessage(await credentials.list(ws), s.ctx));
      case "revoke": {
        if (!name) return problem(s, "xapi.nameToRevoke");
        const revoked = await deps.db.transaction().execute(async (trx) => {
          const gone = await new XapiCredentials(trx, deps.clock).revoke(ws, name);
          if (gone) await writeAudit(trx, auditOf(s, "xapi.revoke", gone.name, { key: gone.key }));
          return gone;
        });
        if (!revoked) return problem(s, "xapi.noneCalled", { name });
        return privateReply(
          textMessage(tr(s.ctx).t("xapi.revoked", { name: revoked.name, key: revoked.key })),
        );
      }
      case "unmatched":
        return privateReply(
          unmatchedMessage(await statements.unmatched(ws), UNMATCHED_DAYS, s.ctx),
        );
      default:
        return problem(s, "xapi.unknownWord", { command: { command: `admin xapi ${word}` } });
    }
  };
}

/**
 * The admin xAPI commands as help lists them (`admin xapi …`, also reachable as `xapi …`), and
 * the unmatched list's button that places kept statements again. Admins only.
 */
export function xapiFeature(deps: FeatureDeps): Feature {
  const org = new OrgService(deps.db, deps.clock, deps.admins);
  const statements = new StatementService(deps.db, deps.clock);
  const admin = xapiAdmin(deps);
  return {
    name: "xapi",
    commands: [
      {
        name: "xapi",
        usage: XAPI_USAGE,
        description:
          "Admins: credentials for an LMS to forward xAPI statements (the secret is shown once), and the statements that matched no one.",
        async run(s: Session, args: string): Promise<Reply> {
          if ((await org.roleOf(s.user)) !== "admin")
            return privateReply(textMessage(tr(s.ctx).t("xapi.adminsOnly")));
          return admin(s, args);
        },
      },
    ],
    actions: {
      async "xapi.retry"(s: Session): Promise<Reply> {
        if ((await org.roleOf(s.user)) !== "admin")
          return privateReply(textMessage(tr(s.ctx).t("xapi.adminsOnlyAction")));
        const { placed, left } = await statements.retryUnmatched(s.user.workspace_id, (trx, r) =>
          writeAudit(trx, auditOf(s, "xapi.retry", "unmatched statements", { ...r })),
        );
        const groups = await statements.unmatched(s.user.workspace_id);
        const message = unmatchedMessage(groups, UNMATCHED_DAYS, s.ctx);
        message.blocks.unshift({
          type: "context",
          text: tr(s.ctx).rich("xapi.placed", { placed, left }),
        });
        return { kind: "update", message };
      },
    },
  };
}
