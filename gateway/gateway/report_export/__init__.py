"""The review report (``contracts.reports.ReviewReportSchema``, as JSON) exported as a file: pure functions
of the report dict, run without any service.

``export(report, "xlsx" | "pdf") -> (body bytes, content type, file name)``.
"""

from gateway.report_export import labels

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export(report, file_format):
    if file_format == "xlsx":
        from gateway.report_export import xlsx as renderer
    elif file_format == "pdf":
        from gateway.report_export import pdf as renderer
    else:
        raise ValueError(f"no export to {file_format!r}")
    return renderer.render(report), MEDIA_TYPES[file_format], labels.filename(report, file_format)
