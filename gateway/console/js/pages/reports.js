// The review report ("báo cáo sơ kết"): pick a unit (yours or one directly below) and a period (by default
// the first half of this year, the six-month review), see the report as tables, and download it as XLSX or
// PDF. A download is a fetch with the token (a link cannot send it), saved as a blob.
import { get, request } from "../api.js";
import {
  announce, barChart, clear, date, field, formData, formError, h, legend, money, number, onSubmit, percent,
  saveBlob, showErrors, submitButton, todayVN,
} from "../dom.js";
import { t } from "../i18n.js";

const KINDS = ["STUDY_SESSION", "TRAINING_CLASS", "CAMPAIGN", "OTHER"];

function defaultPeriod() {
  const today = todayVN();
  const year = today.slice(0, 4);
  const halfYear = `${year}-06-30`;
  return { from: `${year}-01-01`, to: today < halfYear ? today : halfYear };
}

function table(headers, rows, testid) {
  return h("div", { class: "table-wrap" }, h("table", { "data-testid": testid },
    h("thead", {}, h("tr", {}, headers.map(([text, num]) => h("th", { scope: "col", class: num ? "num" : null }, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map(([text, num]) => h("td", { class: num ? "num" : null }, text)))))));
}

function section(title, testid, ...content) {
  return h("section", { class: "card", "aria-labelledby": `${testid}-title`, "data-testid": testid },
    h("h2", { id: `${testid}-title` }, title), ...content);
}

function unitLabel(unit) {
  return unit.valid_to ? `${unit.name} (${t("report.until", { date: date(unit.valid_to) })})` : unit.name;
}

function kindRow(activities, kind) {
  return activities.find((a) => a.kind === kind) || { records: 0, sessions: 0, participants: 0 };
}

function membersSection(r) {
  const m = r.members;
  return section(t("report.members"), "report-members",
    h("div", { class: "kpis" },
      ...[["report.at_start", m.at_start], ["report.at_end", m.at_end], ["report.joined", m.joined],
        ["report.left", m.left], ["report.party_members", m.party_members]].map(([key, value]) =>
        h("div", { class: "kpi" }, h("span", { class: "value", "data-testid": key.replace("report.", "members-") }, number(value)),
          h("span", { class: "label" }, t(key)))),
      h("div", { class: "kpi" }, h("span", { class: "value" }, percent(m.growth_percent)), h("span", { class: "label" }, t("report.growth")))),
    r.by_unit.length ? [
      legend([["a", t("report.at_start")], ["b", t("report.at_end")]]),
      barChart(r.by_unit.map((row) => ({ label: row.unit.name,
        values: [{ value: row.members.at_start, tone: "a" }, { value: row.members.at_end, tone: "b" }] })),
      { summary: t("report.members_chart") }),
      table([[t("report.unit")], [t("report.at_start"), 1], [t("report.at_end"), 1], [t("report.joined"), 1], [t("report.left"), 1], [t("report.growth"), 1]],
        r.by_unit.map((row) => [[unitLabel(row.unit)], [number(row.members.at_start), 1], [number(row.members.at_end), 1],
          [number(row.members.joined), 1], [number(row.members.left), 1], [percent(row.members.growth_percent), 1]]), "report-units"),
    ] : null);
}

function activitiesSection(r) {
  return section(t("report.activities"), "report-activities",
    table([[t("report.kind")], [t("report.records"), 1], [t("report.sessions"), 1], [t("report.participants"), 1]],
      KINDS.map((kind) => { const a = kindRow(r.activities, kind); return [[t(`activity_kind.${kind}`, {}, kind)], [number(a.records), 1], [number(a.sessions), 1], [number(a.participants), 1]]; }),
      "report-activity-kinds"),
    r.by_unit.length ? table([[t("report.unit")], [t("report.sessions"), 1], [t("report.participants"), 1]],
      r.by_unit.map((row) => [[unitLabel(row.unit)], [number(row.activities.reduce((s, a) => s + a.sessions, 0)), 1],
        [number(row.activities.reduce((s, a) => s + a.participants, 0)), 1]])) : null);
}

function fundsSection(r) {
  const f = r.funds;
  return section(t("report.funds"), "report-funds",
    h("dl", { class: "facts" },
      h("dt", {}, t("report.raised")), h("dd", { "data-testid": "report-raised" }, money(f.raised)),
      h("dt", {}, t("report.spent")), h("dd", {}, money(f.spent)),
      h("dt", {}, t("report.beneficiaries")), h("dd", {}, number(f.beneficiaries)),
      h("dt", {}, t("report.balance")), h("dd", {}, money(f.balance_at_end))),
    r.by_unit.length ? table([[t("report.unit")], [t("report.raised"), 1], [t("report.spent"), 1], [t("report.balance"), 1]],
      r.by_unit.map((row) => [[unitLabel(row.unit)], [money(row.funds?.raised ?? 0), 1], [money(row.funds?.spent ?? 0), 1],
        [money(row.funds?.balance_at_end ?? 0), 1]])) : null);
}

function titlesSection(r) {
  if (!r.titles.length) return section(t("report.titles"), "report-titles", h("p", { class: "muted" }, t("report.no_titles")));
  return section(t("report.titles"), "report-titles",
    table([[t("report.title_type")], [t("report.year"), 1], [t("report.registered"), 1], [t("report.recognised"), 1],
      [t("report.pct_registered"), 1], [t("report.pct_all"), 1], [t("report.target"), 1]],
    r.titles.map((x) => [[t(`title.${x.title_type}`, {}, x.title_type)], [String(x.year), 1], [number(x.registered), 1],
      [number(x.recognised), 1], [percent(x.percent_of_registered), 1], [percent(x.percent_of_all), 1], [percent(x.target_percent), 1]]),
    "report-title-rows"));
}

function download(query, format, button) {
  return async () => {
    button.disabled = true;
    try {
      const { blob, filename } = await request("GET", "/reports/review", { query: { ...query, format }, blob: true });
      saveBlob(blob, filename);
      announce(t("report.downloaded", { name: filename }));
    } catch (error) {
      if (!error?.isApiError) throw error;
      announce(error.message);
    } finally {
      button.disabled = false;
    }
  };
}

export async function render(main, params, ctx) {
  const children = await get("/units", { parent_code: ctx.unitCode, page_size: 100 }).catch(() => ({ items: [] }));
  if (!params.isCurrent()) return;
  const period = { ...defaultPeriod(), ...params.query };
  const units = [[ctx.unitCode, `${ctx.unitName || ctx.unitCode} (${ctx.unitCode})`],
    ...children.items.map((u) => [u.code, `${u.name} (${u.code})`])];
  const target = h("div", { "data-testid": "report" });
  const form = h("form", { class: "card", novalidate: true, "data-testid": "report-form" },
    formError(),
    h("div", { class: "form-grid" },
      field({ name: "unit", label: t("report.unit"), options: units, value: period.unit || ctx.unitCode, required: true }),
      field({ name: "from", label: t("report.from"), type: "date", required: true, value: period.from }),
      field({ name: "to", label: t("report.to"), type: "date", required: true, value: period.to })),
    h("div", { class: "actions" }, submitButton(t("report.show"))));

  const show = async (query) => {
    const r = await get("/reports/review", query);
    if (!params.isCurrent()) return;
    const xlsx = h("button", { type: "button", "data-testid": "download-xlsx" }, t("report.download_xlsx"));
    const pdf = h("button", { type: "button", "data-testid": "download-pdf" }, t("report.download_pdf"));
    xlsx.addEventListener("click", download(query, "xlsx", xlsx));
    pdf.addEventListener("click", download(query, "pdf", pdf));
    clear(target,
      h("div", { class: "row-between" },
        h("h2", {}, t("report.heading", { unit: r.unit.name, from: date(r.from), to: date(r.to) })),
        h("div", { class: "actions" }, xlsx, pdf)),
      h("div", { class: "grid two" }, membersSection(r), activitiesSection(r), fundsSection(r), titlesSection(r)));
  };
  onSubmit(form, async (data) => show(data));
  clear(main, h("h1", {}, t("report.title")), h("p", { class: "muted" }, t("report.explain")), form, target);
  try { await show(formData(form)); } catch (error) { if (error?.isApiError) showErrors(form, error); else throw error; }
}
