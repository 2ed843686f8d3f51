// Funds: the list with balances, one fund's statement for a period, donations (each form submission
// has its Idempotency-Key, which is the transfer's id: a retry after a lost answer records nothing
// twice), disbursements proposed by one officer and approved by another, then paid; the public
// disclosure list of the unit.
import { get, newKey, request, Submission } from "../api.js";
import {
  announce, clear, date, field, formError, h, localErrors, messageOf, money, onSubmit, showErrors, statusBadge,
  submitButton, todayVN, uid,
} from "../dom.js";
import { t } from "../i18n.js";

export async function renderList(main, params, ctx) {
  const page = await get("/funds", { page_size: 100 });
  if (!params.isCurrent()) return;
  clear(main,
    h("div", { class: "row-between" }, h("h1", {}, t("funds.title")), h("a", { class: "button", href: "#/funds/disclosure" }, t("funds.disclosure"))),
    page.items.length
      ? h("section", { class: "card" }, h("ul", { class: "items", "data-testid": "fund-list" }, page.items.map((f) => h("li", {},
        h("a", { class: "title", href: `#/funds/${f.id}` }, f.name), f.closed ? h("span", { class: "status bad" }, t("funds.closed")) : null,
        h("div", {}, t("funds.balance_line", { balance: money(f.balance.cash_vnd) })),
        h("div", { class: "muted" }, `${t(`fund_kind.${f.kind}`, {}, f.kind)} · ${f.unit_name || f.unit_code}`)))))
      : h("p", { class: "card muted" }, t("funds.none")));
}

export async function renderFund(main, params, ctx) {
  const fund = await get(`/funds/${params.id}`);
  if (!params.isCurrent()) return;
  const canWrite = ctx.can("write_funds") && !fund.closed;
  const disbursements = h("div", { "data-testid": "disbursements" });
  const donations = h("div", { "data-testid": "donations" });
  const statement = h("div", { "data-testid": "statement" });
  const balance = h("dl", { class: "facts", "data-testid": "fund-balance" });

  const showBalance = (f) => clear(balance,
    h("dt", {}, t("funds.cash")), h("dd", { "data-testid": "fund-cash" }, money(f.balance.cash_vnd)),
    h("dt", {}, t("funds.donations_total")), h("dd", {}, money(f.balance.donations_vnd)),
    h("dt", {}, t("funds.disbursements_total")), h("dd", {}, money(f.balance.disbursements_vnd)),
    f.balance.by_purpose.filter((p) => p.purpose).flatMap((p) => [h("dt", {}, t("funds.earmarked", { purpose: p.purpose })), h("dd", {}, money(p.balance_vnd))]));
  showBalance(fund);

  async function reload() {
    const [f, ds, dn] = await Promise.all([
      get(`/funds/${fund.id}`), get(`/funds/${fund.id}/disbursements`, { page_size: 50 }), get(`/funds/${fund.id}/donations`, { page_size: 20 }),
    ]);
    showBalance(f);
    clear(disbursements, disbursementList(ds.items, ctx, canWrite, reload));
    clear(donations, donationList(dn.items));
  }

  clear(main,
    h("p", {}, h("a", { href: "#/funds" }, `← ${t("funds.back")}`)),
    h("h1", {}, fund.name),
    h("p", { class: "muted" }, `${t(`fund_kind.${fund.kind}`, {}, fund.kind)} · ${fund.unit_name || fund.unit_code}`),
    h("div", { class: "grid two" },
      h("section", { class: "card", "aria-labelledby": "balance-title" }, h("h2", { id: "balance-title" }, t("funds.balance")), balance),
      statementCard(fund, statement)),
    canWrite ? h("div", { class: "grid two" }, donationForm(fund, reload), proposeForm(fund, reload)) : null,
    h("section", { class: "card", "aria-labelledby": "disb-title" }, h("h2", { id: "disb-title" }, t("funds.disbursements")), disbursements),
    h("section", { class: "card", "aria-labelledby": "don-title" }, h("h2", { id: "don-title" }, t("funds.donations")), donations));
  await reload();
}

