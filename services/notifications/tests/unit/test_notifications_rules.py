"""Rules and templates: Vietnamese with diacritics, English fallback, checked at start-up."""

import shutil

import pytest

from notifications import rules
from notifications.testing import officer

CONTEXT = {
    "recipient": {"full_name": "Lê Thị Hương Giang"},
    "unit": {"code": "00070", "name": "Phường Hoàn Kiếm"},
    "payload": {"join_date": "2026-03-01", "member_id": "m1"},
}


@pytest.fixture
def own_copy(tmp_path):
    shutil.copy(rules.DEFAULT_RULES, tmp_path / "rules.yml")
    shutil.copytree(rules.DEFAULT_TEMPLATES, tmp_path / "templates")
    return tmp_path


def test_every_rule_of_the_service_loads_and_renders_its_sample():
    book = rules.load_rulebook()
    assert {r.event for r in book.rules} == {
        "member_registered",
        "evaluation_completed",
        "donation_received",
        "disbursement_requested",
        "disbursement_approved",
        "disbursement_paid",
        "fund_transfer_completed",
        "units_merged",
        "unit_split",
    }


def test_a_welcome_email_is_in_vietnamese_with_diacritics():
    subject, body = rules.load_rulebook().render("member_welcome", "EMAIL", CONTEXT)
    assert subject == "Chào mừng Lê Thị Hương Giang gia nhập Hội Khuyến học"
    assert "trở thành hội viên từ ngày 01/03/2026" in body


def test_english_is_used_when_asked_and_when_a_vietnamese_part_is_missing(own_copy):
    text = (own_copy / "templates" / "member_welcome.yml").read_text()
    (own_copy / "templates" / "member_welcome.yml").write_text(text.replace('  sms: "Hội', '  x_sms: "Hội', 1))
    book = rules.load_rulebook(own_copy / "rules.yml", own_copy / "templates")
    assert book.render("member_welcome", "SMS", CONTEXT)[1].startswith("The Association for Encouraging Learning")
    assert book.render("member_welcome", "EMAIL", CONTEXT, "en")[0].startswith("Welcome")


def test_amounts_and_dates_are_written_the_vietnamese_way():
    assert rules.vnd(5_000_000) == "5.000.000 đồng" and rules.vndate("2027-01-15") == "15/01/2027"


@pytest.mark.parametrize(
    "breakage, message",
    [
        (("{{ recipient.full_name }}", "{{ recipient.full_name"), "member_welcome.yml: vi.subject, line 1"),
        (("{{ recipient.full_name }}", "{{ recipient.nickname }}"), "does not render its sample"),
    ],
)
def test_a_bad_template_stops_the_start_with_the_file_and_the_problem(own_copy, breakage, message):
    path = own_copy / "templates" / "member_welcome.yml"
    path.write_text(path.read_text().replace(*breakage, 1))
    with pytest.raises(rules.RulesInvalid, match=message.replace(".", r"\.")):
        rules.load_rulebook(own_copy / "rules.yml", own_copy / "templates")


@pytest.mark.parametrize(
    "breakage, message",
    [
        (("event: member_registered", "event: member_deleted"), "not subscribed to members.member_deleted"),
        (("channels: [EMAIL, SMS]", "channels: [EMAIL, IN_APP]"), "cannot be reached on \\['IN_APP'\\]"),
        (("template: member_welcome", "template: no_such_template"), "no_such_template.yml: no such file"),
    ],
)
def test_a_rule_that_cannot_work_stops_the_start(own_copy, breakage, message):
    path = own_copy / "rules.yml"
    path.write_text(path.read_text().replace(*breakage, 1))
    with pytest.raises(rules.RulesInvalid, match=message):
        rules.load_rulebook(path, own_copy / "templates")


def test_the_officers_of_the_unit_and_of_its_commune_are_addressed():
    officers = [
        officer("g", "00070-G0001", "GRASSROOTS", 0),
        officer("c", "00070", "COMMUNE", 1),
        officer("p", "01", "PROVINCE", 2),
    ]
    on_commune = [
        officer("c", "00070", "COMMUNE", 0),
        officer("p", "01", "PROVINCE", 1),
        officer("v", "VN", "CENTRAL", 2),
    ]
    recipient = {"kind": "unit_officers", "max_distance": 1, "levels": ["COMMUNE"]}
    assert [o["officer_id"] for o in rules.officers_for(recipient, officers)] == ["g", "c"]
    assert [o["officer_id"] for o in rules.officers_for(recipient, on_commune)] == ["c", "p"]
