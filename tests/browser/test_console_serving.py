"""The gateway serves the console: the root redirects to it, every file the page loads is there with the
right content type, a strict Content-Security-Policy and revalidation headers; nothing outside the
console folder is reachable; the console is not part of the API document; every string the pages ask
for exists in both languages."""

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

CONSOLE = Path(__file__).resolve().parents[2] / "gateway" / "console"
pytestmark = pytest.mark.rabbit


def get(stack, path, **kwargs):
    return requests.get(stack.url + path, timeout=10, allow_redirects=False, **kwargs)


def test_the_root_and_the_bare_path_redirect_to_the_console(console_stack):
    root, bare = get(console_stack, "/"), get(console_stack, "/console")
    assert (root.status_code, root.headers["Location"]) == (302, "/console/")
    assert (bare.status_code, bare.headers["Location"]) == (301, "/console/")


def test_the_page_is_html_with_a_self_only_policy_and_is_revalidated(console_stack):
    page = get(console_stack, "/console/")
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert (page.status_code, page.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert (policy["default-src"], policy["script-src"], policy["style-src"], policy["connect-src"]) == (
        "'self'", "'self'", "'self'", "'self'")
    assert (policy["frame-ancestors"], policy["object-src"]) == ("'none'", "'none'")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-cache"
    again = get(console_stack, "/console/", headers={"If-None-Match": page.headers["ETag"]})
    assert (again.status_code, again.content) == (304, b"")


def _module_graph(stack):
    """Every file the page loads: its stylesheet, icon and script, and the scripts those import."""
    page = get(stack, "/console/").text
    pending = [urljoin("/console/", src) for src in re.findall(r'(?:src|href)="([^"#]+)"', page)]
    seen = {}
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        response = get(stack, path)
        seen[path] = response
        if path.endswith(".js"):
            pending += [urljoin(path, target) for target in re.findall(r'from\s+"(\.{1,2}/[^"]+)"', response.text)]
    return seen


def test_every_file_the_page_loads_is_served_with_its_content_type(console_stack):
    files = _module_graph(console_stack)
    types = {path: (r.status_code, r.headers["Content-Type"]) for path, r in files.items()}
    expected = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
    assert {path: (200, expected[path.rsplit(".", 1)[1]]) for path in files} == types
    loaded = {"/console/js/app.js", "/console/js/i18n.js", "/console/js/pages/funds.js", "/console/css/console.css"}
    assert loaded <= set(files)
    assert all(r.headers["Content-Security-Policy"].startswith("default-src 'self'") for r in files.values())


def test_unknown_files_and_paths_out_of_the_folder_are_json_404(console_stack):
    for path in ("/console/nope.js", "/console/%2e%2e/gateway/service.py", "/console/..%2fconfig.yml",
                 "/console/docs/anything.png"):
        response = get(console_stack, path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path


def test_the_api_document_describes_the_api_only():
    from gateway import openapi

    paths = openapi.document()["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)


def test_every_string_the_pages_use_exists_in_vietnamese_and_english():
    source = "\n".join(p.read_text(encoding="utf-8") for p in CONSOLE.rglob("*.js") if p.name != "i18n.js")
    used = set(re.findall(r'\bt\("([a-z_]+\.[\w.]+)"', source))
    i18n = (CONSOLE / "js" / "i18n.js").read_text(encoding="utf-8")
    vi_block, en_block = i18n.split("\n  en: {", 1)
    vi, en = (set(re.findall(r'^\s+"([\w.]+)":', block, re.MULTILINE)) for block in (vi_block, en_block))
    assert len(used) > 200
    assert (used - vi, used - en, vi ^ en) == (set(), set(), set())
