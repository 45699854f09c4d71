import type { RouteHandler } from "./server.ts";

/** What Stackup stores, why, for how long, and how to get a copy or have it erased. */
export function privacyPage(retentionDays: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stackup · Your data</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}code{background:#f4f4f4;padding:0 .25em}</style>
</head>
<body>
<h1>Your data in Stackup</h1>
<h2>What is stored, and why</h2>
<ul>
<li><b>Your profile</b> — name, email, time zone and platform id, from Slack or Teams: to greet you, match badges issued to your email, and send check-ins at your local time.</li>
<li><b>Goals, logged hours and notes</b>: to show your progress and pace.</li>
<li><b>Completions and badges</b> — evidence links and the badge as issued: to verify them and tell you when they expire or are revoked.</li>
<li><b>Check-in settings and deliveries</b>: so you get check-ins when you asked for them, and never twice.</li>
<li><b>Shares, points, teams and your manager</b>: for the digests, leaderboards and reports your organisation set up.</li>
<li><b>An audit log</b> of admin actions and of who viewed reports that included you.</li>
</ul>
<h2>Who sees it</h2>
<p>You see all of it. Your managers (up your reporting line) and workspace admins see reports about your learning; every such view is audited. Team channels see what digests and leaderboards show: choose <code>leaderboard optout hidden</code> to appear in no channel message at all, or <code>anonymous</code> to be counted without your name.</p>
<h2>For how long</h2>
<p>As long as your workspace uses Stackup, until you erase it. When a workspace uninstalls Stackup, everything about it and its people is deleted ${retentionDays} days later.</p>
<h2>A copy, or erasing it</h2>
<ul>
<li><code>/learn my data</code> (in Teams: <code>learn my data</code>) sends you a file of everything Stackup holds about you, and lists who viewed reports that included you.</li>
<li><code>/learn delete my data</code> erases you and everything that is yours, after you confirm. Past digests keep their totals, without you.</li>
<li>An admin can erase someone who has left with <code>/learn admin forget @person</code>.</li>
</ul>
</body>
</html>
`;
}

/** GET /privacy. */
export function privacyPageHandler(retentionDays: number): RouteHandler {
  const body = privacyPage(retentionDays);
  return (req, res, next) => {
    const path = (req.url ?? "/").split("?")[0];
    if ((req.method !== "GET" && req.method !== "HEAD") || path !== "/privacy") return next();
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "max-age=3600",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
