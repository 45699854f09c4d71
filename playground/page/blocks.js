// Draws Block Kit as Slack would, faithfully enough to judge a layout.

const ZWSP = /\u200b/g;

function escapeRaw(text) {
  // Slack text keeps &amp; &lt; &gt; as entities; any other raw angle bracket is escaped here.
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function inline(text) {
  return text
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?:;…])/g, "$1<strong>$2</strong>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;…])/g, "$1<em>$2</em>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;…])/g, "$1<s>$2</s>");
}

/** Slack mrkdwn → HTML. */
export function mrkdwn(text) {
  const out = [];
  const link = /<((?:https?:|mailto:)[^|>\s]+)(?:\|([^>]*))?>/g;
  let last = 0;
  for (const m of text.matchAll(link)) {
    out.push(inline(escapeRaw(text.slice(last, m.index))));
    const href = m[1].replace(/"/g, "%22");
    out.push(
      `<a href="${href}" target="_blank" rel="noopener">${inline(escapeRaw(m[2] ?? m[1]))}</a>`,
    );
    last = m.index + m[0].length;
  }
  out.push(inline(escapeRaw(text.slice(last))));
  return out.join("").replace(ZWSP, "").replace(/\n/g, "<br>");
}

function plain(text) {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function textObject(t) {
  if (!t) return "";
  return t.type === "mrkdwn" ? mrkdwn(t.text) : plain(t.text);
}

function button(el, blockId) {
  const b = document.createElement("button");
  b.textContent = el.text?.text ?? "";
  if (el.style) b.className = el.style;
  b.dataset.actionId = el.action_id;
  b.dataset.value = el.value ?? "";
  b.dataset.blockId = blockId ?? "";
  return b;
}

/** Renders blocks into `container`; buttons get data-action-id/value for the caller to wire. */
export function renderBlocks(container, blocks) {
  for (const block of blocks ?? []) {
    const div = document.createElement("div");
    div.className = `block ${block.type}`;
    switch (block.type) {
      case "header":
        div.innerHTML = textObject(block.text);
        break;
      case "section": {
        if (block.text) {
          const p = document.createElement("div");
          p.innerHTML = textObject(block.text);
          div.append(p);
        }
        if (block.fields) {
          const grid = document.createElement("div");
          grid.className = "fields";
          for (const f of block.fields) {
            const cell = document.createElement("div");
            cell.innerHTML = textObject(f);
            grid.append(cell);
          }
          div.append(grid);
        }
        if (block.accessory?.type === "button") div.append(button(block.accessory, block.block_id));
        if (block.accessory?.type === "image") {
          const img = document.createElement("img");
          img.src = block.accessory.image_url;
          img.alt = block.accessory.alt_text ?? "";
          img.width = 48;
          div.append(img);
        }
        break;
      }
      case "context":
        div.innerHTML = (block.elements ?? [])
          .map((e) =>
            e.type === "image"
              ? `<img src="${plain(e.image_url)}" alt="${plain(e.alt_text)}" width="16">`
              : textObject(e),
          )
          .join(" ");
        break;
      case "actions":
        for (const el of block.elements ?? [])
          if (el.type === "button") div.append(button(el, block.block_id));
        break;
      case "image": {
        if (block.title) {
          const t = document.createElement("div");
          t.innerHTML = textObject(block.title);
          div.append(t);
        }
        const img = document.createElement("img");
        img.className = "image";
        img.src = block.image_url ?? block.slack_file?.url ?? "";
        img.alt = block.alt_text ?? "";
        div.append(img);
        break;
      }
      case "divider":
        div.innerHTML = '<hr class="divider">';
        break;
      case "input":
        div.append(input(block));
        break;
      default:
        div.textContent = `[${block.type}]`;
    }
    container.append(div);
  }
}

function input(block) {
  const wrap = document.createElement("div");
  const label = document.createElement("label");
  label.innerHTML = `${textObject(block.label)}${block.optional ? ' <span class="muted">(optional)</span>' : ""}`;
  const el = block.element ?? {};
  let field;
  switch (el.type) {
    case "static_select": {
      field = document.createElement("select");
      field.append(new Option("—", ""));
      for (const o of el.options ?? []) field.append(new Option(o.text?.text ?? o.value, o.value));
      if (el.initial_option) field.value = el.initial_option.value;
      break;
    }
    case "datepicker":
      field = document.createElement("input");
      field.type = "date";
      if (el.initial_date) field.value = el.initial_date;
      break;
    case "timepicker":
      field = document.createElement("input");
      field.type = "time";
      if (el.initial_time) field.value = el.initial_time;
      break;
    case "number_input":
      field = document.createElement("input");
      field.type = "number";
      field.step = el.is_decimal_allowed ? "0.5" : "1";
      if (el.initial_value) field.value = el.initial_value;
      break;
    case "checkboxes": {
      field = document.createElement("div");
      for (const o of el.options ?? []) {
        const l = document.createElement("label");
        const c = document.createElement("input");
        c.type = "checkbox";
        c.value = o.value;
        c.checked = (el.initial_options ?? []).some((i) => i.value === o.value);
        l.append(c, ` ${o.text?.text ?? o.value}`);
        field.append(l);
      }
      field.dataset.checkboxes = "1";
      break;
    }
    default:
      field = document.createElement(el.multiline ? "textarea" : "input");
      if (el.initial_value) field.value = el.initial_value;
      if (el.placeholder) field.placeholder = el.placeholder.text;
  }
  field.dataset.blockId = block.block_id;
  field.className = "field";
  const error = document.createElement("div");
  error.className = "error";
  error.dataset.errorFor = block.block_id;
  label.append(field);
  wrap.append(label, error);
  return wrap;
}

/** Reads the inputs of a rendered modal back as values by block id. */
export function readInputs(container) {
  const values = {};
  for (const field of container.querySelectorAll(".field")) {
    values[field.dataset.blockId] = field.dataset.checkboxes
      ? [...field.querySelectorAll("input:checked")].map((c) => c.value).join(",")
      : field.value;
  }
  return values;
}