function statementCard(fund, target) {
  const year = todayVN().slice(0, 4);
  const form = h("form", { novalidate: true, "aria-labelledby": "statement-title" },
    h("h2", { id: "statement-title" }, t("funds.statement")), formError(),
    h("div", { class: "form-grid" },
      field({ name: "from", label: t("funds.from"), type: "date", required: true, value: `${year}-01-01` }),
      field({ name: "to", label: t("funds.to"), type: "date", required: true, value: todayVN() })),
    h("div", { class: "actions" }, submitButton(t("funds.show_statement"))));
  onSubmit(form, async (query) => {
    const s = await get(`/funds/${fund.id}/statement`, query);
    clear(target, h("dl", { class: "facts" },
      [[t("funds.opening"), money(s.opening_balance_vnd)], [t("funds.receipts"), money(s.receipts_vnd)],
        [t("funds.disbursements_total"), money(s.disbursements_vnd)], [t("funds.transfers_in"), money(s.transfers_in_vnd)],
        [t("funds.transfers_out"), money(s.transfers_out_vnd)], [t("funds.reversals"), money(s.reversals_vnd)],
        [t("funds.closing"), money(s.closing_balance_vnd)]].flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
    announce(t("funds.statement_ready", { from: date(s.from), to: date(s.to) }));
  });
  return h("section", { class: "card" }, form, target);
}

function donationForm(fund, reload) {
  const submission = new Submission();
  const id = uid("donation");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": `${id}-title`, "data-testid": "donation-form" },
    h("h2", { id: `${id}-title` }, t("funds.record_donation")), formError(),
    field({ name: "donor_kind", label: t("funds.donor_kind"), required: true,
      options: ["PERSON", "ORGANISATION", "ANONYMOUS"].map((k) => [k, t(`donor.${k}`)]) }),
    field({ name: "donor_name", label: t("funds.donor_name") }),
    field({ name: "donor_phone", label: t("funds.donor_phone"), type: "tel", hint: t("funds.donor_contact_hint") }),
    field({ name: "amount_vnd", label: t("funds.amount"), type: "number", required: true, attrs: { min: 1, step: 1000, inputmode: "numeric" } }),
    field({ name: "channel", label: t("funds.channel"), required: true, options: ["CASH", "BANK_TRANSFER", "IN_KIND"].map((k) => [k, t(`pay_channel.${k}`)]) }),
    field({ name: "in_kind_description", label: t("funds.in_kind") }),
    field({ name: "received_on", label: t("funds.received_on"), type: "date", value: todayVN(), attrs: { max: todayVN() } }),
    field({ name: "purpose", label: t("funds.purpose"), hint: t("funds.purpose_hint") }),
    field({ name: "note", label: t("funds.note"), type: "textarea" }),
    h("div", { class: "actions" }, submitButton(t("funds.record"))));
  onSubmit(form, async (body) => {
    if (!body.amount_vnd || body.amount_vnd <= 0) {
      localErrors(form, { amount_vnd: [{ message: t("funds.amount_required"), message_en: t("funds.amount_required") }] });
      return;
    }
    const donation = await request("POST", `/funds/${fund.id}/donations`, { body, key: submission.keyFor(body) });
    submission.done();
    form.reset();
    form.elements.received_on.value = todayVN();
    announce(t("funds.donation_recorded", { amount: money(donation.amount_vnd), receipt: donation.receipt_number }));
    await reload();
  });
  return form;
}

function proposeForm(fund, reload) {
  const submission = new Submission();
  const id = uid("propose");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": `${id}-title`, "data-testid": "propose-form" },
    h("h2", { id: `${id}-title` }, t("funds.propose")), formError(),
    field({ name: "kind", label: t("funds.disbursement_kind"), required: true, options: ["HOC_BONG", "KHEN_THUONG", "HO_TRO"].map((k) => [k, t(`disb_kind.${k}`)]) }),
    field({ name: "beneficiary_name", label: t("funds.beneficiary"), required: true }),
    field({ name: "amount_vnd", label: t("funds.amount"), type: "number", required: true, attrs: { min: 1, step: 1000, inputmode: "numeric" } }),
    field({ name: "decision_reference", label: t("funds.decision_reference"), required: true, hint: t("funds.decision_hint") }),
    field({ name: "purpose", label: t("funds.purpose"), hint: t("funds.purpose_hint") }),
    field({ name: "note", label: t("funds.note"), type: "textarea" }),
    h("div", { class: "actions" }, submitButton(t("funds.propose_submit"))));
  onSubmit(form, async (body) => {
    const proposed = await request("POST", `/funds/${fund.id}/disbursements`, { body, key: submission.keyFor(body) });
    submission.done();
    form.reset();
    announce(t("funds.proposed", { name: proposed.beneficiary_name, amount: money(proposed.amount_vnd) }));
    await reload();
  });
  return form;
}

