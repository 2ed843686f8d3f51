// The officer's inbox: notes the platform wrote for them (a member registered in their unit, a
// disbursement waiting for approval...), unread first marked, each marked read on request.
import { get, request } from "../api.js";
import { announce, clear, dateTime, h, messageOf, uid } from "../dom.js";
import { t } from "../i18n.js";
import { refreshUnread } from "../app.js";

export async function render(main, params) {
  const unreadOnly = params.query.unread === "1";
  const page = await get("/inbox", { page_size: 50, unread_only: unreadOnly || undefined });
  if (!params.isCurrent()) return;
  const toggleId = uid("unread");
  const toggle = h("input", { id: toggleId, type: "checkbox", checked: unreadOnly,
    onchange: (e) => { location.hash = e.target.checked ? "#/inbox?unread=1" : "#/inbox"; } });
  const list = page.items.length ? h("ul", { class: "items", "data-testid": "inbox" }, page.items.map((m) => {
    const error = h("p", { class: "form-error", role: "alert" });
    const item = h("li", { class: m.read_at ? "" : "unread" },
      h("div", { class: "title" }, m.subject),
      h("p", {}, m.body),
      h("div", { class: "muted" }, dateTime(m.created_at)));
    if (!m.read_at) {
      item.append(h("div", { class: "actions" }, h("button", { type: "button", onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await request("POST", `/inbox/${m.id}/read`);
          item.classList.remove("unread");
          e.target.remove();
          announce(t("inbox.marked"));
          refreshUnread();
        } catch (err) { error.textContent = messageOf(err); e.target.disabled = false; }
      } }, t("inbox.mark_read"))), error);
    }
    return item;
  })) : h("p", { class: "muted" }, t("inbox.empty"));
  clear(main, h("h1", {}, t("inbox.title")),
    h("p", {}, t("inbox.summary", { total: page.total, unread: page.unread })),
    h("div", { class: "check" }, toggle, h("label", { for: toggleId }, t("inbox.unread_only"))),
    h("section", { class: "card" }, list));
}
