// Bulk registration: upload a CSV or XLSX, watch the job's progress (polled), download the error report
// in the upload's format. The jobs started in this tab are remembered for the tab (there is no list of
// jobs in the API), so that a reload still shows them.
import { get, request } from "../api.js";
import { announce, clear, dateTime, field, formError, h, messageOf, number, onSubmit, saveBlob, statusBadge, submitButton } from "../dom.js";
import { t } from "../i18n.js";

const JOBS_KEY = "khuyenhoc.imports";
const POLL_MS = 1000;

function rememberedJobs() {
  try { return JSON.parse(sessionStorage.getItem(JOBS_KEY)) || []; } catch { return []; }
}

function remember(id) {
  sessionStorage.setItem(JOBS_KEY, JSON.stringify([id, ...rememberedJobs().filter((x) => x !== id)].slice(0, 10)));
}

export async function render(main, params, ctx) {
  const jobs = h("div", { "data-testid": "import-jobs" });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, t("imports.upload")),
    h("p", {}, t("imports.explain"), " ", h("a", { href: "/console/templates/members-template.csv", download: "mau-hoi-vien.csv" }, t("imports.template"))),
    formError(),
    field({ name: "file", label: t("imports.file"), type: "file", required: true, hint: t("imports.file_hint"),
      attrs: { accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } }),
    h("div", { class: "actions" }, submitButton(t("imports.submit"))));
  onSubmit(form, async () => {
    const file = form.elements.file.files[0];
    if (!file) {
      throw Object.assign(new Error("no file"), { isApiError: true, message: t("imports.choose_file"), message_en: t("imports.choose_file"),
        fields: { file: [{ message: t("imports.choose_file"), message_en: t("imports.choose_file") }] } });
    }
    const upload = new FormData();
    upload.append("file", file, file.name);
    const job = await request("POST", "/imports", { upload });
    remember(job.id);
    announce(t("imports.started", { name: file.name }));
    form.reset();
    jobs.prepend(jobCard(job, params));
  });
  clear(main, h("h1", {}, t("imports.title")), ctx.can("import_members") ? form : h("p", { class: "warning" }, t("app.read_only")),
    h("h2", {}, t("imports.jobs")), jobs);
  const known = rememberedJobs();
  if (!known.length) jobs.append(h("p", { class: "muted" }, t("imports.none")));
  for (const id of known) {
    try { jobs.append(jobCard(await get(`/imports/${id}`), params)); } catch { /* a job of another officer or gone */ }
  }
}

function jobCard(job, params) {
  const section = h("section", { class: "card", "data-testid": "import-job", "aria-live": "polite" });
  const update = (current) => {
    const total = current.rows_total ?? null;
    const done = current.rows_done;
    clear(section,
      h("div", { class: "row-between" }, h("h3", {}, current.filename || current.id), statusBadge(current.state)),
      h("label", { for: `progress-${current.id}` }, t("imports.progress", { done: number(done), total: total === null ? "?" : number(total) })),
      h("progress", { id: `progress-${current.id}`, max: total || 1, value: total ? done : 0 }),
      h("p", { "data-testid": "import-counts" }, t("imports.counts", { accepted: number(current.rows_accepted), rejected: number(current.rows_rejected) })),
      h("p", { class: "muted" }, `${t("imports.started_at")} ${dateTime(current.created_at)}${current.finished_at ? ` · ${t("imports.finished_at")} ${dateTime(current.finished_at)}` : ""}`),
      current.failure ? h("p", { class: "form-error" }, current.failure) : null,
      current.state === "COMPLETED" && current.rows_rejected > 0
        ? h("button", { type: "button", onclick: () => downloadReport(current) }, t("imports.download_errors")) : null);
  };
  update(job);
  const poll = async () => {
    if (!section.isConnected || !params.isCurrent()) return;
    try {
      const current = await get(`/imports/${job.id}`);
      update(current);
      if (current.state === "COMPLETED" || current.state === "FAILED") {
        announce(t("imports.finished", { name: current.filename || "", accepted: current.rows_accepted, rejected: current.rows_rejected }));
        return;
      }
    } catch (error) {
      section.append(h("p", { class: "form-error" }, messageOf(error)));
    }
    setTimeout(poll, POLL_MS);
  };
  if (job.state === "QUEUED" || job.state === "RUNNING") setTimeout(poll, POLL_MS);
  return section;
}

async function downloadReport(job) {
  try {
    const { blob, filename } = await request("GET", `/imports/${job.id}/errors`, { blob: true });
    saveBlob(blob, filename);
    announce(t("imports.downloaded"));
  } catch (error) {
    announce(messageOf(error));
  }
}
