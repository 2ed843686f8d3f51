"""The gateway's handlers of the integration routes (``integration_routes``): a mixin of ``GatewayService``.

Uploads go to a spool directory shared with the members service (``IMPORT_SPOOL_DIR``; default
``<repo>/var/spool/imports``; in a cluster, a volume both mount): the body is streamed to disk while its
SHA-256 is computed, and only its name (the hash) crosses RabbitMQ. The file is never held in memory, and
the same content from the same sender is the same job.
"""

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import uuid
from collections import deque
from pathlib import Path
from urllib.parse import unquote_plus

import eventlet
from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Response

from contracts.integration import (
    SCOPES,
    AuditPageSchema,
    AuditQuerySchema,
    ClientListSchema,
    ClientSchema,
    ClientWithSecretSchema,
    CreateClientSchema,
    ImportJobSchema,
    ImportRejected,
    InvalidClient,
    VerificationSchema,
    VerifyMemberSchema,
)
from gateway.routes import api
from servicekit.config import setting
from servicekit.http import PayloadTooLarge, UnsupportedMediaType, relay, validated_body, validated_query
from servicekit.rpc import RpcClient

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[2]
CHUNK = 1 << 16
EXTENSIONS = {"CSV": "csv", "XLSX": "xlsx", "JSON": "json"}
MEDIA_TYPES = {
    "text/csv": "CSV", "application/csv": "CSV", "text/plain": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/json": "JSON",
}  # fmt: skip
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_COLUMNS = ("row", "field", "code", "message", "message_en")


def spool_dir(config):
    configured = config.get("IMPORT_SPOOL_DIR") or os.environ.get("IMPORT_SPOOL_DIR")
    return Path(configured) if configured else REPO / "var" / "spool" / "imports"


# --- the audit trail ---------------------------------------------------------------------------------


class AuditTrail(DependencyProvider):
    """Ships the audit records of machine clients' exchanges to the members service, off the request path.

    ``record_exchange`` only appends to a queue in memory; a background thread sends the queue in batches
    (one ``members.record_audit`` RPC per batch) every ``AUDIT_FLUSH_SECONDS`` (0.5). A batch that fails
    stays queued and is sent again (each record carries its id, so a batch stored twice counts once). On a
    clean stop the queue is sent before the process ends (``AUDIT_STOP_SECONDS``, 10, to reach members);
    what is still queued after that, or more than ``AUDIT_MAX_PENDING`` (100,000) records while members is
    away, is logged as lost. A SIGKILL of the gateway loses at most the last half second of records.
    """

    def setup(self):
        config = self.container.config
        self.interval = setting(config, "AUDIT_FLUSH_SECONDS", 0.5, float)
        self.stop_seconds = setting(config, "AUDIT_STOP_SECONDS", 10.0, float)
        self.pending = deque(maxlen=setting(config, "AUDIT_MAX_PENDING", 100_000, int))
        self._running, self._thread, self._proxy = False, None, None

    def start(self):
        self._running = True
        self._thread = self.container.spawn_managed_thread(self._run, identifier="gateway.audit_trail")

    def stop(self):
        self._running = False
        if self._thread is not None:
            self._thread.kill()
        with eventlet.Timeout(self.stop_seconds, False):
            while self.pending and self._send():
                pass
        if self.pending:
            log.error("audit trail: %d records could not reach the members service at stop", len(self.pending))
        self._close()

    def kill(self):
        self._running = False
        self._close()

    def get_dependency(self, worker_ctx):
        return self

    def record_exchange(self, record):
        if len(self.pending) == self.pending.maxlen:
            log.error("audit trail: queue full, the oldest record is dropped")
        self.pending.append(record)

    def _run(self):
        failures = 0
        while self._running:
            eventlet.sleep(self.interval if not failures else min(self.interval * 2**failures, 30))
            while self.pending and self._running:
                if not self._send():
                    failures += 1
                    break
                failures = 0

    def _send(self, batch_size=1000):
        batch = [self.pending[i] for i in range(min(batch_size, len(self.pending)))]
        try:
            self._members().record_audit(batch)
        except Exception as error:  # members away or slow: keep the records, try again
            log.warning("audit trail: %d records not sent yet (%s)", len(batch), type(error).__name__)
            self._close()
            return False
        for _ in batch:
            self.pending.popleft()
        return True

    def _members(self):
        if self._proxy is None:
            from nameko.standalone.rpc import ServiceRpcProxy

            self._proxy_context = ServiceRpcProxy("members", self.container.config, timeout=10)
            self._proxy = self._proxy_context.start()
        return self._proxy

    def _close(self):
        if self._proxy is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to release
                self._proxy_context.stop()
            self._proxy = None


