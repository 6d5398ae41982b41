// The playground's page: a small Slack client for one app. It polls /api/state for what the
// acting person sees and posts what they do to /api/*; the server turns each into the signed
// request Slack would send to the app. No build step: plain DOM code.
"use strict";

const S = {
  strings: {}, me: null, state: null, lastJson: "", view: null, thread: null,
  modalKey: "", busy: false, menu: null, localErrors: {},
};
const CLOCK_FORMAT = { month: "short", day: "numeric", weekday: "short", hour: "numeric", minute: "2-digit" };
const PEOPLE_ORDER = ["U0PGEMPJA1", "U0PGEMPEN1", "U0PGDESK01", "U0PGDESK02", "U0PGLEAD01"];
const EMOJI = {
  rotating_light: "🚨", white_check_mark: "✅", warning: "⚠️", speech_balloon: "💬", memo: "📝",
  ballot_box_with_check: "☑️", white_circle: "⚪", shield: "🛡️", no_entry: "⛔",
  leftwards_arrow_with_hook: "↩️", large_green_circle: "🟢", large_yellow_circle: "🟡",
  red_circle: "🔴", bust_in_silhouette: "👤", arrow_up: "⬆️", alarm_clock: "⏰", bell: "🔔",
  sos: "🆘", lock: "🔒", eyes: "👀", calendar: "📅", clipboard: "📋", hourglass: "⌛",
  information_source: "ℹ️", heart: "❤️", ok_hand: "👌", raising_hand: "🙋", envelope: "✉️",
  telephone_receiver: "📞", pushpin: "📌", bar_chart: "📊", wave: "👋", pray: "🙏",
  hourglass_flowing_sand: "⏳", inbox_tray: "📥", outbox_tray: "📤", paperclip: "📎",
  thumbsup: "👍", "+1": "👍", x: "❌", heavy_check_mark: "✔️", question: "❓", sparkles: "✨",
  page_facing_up: "📄", busts_in_silhouette: "👥", house: "🏠", mag: "🔍", link: "🔗",
};

// ------------------------------------------------------------------ small helpers
const $ = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "html") node.innerHTML = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
};
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const unwire = (s) => String(s).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const person = (id) => (S.state ? S.state.people.find((p) => p.id === id) : null);
const lang = () => { const p = person(S.me); return p && !p.locale.startsWith("ja") ? "en" : "ja"; };
const tz = () => { const p = person(S.me); return p ? p.tz : "UTC"; };
function tr(key, params = {}) {
  const entry = S.strings[key];
  let text = entry ? entry[lang()] : key;
  for (const [k, v] of Object.entries(params)) text = text.replace(`{${k}}`, v);
  return text;
}
const emojify = (s) => s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);

async function api(path, body) {
  const res = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: S.me, ...body }),
  });
  if (!res.ok) {
    let detail = String(res.status);
    try { detail = (await res.json()).error || detail; } catch (e) { /* not JSON */ }
    toast(tr("request_failed", { detail }));
  }
  await refresh();
}
function toast(text) {
  const node = $("div", { class: "toast", role: "alert" }, text);
  document.body.append(node);
  setTimeout(() => node.remove(), 4000);
}

