// Small DOM helpers. Everything the console shows is built with h(): text is always a text node, so a
// name typed by an officer can never become markup (the CSP forbids inline script as a second fence).
import { t, lang } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const svg = ["svg", "rect", "line", "text", "g", "title", "path"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "text") el.textContent = value;
    else if (name === "value" && !svg) el.value = value;
    else if (name === "checked" && !svg) el.checked = Boolean(value);
    else el.setAttribute(name === "className" ? "class" : name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idSerial = 0;
export function uid(prefix = "f") {
  idSerial += 1;
  return `${prefix}-${idSerial}`;
}

// --- formatting ----------------------------------------------------------------------------------

export function money(value) {
  if (value === null || value === undefined) return "—";
  return `${new Intl.NumberFormat("vi-VN").format(value)} ₫`;
}

export function number(value) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(lang() === "vi" ? "vi-VN" : "en-GB").format(value);
}

export function percent(value) {
  if (value === null || value === undefined) return "—";
  return `${new Intl.NumberFormat(lang() === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 }).format(value)} %`;
}

export function date(value) {
  if (!value) return "—";
  // A timestamp (UTC) is shown as the Vietnamese calendar date it fell on; a date is shown as it is.
  const day = value.length > 10 ? new Date(Date.parse(value) + 7 * 3600 * 1000).toISOString() : value;
  const [y, m, d] = day.slice(0, 10).split("-");
  return lang() === "vi" ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
}

export function dateTime(value) {
  if (!value) return "—";
  return new Date(value).toLocaleString(lang() === "vi" ? "vi-VN" : "en-GB", { timeZone: "Asia/Ho_Chi_Minh" });
}

// The association's "today" is the Vietnamese calendar date (UTC+7), whatever the device's zone.
export function todayVN() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

export function statusBadge(status) {
  const tone = { ACTIVE: "ok", RECOGNISED: "ok", PAID: "ok", COMPLETED: "ok", APPROVED: "ok", SENT: "ok",
    LEFT: "bad", REJECTED: "bad", NOT_RECOGNISED: "bad", FAILED: "bad", DEAD: "bad",
    PROPOSED: "warn", REGISTERED: "warn", SELF_ASSESSED: "warn", REVIEWED: "warn", RUNNING: "warn", QUEUED: "warn",
    TRANSFERRED: "warn" }[status] || "";
  return h("span", { class: `status ${tone}` }, t(`status.${status}`, {}, status));
}

// --- announcements --------------------------------------------------------------------------------

let statusTimer = null;
export function announce(message) {
  const bar = document.getElementById("status");
  bar.textContent = "";
  // A new text node after a tick so that screen readers announce a repeated message too.
  setTimeout(() => { bar.textContent = message; }, 30);
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { bar.textContent = ""; }, 6000);
}

// --- form fields -----------------------------------------------------------------------------------

// A labelled field. `name` is the API's (dotted) field name: errors from the API land next to it.
export function field({ name, label, type = "text", required = false, hint, options, value, attrs = {}, wide = false }) {
  const id = uid(name.replace(/\W/g, "-"));
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const described = [hintId, errorId].filter(Boolean).join(" ");
  let control;
  if (options) {
    control = h("select", { id, name, required, "aria-describedby": described, ...attrs },
      options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, text)));
  } else if (type === "textarea") {
    control = h("textarea", { id, name, required, rows: 3, "aria-describedby": described, ...attrs });
    if (value) control.value = value;
  } else {
    control = h("input", { id, name, type, required, value: value ?? "", "aria-describedby": described, ...attrs });
  }
  return h("div", { class: `field${wide ? " wide" : ""}`, dataset: { field: name } },
    h("label", { for: id }, label, required ? h("span", { "aria-hidden": "true" }, " *") : null),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId }));
}

export function checkbox({ name, label, checked = false, hint }) {
  const id = uid(name.replace(/\W/g, "-"));
  const errorId = `${id}-error`;
  return h("div", { class: "field", dataset: { field: name } },
    h("div", { class: "check" },
      h("input", { id, name, type: "checkbox", checked, "aria-describedby": errorId }),
      h("label", { for: id }, label)),
    hint ? h("p", { class: "hint" }, hint) : null,
    h("p", { class: "field-error", id: errorId }));
}

export function formError() {
  return h("div", { class: "form-error", role: "alert", tabindex: "-1" });
}

export function submitButton(label) {
  return h("button", { type: "submit", class: "primary" }, label);
}

// The message of an API error (or of a field error) in the chosen language.
export function messageOf(error) {
  if (!error) return "";
  return lang() === "en" ? error.message_en || error.message : error.message || error.message_en;
}

