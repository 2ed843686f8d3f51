// Evaluations of the learning-model titles: the year's campaign of the officer's unit, progress against
// targets, the registrations, and one registration's way REGISTERED -> SELF_ASSESSED -> REVIEWED ->
// RECOGNISED / NOT_RECOGNISED. The self-assessment form is drawn from the criteria set the registration
// is scored by (GET /evaluations/criteria-sets/{id}): one field per indicator, bounded by its points.
import { get, request, Submission } from "../api.js";
import {
  announce, barChart, clear, date, field, formError, h, legend, localErrors, messageOf, number, onSubmit, percent,
  statusBadge, submitButton, todayVN, uid,
} from "../dom.js";
import { t } from "../i18n.js";
import { subtreeUnits, unitOptions } from "./members.js";

const TITLES = ["CONG_DAN_HOC_TAP", "GIA_DINH_HOC_TAP", "DONG_HO_HOC_TAP", "CONG_DONG_HOC_TAP", "DON_VI_HOC_TAP"];
const SUBJECT_OF_TITLE = { CONG_DAN_HOC_TAP: "PERSON", GIA_DINH_HOC_TAP: "HOUSEHOLD", DONG_HO_HOC_TAP: "CLAN",
  CONG_DONG_HOC_TAP: "VILLAGE", DON_VI_HOC_TAP: "ORGANISATION" };
const STATUSES = ["REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED", "NOT_RECOGNISED"];

function currentYear(params) {
  return Number(params.query.year) || Number(todayVN().slice(0, 4));
}

