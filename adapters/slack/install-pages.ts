import type { ServerResponse } from "node:http";

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;text-align:center}
a.add{display:inline-block;padding:.7rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;text-decoration:none}</style>
</head><body>${body}</body></html>`;
}

/** /slack/install: a page with the Add to Slack link (self-contained: no images from elsewhere). */
export function installPage(addToSlackUrl: string): string {
  return page(
    "Add Stackup to Slack",
    `<h1>Stackup</h1><p>Earn micro-credentials alongside your work.</p>
<p><a class="add" id="add-to-slack" href="${escapeHtml(addToSlackUrl)}">Add to Slack</a></p>`,
  );
}

/** Where Slack sends the installer back: what happened, in words. */
export function installResultPage(
  res: ServerResponse,
  result: { ok: true; teamId: string | undefined } | { ok: false; code: string | undefined },
): void {
  let status = 200;
  let html: string;
  if (result.ok) {
    const open = result.teamId
      ? `https://app.slack.com/client/${encodeURIComponent(result.teamId)}`
      : "https://app.slack.com/";
    html = page(
      "Stackup is installed",
      `<h1>Stackup is installed</h1><p>Type <code>/learn</code> in Slack to start.</p>
<p><a href="${escapeHtml(open)}">Open Slack</a></p>`,
    );
  } else {
    // A missing or stale install link is the installer's to retry; anything else is ours.
    const stale = [
      "slack_oauth_missing_state",
      "slack_oauth_invalid_state",
      "slack_oauth_missing_code",
    ];
    status = stale.includes(result.code ?? "") ? 400 : 500;
    html = page(
      "Stackup was not installed",
      `<h1>Stackup was not installed</h1><p>${
        status === 400
          ? "The install link expired or was opened in another browser. Start again from the Add to Slack page."
          : "Something went wrong on our side. Please try again in a minute."
      }</p>`,
    );
  }
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}