function setFieldError(container, messages) {
  const slot = container.querySelector(".field-error");
  const control = container.querySelector("input, select, textarea");
  if (slot) slot.textContent = messages.join(" ");
  if (control) control.setAttribute("aria-invalid", messages.length ? "true" : "false");
}

export function clearErrors(form) {
  form.querySelectorAll("[data-field]").forEach((c) => setFieldError(c, []));
  const box = form.querySelector(".form-error");
  if (box) box.textContent = "";
}

// Shows an API error on a form: each field's messages next to the field (the names are the API's,
// "consent.given" included), the rest and the summary in the form's alert. The input is kept.
export function showErrors(form, error) {
  clearErrors(form);
  const box = form.querySelector(".form-error");
  const unplaced = [];
  let first = null;
  for (const [name, problems] of Object.entries(error.fields || {})) {
    const container = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const texts = problems.map(messageOf);
    if (container) {
      setFieldError(container, texts);
      first = first || container.querySelector("input, select, textarea");
    } else unplaced.push(...texts.map((text) => `${name}: ${text}`));
  }
  if (box) box.textContent = [messageOf(error), ...unplaced].filter(Boolean).join(" ");
  (first || box)?.focus();
}

export function localErrors(form, fields) {
  // Problems found in the browser before submitting, shown like the server's.
  showErrors(form, { message: t("form.fix_fields"), message_en: t("form.fix_fields"), fields });
}

// Reads a form into a JSON body by dotted names ("consent.given" -> {consent: {given}}); empty text is
// left out so that optional fields are absent rather than "".
export function formData(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === "submit" || el.type === "button" || el.type === "file") continue;
    let value;
    if (el.type === "checkbox") value = el.checked;
    else if (el.type === "number") value = el.value === "" ? undefined : Number(el.value);
    else value = el.value.trim() === "" ? undefined : el.value.trim();
    if (value === undefined) continue;
    const path = el.name.split(".");
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
    target[path.at(-1)] = value;
  }
  return body;
}

// Runs `action` for a submitted form: the button is disabled meanwhile, errors land on the form, the
// input stays whatever happens.
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button?.disabled) return;
    clearErrors(form);
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await action(formData(form));
    } catch (error) {
      if (error && error.isApiError) showErrors(form, error);
      else throw error;
    } finally {
      if (button) button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

// --- charts ----------------------------------------------------------------------------------------

// Horizontal bars, one group per row: rows = [{label, values: [{value, tone, text}], target?}], scaled
// to `max` (default: the largest value). Described for screen readers by `summary`.
export function barChart(rows, { summary, max, unit = (v) => number(v) } = {}) {
  const width = 320;
  const labelWidth = 110;
  const barHeight = 14;
  const gap = 10;
  const perRow = (row) => row.values.length * (barHeight + 2) + gap;
  const height = rows.reduce((sum, row) => sum + perRow(row), 0) + 4;
  const top = max || Math.max(1, ...rows.flatMap((r) => [...r.values.map((v) => v.value || 0), r.target || 0]));
  const scale = (v) => Math.max(0, ((v || 0) / top) * (width - labelWidth - 70));
  const svg = h("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary });
  svg.append(h("title", {}, summary));
  let y = 2;
  for (const row of rows) {
    svg.append(h("text", { x: 0, y: y + barHeight - 3 }, row.label.length > 17 ? `${row.label.slice(0, 16)}…` : row.label));
    row.values.forEach((v, i) => {
      const by = y + i * (barHeight + 2);
      svg.append(h("rect", { class: "track", x: labelWidth, y: by, width: width - labelWidth - 70, height: barHeight, rx: 2 }));
      svg.append(h("rect", { class: `bar-${v.tone || "a"}`, x: labelWidth, y: by, width: scale(v.value), height: barHeight, rx: 2 }));
      svg.append(h("text", { x: labelWidth + scale(v.value) + 4, y: by + barHeight - 3 }, v.text ?? unit(v.value)));
    });
    if (row.target) {
      const x = labelWidth + scale(row.target);
      svg.append(h("line", { class: "target", x1: x, x2: x, y1: y - 2, y2: y + row.values.length * (barHeight + 2) }));
    }
    y += perRow(row);
  }
  return svg;
}

export function legend(items) {
  return h("div", { class: "legend-row", "aria-hidden": "true" },
    items.map(([tone, text]) => h("span", {}, h("span", { class: `swatch ${tone}` }), text)));
}

// A download of an API answer that needs the token (an <a href> cannot send it).
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, class: "visually-hidden" });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(url); link.remove(); }, 1000);
}
