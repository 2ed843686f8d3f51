// Activities of the officer's unit and the units below it: study sessions, training classes and campaigns
// with their sessions and participations (what the review report counts). Officers record one (the form's
// submission has its Idempotency-Key: a retry records nothing twice) and delete one recorded by mistake.
import { get, request, Submission } from "../api.js";
import {
  announce, clear, date, field, formError, h, number, onSubmit, showErrors, submitButton, todayVN,
} from "../dom.js";
import { t } from "../i18n.js";

const KINDS = ["STUDY_SESSION", "TRAINING_CLASS", "CAMPAIGN", "OTHER"];

function recordForm(ctx, reload) {
  const submission = new Submission();
  const form = h("form", { class: "card", novalidate: true, "data-testid": "activity-form", "aria-labelledby": "activity-form-title" },
    h("h2", { id: "activity-form-title" }, t("activity.record")),
    formError(),
    h("div", { class: "form-grid" },
      field({ name: "kind", label: t("activity.kind"), required: true, value: "STUDY_SESSION",
        options: KINDS.map((k) => [k, t(`activity_kind.${k}`)]) }),
      field({ name: "title", label: t("activity.name"), required: true, wide: true }),
      field({ name: "started_on", label: t("activity.started_on"), type: "date", required: true, value: todayVN() }),
      field({ name: "ended_on", label: t("activity.ended_on"), type: "date", hint: t("activity.ended_on_hint") }),
      field({ name: "sessions", label: t("activity.sessions"), type: "number", value: "1", attrs: { min: 1 } }),
      field({ name: "participants", label: t("activity.participants"), type: "number", required: true, attrs: { min: 0 } }),
      field({ name: "notes", label: t("activity.notes"), type: "textarea", wide: true })),
    h("div", { class: "actions" }, submitButton(t("activity.save"))));
  onSubmit(form, async (body) => {
    await request("POST", `/units/${encodeURIComponent(ctx.unitCode)}/activities`, { body, key: submission.keyFor(body) });
    submission.done();
    form.reset();
    announce(t("activity.saved"));
    await reload();
  });
  return form;
}

function list(page, ctx, reload) {
  if (!page.items.length) return h("p", { class: "muted" }, t("activity.none"));
  const canWrite = ctx.can("write_members");
  return h("div", { class: "table-wrap" }, h("table", { "data-testid": "activity-list" },
    h("thead", {}, h("tr", {},
      [t("activity.name"), t("activity.kind"), t("activity.unit"), t("activity.dates")].map((x) => h("th", { scope: "col" }, x)),
      h("th", { scope: "col", class: "num" }, t("activity.sessions")), h("th", { scope: "col", class: "num" }, t("activity.participants")),
      canWrite ? h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("activity.actions"))) : null)),
    h("tbody", {}, page.items.map((a) => h("tr", {},
      h("td", {}, a.title), h("td", {}, t(`activity_kind.${a.kind}`, {}, a.kind)), h("td", {}, a.unit_name || a.unit_code),
      h("td", {}, a.started_on === a.ended_on ? date(a.started_on) : `${date(a.started_on)} – ${date(a.ended_on)}`),
      h("td", { class: "num" }, number(a.sessions)), h("td", { class: "num" }, number(a.participants)),
      canWrite ? h("td", {}, h("button", { type: "button", onclick: async (event) => {
        if (!window.confirm(t("activity.delete_confirm", { name: a.title }))) return;
        event.target.disabled = true;
        try {
          await request("DELETE", `/activities/${a.id}`);
          announce(t("activity.deleted"));
          await reload();
        } catch (error) {
          event.target.disabled = false;
          if (!error?.isApiError) throw error;
          announce(error.message);
        }
      } }, t("activity.delete"))) : null)))));
}

export async function render(main, params, ctx) {
  const year = todayVN().slice(0, 4);
  const target = h("div", { "data-testid": "activities" });
  const filter = h("form", { class: "card", novalidate: true },
    formError(),
    h("div", { class: "form-grid" },
      field({ name: "from", label: t("report.from"), type: "date", value: `${year}-01-01` }),
      field({ name: "to", label: t("report.to"), type: "date", value: todayVN() }),
      field({ name: "kind", label: t("activity.kind"), value: "", options: [["", t("activity.all_kinds")], ...KINDS.map((k) => [k, t(`activity_kind.${k}`)])] })),
    h("div", { class: "actions" }, submitButton(t("activity.filter"))));
  let query = { from: `${year}-01-01`, to: todayVN() };
  const reload = async () => {
    const page = await get(`/units/${encodeURIComponent(ctx.unitCode)}/activities`, { ...query, page_size: 100 });
    clear(target, h("section", { class: "card" },
      h("h2", {}, t("activity.total", { count: page.total })), list(page, ctx, reload)));
  };
  onSubmit(filter, async (data) => { query = data; await reload(); });
  clear(main, h("h1", {}, t("activity.title", { unit: ctx.unitName || ctx.unitCode })),
    ctx.can("write_members") ? recordForm(ctx, reload) : null, filter, target);
  try { await reload(); } catch (error) { if (error?.isApiError) showErrors(filter, error); else throw error; }
}