const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;
function base64(file) {
  return new Promise((done, fail) => {
    const reader = new FileReader();
    reader.onload = () => done(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => fail(reader.error);
    reader.readAsDataURL(file);
  });
}

// ------------------------------------------------------------------ time
function zoned(epoch, zone) {
  const parts = {};
  new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(epoch * 1000)).forEach((p) => { parts[p.type] = p.value; });
  return parts;
}
function tzOffset(epoch, zone) {
  const p = zoned(epoch, zone);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) / 1000 - Math.floor(epoch);
}
function wallToEpoch(value) { // "YYYY-MM-DDTHH:MM" in the acting person's time zone
  const [d, t] = value.split("T");
  const [y, mo, da] = d.split("-").map(Number);
  const [h, mi] = t.split(":").map(Number);
  const guess = Date.UTC(y, mo - 1, da, h, mi) / 1000;
  let epoch = guess - tzOffset(guess, tz());
  epoch = guess - tzOffset(epoch, tz());
  return epoch;
}
function epochToWall(epoch) {
  const p = zoned(epoch, tz());
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
const locale = () => (lang() === "ja" ? "ja-JP" : "en-US");
function fmt(epoch, options) {
  return new Intl.DateTimeFormat(locale(), { timeZone: tz(), ...options }).format(new Date(epoch * 1000));
}
function dayDiff(epoch) {
  const a = zoned(epoch, tz()), b = zoned(S.state.now, tz());
  return Math.round((Date.UTC(+a.year, +a.month - 1, +a.day) - Date.UTC(+b.year, +b.month - 1, +b.day)) / 86400000);
}
function pretty(epoch, fallback) {
  const d = dayDiff(epoch);
  return d === 0 ? tr("today") : d === -1 ? tr("yesterday") : d === 1 ? tr("tomorrow") : fallback;
}
// Slack's <!date^epoch^format^link|fallback>, rendered in the viewer's time zone and language.
function dateToken(epoch, format) {
  const date = fmt(epoch, { year: "numeric", month: "long", day: "numeric" });
  const short = fmt(epoch, { year: "numeric", month: "short", day: "numeric" });
  const long = fmt(epoch, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
  const rel = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const ago = () => {
    const s = epoch - S.state.now, a = Math.abs(s);
    if (a < 60) return rel.format(Math.round(s), "second");
    if (a < 3600) return rel.format(Math.round(s / 60), "minute");
    if (a < 86400) return rel.format(Math.round(s / 3600), "hour");
    return rel.format(Math.round(s / 86400), "day");
  };
  const tokens = {
    date_num: () => { const p = zoned(epoch, tz()); return `${p.year}-${p.month}-${p.day}`; },
    date: () => date, date_short: () => short, date_long: () => long,
    date_pretty: () => pretty(epoch, date), date_short_pretty: () => pretty(epoch, short),
    date_long_pretty: () => pretty(epoch, long),
    time: () => fmt(epoch, { hour: "numeric", minute: "2-digit" }),
    time_secs: () => fmt(epoch, { hour: "numeric", minute: "2-digit", second: "2-digit" }),
    ago,
  };
  return format.replace(/\{(\w+)\}/g, (m, name) => (tokens[name] ? tokens[name]() : m));
}

// ------------------------------------------------------------------ mrkdwn
function token(inner) {
  const [target, label] = (() => { const i = inner.indexOf("|"); return i < 0 ? [inner, null] : [inner.slice(0, i), inner.slice(i + 1)]; })();
  if (target.startsWith("@")) {
    const u = S.state.users[target.slice(1)];
    return `<span class="mention">@${esc(u ? u.real_name : label || target.slice(1))}</span>`;
  }
  if (target.startsWith("#")) {
    const name = label || S.state.channel_names[target.slice(1)];
    return `<span class="mention">${name ? "#" + esc(name) : "🔒" + esc(tr("private_channel"))}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, epoch, format, link] = target.split("^");
    const text = esc(dateToken(Number(epoch), unwire(format || "")));
    return link ? `<a href="${esc(link)}" target="_blank" rel="noopener">${text}</a>` : text;
  }
  if (target.startsWith("!subteam^")) return `<span class="mention loud">${esc(unwire(label || "@team"))}</span>`;
  if (target.startsWith("!")) return `<span class="mention loud">@${esc(target.slice(1))}</span>`;
  const url = unwire(target);
  if (!/^(https?|mailto):/i.test(url)) return esc(unwire(`<${inner}>`));
  return `<a href="${esc(url)}" target="_blank" rel="noopener">${label ? styled(esc(unwire(label))) : esc(url)}</a>`;
}
function styled(s) {
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, "$1<b>$2</b>");
  s = s.replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, "$1<i>$2</i>");
  s = s.replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/g, "$1<s>$2</s>");
  return emojify(s);
}
function mrkdwn(text) {
  const held = [];
  const hold = (html) => { held.push(html); return `\u0000${held.length - 1}\u0000`; };
  let s = String(text || "");
  s = s.replace(/```([\s\S]*?)```/g, (m, code) => hold(`<pre>${esc(unwire(code))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (m, code) => hold(`<code>${esc(unwire(code))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (m, inner) => hold(token(inner)));
  s = styled(esc(unwire(s)));
  s = s.split("\n").map((line) => (line.startsWith("&gt; ") || line === "&gt;" ? `<blockquote>${line.replace(/^&gt; ?/, "")}</blockquote>` : line)).join("\n");
  s = s.replace(/\n/g, "<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  return s.replace(/\u0000(\d+)\u0000/g, (m, i) => held[Number(i)]);
}
function textObj(obj) {
  if (!obj) return $("span");
  if (obj.type === "mrkdwn") return $("span", { class: "mrkdwn", html: mrkdwn(obj.text) });
  return $("span", {}, obj.emoji === false ? obj.text : emojify(obj.text));
}
const plain = (obj) => (obj ? emojify(obj.text || "") : "");

// ------------------------------------------------------------------ Block Kit
// ctx: {kind: "message"|"view", channel, ts, ephemeral_id, view_id, fields: [], errors: {}}
function send(ctx, element, block, value) {
  const body = { action_id: element.action_id, value };
  if (ctx.kind === "view") Object.assign(body, { view_id: ctx.view_id, values: collect(ctx) });
  else Object.assign(body, { channel: ctx.channel, ts: ctx.ts, ephemeral_id: ctx.ephemeral_id, values: collect(ctx) });
  return api("/api/action", body);
}
function confirmThen(confirm, go) {
  if (!confirm) return go();
  const close = () => overlay.remove();
  const overlay = $("div", { class: "overlay" },
    $("div", { class: "modal", role: "alertdialog", "aria-label": plain(confirm.title) },
      $("header", {}, $("h2", {}, plain(confirm.title))),
      $("div", { class: "content" }, textObj(confirm.text)),
      $("footer", {},
        $("button", { class: "bk-button", onclick: close }, plain(confirm.deny) || tr("cancel")),
        $("button", { class: `bk-button ${confirm.style === "danger" ? "danger" : "primary"}`, onclick: () => { close(); go(); } }, plain(confirm.confirm) || tr("yes")))));
  document.body.append(overlay);
}
function options(element) {
  const groups = element.option_groups || [];
  return [...(element.options || []), ...groups.flatMap((g) => g.options || [])];
}
function register(ctx, block, element, get, set) {
  const required = block.type === "input" && !block.optional;
  ctx.fields.push({ block_id: block.block_id, action_id: element.action_id, get, set, required });
}
// Slack's client refuses an empty required input itself, before the app hears of it.
function missing(ctx) {
  const errors = {};
  for (const f of ctx.fields) {
    const v = f.get();
    if (f.required && (v === null || v === "" || (Array.isArray(v) && !v.length))) errors[f.block_id] = tr("required");
  }
  return errors;
}
function collect(ctx) {
  const values = {};
  for (const f of ctx.fields) (values[f.block_id] = values[f.block_id] || {})[f.action_id] = f.get();
  return values;
}
function element(ctx, block, el, inInput) {
  const dispatch = !inInput || block.dispatch_action;
  const fire = (value) => (dispatch ? send(ctx, el, block, value) : null);
  switch (el.type) {
    case "button": {
      const b = $("button", { class: `bk-button ${el.style || ""}`, type: "button" }, plain(el.text));
      b.addEventListener("click", () => confirmThen(el.confirm, () => { b.disabled = true; send(ctx, el, block, el.value).finally(() => { b.disabled = false; }); }));
      if (el.url) b.addEventListener("click", () => window.open(el.url, "_blank", "noopener"));
      return b;
    }
    case "static_select": case "users_select": case "conversations_select": case "channels_select":
    case "multi_static_select": case "multi_users_select": {
      const multi = el.type.startsWith("multi");
      const users = el.type.includes("users");
      const sel = $("select", { class: "bk-select", multiple: multi, "aria-label": (inInput && plain(block.label)) || plain(el.placeholder) || tr("select") });
      if (!multi) sel.append($("option", { value: "" }, plain(el.placeholder) || tr(users ? "select_person" : "select")));
      const opts = users
        ? S.state.people.map((p) => ({ value: p.id, text: { text: p.real_name } }))
        : options(el);
      const initial = users ? [].concat(el.initial_user || el.initial_users || []) : [].concat(el.initial_option || el.initial_options || []).map((o) => o.value);
      for (const o of opts) sel.append($("option", { value: o.value, selected: initial.includes(o.value) }, plain(o.text)));
      const get = () => (multi ? [...sel.selectedOptions].map((o) => o.value) : sel.value || null);
      sel.addEventListener("change", () => confirmThen(el.confirm, () => fire(get())));
      register(ctx, block, el, get, (v) => { for (const o of sel.options) o.selected = multi ? (v || []).includes(o.value) : o.value === (v || ""); });
      return sel;
    }
    case "overflow": {
      const wrap = $("span", { style: "position:relative" });
      const b = $("button", { class: "bk-button", type: "button", "aria-label": tr("more_actions") }, "⋯");
      b.addEventListener("click", () => {
        const menu = $("div", { class: "menu" }, options(el).map((o) => $("button", { type: "button", onclick: () => { menu.remove(); confirmThen(el.confirm, () => send(ctx, el, block, o.value)); } }, plain(o.text))));
        wrap.append(menu);
      });
      wrap.append(b);
      return wrap;
    }
    case "checkboxes": case "radio_buttons": {
      const radio = el.type === "radio_buttons";
      const name = `r${Math.random().toString(36).slice(2)}`;
      const initial = [].concat(el.initial_option || el.initial_options || []).map((o) => o.value);
      const wrap = $("div", { role: radio ? "radiogroup" : "group" });
      const boxes = options(el).map((o) => {
        const input = $("input", { type: radio ? "radio" : "checkbox", name, value: o.value, checked: initial.includes(o.value) });
        input.addEventListener("change", () => fire(get()));
        wrap.append($("label", { class: "bk-choice" }, input, " ", textObj(o.text), o.description ? $("span", { class: "desc" }, textObj(o.description)) : null));
        return input;
      });
      const get = () => { const on = boxes.filter((b) => b.checked).map((b) => b.value); return radio ? on[0] || null : on; };
      register(ctx, block, el, get, (v) => { const on = [].concat(v || []); boxes.forEach((b) => { b.checked = on.includes(b.value); }); });
      return wrap;
    }
    case "datepicker": case "timepicker": case "datetimepicker": {
      const type = { datepicker: "date", timepicker: "time", datetimepicker: "datetime-local" }[el.type];
      const input = $("input", { type, class: "bk-picker", "aria-label": (inInput && plain(block.label)) || plain(el.placeholder) || el.type });
      if (el.type === "datepicker" && el.initial_date) input.value = el.initial_date;
      if (el.type === "timepicker" && el.initial_time) input.value = el.initial_time;
      if (el.type === "datetimepicker" && el.initial_date_time) input.value = epochToWall(el.initial_date_time);
      const get = () => (!input.value ? null : el.type === "datetimepicker" ? wallToEpoch(input.value) : input.value);
      input.addEventListener("change", () => fire(get()));
      register(ctx, block, el, get, (v) => { input.value = v === null || v === undefined ? "" : el.type === "datetimepicker" ? epochToWall(v) : v; });
      return input;
    }
    case "plain_text_input": case "email_text_input": case "url_text_input": case "number_input": {
      const type = { email_text_input: "email", url_text_input: "url", number_input: "number" }[el.type] || "text";
      const input = el.multiline
        ? $("textarea", { "aria-label": plain(block.label) || "text" })
        : $("input", { type, "aria-label": plain(block.label) || "text" });
      if (el.placeholder) input.placeholder = plain(el.placeholder);
      if (el.max_length) input.maxLength = el.max_length;
      if (el.initial_value) input.value = el.initial_value;
      const get = () => input.value;
      register(ctx, block, el, get, (v) => { input.value = v || ""; });
      return input;
    }
    case "file_input": {
      // Chosen files are stored in the stand-in first, as Slack uploads them before the
      // submission; the submission's state then carries their file objects.
      const max = el.max_files || 10;
      const input = $("input", { type: "file", multiple: max > 1, "aria-label": plain(block.label) || "file" });
      if (el.filetypes) input.accept = el.filetypes.map((t) => `.${t}`).join(",");
      const list = $("ul", { class: "bk-files" });
      let files = [];
      const show = () => list.replaceChildren(...files.map((f) => $("li", {}, `📎 ${f.name}`)));
      input.addEventListener("change", async () => {
        for (const file of [...input.files].slice(0, Math.max(0, max - files.length))) {
          if (file.size > MAX_UPLOAD_BYTES) { toast(tr("file_too_large", { name: file.name })); continue; }
          const res = await fetch("/api/upload", {
            method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ user: S.me, name: file.name, mimetype: file.type, data: await base64(file) }),
          });
          if (res.ok) files.push((await res.json()).file);
          else toast(tr("request_failed", { detail: res.status }));
        }
        input.value = "";
        show();
      });
      register(ctx, block, el, () => files, (v) => { files = v || []; show(); });
      return $("div", { class: "bk-file" }, input, list);
    }
    case "image":
      return $("span", { class: "bk-image" }, tr("image", { alt: el.alt_text || "" }));
    default:
      return $("span", { class: "bk-hint" }, `[${el.type}]`);
  }
}
function richText(block) {
  const inline = (e) => {
    if (e.type === "text") return esc(e.text);
    if (e.type === "link") return `<a href="${esc(e.url)}" target="_blank" rel="noopener">${esc(e.text || e.url)}</a>`;
    if (e.type === "user") { const u = S.state.users[e.user_id]; return `<span class="mention">@${esc(u ? u.real_name : e.user_id)}</span>`; }
    if (e.type === "emoji") return EMOJI[e.name] || `:${esc(e.name)}:`;
    return "";
  };
  const html = (block.elements || []).map((section) => (section.elements || []).map(inline).join("")).join("<br>");
  return $("div", { class: "mrkdwn", html: html.replace(/\n/g, "<br>") });
}
function blocks(list, ctx) {
  const out = $("div", { class: "blocks" });
  for (const block of list || []) {
    switch (block.type) {
      case "header": out.append($("div", { class: "bk-header", role: "heading", "aria-level": "3" }, plain(block.text))); break;
      case "divider": out.append($("hr", { class: "bk-divider" })); break;
      case "section": {
        const text = $("div", { class: "bk-text" }, block.text ? textObj(block.text) : null);
        if (block.fields) text.append($("div", { class: "bk-fields" }, block.fields.map((f) => $("div", {}, textObj(f)))));
        out.append($("div", { class: "bk-section" }, text, block.accessory ? element(ctx, block, block.accessory, false) : null));
        break;
      }
      case "context": out.append($("div", { class: "bk-context" }, (block.elements || []).map((e) => (e.type === "image" ? element(ctx, block, e, false) : textObj(e))))); break;
      case "actions": out.append($("div", { class: "bk-actions" }, (block.elements || []).map((e) => element(ctx, block, e, false)))); break;
      case "image": out.append($("div", { class: "bk-image" }, block.title ? plain(block.title) + " — " : "", tr("image", { alt: block.alt_text || "" }))); break;
      case "rich_text": out.append(richText(block)); break;
      case "input": {
        const error = ctx.errors && ctx.errors[block.block_id];
        // As in Slack, an error goes away once the person changes that field.
        const clear = (ev) => {
          const field = ev.currentTarget;
          field.classList.remove("invalid");
          field.querySelectorAll(".bk-error").forEach((e) => e.remove());
          if (ctx.view_id && S.localErrors[ctx.view_id]) delete S.localErrors[ctx.view_id][block.block_id];
        };
        out.append($("div", { class: `bk-input${error ? " invalid" : ""}`, oninput: clear, onchange: clear },
          $("div", { class: "bk-label" }, plain(block.label), block.optional ? $("span", { class: "opt" }, tr("optional")) : null),
          element(ctx, block, block.element, true),
          block.hint ? $("div", { class: "bk-hint" }, plain(block.hint)) : null,
          error ? $("div", { class: "bk-error", role: "alert" }, error) : null));
        break;
      }
      default: out.append($("div", { class: "bk-hint" }, `[${block.type}]`));
    }
  }
  return out;
}

// ------------------------------------------------------------------ messages
const isDM = (c) => c && c.kind === "im";
function author(m) {
  if (m.bot_id || m.user === S.state.bot.id) return { name: S.state.bot.name, bot: true };
  const u = S.state.users[m.user];
  return { name: u ? u.real_name : m.user || "?", bot: false };
}
function messageBody(m, ctx) {
  if (m.subtype === "tombstone") return $("div", { class: "bk-hint" }, tr("deleted"));
  // A person's message: Slack's composer turns *bold* and friends into rich text as they type,
  // which is what rendering its wire text as mrkdwn shows.
  const files = (m.files || []).map((f) => $("div", { class: "bk-files" }, `📎 ${f.name || f.title || f.id}`));
  if ((m.blocks || []).some((b) => b.type !== "rich_text")) return $("div", {}, blocks(m.blocks, ctx), files);
  return $("div", {}, $("div", { class: "mrkdwn", html: mrkdwn(m.text) }), files);
}
function messageNode(m, channel, inThread) {
  const who = author(m);
  const ctx = { kind: "message", channel: channel.id, ts: m.ts, fields: [] };
  const tools = $("div", { class: "tools" });
  if (!inThread) tools.append($("button", { type: "button", title: tr("reply_in_thread"), "aria-label": tr("reply_in_thread"), onclick: () => { S.thread = m.ts; render(true); } }, "💬"));
  if (!who.bot) {
    tools.append($("button", { type: "button", title: tr("more_actions"), "aria-label": tr("more_actions"), onclick: (ev) => openMenu(ev.currentTarget, [
      [tr("shortcut_report_message"), () => api("/api/shortcut", { callback_id: "report_message", channel: channel.id, ts: m.ts })],
    ]) }, "⋯"));
  }
  const replies = (m.replies || []).length;
  return $("div", { class: "msg", "data-ts": m.ts },
    $("div", { class: `avatar${who.bot ? " bot" : ""}`, "aria-hidden": "true" }, who.name.slice(0, 1)),
    $("div", { class: "body" },
      $("div", {}, $("span", { class: "who" }, who.name), who.bot ? $("span", { class: "badge" }, tr("app_badge")) : null,
        $("span", { class: "when" }, fmt(Number(m.ts), { hour: "numeric", minute: "2-digit" }))),
      messageBody(m, ctx),
      m.edited ? $("span", { class: "edited" }, tr("edited")) : null,
      !inThread && replies ? $("button", { class: "replies-link", type: "button", onclick: () => { S.thread = m.ts; render(true); } }, tr("replies", { n: replies })) : null),
    tools);
}
function ephemeralNode(e, channel) {
  const ctx = { kind: "message", channel: channel.id, ts: null, ephemeral_id: e.id, fields: [] };
  return $("div", { class: "msg ephemeral" },
    $("div", { class: "avatar bot", "aria-hidden": "true" }, "H"),
    $("div", { class: "body" },
      $("div", {}, $("span", { class: "who" }, S.state.bot.name), $("span", { class: "badge" }, tr("app_badge")), $("span", { class: "only" }, tr("only_you"))),
      (e.blocks || []).length ? blocks(e.blocks, ctx) : $("div", { class: "mrkdwn", html: mrkdwn(e.text) })));
}
function openMenu(anchor, items) {
  closeMenu();
  const menu = $("div", { class: "menu", role: "menu" }, items.map(([label, go]) => $("button", { type: "button", role: "menuitem", onclick: () => { closeMenu(); go(); } }, label)));
  const r = anchor.getBoundingClientRect();
  Object.assign(menu.style, { left: `${Math.max(8, r.right - 240 + window.scrollX)}px`, top: `${r.bottom + window.scrollY}px`, position: "absolute" });
  document.body.append(menu);
  S.menu = menu;
}
function closeMenu() { if (S.menu) { S.menu.remove(); S.menu = null; } }
document.addEventListener("click", (ev) => { if (S.menu && !S.menu.contains(ev.target) && !ev.target.closest(".tools, .bolt")) closeMenu(); });

function composer(channel, threadTs) {
  const name = isDM(channel) ? S.state.bot.name : `#${channel.name}`;
  const label = threadTs ? tr("reply") : tr("message_to", { name });
  const box = $("textarea", { rows: "1", placeholder: label, "aria-label": label });
  const go = () => {
    const text = box.value.trim();
    if (!text) return;
    box.value = "";
    if (!threadTs && text.startsWith("/")) api("/api/command", { channel: channel.id, text });
    else api("/api/message", { channel: channel.id, text, thread_ts: threadTs });
  };
  box.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); go(); } });
  const bolt = $("button", { class: "bolt", type: "button", title: tr("shortcuts"), "aria-label": tr("shortcuts"), onclick: (ev) => openMenu(ev.currentTarget, [
    [tr("shortcut_report"), () => api("/api/shortcut", { callback_id: "report_harassment" })],
  ]) }, "⚡");
  return $("div", { class: "composer" }, threadTs ? null : bolt, box, $("button", { type: "button", onclick: go }, tr("send")));
}

// ------------------------------------------------------------------ layout
function topbar() {
  const bar = $("div", { class: "topbar" }, $("span", { class: "label" }, tr("acting_as")));
  for (const id of PEOPLE_ORDER) {
    const p = person(id);
    bar.append($("button", { class: "person", type: "button", "aria-pressed": String(id === S.me), onclick: () => switchTo(id) },
      p.real_name, $("small", {}, tr(`role.${p.role}`))));
  }
  const ff = (seconds, key) => $("button", { type: "button", onclick: () => api("/api/forward", { seconds }) }, tr(key));
  bar.append($("div", { class: "clock" },
    $("span", {}, `${tr("app_time")}: `, $("b", { "data-clock": "" }, fmt(S.state.now, CLOCK_FORMAT))),
    $("span", { class: "label" }, tr("fast_forward")), ff(1800, "ff_30m"), ff(3600, "ff_1h"), ff(86400, "ff_1d"), ff(7 * 86400, "ff_7d")));
  return bar;
}
function sidebar() {
  const side = $("nav", { class: "sidebar", "aria-label": tr("channels") }, $("div", { class: "ws" }, "Stand-in Workspace"), $("h2", {}, tr("channels")));
  for (const c of S.state.channels.filter((c) => !isDM(c))) {
    side.append($("button", { type: "button", "aria-current": String(S.view.channel === c.id && S.view.kind === "channel"), onclick: () => { S.view = { kind: "channel", channel: c.id }; S.thread = null; render(true); } },
      `${c.kind === "private" ? "🔒" : "#"} ${c.name}`));
  }
  side.append($("h2", {}, tr("apps")));
  side.append($("button", { type: "button", "aria-current": String(S.view.kind !== "channel"), onclick: () => openApp(S.view.kind === "channel" ? "messages" : S.view.kind) }, `🛡️ ${S.state.bot.name}`));
  return side;
}
function openApp(tab) {
  S.view = { kind: tab, channel: `D${S.me}` };
  S.thread = null;
  if (tab === "home") api("/api/home", {});
  render(true);
}
function channelPane() {
  const channel = S.state.channels.find((c) => c.id === S.view.channel);
  const pane = $("main", { class: "pane" });
  if (S.view.kind === "channel") {
    pane.append($("div", { class: "pane-head" }, $("h1", {}, `${channel.kind === "private" ? "🔒" : "#"} ${channel.name}`)));
  } else {
    const tab = (kind, key) => $("button", { type: "button", role: "tab", "aria-selected": String(S.view.kind === kind), onclick: () => openApp(kind) }, tr(key));
    pane.append($("div", { class: "pane-head" }, $("h1", {}, S.state.bot.name), $("div", { class: "tabs", role: "tablist" }, tab("home", "tab_home"), tab("messages", "tab_messages"))));
  }
  if (S.view.kind === "home") {
    const home = S.state.home;
    const ctx = { kind: "view", view_id: home && home.id, fields: [] };
    pane.append($("div", { class: "log", "data-top": "" }, $("div", { class: "home", "aria-label": tr("tab_home") }, home ? blocks(home.blocks, ctx) : tr("home_empty"))));
    return pane;
  }
  const log = $("div", { class: "log", role: "log" });
  for (const m of channel.messages) log.append(messageNode(m, channel, false));
  for (const e of S.state.ephemerals.filter((e) => e.channel === channel.id && !e.thread_ts)) log.append(ephemeralNode(e, channel));
  pane.append(log, composer(channel, null), $("div", { class: "hint" }, tr("composer_hint")));
  return pane;
}
function threadPane() {
  const channel = S.state.channels.find((c) => c.id === S.view.channel);
  const parent = channel && channel.messages.find((m) => m.ts === S.thread);
  if (!parent || S.view.kind === "home") return null;
  const log = $("div", { class: "log", role: "log", "aria-label": tr("thread") }, messageNode(parent, channel, true));
  for (const r of parent.replies || []) log.append(messageNode(r, channel, true));
  for (const e of S.state.ephemerals.filter((e) => e.channel === channel.id && e.thread_ts === S.thread)) log.append(ephemeralNode(e, channel));
  return $("aside", { class: "thread pane", "aria-label": tr("thread") },
    $("div", { class: "pane-head" }, $("h1", {}, tr("thread")), $("button", { type: "button", class: "bk-button", "aria-label": tr("close_thread"), onclick: () => { S.thread = null; render(true); } }, "✕")),
    log, composer(channel, S.thread));
}
function modal() {
  const stack = S.state.modals;
  document.querySelectorAll(".overlay.view").forEach((o) => { if (!stack.length) o.remove(); });
  if (!stack.length) { S.modalKey = ""; return; }
  const view = stack[stack.length - 1];
  const key = JSON.stringify([view.id, view.hash, view.outcome, lang()]);
  if (key === S.modalKey) return;
  const old = document.querySelector(".overlay.view");
  const kept = old && old.dataset.viewId === view.id && old._ctx ? collect(old._ctx) : null;
  S.modalKey = key;
  const ctx = { kind: "view", view_id: view.id, fields: [], errors: { ...view.outcome.errors, ...(S.localErrors[view.id] || {}) } };
  const content = $("div", { class: "content" }, view.outcome.problem ? $("div", { class: "problem", role: "alert" }, tr("modal_problem")) : null, blocks(view.blocks, ctx));
  if (kept) for (const f of ctx.fields) if (kept[f.block_id] && f.action_id in kept[f.block_id]) f.set(kept[f.block_id][f.action_id]);
  const close = () => api("/api/close", { view_id: view.id });
  const submit = $("button", { type: "button", class: "bk-button primary", onclick: () => {
    const empty = missing(ctx);
    if (Object.keys(empty).length) { S.localErrors = { [view.id]: empty }; S.modalKey = ""; modal(); return; }
    S.localErrors = {};
    submit.disabled = true;
    api("/api/submit", { view_id: view.id, values: collect(ctx) }).finally(() => { submit.disabled = false; });
  } }, plain(view.submit) || tr("submit"));
  const overlay = $("div", { class: "overlay view", "data-view-id": view.id },
    $("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": plain(view.title) },
      $("header", {}, $("h2", {}, plain(view.title)), $("button", { type: "button", "aria-label": tr("close"), onclick: close }, "✕")),
      content,
      $("footer", {}, $("button", { type: "button", class: "bk-button", onclick: close }, plain(view.close) || tr(view.submit ? "cancel" : "close")), view.submit ? submit : null)));
  overlay._ctx = ctx;
  if (old) old.replaceWith(overlay); else document.body.append(overlay);
  const firstError = overlay.querySelector(".bk-error, .problem");
  if (firstError) firstError.scrollIntoView({ block: "center" });
}