function disbursementList(items, ctx, canWrite, reload) {
  if (!items.length) return h("p", { class: "muted" }, t("funds.no_disbursements"));
  return h("ul", { class: "items" }, items.map((d) => {
    const error = h("p", { class: "form-error", role: "alert" });
    const act = (action, body, withKey) => async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      error.textContent = "";
      try {
        const key = withKey ? (button.dataset.key ||= newKey()) : undefined;
        await request("POST", `/disbursements/${d.id}/${action}`, { body, key });
        announce(t(`funds.done_${action}`, { name: d.beneficiary_name }));
        await reload();
      } catch (e) {
        if (!e?.isApiError) throw e;
        error.textContent = messageOf(e);
        button.disabled = false;
      }
    };
    const mine = d.proposed_by === ctx.me.officer_id;
    const buttons = [];
    if (canWrite && d.status === "PROPOSED" && !mine) {
      buttons.push(h("button", { type: "button", class: "primary", onclick: act("approve", {}) }, t("funds.approve")));
      const rejectId = uid("reason");
      const reason = h("input", { id: rejectId, name: "reason", type: "text" });
      buttons.push(h("span", { class: "field" }, h("label", { for: rejectId, class: "visually-hidden" }, t("funds.reject_reason")), reason));
      buttons.push(h("button", { type: "button", class: "danger", onclick: (e) => {
        if (!reason.value.trim()) { error.textContent = t("funds.reject_reason_required"); reason.focus(); return undefined; }
        return act("reject", { reason: reason.value.trim() })(e);
      } }, t("funds.reject")));
    }
    if (canWrite && d.status === "APPROVED") {
      buttons.push(h("button", { type: "button", class: "primary", onclick: act("pay", { paid_on: todayVN() }, true) }, t("funds.pay")));
    }
    return h("li", { "data-testid": "disbursement", dataset: { status: d.status } },
      h("div", { class: "row-between" }, h("span", { class: "title" }, `${d.beneficiary_name} — ${money(d.amount_vnd)}`), statusBadge(d.status)),
      h("div", { class: "muted" }, `${t(`disb_kind.${d.kind}`, {}, d.kind)} · ${d.decision_reference}${d.purpose ? ` · ${d.purpose}` : ""} · ${t("funds.proposed_at")} ${date(d.proposed_at)}`),
      d.status === "PROPOSED" && mine ? h("p", { class: "muted" }, t("funds.needs_second_officer")) : null,
      d.rejection_reason ? h("p", {}, `${t("funds.reject_reason")}: ${d.rejection_reason}`) : null,
      buttons.length ? h("div", { class: "actions" }, buttons) : null, error);
  }));
}

function donationList(items) {
  if (!items.length) return h("p", { class: "muted" }, t("funds.no_donations"));
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, [t("funds.receipt"), t("funds.donor_name"), t("funds.received_on"), t("funds.channel")].map((x) => h("th", { scope: "col" }, x)),
      h("th", { scope: "col", class: "num" }, t("funds.amount")))),
    h("tbody", {}, items.map((d) => h("tr", {},
      h("td", {}, d.receipt_number), h("td", {}, d.donor_name || t(`donor.${d.donor_kind}`)), h("td", {}, date(d.received_on)),
      h("td", {}, t(`pay_channel.${d.channel}`, {}, d.channel)), h("td", { class: "num" }, money(d.amount_vnd)))))));
}

export async function renderDisclosure(main, params, ctx) {
  const target = h("div", { "data-testid": "disclosure" });
  const year = todayVN().slice(0, 4);
  const form = h("form", { class: "card", novalidate: true },
    formError(),
    h("div", { class: "form-grid" },
      field({ name: "from", label: t("funds.from"), type: "date", required: true, value: `${year}-01-01` }),
      field({ name: "to", label: t("funds.to"), type: "date", required: true, value: todayVN() })),
    h("div", { class: "actions" }, submitButton(t("funds.show_disclosure"))));
  const show = async (query) => {
    const d = await get(`/units/${ctx.unitCode}/disclosure`, query);
    clear(target,
      h("section", { class: "card" }, h("h2", {}, t("funds.public_receipts", { total: money(d.receipts_vnd) })),
        d.receipts.length ? h("div", { class: "table-wrap" }, h("table", {},
          h("thead", {}, h("tr", {}, [t("funds.receipt"), t("funds.donor_name"), t("funds.fund"), t("funds.received_on")].map((x) => h("th", { scope: "col" }, x)), h("th", { scope: "col", class: "num" }, t("funds.amount")))),
          h("tbody", {}, d.receipts.map((r) => h("tr", {}, h("td", {}, r.receipt_number), h("td", {}, r.donor), h("td", {}, r.fund_name),
            h("td", {}, date(r.received_on)), h("td", { class: "num" }, money(r.amount_vnd))))))) : h("p", { class: "muted" }, t("funds.no_donations"))),
      h("section", { class: "card" }, h("h2", {}, t("funds.public_spending", { total: money(d.spending_vnd) })),
        d.spending.length ? h("div", { class: "table-wrap" }, h("table", {},
          h("thead", {}, h("tr", {}, [t("funds.beneficiary"), t("funds.decision_reference"), t("funds.fund"), t("funds.paid_on")].map((x) => h("th", { scope: "col" }, x)), h("th", { scope: "col", class: "num" }, t("funds.amount")))),
          h("tbody", {}, d.spending.map((s) => h("tr", {}, h("td", {}, s.beneficiary_name), h("td", {}, s.decision_reference), h("td", {}, s.fund_name),
            h("td", {}, date(s.paid_on)), h("td", { class: "num" }, money(s.amount_vnd))))))) : h("p", { class: "muted" }, t("funds.no_disbursements"))));
  };
  onSubmit(form, show);
  clear(main, h("p", {}, h("a", { href: "#/funds" }, `← ${t("funds.back")}`)),
    h("h1", {}, t("funds.disclosure_title", { unit: ctx.unitName || ctx.unitCode })), h("p", { class: "muted" }, t("funds.disclosure_explain")), form, target);
  try { await show({ from: `${year}-01-01`, to: todayVN() }); } catch (error) { if (error?.isApiError) showErrors(form, error); else throw error; }
}
