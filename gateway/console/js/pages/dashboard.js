// The dashboard of the officer's subtree for the year so far: members and growth, funds balances and
// flows, titles registered and recognised against targets, and the recent activity (the inbox). Each
// card loads on its own: a service that does not answer greys out its card, not the page.
import { get } from "../api.js";
import { barChart, clear, date, dateTime, h, legend, messageOf, money, number, percent, todayVN } from "../dom.js";
import { t } from "../i18n.js";

function card(title, testid) {
  const body = h("div", {}, h("p", { class: "muted" }, t("app.loading")));
  const section = h("section", { class: "card", "aria-labelledby": `${testid}-title`, "data-testid": testid, "aria-busy": "true" },
    h("h2", { id: `${testid}-title` }, title), body);
  return { section, body };
}

async function fill({ section, body }, load) {
  try {
    clear(body, ...[await load()].flat());
  } catch (error) {
    if (!error?.isApiError) throw error;
    clear(body, h("p", { class: "form-error", role: "alert" }, messageOf(error)));
  } finally {
    section.removeAttribute("aria-busy");
  }
}

function kpi(label, value, testid) {
  return h("div", { class: "kpi" }, h("span", { class: "value", "data-testid": testid }, value), h("span", { class: "label" }, label));
}

export async function render(main, params, ctx) {
  const today = todayVN();
  const year = Number(today.slice(0, 4));
  const from = `${year}-01-01`;
  const unit = ctx.unitCode;
  const membersCard = card(t("dash.members"), "dash-members");
  const fundsCard = card(t("dash.funds"), "dash-funds");
  const titlesCard = card(t("dash.titles", { year }), "dash-titles");
  const activityCard = card(t("dash.activity"), "dash-activity");
  clear(main,
    h("h1", {}, t("dash.title", { unit: ctx.unitName || unit })),
    h("p", { class: "muted" }, t("dash.period", { from: date(from), to: date(today) })),
    h("div", { class: "grid two" }, membersCard.section, fundsCard.section, titlesCard.section, activityCard.section));

  await Promise.all([
    fill(membersCard, async () => {
      const s = await get(`/units/${unit}/statistics`, { from, to: today });
      return [
        h("div", { class: "kpis" },
          kpi(t("dash.members_active"), number(s.members_active), "members-active"),
          kpi(t("dash.joined"), number(s.joined_in_period), "members-joined"),
          kpi(t("dash.left"), number(s.left_in_period), "members-left"),
          kpi(t("dash.growth"), percent(s.growth_percent), "members-growth")),
        barChart([
          { label: t("dash.at_start", { date: date(s.from) }), values: [{ value: s.members_at_start }] },
          { label: t("dash.at_end", { date: date(s.to) }), values: [{ value: s.members_at_end }] },
          { label: t("dash.joined"), values: [{ value: s.joined_in_period, tone: "b" }] },
          { label: t("dash.left"), values: [{ value: s.left_in_period, tone: "c" }] },
        ], { summary: t("dash.members_chart", { start: s.members_at_start, end: s.members_at_end, joined: s.joined_in_period, left: s.left_in_period }) }),
      ];
    }),
    fill(fundsCard, async () => {
      const s = await get(`/units/${unit}/funds/summary`, { from, to: today });
      const rows = (s.by_child_unit.length ? s.by_child_unit : s.by_fund_kind).slice(0, 8).map((r) => ({
        label: r.unit_name || (r.key ? t(`fund_kind.${r.key}`, {}, r.key) : r.unit_code),
        values: [{ value: r.receipts_vnd, tone: "b", text: money(r.receipts_vnd) },
          { value: r.disbursements_vnd, tone: "c", text: money(r.disbursements_vnd) }],
      }));
      return [
        h("div", { class: "kpis" },
          kpi(t("dash.balance"), money(s.balance_vnd), "funds-balance"),
          kpi(t("dash.receipts"), money(s.receipts_vnd), "funds-receipts"),
          kpi(t("dash.disbursements"), money(s.disbursements_vnd), "funds-disbursements"),
          kpi(t("dash.fund_count"), number(s.funds), "funds-count")),
        rows.length ? legend([["b", t("dash.receipts")], ["c", t("dash.disbursements")]]) : null,
        rows.length ? barChart(rows, { summary: t("dash.funds_chart", { receipts: money(s.receipts_vnd), disbursements: money(s.disbursements_vnd) }) })
          : h("p", { class: "muted" }, t("dash.no_funds")),
        h("p", {}, h("a", { href: "#/funds" }, t("dash.open_funds"))),
      ];
    }),
    fill(titlesCard, async () => {
      const s = await get(`/units/${unit}/evaluations/statistics`, { year });
      const rows = s.titles.map((title) => {
        const target = title.targets.find((x) => x.by_year >= year) || title.targets.at(-1);
        const base = title.all || title.registered;
        return {
          label: t(`title.${title.title_type}`, {}, title.title_type),
          values: [{ value: title.registered, tone: "a" }, { value: title.recognised, tone: "b" }],
          target: target && base ? Math.round((target.percent / 100) * base) : null,
        };
      });
      const list = h("ul", { class: "items" }, s.titles.map((title) => {
        const target = title.targets.find((x) => x.by_year >= year) || title.targets.at(-1);
        return h("li", { "data-testid": `title-${title.title_type}` },
          h("span", { class: "title" }, t(`title.${title.title_type}`, {}, title.title_type)), " — ",
          t("dash.title_line", { registered: title.registered, recognised: title.recognised,
            pct: percent(title.percent_of_registered), pct_all: percent(title.percent_of_all) }),
          target ? h("span", { class: "muted" }, " ", t("dash.target", { percent: target.percent, year: target.by_year })) : null);
      }));
      return [
        legend([["a", t("dash.registered")], ["b", t("dash.recognised")], ["t", t("dash.target_mark")]]),
        barChart(rows, { summary: t("dash.titles_chart") }),
        list,
        h("p", {}, h("a", { href: "#/evaluations" }, t("dash.open_evaluations"))),
      ];
    }),
    fill(activityCard, async () => {
      const page = await get("/inbox", { page_size: 5 });
      if (!page.items.length) return h("p", { class: "muted" }, t("inbox.empty"));
      return [
        h("ul", { class: "items" }, page.items.map((m) => h("li", { class: m.read_at ? "" : "unread" },
          h("div", { class: "title" }, m.subject), h("div", { class: "muted" }, dateTime(m.created_at))))),
        h("p", {}, h("a", { href: "#/inbox" }, t("dash.open_inbox", { count: page.unread }))),
      ];
    }),
  ]);
}
