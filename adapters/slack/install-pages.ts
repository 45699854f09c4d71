import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveLocale, supportedLocale, translator } from "../../src/i18n/index.ts";

/**
 * The language a browser asks for (Accept-Language, by weight), among those with a catalogue.
 * Bolt draws the install page from its URL alone, so the request's language reaches it here.
 */
export const pageLanguage = new AsyncLocalStorage<string>();

export function browserLanguage(req: IncomingMessage): string {
  const ranges = (req.headers["accept-language"] ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((r) => r.tag && r.tag !== "*" && r.q > 0)
    .sort((a, b) => b.q - a.q);
  return resolveLocale(...ranges.map((r) => supportedLocale(r.tag)));
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;text-align:center}
a.add{display:inline-block;padding:.7rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;text-decoration:none}</style>
</head><body>${body}</body></html>`;
}

/** /slack/install: a page with the Add to Slack link (self-contained: no images from elsewhere). */
export function installPage(addToSlackUrl: string): string {
  const lang = pageLanguage.getStore() ?? resolveLocale();
  const t = translator(lang);
  return page(
    lang,
    t.t("web.installTitle"),
    `<h1>Stackup</h1><p>${escapeHtml(t.t("web.installTagline"))}</p>
<p><a class="add" id="add-to-slack" href="${escapeHtml(addToSlackUrl)}">${escapeHtml(t.t("web.installButton"))}</a></p>`,
  );
}

/** Where Slack sends the installer back: what happened, in words, in the browser's language. */
export function installResultPage(
  req: IncomingMessage,
  res: ServerResponse,
  result: { ok: true; teamId: string | undefined } | { ok: false; code: string | undefined },
): void {
  const lang = browserLanguage(req);
  const t = translator(lang);
  let status = 200;
  let html: string;
  if (result.ok) {
    const open = result.teamId
      ? `https://app.slack.com/client/${encodeURIComponent(result.teamId)}`
      : "https://app.slack.com/";
    html = page(
      lang,
      t.t("web.installedTitle"),
      `<h1>${escapeHtml(t.t("web.installedTitle"))}</h1><p>${escapeHtml(t.t("web.installedBody", { command: "/learn" }))}</p>
<p><a href="${escapeHtml(open)}">${escapeHtml(t.t("web.openSlack"))}</a></p>`,
    );
  } else {
    // A missing or stale install link is the installer's to retry; anything else is ours.
    const stale = [
      "slack_oauth_missing_state",
      "slack_oauth_invalid_state",
      "slack_oauth_missing_code",
    ];
    status = stale.includes(result.code ?? "") ? 400 : 500;
    const why = t.t(status === 400 ? "web.installExpired" : "web.installFailed");
    html = page(
      lang,
      t.t("web.notInstalledTitle"),
      `<h1>${escapeHtml(t.t("web.notInstalledTitle"))}</h1><p>${escapeHtml(why)}</p>`,
    );
  }
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}
