"""A commune officer's day in the console, in headless Chromium against the real platform: sign in,
register a member (the CCCD checked before the form is sent), find her without diacritics, import a
small file and watch it finish, record a donation (signing in again midway when the token went bad,
without losing the form), propose a scholarship, take a learning citizen from registration to
recognition, read the dashboard in both languages; a second officer approves and pays the scholarship;
and a member of another commune cannot be opened. Screenshots of each step go to var/screenshots/.
"""

import csv
import io
import time
from datetime import date

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from members.testing import member_payload

pytestmark = pytest.mark.rabbit
WAIT_SECONDS = 30  # an upper bound for the page to reach a state, never a measured duration
DESKTOP, PHONE = (1280, 900), (360, 780)


class Console:
    """One browser window on the console, with the few gestures an officer makes."""

    def __init__(self, driver, stack, screenshots):
        self.driver = driver
        self.base_url = stack.url
        self.password = stack.password
        self.screenshots = screenshots

    def open(self, hash_path=""):
        self.driver.get(f"{self.base_url}/console/#{hash_path}")

    def go(self, hash_path):
        self.driver.execute_script("location.hash = arguments[0]", hash_path)

    def until(self, predicate, message):
        # The pages re-render what changed: an element read a moment ago may be gone, so look again.
        wait = WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,))
        return wait.until(lambda _: predicate(), message=message)

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector):
        return self.until(lambda: (found := self.css(selector)) and found[0].is_displayed() and found[0],
                          f"{selector} shown")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait_text(self, text, selector="body"):
        return self.until(lambda: any(text in e.text for e in self.css(selector)), f"'{text}' in {selector}")

    def fill(self, scope, name, value):
        field = self.one(f'{scope} [name="{name}"]')
        if field.tag_name == "select":
            self.driver.execute_script(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
                field, value)
        else:
            field.clear()
            field.send_keys(str(value))
        return field

    def click(self, selector, text=None):
        def target():
            for element in self.css(selector):
                if element.is_displayed() and element.is_enabled() and (text is None or text in element.text):
                    return element
            return None

        element = self.until(target, f"{selector} {text or ''} clickable")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def sign_in(self, username):
        self.open("/dashboard")
        self.fill("form", "username", username)
        self.fill("form", "password", self.password)
        self.click("button[type=submit]")
        self.one('[data-testid="who"]')

    def sign_out(self):
        self.click(".topbar button", "Đăng xuất")
        self.one('input[name="username"]')

    def shot(self, name, size=DESKTOP):
        if self.driver.get_window_size()["width"] != size[0]:
            self.driver.set_window_size(*size)
        self.driver.execute_script("document.getElementById('status').textContent = ''")
        height = self.driver.execute_script("return Math.max(document.body.scrollHeight, arguments[0])", size[1])
        self.driver.set_window_size(size[0], min(height, 2400))
        self.driver.save_screenshot(str(self.screenshots / f"{name}.png"))
        self.driver.set_window_size(*size)

    def script_errors(self):
        """Errors of the page's scripts (Chromium also logs each 4xx answer: those are expected here)."""
        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]


@pytest.fixture(scope="module")
def day(console_stack):
    """What the day starts with: two officers of Phường Hoàn Kiếm (00070), its fund, and a member of
    Phường Cửa Nam (00073) the commune officer must not see."""
    commune = console_stack.officer("OFFICER", "00070", "Nguyễn Thu Hà")
    chair = console_stack.officer("OFFICER", "00070", "Trần Quốc Bảo")
    api = console_stack.api_as(commune)
    fund = api.post("/funds", json={"unit_code": "00070", "name": "Quỹ khuyến học Phường Hoàn Kiếm", "kind": "GENERAL"})
    assert fund.status_code == 201, fund.text
    neighbour = console_stack.api_as(console_stack.officer("OFFICER", "00073"))
    other = neighbour.post("/members", json=member_payload("00073", full_name="Đỗ Minh Châu"))
    assert other.status_code == 201, other.text
    return {"commune": commune, "chair": chair, "fund": fund.json(), "other_member": other.json()}


@pytest.fixture
def console(console_stack, browser_factory, screenshots, tmp_path):
    driver = browser_factory(*DESKTOP)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.delete_all_cookies()
    page = Console(driver, console_stack, screenshots)
    page.open()
    driver.execute_script("sessionStorage.clear(); localStorage.clear()")
    page.downloads = tmp_path
    return page


