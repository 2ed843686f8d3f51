"""The Vietnamese words and number formats both exports use (the console has its own, in ``i18n.js``)."""

from datetime import date, datetime

from contracts.reports import ACTIVITY_KIND_NAMES_VI, ACTIVITY_KINDS

TITLE = "BÁO CÁO SƠ KẾT CÔNG TÁC KHUYẾN HỌC"
LEVELS = {"CENTRAL": "Trung ương", "PROVINCE": "Tỉnh, thành phố", "DISTRICT": "Quận, huyện",
          "COMMUNE": "Xã, phường", "GRASSROOTS": "Chi hội, ban khuyến học"}  # fmt: skip
TITLE_TYPES = {
    "CONG_DAN_HOC_TAP": "Công dân học tập",
    "GIA_DINH_HOC_TAP": "Gia đình học tập",
    "DONG_HO_HOC_TAP": "Dòng họ học tập",
    "CONG_DONG_HOC_TAP": "Cộng đồng học tập",
    "DON_VI_HOC_TAP": "Đơn vị học tập",
}
CHANNELS = {"CASH": "Tiền mặt", "BANK_TRANSFER": "Chuyển khoản", "IN_KIND": "Hiện vật (quy đổi)"}
SPENT_KINDS = {"HOC_BONG": "Học bổng", "KHEN_THUONG": "Khen thưởng", "HO_TRO": "Hỗ trợ",
               "SCHOLARSHIP": "Học bổng", "REWARD": "Khen thưởng", "SUPPORT": "Hỗ trợ"}  # fmt: skip
MEMBER_ROWS = (
    ("at_start", "Hội viên đầu kỳ"),
    ("at_end", "Hội viên cuối kỳ"),
    ("joined", "Hội viên mới trong kỳ"),
    ("left", "Ra khỏi hội trong kỳ"),
    ("party_members", "Là đảng viên (cuối kỳ)"),
)


def activity_kind(kind):
    return ACTIVITY_KIND_NAMES_VI.get(kind, kind)


def title_type(code):
    return TITLE_TYPES.get(code, code)


def channel(code):
    return CHANNELS.get(code, code)


def spent_kind(code):
    return SPENT_KINDS.get(code, code)


def level(code):
    return LEVELS.get(code, code)


def day(value):
    """``2025-06-30`` (or a date) as 30/06/2025."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def moment(value):
    """A timestamp as Vietnamese date and time (UTC+7)."""
    from datetime import timedelta, timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(timezone(timedelta(hours=7)))
    return value.strftime("%H:%M %d/%m/%Y")


def number(value):
    """1234567 as 1.234.567 (the Vietnamese thousands separator); None as a dash."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def money(value):
    return "—" if value is None else f"{number(value)} đ"


def percent(value):
    """12.345 as 12,3 %; None as a dash."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + " %"


def activities_by_kind(rows):
    """``{kind: row}`` with every kind present (zeros for a kind the part left out)."""
    found = {row["kind"]: row for row in rows or ()}
    zero = {"records": 0, "sessions": 0, "participants": 0}
    return {kind: {"kind": kind, **zero, **found.get(kind, {})} for kind in ACTIVITY_KINDS}


def period(report):
    return f"Từ ngày {day(report['from'])} đến ngày {day(report['to'])}"


def filename(report, extension):
    """``bao-cao-so-ket-<unit>-<from>-<to>.<extension>``: ASCII only, safe in any header."""
    code = "".join(c for c in report["unit"]["code"] if c.isascii() and (c.isalnum() or c in "-_")) or "unit"
    return f"bao-cao-so-ket-{code}-{report['from']}-{report['to']}.{extension}"
