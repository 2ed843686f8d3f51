// Members: search as you type (diacritics and case do not matter: the API folds names), registration
// with the CCCD checked as it is typed, a member's record with history and titles, transfer and leave.
import { get, request, Submission } from "../api.js";
import {
  announce, checkbox, clear, date, field, formError, h, localErrors, messageOf, onSubmit, statusBadge,
  submitButton, todayVN, uid,
} from "../dom.js";
import { checkCccd, describe, normalise } from "../cccd.js";
import { t } from "../i18n.js";

const SEARCH_DELAY_MS = 300;

// Units of the officer's subtree for pickers: the officer's own unit and what lies below it.
let unitCache = null;
export async function subtreeUnits(ctx) {
  if (unitCache?.code === ctx.unitCode) return unitCache.units;
  const [own, below] = await Promise.all([
    get(`/units/${ctx.unitCode}`).catch(() => null),
    get("/units", { parent_code: ctx.unitCode, page_size: 100 }).catch(() => ({ items: [] })),
  ]);
  const units = [own, ...below.items].filter(Boolean);
  unitCache = { code: ctx.unitCode, units };
  return units;
}

export function unitOptions(units) {
  return units.map((u) => [u.code, `${u.name} (${u.code})`]);
}

// --- search -------------------------------------------------------------------------------------------

export async function renderSearch(main, params, ctx) {
  const results = h("div", { "data-testid": "member-results" });
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const searchId = uid("q");
  const input = h("input", { id: searchId, type: "search", name: "q", autocomplete: "off", value: params.query.q || "",
    "aria-describedby": `${searchId}-hint`, "aria-controls": "member-results" });
  const statusSelect = h("select", { id: `${searchId}-status`, name: "status" },
    [["", t("members.any_status")], ["ACTIVE", t("status.ACTIVE")], ["TRANSFERRED", t("status.TRANSFERRED")], ["LEFT", t("status.LEFT")]]
      .map(([v, text]) => h("option", { value: v }, text)));
  let timer = null;
  let serial = 0;

  async function search() {
    const mine = ++serial;
    const q = input.value.trim();
    status.textContent = t("members.searching");
    try {
      const page = await get("/members", { q: q || undefined, status: statusSelect.value || undefined, page_size: 20 });
      if (mine !== serial || !params.isCurrent()) return;
      status.textContent = t("members.found", { count: page.total });
      clear(results, page.items.length ? memberList(page.items) : h("p", {}, t("members.none")));
    } catch (error) {
      if (mine !== serial) return;
      status.textContent = "";
      clear(results, h("p", { class: "form-error", role: "alert" }, messageOf(error)));
    }
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(search, SEARCH_DELAY_MS); };
  input.addEventListener("input", later);
  statusSelect.addEventListener("change", search);

  clear(main,
    h("div", { class: "row-between" }, h("h1", {}, t("members.title")),
      ctx.can("write_members") ? h("a", { class: "button primary", href: "#/members/new" }, t("members.register")) : null),
    h("form", { class: "card", role: "search", onsubmit: (e) => { e.preventDefault(); search(); } },
      h("div", { class: "form-grid" },
        h("div", { class: "field" }, h("label", { for: searchId }, t("members.search_label")), input,
          h("p", { class: "hint", id: `${searchId}-hint` }, t("members.search_hint"))),
        h("div", { class: "field" }, h("label", { for: `${searchId}-status` }, t("members.status")), statusSelect))),
    status,
    h("section", { class: "card", id: "member-results", "aria-label": t("members.results") }, results));
  input.focus();
  await search();
}

function memberList(items) {
  return h("ul", { class: "items" }, items.map((m) => h("li", {},
    h("a", { class: "title", href: `#/members/${m.id}` }, m.full_name), " ", statusBadge(m.status),
    h("div", { class: "muted" }, `${m.card_number} · ${m.cccd_masked} · ${t("members.born")} ${m.birth_year} · ${m.unit_name || m.unit_code}`))));
}

// --- registration -------------------------------------------------------------------------------------