export async function renderOverview(main, params, ctx) {
  const year = currentYear(params);
  const [campaigns, stats] = await Promise.all([
    get(`/units/${ctx.unitCode}/evaluation-campaigns`, { year }),
    get(`/units/${ctx.unitCode}/evaluations/statistics`, { year }),
  ]);
  if (!params.isCurrent()) return;
  const list = h("div", { "data-testid": "evaluation-list" });
  const statusId = uid("status");
  const statusSelect = h("select", { id: statusId, name: "status" },
    [["", t("members.any_status")], ...STATUSES.map((s) => [s, t(`status.${s}`)])].map(([v, text]) => h("option", { value: v, selected: v === (params.query.status || "") }, text)));
  const load = async () => {
    const page = await get("/evaluations", { year, status: statusSelect.value || undefined, page_size: 50 });
    clear(list, page.items.length ? h("ul", { class: "items" }, page.items.map((e) => h("li", {},
      h("a", { class: "title", href: `#/evaluations/${e.id}` }, e.subject_name || e.member_id || e.id), " ", statusBadge(e.status),
      h("div", { class: "muted" }, `${t(`title.${e.title_type}`, {}, e.title_type)}${e.score !== null && e.score !== undefined ? ` · ${t("eval.score")} ${e.score}` : e.self_score !== null && e.self_score !== undefined ? ` · ${t("eval.self_score")} ${e.self_score}` : ""}`))))
      : h("p", { class: "muted" }, t("eval.none")));
  };
  statusSelect.addEventListener("change", () => load().catch((e) => clear(list, h("p", { class: "form-error" }, messageOf(e)))));

  const campaign = campaigns.items[0];
  const campaignCard = h("section", { class: "card", "aria-labelledby": "campaign-title", "data-testid": "campaign" },
    h("h2", { id: "campaign-title" }, t("eval.campaign", { year })));
  if (campaign) {
    campaignCard.append(h("dl", { class: "facts" },
      h("dt", {}, t("eval.dossier_before")), h("dd", {}, date(campaign.dossier_before)),
      h("dt", {}, t("eval.recognition_by")), h("dd", {}, date(campaign.recognition_by)),
      h("dt", {}, t("eval.report_before")), h("dd", {}, date(campaign.report_before))));
  } else {
    campaignCard.append(h("p", {}, t("eval.no_campaign")));
    if (ctx.can("write_evaluations")) {
      const error = h("p", { class: "form-error", role: "alert" });
      campaignCard.append(h("button", { type: "button", class: "primary", onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await request("POST", `/units/${ctx.unitCode}/evaluation-campaigns`, { body: { year } });
          announce(t("eval.campaign_opened", { year }));
          ctx.refresh();
        } catch (err) { error.textContent = messageOf(err); e.target.disabled = false; }
      } }, t("eval.open_campaign", { year })), error);
    }
  }

  const rows = stats.titles.map((s) => {
    const target = s.targets.find((x) => x.by_year >= year) || s.targets.at(-1);
    return { label: t(`title.${s.title_type}`, {}, s.title_type),
      values: [{ value: s.percent_of_registered ?? 0, tone: "b", text: percent(s.percent_of_registered) },
        { value: s.percent_of_all ?? 0, tone: "a", text: percent(s.percent_of_all) }],
      target: target ? target.percent : null };
  });
  const progress = h("section", { class: "card", "aria-labelledby": "progress-title", "data-testid": "eval-progress" },
    h("h2", { id: "progress-title" }, t("eval.progress")),
    legend([["b", t("eval.pct_registered")], ["a", t("eval.pct_all")], ["t", t("dash.target_mark")]]),
    barChart(rows, { max: 100, summary: t("eval.progress_chart") }),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("eval.title_type")),
        ...["registered", "self_assessed", "reviewed", "recognised", "not_recognised"].map((k) => h("th", { scope: "col", class: "num" }, t(`eval.${k}`))),
        h("th", { scope: "col" }, t("eval.target")))),
      h("tbody", {}, stats.titles.map((s) => {
        const target = s.targets.find((x) => x.by_year >= year) || s.targets.at(-1);
        return h("tr", { "data-testid": `stats-${s.title_type}` }, h("th", { scope: "row" }, t(`title.${s.title_type}`, {}, s.title_type)),
          ...["registered", "self_assessed", "reviewed", "recognised", "not_recognised"].map((k) => h("td", { class: "num" }, number(s[k]))),
          h("td", {}, target ? t("dash.target", { percent: target.percent, year: target.by_year }) : "—"));
      })))));

  clear(main,
    h("div", { class: "row-between" }, h("h1", {}, t("eval.title", { year })),
      ctx.can("write_evaluations") ? h("a", { class: "button primary", href: `#/evaluations/new?year=${year}` }, t("eval.register")) : null),
    h("nav", { class: "actions", "aria-label": t("eval.years") },
      h("a", { href: `#/evaluations?year=${year - 1}` }, `← ${year - 1}`), h("a", { href: `#/evaluations?year=${year + 1}` }, `${year + 1} →`)),
    h("div", { class: "grid two" }, campaignCard, progress),
    h("section", { class: "card", "aria-labelledby": "regs-title" }, h("h2", { id: "regs-title" }, t("eval.registrations")),
      h("div", { class: "field" }, h("label", { for: statusId }, t("members.status")), statusSelect), list));
  await load();
}

// --- registering a subject ------------------------------------------------------------------------------