class ImportSpool(DependencyProvider):
    """Where uploads go (``IMPORT_SPOOL_DIR``) and how large one may be (``IMPORT_MAX_BYTES``, 2 GiB)."""

    def setup(self):
        self.path = spool_dir(self.container.config)
        self.max_bytes = setting(self.container.config, "IMPORT_MAX_BYTES", 2 << 30, int)

    def get_dependency(self, worker_ctx):
        return self


class IntegrationHandlers:
    members = RpcClient("members")
    audit_trail = AuditTrail()
    import_spool = ImportSpool()

    # --- OAuth2 client credentials (RFC 6749 section 4.4) -------------------------------------------

    @api
    def oauth_token(self, request):
        form = request.form
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = request.authorization
        if basic is not None and basic.type == "basic":
            client_id, client_secret = unquote_plus(basic.username or ""), unquote_plus(basic.password or "")
        if form.get("grant_type") != "client_credentials":
            code = "invalid_request" if not form.get("grant_type") else "unsupported_grant_type"
            return _oauth_error(400, code, "Only grant_type=client_credentials is supported.")
        try:
            client_id = str(uuid.UUID(client_id or ""))
        except ValueError:
            return _oauth_error(401, "invalid_client", "Client authentication failed.", basic is not None)
        self.auth.client_id = client_id  # the attempt is audited, whatever its outcome
        try:
            client = self.members.authenticate_client(client_id, client_secret or "")
        except InvalidClient:
            return _oauth_error(401, "invalid_client", "Client authentication failed.", basic is not None)
        requested = set((form.get("scope") or "").split()) or set(client["scopes"])
        if not requested <= set(client["scopes"]) or not requested <= set(SCOPES):
            return _oauth_error(400, "invalid_scope", "The requested scope exceeds the scopes granted to the client.")
        body = self.auth.issue_client(client, sorted(requested))
        return 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}, body

    # --- clients and their audit log (administrators) -----------------------------------------------

    @api
    def create_client(self, request):
        actor = self.auth.actor(request)
        payload = validated_body(request, CreateClientSchema)
        client = self.members.create_client(actor, payload)
        return 201, {"Cache-Control": "no-store"}, relay(ClientWithSecretSchema, client)

    @api
    def list_clients(self, request):
        actor = self.auth.actor(request)
        return 200, relay(ClientListSchema, self.members.list_clients(actor))

    @api
    def rotate_client_secret(self, request, client_id):
        actor = self.auth.actor(request)
        client = self.members.rotate_client_secret(actor, str(client_id))
        return 200, {"Cache-Control": "no-store"}, relay(ClientWithSecretSchema, client)

    @api
    def disable_client(self, request, client_id):
        actor = self.auth.actor(request)
        return 200, relay(ClientSchema, self.members.disable_client(actor, str(client_id)))

    @api
    def list_audit(self, request):
        actor = self.auth.actor(request)
        return 200, relay(AuditPageSchema, self.members.list_audit(actor, validated_query(request, AuditQuerySchema)))

    # --- bulk registration -------------------------------------------------------------------------

    @api
    def create_import(self, request):
        actor = self.auth.actor(request)
        spooled = spool_upload(request, self.import_spool.path, self.import_spool.max_bytes)
        job = relay(ImportJobSchema, self.members.create_import_job(actor, spooled))
        return 202, {"Location": f"/api/v1/imports/{job['id']}"}, job

    @api
    def get_import(self, request, job_id):
        actor = self.auth.actor(request)
        return 200, relay(ImportJobSchema, self.members.get_import_job(actor, str(job_id)))

    @api
    def import_errors(self, request, job_id):
        """The whole report, fetched page by page; rendered in the format of the upload."""
        actor = self.auth.actor(request)
        job = relay(ImportJobSchema, self.members.get_import_job(actor, str(job_id)))
        items, after = [], 0
        while after is not None:
            page = self.members.import_errors(actor, str(job_id), after, 5000)
            items.extend(page["items"])
            after = page["next_after"]
        return render_report(job, items)

    # --- identity verification ---------------------------------------------------------------------

    @api
    def verify_member(self, request, member_id):
        actor = self.auth.actor(request)
        payload = validated_body(request, VerifyMemberSchema)
        return 200, relay(VerificationSchema, self.members.verify_member(actor, str(member_id), payload))

    @api
    def get_verification(self, request, member_id):
        actor = self.auth.actor(request)
        return 200, relay(VerificationSchema, self.members.get_verification(actor, str(member_id)))