function render(force) {
  // The clock moves every poll; everything else re-renders only when it changed.
  const clock = document.querySelector("[data-clock]");
  if (clock) clock.textContent = fmt(S.state.now, CLOCK_FORMAT);
  const json = JSON.stringify([{ ...S.state, now: 0 }, S.view, S.thread, S.me]);
  if (!force && json === S.lastJson) return;
  S.lastJson = json;
  document.title = tr("title");
  document.getElementById("banner").textContent = tr("not_connected");
  document.documentElement.lang = lang();
  if (!S.state.channels.some((c) => c.id === S.view.channel)) S.view = { kind: "channel", channel: S.state.channels.find((c) => !isDM(c)).id };
  const root = document.getElementById("root");
  const scroll = [...root.querySelectorAll(".log")].map((l) => [l.scrollTop, l.scrollHeight - l.clientHeight - l.scrollTop < 30]);
  const drafts = [...root.querySelectorAll(".composer textarea")].map((t) => [t.value, t === document.activeElement]);
  root.replaceChildren(topbar(), $("div", { class: "main" }, sidebar(), channelPane(), threadPane()));
  // Conversations open at their newest message (and follow new ones); the Home opens at its top.
  root.querySelectorAll(".log").forEach((l, i) => {
    const s = scroll[i];
    if (l.hasAttribute("data-top")) l.scrollTop = s && !force ? s[0] : 0;
    else l.scrollTop = !s || s[1] ? l.scrollHeight : s[0];
  });
  root.querySelectorAll(".composer textarea").forEach((t, i) => { if (drafts[i]) { t.value = drafts[i][0]; if (drafts[i][1]) t.focus(); } });
  modal();
}
async function refresh() {
  const who = S.me;
  const res = await fetch(`/api/state?user=${encodeURIComponent(who)}`);
  // A poll for the person acted as before a switch must not paint over the new person's view.
  if (who !== S.me) return;
  if (res.status === 503 && !S.state) {
    document.getElementById("root").replaceChildren($("p", { class: "hint", role: "status" }, S.strings.starting[document.body.dataset.lang]));
    return;
  }
  if (!res.ok) return;
  const state = await res.json();
  if (who !== S.me) return;
  S.state = state;
  if (S.view) render(false);
}
function switchTo(id) {
  S.me = id;
  S.thread = null;
  S.modalKey = "";
  const p = person(id);
  S.view = p.role === "employee" ? { kind: "messages", channel: `D${id}` } : { kind: "channel", channel: S.state.desk_channel };
  const query = new URLSearchParams(location.search);
  query.set("as", id);
  history.replaceState(null, "", `?${query}`);
  refresh().then(() => render(true));
}
async function start() {
  S.strings = await (await fetch("/api/strings")).json();
  const query = new URLSearchParams(location.search);
  const first = document.body.dataset.lang === "en" ? "U0PGEMPEN1" : "U0PGEMPJA1";
  S.me = PEOPLE_ORDER.includes(query.get("as")) ? query.get("as") : first;
  while (!S.state) {
    await refresh();
    if (!S.state) await new Promise((done) => setTimeout(done, 300));
  }
  switchTo(S.me);
  const poll = async () => { try { await refresh(); } catch (e) { /* the playground stopped */ } setTimeout(poll, 500); };
  setTimeout(poll, 500);
}
start();