export async function renderRegister(main, params, ctx) {
  const units = await subtreeUnits(ctx);
  const submission = new Submission();
  const cccdInfo = h("p", { class: "field-ok", "aria-live": "polite", "data-testid": "cccd-info" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "register-title" },
    formError(),
    h("div", { class: "form-grid" },
      field({ name: "full_name", label: t("members.full_name"), required: true, attrs: { autocomplete: "name" } }),
      field({ name: "gender", label: t("members.gender"), required: true,
        options: [["", t("form.choose")], ["FEMALE", t("gender.FEMALE")], ["MALE", t("gender.MALE")]] }),
      field({ name: "birth_year", label: t("members.birth_year"), type: "number", required: true,
        attrs: { min: 1900, max: Number(todayVN().slice(0, 4)), inputmode: "numeric" } }),
      field({ name: "birth_date", label: t("members.birth_date"), type: "date", hint: t("members.birth_date_hint") }),
      field({ name: "cccd", label: t("members.cccd"), required: true, hint: t("members.cccd_hint"),
        attrs: { inputmode: "numeric", autocomplete: "off", maxlength: 16 } }),
      field({ name: "phone", label: t("members.phone"), type: "tel", attrs: { autocomplete: "tel" } }),
      field({ name: "email", label: t("members.email"), type: "email", attrs: { autocomplete: "email" } }),
      field({ name: "unit_code", label: t("members.unit"), required: true, options: unitOptions(units), value: ctx.unitCode }),
      field({ name: "join_date", label: t("members.join_date"), type: "date", value: todayVN(), attrs: { max: todayVN() } })),
    h("fieldset", {},
      h("legend", {}, t("members.consent")),
      checkbox({ name: "consent.given", label: t("members.consent_given") }),
      h("div", { class: "form-grid" },
        field({ name: "consent.channel", label: t("members.consent_channel"), required: true,
          options: ["PAPER_FORM", "ONLINE_FORM", "RECORDED_VERBAL"].map((c) => [c, t(`channel.${c}`)]) }),
        field({ name: "consent.guardian_name", label: t("members.guardian_name"), hint: t("members.guardian_hint") }),
        field({ name: "consent.guardian_relation", label: t("members.guardian_relation") })),
      checkbox({ name: "consent.contact", label: t("members.consent_contact") })),
    h("div", { class: "actions" }, submitButton(t("members.register_submit")), h("a", { href: "#/members" }, t("form.cancel"))));

  const cccd = form.elements.cccd;
  const cccdSlot = cccd.closest(".field").querySelector(".field-error");
  function checkInline() {
    const year = form.elements.birth_year.value ? Number(form.elements.birth_year.value) : null;
    const problems = normalise(cccd.value) ? checkCccd(cccd.value, form.elements.gender.value, year) : [];
    cccdSlot.textContent = problems.map(messageOf).join(" ");
    cccd.setAttribute("aria-invalid", problems.length ? "true" : "false");
    const info = describe(cccd.value);
    cccdInfo.textContent = info && !problems.length
      ? t("members.cccd_reads", { province: info.province || t("members.cccd_abroad"), gender: t(`gender.${info.gender}`),
        century: info.century, digits: info.yearDigits }) : "";
    return problems;
  }
  cccd.closest(".field").append(cccdInfo);
  for (const name of ["cccd", "gender", "birth_year"]) {
    form.elements[name].addEventListener(name === "cccd" ? "input" : "change", checkInline);
  }
  form.elements.birth_date.addEventListener("change", () => {
    const value = form.elements.birth_date.value;
    if (value && !form.elements.birth_year.value) form.elements.birth_year.value = value.slice(0, 4);
    checkInline();
  });

  onSubmit(form, async (body) => {
    const year = body.birth_year ?? null;
    const problems = checkCccd(body.cccd, body.gender, year);
    const missing = {};
    if (!body.full_name) missing.full_name = [{ message: t("members.full_name_required"), message_en: t("members.full_name_required") }];
    if (!body.gender) missing.gender = [{ message: t("members.gender_required"), message_en: t("members.gender_required") }];
    if (problems.length) missing.cccd = problems;
    if (!body.consent?.given) missing["consent.given"] = [{ message: t("members.consent_required"), message_en: t("members.consent_required") }];
    if (Object.keys(missing).length) { localErrors(form, missing); return; }
    body.cccd = normalise(body.cccd);
    const member = await request("POST", "/members", { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("members.registered", { name: member.full_name, card: member.card_number }));
    ctx.go(`#/members/${member.id}`);
  });
  clear(main, h("h1", { id: "register-title" }, t("members.register_title")),
    h("p", { class: "muted" }, t("form.required_note")), form);
  form.elements.full_name.focus();
}

// --- a member's record ----------------------------------------------------------------------------------

export async function renderRecord(main, params, ctx) {
  const member = await get(`/members/${params.id}`);  // 404 outside the officer's subtree: errorPanel
  if (!params.isCurrent()) return;
  const facts = [
    [t("members.card_number"), member.card_number], [t("members.cccd"), member.cccd_masked],
    [t("members.gender"), t(`gender.${member.gender}`, {}, member.gender)], [t("members.birth_year"), member.birth_date ? date(member.birth_date) : member.birth_year],
    [t("members.phone"), member.phone_masked || "—"], [t("members.unit"), `${member.unit_name || ""} (${member.unit_code})`],
    [t("members.join_date"), date(member.join_date)], [t("members.status"), statusBadge(member.status)],
  ];
  if (member.left_on) facts.push([t("members.left_on"), `${date(member.left_on)} · ${t(`leave.${member.left_reason}`, {}, member.left_reason || "")}`]);
  const history = h("div", { class: "table-wrap" }, h("table", {},
    h("caption", { class: "visually-hidden" }, t("members.history")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("members.unit")), h("th", { scope: "col" }, t("members.from")),
      h("th", { scope: "col" }, t("members.to")), h("th", { scope: "col" }, t("members.end_reason")))),
    h("tbody", {}, (member.history || []).map((m) => h("tr", {},
      h("td", {}, `${m.unit_name || ""} (${m.unit_code})`), h("td", {}, date(m.started_on)),
      h("td", {}, m.ended_on ? date(m.ended_on) : t("members.current")), h("td", {}, m.end_reason || "—"))))));
  const titles = (member.titles || []).length
    ? h("ul", { class: "items", "data-testid": "member-titles" }, member.titles.map((x) => h("li", {},
      h("span", { class: "title" }, t(`title.${x.title_type}`, {}, x.title_type)), ` ${x.year} · ${x.decision_reference} · ${date(x.decided_on)}`)))
    : h("p", { class: "muted", "data-testid": "member-titles" }, t("members.no_titles"));

  const actions = [];
  if (ctx.can("write_members") && member.status === "ACTIVE") {
    const units = await subtreeUnits(ctx);
    actions.push(transferForm(member, units, ctx), leaveForm(member, ctx));
  }
  clear(main,
    h("p", {}, h("a", { href: "#/members" }, `← ${t("members.back")}`)),
    h("h1", { "data-testid": "member-name" }, member.full_name),
    h("div", { class: "grid two" },
      h("section", { class: "card", "aria-labelledby": "facts-title" }, h("h2", { id: "facts-title" }, t("members.record")),
        h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))),
      h("section", { class: "card", "aria-labelledby": "titles-title" }, h("h2", { id: "titles-title" }, t("members.titles")), titles,
        ctx.can("write_evaluations") && member.status === "ACTIVE"
          ? h("p", {}, h("a", { href: `#/evaluations/new?member_id=${member.id}` }, t("members.register_evaluation"))) : null)),
    h("section", { class: "card", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, t("members.history")), history),
    actions.length ? h("div", { class: "grid two" }, actions) : null);
}