def _oauth_error(status, error, description, basic=False):
    """RFC 6749 5.2, plus the platform's bilingual messages."""
    vi = {
        "invalid_client": "Xác thực ứng dụng kết nối không thành công.",
        "invalid_request": "Yêu cầu thiếu grant_type.",
        "unsupported_grant_type": "Chỉ hỗ trợ grant_type=client_credentials.",
        "invalid_scope": "Phạm vi yêu cầu vượt quá phạm vi đã cấp cho ứng dụng.",
    }[error]
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="khuyenhoc-api"' if basic else 'Bearer realm="khuyenhoc-api"'
    body = {"error": error, "error_description": description, "code": error, "message": vi, "message_en": description}
    return status, headers, body


# --- uploads -----------------------------------------------------------------------------------------


def upload_format(media_type, filename):
    """CSV, XLSX or JSON from the part's or body's media type, else from the file name's extension."""
    if media_type in MEDIA_TYPES and media_type not in ("text/plain",):
        return MEDIA_TYPES[media_type]
    extension = Path(filename or "").suffix.lower().lstrip(".")
    by_extension = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}
    if extension in by_extension:
        return by_extension[extension]
    if media_type in MEDIA_TYPES:
        return MEDIA_TYPES[media_type]
    raise UnsupportedMediaType(
        "Send a CSV (text/csv), an XLSX workbook or a JSON array (application/json), as the body or as the "
        "'file' part of a multipart/form-data form.", {},
        "Hãy gửi tệp CSV (text/csv), XLSX hoặc mảng JSON (application/json), trong thân yêu cầu hoặc trường "
        "'file' của biểu mẫu multipart/form-data.",
    )  # fmt: skip


def spool_upload(request, spool, max_bytes):
    """Streams the upload into the spool under its SHA-256; returns ``CreateImportJobSchema`` fields."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("file")
        if part is None:
            raise ImportRejected("Send the file in a part named 'file'.", {}, "Hãy gửi tệp trong trường 'file'.")
        stream, filename, file_format = part.stream, part.filename, upload_format(part.mimetype, part.filename)
    else:
        filename = None
        file_format = upload_format(request.mimetype, None)
        stream = request.stream
    spool.mkdir(parents=True, exist_ok=True)
    temporary = spool / f".upload-{uuid.uuid4().hex}"
    digest, size = hashlib.sha256(), 0
    try:
        with temporary.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(f"The file is larger than {max_bytes // 2**20} MiB.", {},
                                          f"Tệp lớn hơn {max_bytes // 2**20} MiB.")  # fmt: skip
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ImportRejected("The file is empty.", {}, "Tệp rỗng.")
        name = f"{digest.hexdigest()}.{EXTENSIONS[file_format]}"
        os.replace(temporary, spool / name)  # the same content twice lands on the same name
    finally:
        temporary.unlink(missing_ok=True)
    return {"spool_name": name, "content_hash": digest.hexdigest(), "format": file_format, "size_bytes": size,
            "filename": (filename or None) and Path(filename).name[:200]}  # fmt: skip


# --- error reports -----------------------------------------------------------------------------------


def render_report(job, items):
    stem = f"import-{job['id']}-errors"
    if job["format"] == "JSON":
        body = json.dumps(items, ensure_ascii=False)
        return _download(body.encode(), "application/json", f"{stem}.json")
    if job["format"] == "XLSX":
        return _download(_xlsx(items), XLSX_MEDIA_TYPE, f"{stem}.xlsx")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(REPORT_COLUMNS)
    writer.writerows([inert(item[c]) for c in REPORT_COLUMNS] for item in items)
    return _download(("\ufeff" + text.getvalue()).encode(), "text/csv; charset=utf-8", f"{stem}.csv")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A cell no spreadsheet evaluates (CSV/formula injection, OWASP): text starting with =, +, -, @, a tab or
    a carriage return gets a leading apostrophe. The report quotes what a sender wrote (a field name of a JSON
    upload, say), and an officer opens it in Excel or LibreOffice."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx(items):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    sheet.append(list(REPORT_COLUMNS))
    for item in items:
        sheet.append([inert(item[c]) for c in REPORT_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _download(body, media_type, filename):
    return Response(body, status=200, headers={"Content-Disposition": f'attachment; filename="{filename}"'},
                    content_type=media_type)  # fmt: skip
