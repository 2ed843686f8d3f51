// The console's shell: sign-in, the header (who is signed in, for which unit and role), the language
// switch, the navigation and a hash router (#/members/<id>), so that the gateway serves one page and a
// reload or a shared link opens the same screen.
import { get, post, session, whenExpired } from "./api.js";
import { announce, clear, field, formError, h, onSubmit, submitButton } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";
import * as dashboard from "./pages/dashboard.js";
import * as evaluations from "./pages/evaluations.js";
import * as funds from "./pages/funds.js";
import * as imports from "./pages/imports.js";
import * as inbox from "./pages/inbox.js";
import * as members from "./pages/members.js";
import * as activities from "./pages/activities.js";
import * as reports from "./pages/reports.js";
import * as webhooks from "./pages/webhooks.js";

const ROUTES = [
  [/^\/?$/, dashboard.render, "dashboard"],
  [/^\/dashboard$/, dashboard.render, "dashboard"],
  [/^\/members$/, members.renderSearch, "members"],
  [/^\/members\/new$/, members.renderRegister, "members"],
  [/^\/members\/([0-9a-f-]{36})$/, members.renderRecord, "members"],
  [/^\/imports$/, imports.render, "imports"],
  [/^\/funds$/, funds.renderList, "funds"],
  [/^\/funds\/disclosure$/, funds.renderDisclosure, "funds"],
  [/^\/funds\/([0-9a-f-]{36})$/, funds.renderFund, "funds"],
  [/^\/evaluations$/, evaluations.renderOverview, "evaluations"],
  [/^\/evaluations\/new$/, evaluations.renderRegister, "evaluations"],
  [/^\/evaluations\/([0-9a-f-]{36})$/, evaluations.renderEvaluation, "evaluations"],
  [/^\/inbox$/, inbox.render, "inbox"],
  [/^\/webhooks$/, webhooks.render, "webhooks"],
  [/^\/reports$/, reports.render, "reports"],
  [/^\/activities$/, activities.render, "activities"],
];

const NAV = [
  ["dashboard", "#/dashboard"], ["members", "#/members"], ["imports", "#/imports"], ["funds", "#/funds"],
  ["evaluations", "#/evaluations"], ["activities", "#/activities"], ["reports", "#/reports"], ["inbox", "#/inbox"],
  ["webhooks", "#/webhooks", "administer"],
];

// What pages know of the signed-in officer.
export const ctx = {
  get me() { return session.load()?.me; },
  get unitCode() { return session.load()?.me?.unit_code; },
  get unitName() { return session.load()?.unitName; },
  can(permission) { return (session.load()?.me?.permissions || []).includes(permission); },
  go(hash) { if (location.hash === hash) route(); else location.hash = hash; },
  refresh() { route(); },
};

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

// --- signing in ---------------------------------------------------------------------------------------

async function signIn(username, password) {
  const answer = await post("/auth/login", { username, password });
  session.save({ token: answer.access_token, officer: answer.officer });
  const me = await get("/me");
  let unitName = null;
  try { unitName = (await get(`/units/${encodeURIComponent(me.unit_code)}`)).name; } catch { /* shown as its code */ }
  session.save({ token: answer.access_token, officer: answer.officer, me, unitName });
}

function loginForm(onDone, { username = "", expired = false } = {}) {
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, expired ? t("login.again_title") : t("login.title")),
    expired ? h("p", { class: "warning" }, t("login.expired")) : null,
    formError(),
    field({ name: "username", label: t("login.username"), required: true, value: username,
      attrs: { autocomplete: "username", autocapitalize: "none", spellcheck: "false" } }),
    field({ name: "password", label: t("login.password"), type: "password", required: true,
      attrs: { autocomplete: "current-password" } }),
    h("div", { class: "actions" }, submitButton(t("login.submit"))));
  onSubmit(form, async (data) => {
    await signIn(data.username || "", data.password || "");
    await onDone();
  });
  return form;
}

function renderLogin() {
  clear(document.getElementById("shell"), topbar(false));
  const main = document.getElementById("main");
  clear(main, h("div", { class: "login" },
    h("p", { class: "brand-big" }, t("app.name")),
    h("p", { class: "muted" }, t("login.intro")),
    loginForm(async () => {
      announce(t("login.welcome", { name: ctx.me.full_name || ctx.me.username }));
      renderShell();
      route();
    })));
  document.title = `${t("login.title")} — ${t("app.name")}`;
  main.querySelector("input")?.focus();
}

// On 401 mid-work the page stays as it is, input included: a dialog asks for the password, then the
// request that failed runs again. Requests that fail meanwhile wait for the same dialog.
let pendingRelogin = null;
whenExpired(() => {
  if (pendingRelogin) return pendingRelogin;
  const dialog = document.getElementById("relogin");
  const username = session.load()?.me?.username || "";
  pendingRelogin = new Promise((resolve) => {
    clear(dialog, loginForm(async () => {
      dialog.close();
      pendingRelogin = null;
      renderShell();
      resolve();
    }, { username, expired: true }));
    dialog.querySelector("h1").id = "relogin-title";
    dialog.addEventListener("cancel", (e) => e.preventDefault(), { once: false });
    dialog.showModal();
    dialog.querySelector('input[type="password"]')?.focus();
  });
  return pendingRelogin;
});

