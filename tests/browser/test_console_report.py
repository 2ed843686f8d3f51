"""The review report and the activities in the console: the gateway serves the new pages, the shell routes
them, and in headless Chromium an officer records an activity, opens the report of their commune (the
six-month review by default), sees it as tables and downloads it as XLSX and PDF that open."""

import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from gateway.console_handlers import load_assets
from tests.browser.test_console_walk import DESKTOP, Console

pytestmark = pytest.mark.rabbit
CONSOLE = Path(__file__).resolve().parents[2] / "gateway" / "console"


def test_the_report_and_activity_pages_are_assets_and_routed():
    assets = load_assets()
    app = (CONSOLE / "js" / "app.js").read_text(encoding="utf-8")
    for page in ("reports", "activities"):
        assert assets[f"js/pages/{page}.js"].content_type == "text/javascript; charset=utf-8"
        assert f'from "./pages/{page}.js"' in app and re.search(rf'\["{page}", "#/{page}"\]', app)


def test_the_gateway_serves_the_report_page(console_stack):
    response = requests.get(f"{console_stack.url}/console/js/pages/reports.js", timeout=10)
    assert (response.status_code, response.headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    assert '"/reports/review"' in response.text


@pytest.fixture
def page(console_stack, browser_factory, tmp_path):
    driver = browser_factory(*DESKTOP)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    console = Console(driver, console_stack, tmp_path)
    console.open()
    driver.execute_script("sessionStorage.clear(); localStorage.clear()")
    console.downloads = tmp_path
    return console


def downloaded(page, suffix):
    return page.until(lambda: next((p for p in page.downloads.glob(f"*{suffix}") if p.stat().st_size), None),
                      f"a {suffix} downloaded")  # fmt: skip


def test_an_officer_records_an_activity_then_reads_and_downloads_the_report(page, console_stack):
    page.sign_in(console_stack.officer("OFFICER", "00073", "Lê Thị Hồng"))
    page.go("/activities")
    page.fill('[data-testid="activity-form"]', "title", "Lớp tập huấn cán bộ chi hội")
    page.fill('[data-testid="activity-form"]', "kind", "TRAINING_CLASS")
    page.fill('[data-testid="activity-form"]', "participants", "800")
    page.click('[data-testid="activity-form"] button[type=submit]')
    page.wait_text("Lớp tập huấn cán bộ chi hội", '[data-testid="activity-list"]')
    page.go("/reports")  # the six-month review by default; then the year so far, which has today's class
    page.wait_text("Tải về PDF")
    today = datetime.now(timezone(timedelta(hours=7))).date()
    page.go(f"/reports?from={today.year}-01-01&to={today.isoformat()}")
    page.wait_text("800", '[data-testid="report-activity-kinds"]')
    assert "I. Hội viên" in page.text() and "IV. Danh hiệu học tập" in page.text()
    page.click('[data-testid="download-xlsx"]')
    page.click('[data-testid="download-pdf"]')
    book = load_workbook(io.BytesIO(downloaded(page, ".xlsx").read_bytes()))
    pdf = PdfReader(io.BytesIO(downloaded(page, ".pdf").read_bytes()))
    assert book.sheetnames[0] == "Tổng hợp" and "BÁO CÁO SƠ KẾT" in pdf.pages[0].extract_text()
    assert page.script_errors() == []