export async function renderRegister(main, params, ctx) {
  const year = currentYear(params);
  const submission = new Submission();
  const units = await subtreeUnits(ctx);
  let member = null;
  if (params.query.member_id) {
    try { member = await get(`/members/${params.query.member_id}`); } catch { member = null; }
  }
  const personBox = h("div", {});
  const otherBox = h("div", {});
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "reg-title" },
    formError(),
    field({ name: "title_type", label: t("eval.title_type"), required: true, options: TITLES.map((x) => [x, t(`title.${x}`)]) }),
    field({ name: "year", label: t("eval.year"), type: "number", required: true, value: year, attrs: { min: 2000, max: 2100 } }),
    personBox, otherBox,
    field({ name: "form_code", label: t("eval.form_code"), hint: t("eval.form_code_hint"),
      options: [["", t("eval.form_default")], ["RESIDENT", t("eval.form.RESIDENT")], ["WORKER", t("eval.form.WORKER")],
        ["STAFF_ENTREPRENEUR", t("eval.form.STAFF_ENTREPRENEUR")], ["STUDENT", t("eval.form.STUDENT")]] }),
    h("div", { class: "actions" }, submitButton(t("eval.register_submit")), h("a", { href: "#/evaluations" }, t("form.cancel"))));

  // A person is picked among the members (search without diacritics); other subjects are named.
  const pick = h("input", { type: "hidden", name: "subject.member_id", value: member?.id || "" });
  const searchId = uid("who");
  const found = h("ul", { class: "items", "aria-live": "polite" });
  const chosen = h("p", { class: "field-ok", "data-testid": "chosen-member" }, member ? t("eval.chosen", { name: member.full_name, card: member.card_number }) : "");
  const who = h("input", { id: searchId, type: "search", autocomplete: "off" });
  let timer = null;
  who.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!who.value.trim()) { clear(found); return; }
      const page = await get("/members", { q: who.value.trim(), status: "ACTIVE", page_size: 8 });
      clear(found, page.items.map((m) => h("li", {}, h("button", { type: "button", onclick: () => {
        pick.value = m.id;
        chosen.textContent = t("eval.chosen", { name: m.full_name, card: m.card_number });
        clear(found);
      } }, `${m.full_name} · ${m.card_number} · ${m.birth_year}`))));
    }, 300);
  });
  clear(personBox, h("div", { class: "field", dataset: { field: "subject.member_id" } },
    h("label", { for: searchId }, t("eval.member")), who, h("p", { class: "hint" }, t("members.search_hint")), chosen, found, pick,
    h("p", { class: "field-error" })));
  clear(otherBox,
    field({ name: "subject.name", label: t("eval.subject_name") }),
    field({ name: "subject.unit_code", label: t("members.unit"), options: unitOptions(units), value: ctx.unitCode }));
  const sync = () => {
    const person = form.elements.title_type.value === "CONG_DAN_HOC_TAP";
    personBox.hidden = !person;
    otherBox.hidden = person;
    otherBox.querySelectorAll("input, select").forEach((el) => { el.disabled = person; });
    pick.disabled = !person;
    form.elements.form_code.closest(".field").hidden = !person;
    form.elements.form_code.disabled = !person;
  };
  form.elements.title_type.addEventListener("change", sync);
  sync();

  onSubmit(form, async (body) => {
    body.subject = { ...(body.subject || {}), kind: SUBJECT_OF_TITLE[body.title_type] };
    if (body.subject.kind === "PERSON" && !body.subject.member_id) {
      localErrors(form, { "subject.member_id": [{ message: t("eval.member_required"), message_en: t("eval.member_required") }] });
      return;
    }
    const created = await request("POST", "/evaluations", { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("eval.registered", { name: created.subject_name || "" }));
    ctx.go(`#/evaluations/${created.id}`);
  });
  clear(main, h("h1", { id: "reg-title" }, t("eval.register_title")), form);
}

// --- one registration -------------------------------------------------------------------------------------

export async function renderEvaluation(main, params, ctx) {
  const evaluation = await get(`/evaluations/${params.id}`);
  const set = await get(`/evaluations/criteria-sets/${evaluation.criteria_set_id}`);
  if (!params.isCurrent()) return;
  const indicators = set.criteria.flatMap((c) => (c.indicators || []).map((i) => ({ ...i, criterion: c })))
    .filter((i) => set.scoring === "pass_fail" || i.max_points !== null && i.max_points !== undefined);
  const maxOf = (i) => (set.scoring === "pass_fail" ? 1 : i.max_points);
  const facts = [
    [t("eval.title_type"), t(`title.${evaluation.title_type}`, {}, evaluation.title_type)], [t("eval.year"), evaluation.year],
    [t("eval.subject"), evaluation.subject_name || evaluation.member_id], [t("members.status"), statusBadge(evaluation.status)],
    [t("eval.criteria_set"), set.name_vi],
  ];
  if (evaluation.self_score !== null && evaluation.self_score !== undefined) facts.push([t("eval.self_score"), evaluation.self_score]);
  if (evaluation.score !== null && evaluation.score !== undefined) facts.push([t("eval.score"), evaluation.score]);
  if (evaluation.passes_rule !== null && evaluation.passes_rule !== undefined) facts.push([t("eval.passes_rule"), evaluation.passes_rule ? t("form.yes") : t("form.no")]);
  if (evaluation.decision_reference) facts.push([t("eval.decision_reference"), `${evaluation.decision_reference} · ${date(evaluation.decided_on)}`]);

  let action = null;
  if (ctx.can("write_evaluations")) {
    if (evaluation.status === "REGISTERED") action = selfAssessmentForm(evaluation, set, indicators, maxOf, ctx);
    else if (evaluation.status === "SELF_ASSESSED") action = reviewForm(evaluation, indicators, maxOf, ctx);
    else if (evaluation.status === "REVIEWED") action = decisionForm(evaluation, ctx);
  }
  clear(main,
    h("p", {}, h("a", { href: `#/evaluations?year=${evaluation.year}` }, `← ${t("eval.back")}`)),
    h("h1", {}, `${t(`title.${evaluation.title_type}`, {}, evaluation.title_type)}: ${evaluation.subject_name || ""}`),
    h("section", { class: "card", "data-testid": "evaluation-facts" }, h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      evaluation.member_id ? h("p", {}, h("a", { href: `#/members/${evaluation.member_id}` }, t("eval.open_member"))) : null),
    action,
    evaluation.answers ? answersTable(evaluation, indicators) : null);
}

