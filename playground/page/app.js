import { mrkdwn, readInputs, renderBlocks } from "./blocks.js";

const state = {
  user: localStorage.getItem("playground.user") ?? "",
  channel: "",
  data: null,
  seen: {},
};
const $ = (id) => document.getElementById(id);

async function call(route, body) {
  const res = await fetch(`/playground/api/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: state.user, ...body }),
  });
  const data = await res.json();
  if (!res.ok) notice(data.error ?? `Failed (${res.status})`);
  return data;
}

function notice(text) {
  const n = $("notice");
  n.textContent = text;
  n.classList.remove("hidden");
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => n.classList.add("hidden"), 4000);
}

async function refresh() {
  const res = await fetch(`/playground/api/state?user=${encodeURIComponent(state.user)}`);
  state.data = await res.json();
  draw();
}

function draw() {
  const data = state.data;
  if (!data) return;
  const who = $("who");
  if (who.options.length !== data.people.length) {
    who.innerHTML = "";
    for (const p of data.people)
      who.append(new Option(`${p.real_name || p.name} (${p.title ?? p.tz ?? ""})`, p.id));
  }
  if (!state.user && data.people[0]) {
    state.user = data.people[0].id;
    return refresh();
  }
  who.value = state.user;
  drawLanguage(data.me);
  $("clock").textContent =
    `Clock: ${new Date(data.now).toLocaleString([], { timeZone: data.me?.tz ?? "UTC", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })} (${data.me?.tz ?? "UTC"})`;

  if (
    !state.channel ||
    (state.channel !== "home" && !data.channels.some((c) => c.id === state.channel))
  ) {
    state.channel = data.channels.find((c) => c.isIm)?.id ?? data.channels[0]?.id ?? "home";
  }
  const nav = $("channels");
  nav.innerHTML = "";
  const homeButton = document.createElement("button");
  homeButton.textContent = "🏠 Home";
  homeButton.dataset.testid = "channel-home";
  homeButton.setAttribute("data-testid", "channel-home");
  homeButton.className = state.channel === "home" ? "active" : "";
  homeButton.onclick = async () => {
    state.channel = "home";
    await call("home", {});
    refresh();
  };
  nav.append(homeButton);
  for (const c of data.channels) {
    const b = document.createElement("button");
    b.textContent = c.name;
    b.setAttribute("data-testid", `channel-${c.isIm ? "dm" : c.name.slice(1)}`);
    const key = `${state.user}:${c.id}`;
    const count = c.messages.length;
    if (c.id !== state.channel && count > (state.seen[key] ?? 0)) b.classList.add("unread");
    if (c.id === state.channel) {
      b.classList.add("active");
      state.seen[key] = count;
    }
    b.onclick = () => {
      state.channel = c.id;
      draw();
    };
    nav.append(b);
  }

  const pane = $("messages");
  const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 30;
  pane.innerHTML = "";
  if (state.channel === "home") {
    const box = document.createElement("div");
    box.className = "msg";
    box.setAttribute("data-testid", "home");
    if (data.home) renderBlocks(box, data.home.view.blocks);
    else box.textContent = "Opening your home tab…";
    wire(box, null);
    pane.append(box);
  } else {
    const channel = data.channels.find((c) => c.id === state.channel);
    for (const m of channel?.messages ?? []) {
      const box = document.createElement("div");
      box.className = `msg${m.ephemeralFor ? " ephemeral" : ""}`;
      box.setAttribute("data-testid", "message");
      const name =
        m.user === "U0BOT"
          ? "Stackup"
          : (data.people.find((p) => p.id === m.user)?.real_name ?? m.user);
      box.innerHTML = `<div><span class="who">${name}</span><span class="meta">${m.updatedAt ? "edited" : ""}</span></div>`;
      if (m.blocks?.length) renderBlocks(box, m.blocks);
      else box.insertAdjacentHTML("beforeend", `<div>${mrkdwn(m.text)}</div>`);
      for (const f of m.files ?? []) {
        const div = document.createElement("div");
        div.className = "file block";
        if (f.mimetype.startsWith("image/"))
          div.innerHTML = `<img class="image" src="${f.url}" alt="${f.title}" data-testid="file-image">`;
        div.insertAdjacentHTML(
          "beforeend",
          `<div><a href="${f.url}" download="${f.name}">📎 ${f.title}</a></div>`,
        );
        box.append(div);
      }
      wire(box, m);
      pane.append(box);
    }
  }
  if (atBottom) pane.scrollTop = pane.scrollHeight;
  drawModal(data.modal);
}

function wire(box, message) {
  for (const b of box.querySelectorAll("button[data-action-id]")) {
    b.onclick = async () => {
      b.disabled = true;
      await call("click", {
        actionId: b.dataset.actionId,
        value: b.dataset.value,
        ...(message ? { channel: message.channel, ts: message.ts } : {}),
      });
      setTimeout(refresh, 150);
    };
  }
}

let shownModal = "";
function drawModal(modal) {
  const el = $("modal");
  if (!modal) {
    el.classList.add("hidden");
    shownModal = "";
    return;
  }
  const key = `${modal.id}:${JSON.stringify(modal.view).length}`;
  if (shownModal === key) return;
  shownModal = key;
  el.classList.remove("hidden");
  el.innerHTML = "";
  const sheet = document.createElement("div");
  sheet.className = "sheet";
  sheet.innerHTML = `<div class="header block">${mrkdwn(modal.view.title?.text ?? "")}</div>`;
  renderBlocks(sheet, modal.view.blocks);
  wire(sheet, null);
  const buttons = document.createElement("div");
  buttons.className = "buttons";
  const cancel = document.createElement("button");
  cancel.textContent = modal.view.close?.text ?? "Cancel";
  cancel.onclick = async () => {
    await call("close", { viewId: modal.id });
    refresh();
  };
  const submit = document.createElement("button");
  submit.className = "primary";
  submit.setAttribute("data-testid", "modal-submit");
  submit.textContent = modal.view.submit?.text ?? "Submit";
  submit.onclick = async () => {
    const result = await call("submit", { viewId: modal.id, values: readInputs(sheet) });
    for (const e of sheet.querySelectorAll("[data-error-for]"))
      e.textContent = result.errors?.[e.dataset.errorFor] ?? "";
    if (!result.errors) setTimeout(refresh, 150);
  };
  buttons.append(cancel, submit);
  sheet.append(buttons);
  el.append(sheet);
}

$("composer").onsubmit = async (e) => {
  e.preventDefault();
  const text = $("command").value.trim();
  if (!text) return;
  const channel = state.channel === "home" ? undefined : state.channel;
  await call("command", { text, channel });
  $("command").value = "/learn ";
  setTimeout(refresh, 200);
  setTimeout(refreshLearning, 800);
};
$("attach").onchange = async (e) => {
  const input = e.target;
  const file = input.files?.[0];
  if (!file) return;
  // Files are shared in the DM with the bot, as in Slack; show it there.
  state.channel = state.data?.channels.find((c) => c.isIm)?.id ?? state.channel;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  await call("file", {
    name: file.name,
    mimetype: file.type || "application/octet-stream",
    data: btoa(binary),
  });
  input.value = "";
  setTimeout(refresh, 200);
};
$("who").onchange = (e) => {
  state.user = e.target.value;
  localStorage.setItem("playground.user", state.user);
  state.channel = "";
  shownModal = "";
  refresh();
  refreshLearning();
};
$("next-monday").onclick = async () => {
  const r = await call("clock", { to: "next-monday-0900" });
  notice(`Clock moved to ${new Date(r.now).toUTCString()}`);
  refresh();
};
$("plus-day").onclick = async () => {
  await call("clock", { hours: 24 });
  refresh();
};
$("demo").onclick = async () => {
  const r = await call("demo", {});
  if (r.people) notice(`Seeded ${r.people} people`);
  refresh();
};

async function refreshLearning() {
  const about = await call("learning", {});
  if (!about.xapi) return;
  $("credly-profile").textContent = about.credly.profile;
  const verb = $("xapi-verb");
  if (verb.options.length === 0) for (const v of about.xapi.verbs) verb.append(new Option(v, v));
  const goal = $("xapi-goal");
  const chosen = goal.value;
  goal.innerHTML = "";
  if (about.xapi.goals.length === 0) goal.append(new Option("set a catalog goal first", ""));
  for (const g of about.xapi.goals) goal.append(new Option(g.title, String(g.id)));
  if (chosen) goal.value = chosen;
}
$("credly-connect").onclick = async () => {
  const profile = $("credly-profile").textContent;
  await call("command", { text: `connect credly ${profile}` });
  notice("Connecting: the profile's badges are read in the background");
  setTimeout(refresh, 300);
};
$("xapi").onsubmit = async (e) => {
  e.preventDefault();
  const verb = $("xapi-verb").value;
  const timed = verb === "progressed" || verb === "experienced";
  const r = await call("learning/xapi", {
    verb,
    goal: Number($("xapi-goal").value),
    ...(timed ? { minutes: Number($("xapi-minutes").value) } : {}),
  });
  if (r.sent) {
    $("xapi-sent").textContent =
      `POST /xapi/statements → ${r.status}\n${JSON.stringify(r.sent, null, 2)}`;
  }
  refresh();
};
$("xapi-goal").onfocus = refreshLearning;

/** The pretend person's Slack language, which the bot reads from users.info. */
async function setUpLanguages() {
  const picker = $("language");
  const { locales } = await call("languages", {});
  picker.append(new Option("not set", ""));
  for (const code of locales ?? []) picker.append(new Option(languageName(code), code));
  picker.onchange = async () => {
    const r = await call("language", { locale: picker.value });
    if (!r.error) notice("Language changed: the bot answers in it from your next command or click");
    refresh();
  };
  if (state.data) drawLanguage(state.data.me);
}

function languageName(code) {
  try {
    return `${new Intl.DisplayNames([code], { type: "language" }).of(code)} (${code})`;
  } catch {
    return code;
  }
}

function drawLanguage(me) {
  const picker = $("language");
  if (picker.options.length > 0 && document.activeElement !== picker)
    picker.value = me?.locale ?? "";
}

refresh();
refreshLearning();
setUpLanguages();
setInterval(refresh, 1500);
