// Webhook subscriptions of provincial systems, for administrators: create one (the signing secret is
// shown once), rotate its secret, stop it, read its deliveries and send a failed one again.
import { get, request } from "../api.js";
import { announce, checkbox, clear, dateTime, field, formError, h, messageOf, onSubmit, statusBadge, submitButton } from "../dom.js";
import { t } from "../i18n.js";

const EVENT_TYPES = ["member_registered", "member_updated", "member_transferred", "member_left", "member_rejoined",
  "unit_created", "evaluation_registered", "self_assessment_submitted", "evaluation_completed", "donation_received",
  "disbursement_requested", "disbursement_approved", "disbursement_paid", "fund_transfer_completed"];

export async function render(main, params, ctx) {
  if (!ctx.can("administer")) {
    clear(main, h("div", { class: "card not-found", role: "alert" }, h("h1", {}, t("app.not_found_title")), h("p", {}, t("app.forbidden"))));
    return;
  }
  const page = await get("/webhooks");
  if (!params.isCurrent()) return;
  const secretBox = h("div", { "aria-live": "polite" });
  const showSecret = (hook) => clear(secretBox, h("div", { class: "warning", role: "alert" },
    h("p", {}, t("hooks.secret_once")), h("p", { class: "secret", "data-testid": "webhook-secret" }, hook.secret)));

  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "hook-title" },
    h("h2", { id: "hook-title" }, t("hooks.create")), formError(),
    h("div", { class: "form-grid" },
      field({ name: "client_name", label: t("hooks.client_name"), required: true }),
      field({ name: "unit_code", label: t("members.unit"), required: true, value: ctx.unitCode }),
      field({ name: "url", label: t("hooks.url"), type: "url", required: true, wide: true, hint: t("hooks.url_hint") })),
    h("fieldset", { dataset: { field: "event_types" } }, h("legend", {}, t("hooks.events")),
      EVENT_TYPES.map((e) => checkbox({ name: `event:${e}`, label: t(`event.${e}`, {}, e) })), h("p", { class: "field-error" })),
    h("div", { class: "actions" }, submitButton(t("hooks.create_submit"))));
  onSubmit(form, async (data) => {
    const body = { client_name: data.client_name, unit_code: data.unit_code, url: data.url,
      event_types: EVENT_TYPES.filter((e) => data[`event:${e}`]) };
    const hook = await request("POST", "/webhooks", { body });
    showSecret(hook);
    announce(t("hooks.created"));
    list.prepend(hookItem(hook, showSecret));
  });
  const list = h("ul", { class: "items", "data-testid": "webhooks" }, page.items.map((hook) => hookItem(hook, showSecret)));
  clear(main, h("h1", {}, t("hooks.title")), h("p", { class: "muted" }, t("hooks.explain")), secretBox, form,
    h("section", { class: "card" }, h("h2", {}, t("hooks.list")), page.items.length ? list : h("p", { class: "muted" }, t("hooks.none"))));
}

function hookItem(hook, showSecret) {
  const error = h("p", { class: "form-error", role: "alert" });
  const deliveries = h("div", {});
  const run = (fn) => async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    error.textContent = "";
    try { await fn(); } catch (err) { error.textContent = messageOf(err); } finally { button.disabled = false; }
  };
  const item = h("li", {},
    h("div", { class: "row-between" }, h("span", { class: "title" }, hook.client_name), hook.active ? statusBadge("ACTIVE") : h("span", { class: "status bad" }, t("hooks.stopped"))),
    h("div", { class: "muted" }, `${hook.url} · ${hook.unit_code} · ${dateTime(hook.created_at)}`),
    h("div", { class: "muted" }, hook.event_types.map((e) => t(`event.${e}`, {}, e)).join(", ")),
    hook.active ? h("div", { class: "actions" },
      h("button", { type: "button", onclick: run(async () => {
        deliveries.replaceChildren(deliveryList(await get(`/webhooks/${hook.id}/deliveries`, { page_size: 20 }), run));
      }) }, t("hooks.deliveries")),
      h("button", { type: "button", onclick: run(async () => { showSecret(await request("POST", `/webhooks/${hook.id}/rotate-secret`)); announce(t("hooks.rotated")); }) }, t("hooks.rotate")),
      h("button", { type: "button", class: "danger", onclick: run(async () => {
        if (!window.confirm(t("hooks.stop_confirm", { name: hook.client_name }))) return;
        await request("DELETE", `/webhooks/${hook.id}`);
        announce(t("hooks.stopped_done"));
        item.replaceWith(hookItem({ ...hook, active: false }, showSecret));
      }) }, t("hooks.stop"))) : null,
    error, deliveries);
  return item;
}

function deliveryList(page, run) {
  if (!page.items.length) return h("p", { class: "muted" }, t("hooks.no_deliveries"));
  return h("ul", { class: "items" }, page.items.map((d) => h("li", {},
    h("span", {}, `${t(`event.${d.event_type}`, {}, d.event_type || "")} · ${dateTime(d.created_at)} · ${d.attempts}/${d.max_attempts} `), statusBadge(d.state),
    d.last_error ? h("div", { class: "muted" }, d.last_error) : null,
    ["DEAD", "FAILED"].includes(d.state) ? h("button", { type: "button", onclick: run(async () => {
      await request("POST", `/webhook-deliveries/${d.id}/replay`);
      announce(t("hooks.replayed"));
    }) }, t("hooks.replay")) : null)));
}