def import_file():
    rows = [
        ["cccd", "full_name", "gender", "birth_year", "unit_code", "consent_given"],
        ["001090000101", "Phạm Văn Đức", "Nam", "1990", "00070", "có"],
        ["001192000102", "Hoàng Thị Lan", "Nữ", "1992", "00070", "có"],
        ["001190000103", "Vũ Văn Hùng", "Nam", "1990", "00070", "có"],  # digit 4 = 1: a woman's number
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue()


def test_a_commune_officers_day(console, console_stack, day, tmp_path):
    year = date.today().year

    # --- sign in (the login page on a phone) ---
    console.open()
    console.one('input[name="username"]')
    console.shot("01-login-phone", PHONE)
    console.sign_in(day["commune"])
    who = console.one('[data-testid="who"]').text
    assert "Phường Hoàn Kiếm" in who and "Cán bộ" in who and "00070" in who

    # --- register a member: the CCCD is checked inline before anything is sent ---
    console.go("/members/new")
    form = "main form"
    console.fill(form, "full_name", "Lê Thị Hương Giang")
    console.fill(form, "gender", "FEMALE")
    console.fill(form, "birth_year", "1995")
    console.fill(form, "cccd", "001095012345")  # digit 4 = 0: a man born in the 1900s
    console.wait_text("Chữ số thứ 4 của số CCCD không khớp với giới tính", f'{form} [data-field="cccd"] .field-error')
    assert console.one(f'{form} [name="cccd"]').get_attribute("aria-invalid") == "true"
    console.shot("02-register-cccd-inline-check")
    console.fill(form, "cccd", "001 195 012 345")
    console.wait_text("khai sinh tại Hà Nội", '[data-testid="cccd-info"]')
    console.click(f'{form} button[type=submit]')  # no consent yet: refused in the browser, input kept
    console.wait_text("Cần có sự đồng ý", f'{form} [data-field="consent.given"] .field-error')
    assert console.one(f'{form} [name="full_name"]').get_attribute("value") == "Lê Thị Hương Giang"
    console.click(f'{form} [name="consent.given"]')
    console.click(f'{form} button[type=submit]')
    console.wait_text("Lê Thị Hương Giang", '[data-testid="member-name"]')
    member_url = console.driver.current_url
    assert "001******345" in console.text()

    # --- find her by name typed without diacritics ---
    console.go("/members")
    search = console.one('input[type="search"]')
    search.send_keys("le thi huong")
    console.wait_text("Lê Thị Hương Giang", '[data-testid="member-results"]')
    console.shot("03-search-without-diacritics-phone", PHONE)

    # --- import a small file and watch it finish ---
    console.go("/imports")
    upload = tmp_path / "hoi-vien.csv"
    upload.write_text(import_file(), encoding="utf-8")
    console.one('input[type="file"]').send_keys(str(upload))
    console.click("main form button[type=submit]")
    console.wait_text("Hoàn tất", '[data-testid="import-job"]')
    counts = console.one('[data-testid="import-counts"]').text
    assert counts == "Nhận 2 dòng, lỗi 1 dòng."
    assert console.one('[data-testid="import-job"] progress').get_attribute("value") == "3"
    console.shot("04-import-finished")
    console.click('[data-testid="import-job"] button', "Tải báo cáo lỗi")
    report = console.until(lambda: next(iter(console.downloads.glob("import-*-errors.csv")), None), "the error report")
    assert "001190000103" not in report.read_text(encoding="utf-8-sig")  # reported by row, never by full CCCD
    assert "cccd_gender_mismatch" in report.read_text(encoding="utf-8-sig")

    # --- record a donation; the token goes bad meanwhile: sign in again, the form is not lost ---
    fund_id = day["fund"]["id"]
    console.go(f"/funds/{fund_id}")
    donation = '[data-testid="donation-form"]'
    console.fill(donation, "donor_name", "Công ty Sách Việt")
    console.fill(donation, "donor_kind", "ORGANISATION")
    console.fill(donation, "amount_vnd", "5000000")
    console.driver.execute_script(
        "const s = JSON.parse(sessionStorage.getItem('khuyenhoc.session')); s.token = 'expired.token.value';"
        "sessionStorage.setItem('khuyenhoc.session', JSON.stringify(s))")
    console.click(f"{donation} button[type=submit]")
    console.one("dialog[open] input[type=password]").send_keys(console.password)
    console.click("dialog[open] button[type=submit]")
    console.wait_text("5.000.000 ₫", '[data-testid="fund-cash"]')
    assert console.css("dialog[open]") == []
    assert "Công ty Sách Việt" in console.one('[data-testid="donations"]').text

    # --- propose a scholarship: it waits for a second officer ---
    proposal = '[data-testid="propose-form"]'
    console.fill(proposal, "beneficiary_name", "Trần Minh Khoa")
    console.fill(proposal, "amount_vnd", "1500000")
    console.fill(proposal, "decision_reference", "15/QĐ-KH")
    console.click(f"{proposal} button[type=submit]")
    console.wait_text("một cán bộ khác phải duyệt", '[data-testid="disbursements"]')
    assert not [b for b in console.css('[data-testid="disbursement"] button') if b.text == "Duyệt"]
    console.shot("05-fund-donation-and-proposal")

    # --- the year's campaign, and a learning citizen from registration to recognition ---
    console.go("/evaluations")
    console.click('[data-testid="campaign"] button', f"Mở đợt đánh giá năm {year}")
    console.wait_text("Nộp hồ sơ trước", '[data-testid="campaign"]')
    console.driver.get(member_url)
    console.click("main a", "Đăng ký danh hiệu Công dân học tập")
    console.wait_text("Lê Thị Hương Giang", '[data-testid="chosen-member"]')
    console.fill("main form", "form_code", "RESIDENT")

    def registered():  # the evaluations service learns of the member from her event: until then, 404
        if console.css('[data-testid="self-assessment"]'):
            return True
        buttons = console.css("main form button[type=submit]")
        if buttons and buttons[0].is_enabled():
            buttons[0].click()
        time.sleep(0.3)
        return bool(console.css('[data-testid="self-assessment"]'))

    console.until(registered, "the registration accepted")
    for field in console.css('[data-testid="self-assessment"] input[type="number"]'):
        field.send_keys("9")
    console.wait_text("90", '[data-testid="self-total"]')
    console.shot("06-self-assessment-phone", PHONE)
    console.click('[data-testid="self-assessment"] button[type=submit]')
    console.click('[data-testid="review"] button[type=submit]')
    console.fill('[data-testid="decision"]', "decision_reference", "21/QĐ-KH")
    console.click('[data-testid="decision"] button[type=submit]')
    console.wait_text("Được công nhận", '[data-testid="evaluation-facts"]')
    console.driver.get(member_url)

    def title_listed():
        if "Công dân học tập" in console.one('[data-testid="member-titles"]').text:
            return True
        console.driver.refresh()
        return False

    console.until(title_listed, "the title on the member's record")

    # --- the dashboard of the commune, then in English ---
    console.go("/dashboard")
    console.wait_text("5.000.000 ₫", '[data-testid="funds-receipts"]')
    console.wait_text("đăng ký 1, công nhận 1", '[data-testid="title-CONG_DAN_HOC_TAP"]')
    assert console.one('[data-testid="members-joined"]').text == "3"
    assert console.one('[data-testid="members-active"]').text == "3"
    console.until(lambda: not console.css('[aria-busy="true"]'), "every card loaded")
    console.shot("07-dashboard")
    console.shot("08-dashboard-phone", PHONE)
    console.click(".topbar button", "English")
    console.wait_text("Dashboard — ", "main h1")
    console.wait_text("1 registered, 1 recognised", '[data-testid="title-CONG_DAN_HOC_TAP"]')
    assert console.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    console.click(".topbar button", "Tiếng Việt")
    console.wait_text("Tổng quan — ", "main h1")
    console.sign_out()

    # --- the chair, a second officer, approves and pays the scholarship ---
    console.sign_in(day["chair"])
    console.go(f"/funds/{fund_id}")
    console.click('[data-testid="disbursement"] button', "Duyệt")
    console.wait_text("Đã duyệt", '[data-testid="disbursement"]')
    console.click('[data-testid="disbursement"] button', "Xác nhận đã chi")
    console.wait_text("Đã chi", '[data-testid="disbursement"] .status')
    console.wait_text("3.500.000 ₫", '[data-testid="fund-cash"]')
    console.shot("09-approved-and-paid-by-a-second-officer")
    console.go("/funds/disclosure")
    console.wait_text("Trần Minh Khoa", '[data-testid="disclosure"]')
    assert console.script_errors() == []


def test_a_member_of_another_commune_cannot_be_opened(console, day):
    console.sign_in(day["commune"])
    console.go(f"/members/{day['other_member']['id']}")
    not_found = console.one('[data-testid="not-found"]')
    assert "Không tìm thấy" in not_found.text
    assert "Đỗ Minh Châu" not in console.text() and day["other_member"]["card_number"] not in console.text()
    console.shot("10-other-commune-not-found-phone", PHONE)
    console.go("/members")
    console.one('input[type="search"]').send_keys("do minh chau")
    console.wait_text("Không có hội viên nào khớp", '[data-testid="member-results"]')