function transferForm(member, units, ctx) {
  const submission = new Submission();
  const listId = uid("units");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": `${listId}-title` },
    h("h2", { id: `${listId}-title` }, t("members.transfer")), formError(),
    field({ name: "to_unit_code", label: t("members.to_unit"), required: true,
      options: [["", t("form.choose")], ...unitOptions(units.filter((u) => u.code !== member.unit_code))] }),
    field({ name: "transferred_on", label: t("members.transferred_on"), type: "date", value: todayVN(), attrs: { max: todayVN() } }),
    field({ name: "reason", label: t("members.reason"), type: "textarea" }),
    h("div", { class: "actions" }, submitButton(t("members.transfer_submit"))));
  onSubmit(form, async (body) => {
    const moved = await request("POST", `/members/${member.id}/transfer`, { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("members.transferred", { name: moved.full_name, unit: moved.unit_name || moved.unit_code }));
    ctx.refresh();
  });
  return form;
}

function leaveForm(member, ctx) {
  const submission = new Submission();
  const id = uid("leave");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, t("members.leave")), formError(),
    field({ name: "left_on", label: t("members.left_on"), type: "date", value: todayVN(), attrs: { max: todayVN() } }),
    field({ name: "reason_code", label: t("members.leave_reason"),
      options: ["VOLUNTARY", "DECEASED", "EXCLUDED", "OTHER"].map((c) => [c, t(`leave.${c}`)]) }),
    field({ name: "note", label: t("members.note"), type: "textarea" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "danger" }, t("members.leave_submit"))));
  onSubmit(form, async (body) => {
    if (!window.confirm(t("members.leave_confirm", { name: member.full_name }))) return;
    const left = await request("POST", `/members/${member.id}/leave`, { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("members.left_done", { name: left.full_name }));
    ctx.refresh();
  });
  return form;
}