function passRuleText(set) {
  const rule = set.pass_rule || {};
  if (rule.min_total !== undefined) return t("eval.pass_rule", { total: rule.min_total, each: rule.min_each_indicator ?? 0 });
  return "";
}

function selfAssessmentForm(evaluation, set, indicators, maxOf, ctx) {
  const submission = new Submission();
  const total = h("output", { "data-testid": "self-total" }, "0");
  const groups = set.criteria.map((c) => {
    const own = indicators.filter((i) => i.criterion === c);
    if (!own.length) return null;
    return h("fieldset", {}, h("legend", {}, `${c.code}. ${c.name_vi}`), own.map((i) => set.scoring === "pass_fail"
      ? h("div", { class: "field", dataset: { field: `answers.${i.code}` } },
        h("div", { class: "check" }, h("input", { id: `ans-${i.code}`, type: "checkbox", dataset: { indicator: i.code } }),
          h("label", { for: `ans-${i.code}` }, `${i.code}. ${i.text_vi}`)), h("p", { class: "field-error" }))
      : field({ name: `answers.${i.code}`, label: `${i.code}. ${i.text_vi}`, type: "number", required: true,
        hint: t("eval.points_range", { max: maxOf(i) }), attrs: { min: 0, max: maxOf(i), step: 1, inputmode: "numeric", dataset: undefined } })));
  });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "self-title", "data-testid": "self-assessment" },
    h("h2", { id: "self-title" }, t("eval.self_assessment")),
    h("p", { class: "muted" }, passRuleText(set)), formError(), groups,
    h("p", {}, t("eval.total"), " ", total, set.scale_max ? ` / ${set.scale_max}` : ""),
    h("div", { class: "actions" }, submitButton(t("eval.submit_self"))));
  const answersOf = () => Object.fromEntries(indicators.map((i) => {
    if (set.scoring === "pass_fail") return [i.code, form.querySelector(`[data-indicator="${CSS.escape(i.code)}"]`).checked ? 1 : 0];
    const el = form.elements[`answers.${i.code}`];
    return [i.code, el.value === "" ? null : Number(el.value)];
  }));
  form.addEventListener("input", () => {
    total.textContent = String(Object.values(answersOf()).reduce((s, v) => s + (v || 0), 0));
  });
  onSubmit(form, async () => {
    const answers = answersOf();
    const problems = {};
    for (const i of indicators) {
      const v = answers[i.code];
      if (v === null || !Number.isInteger(v) || v < 0 || v > maxOf(i)) {
        problems[`answers.${i.code}`] = [{ message: t("eval.points_range", { max: maxOf(i) }), message_en: t("eval.points_range", { max: maxOf(i) }) }];
      }
    }
    if (Object.keys(problems).length) { localErrors(form, problems); return; }
    const body = { answers };
    await request("POST", `/evaluations/${evaluation.id}/self-assessment`, { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("eval.self_done"));
    ctx.refresh();
  });
  return form;
}

