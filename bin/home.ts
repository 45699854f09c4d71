import type { ServerResponse } from "node:http";

/** A public endpoint of this process, listed on the front page. */
export interface HomeLink {
  title: string;
  path: string;
  about: string;
}

const DOCS: HomeLink[] = [
  {
    title: "Slack apps",
    path: "https://api.slack.com/apps",
    about: "create the Slack app from manifest.yml",
  },
  {
    title: "Teams Developer Portal",
    path: "https://dev.teams.microsoft.com/",
    about: "register the bot and upload the Teams app package",
  },
  {
    title: "Open Badges 3.0",
    path: "https://www.imsglobal.org/spec/ob/v3p0/",
    about: "the credential format Stackup verifies and issues",
  },
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function list(links: HomeLink[]): string {
  return links
    .map(
      (l) =>
        `<li><a href="${escapeHtml(l.path)}">${escapeHtml(l.title)}</a> — ${escapeHtml(l.about)}</li>`,
    )
    .join("\n");
}

/** The page at `/`: what this is, whether its dependencies answer, and where to go next. */
export function renderHome(options: {
  version: string;
  checks: Record<string, boolean>;
  links: HomeLink[];
}): string {
  const ready = Object.values(options.checks).every(Boolean);
  const checks = Object.entries(options.checks)
    .map(
      ([name, ok]) =>
        `<li>${escapeHtml(name)}: <strong>${ok ? "ok" : "not answering"}</strong></li>`,
    )
    .join("\n");
  const here =
    options.links.length > 0
      ? `<ul>\n${list(options.links)}\n</ul>`
      : "<p>No chat platform is connected yet: set the Slack or Teams variables (see the README's Configuration).</p>";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stackup</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d1c1d; }
h1 { margin-bottom: 0; } .version { color: #616061; margin-top: 0; }
.status { padding: .5rem 1rem; border-radius: 6px; background: ${ready ? "#e3f5ea" : "#fde8e8"}; }
</style>
</head>
<body>
<h1>Stackup</h1>
<p class="version">version ${escapeHtml(options.version)}</p>
<p>A Slack and Microsoft Teams bot that helps people earn micro-credentials alongside their work:
goals, check-ins, stacks, verified Open Badges, digests and reports. It is used from chat;
this page is for whoever runs it.</p>
<h2>Health</h2>
<div class="status"><p>${ready ? "Ready: every dependency answers." : "Not ready."}</p>
<ul>
${checks}
</ul></div>
<p><a href="/healthz">/healthz</a> (the process is up) · <a href="/readyz">/readyz</a> (its dependencies answer)</p>
<h2>On this server</h2>
${here}
<h2>Documentation</h2>
<ul>
${list(DOCS)}
</ul>
</body>
</html>
`;
}

export function sendHome(res: ServerResponse, html: string): void {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    "cache-control": "no-store",
  });
  res.end(html);
}
