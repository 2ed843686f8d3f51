"""Yearly campaigns: a unit opens the year's campaign, pinning one criteria set per slot and its deadlines."""

from sqlalchemy.exc import IntegrityError

from contracts.errors import ValidationFailed, field_error
from contracts.evaluations import CampaignAlreadyOpen, CampaignNotFound
from evaluations import domain, repository
from evaluations.models import Campaign
from evaluations.usecases import common

CAMPAIGN_LEVELS = ("CENTRAL", "PROVINCE", "COMMUNE")


def open_campaign(uow, policy, actor, code, command, idempotency_key=None):
    with uow:
        replay = uow.idempotent("open_campaign", actor["officer_id"], idempotency_key, {"unit": code, **command})
        if replay is not None:
            return replay
        common.require_write(actor)
        unit = common.unit_in_scope(uow.session, code, common.scope_path(uow.session, actor))
        if unit.level not in CAMPAIGN_LEVELS:
            raise common.one_field(
                "unit_code", "unit_level_not_allowed",
                "Chỉ cấp Trung ương, tỉnh và xã mở đợt đánh giá.",
                "Campaigns are opened by the centre, a province or a commune.",
            )
        pins = {**policy.default_sets, **command["criteria_sets"]}
        _check_pins(policy, command["criteria_sets"])
        deadlines = _deadlines(policy, command)
        if repository.campaign_of(uow.session, unit.code, command["year"]) is not None:
            raise CampaignAlreadyOpen(details={"unit_code": unit.code, "year": command["year"]})
        campaign = Campaign(unit_code=unit.code, unit_path=unit.path, year=command["year"], criteria_sets=pins,
                            opened_by=actor["username"], opened_at=common.now(), **deadlines)
        repository.add(uow.session, campaign)
        _flush_unless_open(uow.session, unit.code, command["year"])
        result = common.campaign_view(campaign)
        uow.remember(result)
        uow.commit()
    return result


def _check_pins(policy, pins):
    problems = policy.check_pins(pins)
    if problems:
        raise ValidationFailed.from_fields(
            {
                field: [field_error(code, "Bộ tiêu chí không có hoặc không dùng cho danh hiệu này.",
                                    "No such criteria set, or it is not for this title.")]
                for field, code in problems.items()
            }
        )


def _deadlines(policy, command):
    deadlines = domain.default_deadlines(command["year"], policy.calendar)
    deadlines.update({k: v for k, v in (command.get("deadlines") or {}).items() if v is not None})
    if deadlines["dossier_before"] > deadlines["recognition_by"]:
        raise common.one_field(
            "deadlines.recognition_by", "deadlines_reversed",
            "Hạn công nhận không được trước hạn nộp hồ sơ.",
            "The recognition deadline cannot precede the dossier deadline.",
        )
    return deadlines


def _flush_unless_open(session, unit_code, year):
    try:
        session.flush()
    except IntegrityError:
        raise CampaignAlreadyOpen(details={"unit_code": unit_code, "year": year}) from None


def list_campaigns(uow, actor, code, query):
    with uow:
        unit = common.unit_in_scope(uow.session, code, common.scope_path(uow.session, actor))
        campaigns = repository.list_campaigns(uow.session, unit.path, query.get("year"))
        return {"items": [common.campaign_view(c) for c in campaigns]}


def get_campaign(uow, actor, campaign_id):
    with uow:
        scope = common.scope_path(uow.session, actor)
        campaign = repository.get_campaign(uow.session, campaign_id)
        if campaign is None or not campaign.unit_path.startswith(scope):
            raise CampaignNotFound(details={"campaign_id": str(campaign_id)})
        return common.campaign_view(campaign)


def upcoming_deadlines(uow, within_days, on=None):
    """Deadlines of the next ``within_days`` days, per campaign and title (for reminders)."""
    from datetime import timedelta

    first = on or common.today()
    last = first + timedelta(days=within_days)
    items = []
    with uow:
        for campaign in repository.campaigns_with_deadlines_between(uow.session, first, last):
            for slot in campaign.criteria_sets:
                title = "CONG_DONG_HOC_TAP" if slot == "CONG_DONG_HOC_TAP_XA" else slot
                for kind, day in ((("DOSSIER", domain.dossier_deadline(_dates(campaign), slot)),
                                   ("RECOGNITION", campaign.recognition_by))):
                    if first <= day <= last:
                        items.append({"campaign_id": str(campaign.id), "unit_code": campaign.unit_code,
                                      "year": campaign.year, "title_type": title, "deadline": kind,
                                      "date": day.isoformat()})
    unique = {(i["campaign_id"], i["title_type"], i["deadline"], i["date"]): i for i in items}
    return sorted(unique.values(), key=lambda i: (i["date"], i["unit_code"], i["title_type"], i["deadline"]))


def _dates(campaign):
    return {"dossier_before": campaign.dossier_before, "community_dossier_before": campaign.community_dossier_before}
