// The Teams view: the visitor's personal chat with the bot and the team's channels, drawn from
// the Teams stand-in. Messages and card actions go to the real bot as Bot Framework activities.
import { renderCard } from "./cards.js";

const view = { on: false, user: "", conversation: "", drawn: new Map(), seen: {} };
const $ = (id) => document.getElementById(id);
const CARD = "application/vnd.microsoft.card.adaptive";

async function post(route, body) {
  const res = await fetch(`/playground/api/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: view.user, conversation: view.conversation, ...body }),
  });
  const data = await res.json();
  if (!res.ok) tell(data.error ?? `Failed (${res.status})`);
  else if (data.status >= 300) tell(`The bot answered ${data.status}.`);
  return data;
}

function tell(text) {
  const n = $("notice");
  n.textContent = text;
  n.classList.remove("hidden");
  setTimeout(() => n.classList.add("hidden"), 4000);
}

async function refresh() {
  if (!view.on) return;
  view.user = $("who").value || localStorage.getItem("playground.user") || "";
  const res = await fetch(`/playground/api/teams/state?user=${encodeURIComponent(view.user)}`);
  draw(await res.json());
}

function draw(data) {
  const conversations = data.conversations ?? [];
  if (!conversations.some((c) => c.id === view.conversation)) {
    view.conversation = conversations[0]?.id ?? "";
    clearPane();
  }
  drawNav(data.team, conversations);
  const open = conversations.find((c) => c.id === view.conversation);
  drawMessages(data, open?.messages ?? []);
  // Which conversation the pane holds now, for whoever waits on a switch.
  $("teams-messages").dataset.shows = open ? testId(open) : "";
}

function drawNav(team, conversations) {
  const nav = $("teams-nav");
  nav.replaceChildren();
  for (const c of conversations) {
    if (c.kind === "channel" && c.name === "General") {
      const heading = document.createElement("div");
      heading.className = "team";
      heading.textContent = team;
      nav.append(heading);
    }
    const b = document.createElement("button");
    b.textContent = c.kind === "personal" ? `💬 ${c.name}` : c.name;
    b.className = c.kind;
    b.setAttribute("data-testid", testId(c));
    const key = `${view.user}:${c.id}`;
    if (c.id === view.conversation) {
      b.classList.add("active");
      view.seen[key] = c.messages.length;
    } else if (c.messages.length > (view.seen[key] ?? 0)) b.classList.add("unread");
    b.onclick = () => {
      view.conversation = c.id;
      clearPane();
      refresh();
    };
    nav.append(b);
  }
}

function testId(conversation) {
  return conversation.kind === "personal" ? "teams-chat" : `teams-channel-${conversation.name}`;
}

function clearPane() {
  $("teams-messages").replaceChildren();
  $("teams-messages").dataset.shows = "";
  view.drawn.clear();
}

/** New messages are added and changed ones replaced; the rest stay, with what was typed in them. */
function drawMessages(data, messages) {
  const pane = $("teams-messages");
  const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 30;
  for (const m of messages) {
    const version = m.updatedAt ?? m.at;
    const drawn = view.drawn.get(m.id);
    if (drawn?.version === version) continue;
    const element = messageElement(data, m);
    if (drawn) drawn.element.replaceWith(element);
    else pane.append(element);
    view.drawn.set(m.id, { version, element });
  }
  if (atBottom) pane.scrollTop = pane.scrollHeight;
}

function messageElement(data, m) {
  const box = document.createElement("div");
  box.className = `msg teams${m.from === "bot" ? " bot" : ""}`;
  box.setAttribute("data-testid", "teams-message");
  box.dataset.id = m.id;
  const head = document.createElement("div");
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = m.from === "bot" ? "Stackup" : personName(data, m.from);
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = m.updatedAt ? "Edited" : "";
  head.append(who, meta);
  box.append(head);
  for (const a of m.attachments ?? []) box.append(attachment(m, a));
  if (m.text && !(m.attachments ?? []).some((a) => a.contentType === CARD)) {
    const text = document.createElement("div");
    text.className = "text";
    // What people type is shown as typed, never as HTML.
    text.textContent = m.text;
    box.append(text);
  }
  return box;
}

function personName(data, key) {
  return data.me?.key === key
    ? data.me.name
    : (data.people?.find((p) => p.key === key)?.name ?? key);
}

function attachment(message, a) {
  if (a.contentType === CARD && a.content) {
    const holder = document.createElement("div");
    holder.className = "card";
    holder.append(
      renderCard(a.content, (type, data, verb) => act(message, { type, data, verb }, holder)),
    );
    return holder;
  }
  const div = document.createElement("div");
  div.className = "file";
  if (
    /^image\/(png|jpeg|gif)$/.test(a.contentType) &&
    /^data:image\/(png|jpeg|gif);base64,/.test(a.contentUrl ?? "")
  ) {
    const img = document.createElement("img");
    img.className = "image";
    img.src = a.contentUrl;
    img.alt = a.name ?? "image";
    img.setAttribute("data-testid", "teams-image");
    div.append(img);
  } else {
    div.textContent = `📎 ${a.name ?? "a file"} (Teams would offer it for your OneDrive)`;
  }
  return div;
}

async function act(message, action, holder) {
  for (const b of holder.querySelectorAll("button")) b.disabled = true;
  await post("teams/action", { cardId: message.id, action });
  refresh();
}

async function send(e) {
  e.preventDefault();
  const input = $("teams-text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "learn ";
  await post("teams/message", { text });
  refresh();
}

/** Slack or Teams: the choice is kept, and ?platform=teams opens the Teams view. */
function choosePlatform(name) {
  view.on = name === "teams";
  document.body.classList.toggle("on-teams", view.on);
  $("platform-slack").setAttribute("aria-pressed", String(!view.on));
  $("platform-teams").setAttribute("aria-pressed", String(view.on));
  localStorage.setItem("playground.platform", name);
  refresh();
}

$("platform-slack").onclick = () => choosePlatform("slack");
$("platform-teams").onclick = () => choosePlatform("teams");
$("teams-composer").onsubmit = send;
$("who").addEventListener("change", () => {
  view.conversation = "";
  clearPane();
  refresh();
});
const asked = new URLSearchParams(location.search).get("platform");
choosePlatform(asked ?? localStorage.getItem("playground.platform") ?? "slack");
setInterval(refresh, 1500);