function reviewForm(evaluation, indicators, maxOf, ctx) {
  const submission = new Submission();
  const rows = indicators.map((i) => {
    const given = evaluation.answers?.[i.code];
    return h("fieldset", { dataset: { indicator: i.code } }, h("legend", {}, `${i.code}: ${t("eval.self_given", { points: given ?? "—", max: maxOf(i) })}`),
      h("div", { class: "form-grid" },
        field({ name: `adjust.${i.code}.points`, label: t("eval.reviewed_points"), type: "number", value: given ?? "", attrs: { min: 0, max: maxOf(i) } }),
        field({ name: `adjust.${i.code}.reason`, label: t("eval.reason") })));
  });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "review-title", "data-testid": "review" },
    h("h2", { id: "review-title" }, t("eval.review")), h("p", { class: "muted" }, t("eval.review_explain")), formError(), rows,
    field({ name: "note", label: t("eval.review_note"), type: "textarea" }),
    h("div", { class: "actions" }, submitButton(t("eval.submit_review"))));
  onSubmit(form, async (data) => {
    const adjustments = [];
    const problems = {};
    for (const i of indicators) {
      // Indicator codes have dots ("NL1.1"): read the fields by name rather than through formData's nesting.
      const pointsEl = form.elements[`adjust.${i.code}.points`];
      const entry = { points: pointsEl.value === "" ? undefined : Number(pointsEl.value),
        reason: form.elements[`adjust.${i.code}.reason`].value.trim() };
      if (entry.points === undefined || entry.points === evaluation.answers?.[i.code]) continue;
      if (!entry.reason) problems[`adjust.${i.code}.reason`] = [{ message: t("eval.reason_required"), message_en: t("eval.reason_required") }];
      adjustments.push({ indicator: i.code, points: entry.points, reason: entry.reason || "" });
    }
    if (Object.keys(problems).length) { localErrors(form, problems); return; }
    const body = { adjustments, ...(data.note ? { note: data.note } : {}) };
    await request("POST", `/evaluations/${evaluation.id}/review`, { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("eval.review_done"));
    ctx.refresh();
  });
  return form;
}

function decisionForm(evaluation, ctx) {
  const submission = new Submission();
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "decision-title", "data-testid": "decision" },
    h("h2", { id: "decision-title" }, t("eval.decision")),
    evaluation.passes_rule === false ? h("p", { class: "warning" }, t("eval.fails_rule")) : null, formError(),
    field({ name: "outcome", label: t("eval.outcome"), required: true,
      options: [["RECOGNISED", t("status.RECOGNISED")], ["NOT_RECOGNISED", t("status.NOT_RECOGNISED")]], value: evaluation.passes_rule === false ? "NOT_RECOGNISED" : "RECOGNISED" }),
    field({ name: "decision_reference", label: t("eval.decision_reference"), required: true, hint: t("funds.decision_hint") }),
    field({ name: "decided_on", label: t("eval.decided_on"), type: "date", value: todayVN(), attrs: { max: todayVN() } }),
    h("div", { class: "actions" }, submitButton(t("eval.submit_decision"))));
  onSubmit(form, async (body) => {
    const decided = await request("POST", `/evaluations/${evaluation.id}/decision`, { body, key: submission.keyFor(body) });
    submission.done();
    announce(t("eval.decided", { outcome: t(`status.${decided.status}`) }));
    ctx.refresh();
  });
  return form;
}

function answersTable(evaluation, indicators) {
  const reviewed = evaluation.reviewed_answers || {};
  return h("section", { class: "card", "aria-labelledby": "answers-title" }, h("h2", { id: "answers-title" }, t("eval.answers")),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("eval.indicator")), h("th", { scope: "col", class: "num" }, t("eval.self_score")),
        h("th", { scope: "col", class: "num" }, t("eval.score")))),
      h("tbody", {}, indicators.map((i) => h("tr", {}, h("th", { scope: "row" }, `${i.code}. ${i.text_vi}`),
        h("td", { class: "num" }, evaluation.answers?.[i.code] ?? "—"), h("td", { class: "num" }, reviewed[i.code] ?? "—")))))));
}
