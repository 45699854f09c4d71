import type { IncomingMessage, ServerResponse } from "node:http";
import type { Actor, Core } from "../../src/commands/core.ts";
import { type MessageKey, resolveLocale, translator } from "../../src/i18n/index.ts";
import {
  type BlockRenderers,
  commandText,
  type Inline,
  labelText,
  type Message,
  type RichText,
  renderBlockWith,
} from "../../src/messages/model.ts";
import type { NodeHandler } from "../platform.ts";
import { COMMAND_WORD } from "./command.ts";
import { type AdapterLogger, describeError } from "./logging.ts";
import { type SsoOptions, SsoTokenError, type TabUser, verifyTabToken } from "./sso.ts";

/** The personal tab's page, as the app manifest's static tab names it. */
export const TAB_PATH = "/teams/tab";
const SCRIPT_PATH = `${TAB_PATH}.js`;
const HOME_PATH = `${TAB_PATH}/home`;

/** The Teams JavaScript client, from Microsoft's CDN as Teams' documentation gives it. */
const TEAMS_JS = "https://res.cdn.office.net/teams-js/2.34.0/js/MicrosoftTeams.min.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function inline(part: Inline): string {
  if (typeof part === "string") return escapeHtml(part).replace(/\n/g, "<br>");
  if ("bold" in part) return `<strong>${escapeHtml(part.bold)}</strong>`;
  if ("italic" in part) return `<em>${escapeHtml(part.italic)}</em>`;
  if ("code" in part) return `<code>${escapeHtml(part.code)}</code>`;
  if ("command" in part) return `<code>${escapeHtml(commandText(part, COMMAND_WORD))}</code>`;
  // Only web links become links: anything else is shown as its text.
  if (!/^https?:\/\//i.test(part.link)) return escapeHtml(part.text);
  return `<a href="${escapeHtml(part.link)}" target="_blank" rel="noopener noreferrer">${escapeHtml(part.text)}</a>`;
}

const rich = (text: RichText) => text.map(inline).join("");

/** The dashboard as HTML; every text the message carries is escaped. Buttons live in the chat. */
const HTML: BlockRenderers<string> = {
  header: (b) => `<h2>${escapeHtml(b.text)}</h2>`,
  text: (b) => `<p>${rich(b.text)}</p>`,
  fields: (b) =>
    `<dl>${b.fields.map((f) => `<dt>${escapeHtml(labelText(f.label, COMMAND_WORD))}</dt><dd>${rich(f.value)}</dd>`).join("")}</dl>`,
  progress: (b) =>
    `<div class="goal"><div>${rich(b.label)}</div><progress max="${b.total}" value="${Math.min(b.done, b.total)}" aria-label="${escapeHtml(b.alt)}"></progress>${b.caption ? `<small>${rich(b.caption)}</small>` : ""}</div>`,
  context: (b) => `<p class="context">${rich(b.text)}</p>`,
  actions: () => "",
  image: (b) =>
    /^https:\/\//.test(b.url) ? `<img src="${escapeHtml(b.url)}" alt="${escapeHtml(b.alt)}">` : "",
  divider: () => "<hr>",
};

export function renderHomeHtml(message: Message): string {
  return message.blocks.map((block) => renderBlockWith(HTML, block, undefined)).join("\n");
}

/**
 * The page in the language Teams names in the tab's URL (the manifest's `{locale}`); the script's
 * own notes travel in data attributes, as the page allows no inline script.
 */
function page(locale: string | null): string {
  const lang = resolveLocale(locale);
  const t = translator(lang);
  const note = (key: MessageKey) => escapeHtml(t.t(key));
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stackup</title>
<style>
body { font-family: "Segoe UI", system-ui, sans-serif; margin: 1.5rem; color: #242424; }
progress { width: 100%; max-width: 28rem; }
.context, small { color: #616161; font-size: 0.85rem; }
dt { font-weight: 600; } dd { margin: 0 0 0.5rem 0; }
img { max-width: 100%; }
</style>
<script src="${TEAMS_JS}" crossorigin="anonymous"></script>
<script src="tab.js"></script>
</head>
<body><main id="home" aria-live="polite" data-unauthorized="${note("web.tabUnauthorized")}" data-unavailable="${note("web.tabUnavailable")}" data-outside="${note("web.tabOutsideTeams")}"><p>${note("web.tabLoading")}</p></main></body>
</html>
`;
}

/** Signs in through Teams SSO and shows the home dashboard the server draws. */
const SCRIPT = `(async () => {
  const main = document.getElementById("home");
  const say = (text) => { main.textContent = text; };
  try {
    await microsoftTeams.app.initialize();
    const token = await microsoftTeams.authentication.getAuthToken();
    const res = await fetch("tab/home", { headers: { authorization: "Bearer " + token } });
    if (res.status === 401) return say(main.dataset.unauthorized);
    if (!res.ok) return say(main.dataset.unavailable);
    main.innerHTML = await res.text();
  } catch {
    say(main.dataset.outside);
  }
})();
`;

const CSP = [
  "default-src 'none'",
  "script-src 'self' https://res.cdn.office.net",
  "style-src 'unsafe-inline'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.office.com https://*.cloud.microsoft",
].join("; ");

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(type === "text/html" ? { "content-security-policy": CSP } : {}),
  });
  res.end(body);
}

function tabActor(user: TabUser): Actor {
  return {
    platform: "teams",
    workspaceExternalId: user.tenantId,
    userExternalId: user.aadObjectId,
    // The tab knows no time zone; a chat message sets it.
    profile: async () => ({
      displayName: user.name ?? "Teams user",
      email: user.email,
      timeZone: null,
    }),
  };
}

async function home(
  req: IncomingMessage,
  res: ServerResponse,
  options: { core: Core; sso: SsoOptions; logger: AdapterLogger },
): Promise<void> {
  const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  let user: TabUser;
  try {
    if (!token) throw new SsoTokenError("no token");
    user = await verifyTabToken(token, options.sso);
  } catch (error) {
    if (!(error instanceof SsoTokenError)) throw error;
    options.logger.warn({ reason: error.message }, "Refused a Teams tab token");
    send(res, 401, "text/plain", "Not signed in.");
    return;
  }
  const message = await options.core.home(tabActor(user));
  send(res, 200, "text/html", renderHomeHtml(message));
}

/** The personal tab: its page and script, and the dashboard for a valid Teams SSO token. */
export function tabHandler(options: {
  core: Core;
  sso: SsoOptions;
  logger: AdapterLogger;
}): NodeHandler {
  return (req, res, next) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET") return next();
    if (path === TAB_PATH) {
      const locale = new URLSearchParams((req.url ?? "").split("?")[1] ?? "").get("locale");
      return send(res, 200, "text/html", page(locale));
    }
    if (path === SCRIPT_PATH) return send(res, 200, "text/javascript", SCRIPT);
    if (path !== HOME_PATH) return next();
    home(req, res, options).catch((error: unknown) => {
      options.logger.error({ err: describeError(error) }, "Could not draw the Teams tab");
      if (!res.headersSent) send(res, 503, "text/plain", "Stackup can't show this right now.");
      else res.end();
    });
  };
}