function signOut() {
  session.clear();
  announce(t("login.signed_out"));
  location.hash = "#/";
  renderLogin();
}

// --- the shell ------------------------------------------------------------------------------------------

function languageButton() {
  const other = lang() === "vi" ? "en" : "vi";
  return h("button", { type: "button", lang: other, "aria-label": t("app.switch_language_label"),
    onclick: () => switchLanguage(other) }, t("app.switch_language"));
}

function topbar(signedIn) {
  const me = ctx.me;
  return h("header", { class: "topbar" },
    h("a", { class: "brand", href: "#/dashboard" }, t("app.name")),
    signedIn ? h("span", { class: "who", "data-testid": "who" },
      `${me.full_name || me.username} · ${t(`role.${me.role}`)} · ${ctx.unitName || ""} (${me.unit_code})`) : null,
    languageButton(),
    signedIn ? h("button", { type: "button", onclick: signOut }, t("app.sign_out")) : null);
}

function renderShell() {
  const nav = h("nav", { class: "main-nav", "aria-label": t("nav.label") },
    h("ul", {}, NAV.filter(([, , need]) => !need || ctx.can(need)).map(([name, href]) =>
      h("li", {}, h("a", { href, dataset: { nav: name } }, t(`nav.${name}`),
        name === "inbox" ? h("span", { class: "badge", id: "unread-badge", hidden: true }) : null)))));
  clear(document.getElementById("shell"), topbar(true), nav);
  refreshUnread();
}

export async function refreshUnread() {
  const badge = document.getElementById("unread-badge");
  if (!badge) return;
  try {
    const page = await get("/inbox", { page_size: 1, unread_only: true });
    badge.hidden = !page.unread;
    badge.textContent = page.unread || "";
    badge.setAttribute("aria-label", t("inbox.unread_count", { count: page.unread }));
  } catch { badge.hidden = true; }
}

// The values typed into the page, by field name, to put back after the language changes.
function snapshotInputs(main) {
  return [...main.querySelectorAll("input, select, textarea")].filter((el) => el.name && el.type !== "file")
    .map((el) => [el.name, el.type === "checkbox" ? el.checked : el.value]);
}

function restoreInputs(main, values) {
  const seen = {};
  for (const [name, value] of values) {
    const index = seen[name] = (seen[name] ?? -1) + 1;
    const el = main.querySelectorAll(`[name="${CSS.escape(name)}"]`)[index];
    if (!el) continue;
    if (el.type === "checkbox") el.checked = value; else el.value = value;
  }
}

async function switchLanguage(code) {
  setLang(code);
  const main = document.getElementById("main");
  const values = snapshotInputs(main);
  if (!session.token()) { renderLogin(); restoreInputs(main, values); return; }
  renderShell();
  await route();
  restoreInputs(main, values);
  announce(t("app.language_changed"));
}

// --- routing --------------------------------------------------------------------------------------------

let routeSerial = 0;
async function route() {
  if (!session.token()) { renderLogin(); return; }
  const serial = ++routeSerial;
  const { path, query } = parseHash();
  const main = document.getElementById("main");
  const match = ROUTES.map(([pattern, render, nav]) => [pattern.exec(path), render, nav]).find(([m]) => m);
  document.querySelectorAll("nav.main-nav a").forEach((a) => a.removeAttribute("aria-current"));
  if (!match) {
    clear(main, notFound(t("app.page_not_found")));
    return;
  }
  const [m, render, nav] = match;
  document.querySelector(`nav.main-nav a[data-nav="${nav}"]`)?.setAttribute("aria-current", "page");
  clear(main, h("p", { class: "muted", role: "status" }, t("app.loading")));
  try {
    await render(main, { id: m[1], query, isCurrent: () => serial === routeSerial }, ctx);
  } catch (error) {
    if (serial !== routeSerial) return;
    if (error?.isApiError) clear(main, errorPanel(error));
    else { console.error(error); clear(main, errorPanel({ message: t("app.unexpected"), message_en: t("app.unexpected") })); }
  }
  if (serial === routeSerial) {
    const heading = main.querySelector("h1");
    document.title = `${heading ? heading.textContent : t("app.name")} — ${t("app.name")}`;
  }
}

// A 404 or 403 from the API is shown as such, and nothing of the record.
export function errorPanel(error) {
  if (error.status === 404) return notFound(t("app.not_found_in_scope"));
  if (error.status === 403) return notFound(t("app.forbidden"));
  const message = lang() === "en" ? error.message_en || error.message : error.message || error.message_en;
  return h("div", { class: "card not-found", role: "alert" }, h("h1", {}, t("app.error_title")), h("p", {}, message));
}

function notFound(text) {
  return h("div", { class: "card not-found", role: "alert", "data-testid": "not-found" },
    h("h1", {}, t("app.not_found_title")), h("p", {}, text),
    h("p", {}, h("a", { href: "#/dashboard" }, t("app.back_home"))));
}

window.addEventListener("hashchange", () => {
  route().then(() => document.getElementById("main").focus({ preventScroll: true }));
});

document.documentElement.lang = lang();
document.getElementById("skip-link").textContent = t("app.skip");
if (session.token()) { renderShell(); route(); } else renderLogin();
