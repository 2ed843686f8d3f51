"""The configuration of the titles' rules, read and checked once at start (a bad value stops the service).

Everything DOMAIN.md calls configuration is here, with its defaults:

- ``CRITERIA_DIR``: the folder of criteria set files (default: the ones shipped in ``evaluations/criteria``);
- ``EVALUATIONS_DEFAULT_SETS``: the set a new campaign pins per slot when the officer names none;
- ``EVALUATIONS_CALENDAR``: the deadlines as month-day (``domain.DEFAULT_CALENDAR``);
- ``EVALUATIONS_RECOGNISING_LEVEL``: the lowest org level whose officers review and decide, per slot (who
  recognises changed with the 2025 reform and was never read for individuals, families and clans);
- ``UNIT_CDHT_MIN_PERCENT``: the share of a unit's members who must hold Công dân học tập that year for
  its Đơn vị học tập (Circular 24/2023: 90);
- the targets of Decisions 387 and 677 (``evaluations/targets.yml``).
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from nameko.extensions import DependencyProvider

from contracts.evaluations import SLOTS
from evaluations import criteria_sets, domain
from evaluations.criteria_sets import CriteriaFileInvalid

TARGETS_FILE = Path(__file__).resolve().parent / "targets.yml"

DEFAULT_SETS = {
    "CONG_DAN_HOC_TAP": "CDHT-QD324-2023",
    "GIA_DINH_HOC_TAP": "GDHT-QD448-2016",
    "DONG_HO_HOC_TAP": "DHHT-2022",
    "CONG_DONG_HOC_TAP": "CONGDONG-THON-2021-2030",
    "CONG_DONG_HOC_TAP_XA": "CONGDONG-XA-TT25-2023",
    "DON_VI_HOC_TAP": "DVHT-TT24-2023-HUYEN",
}
DEFAULT_RECOGNISING_LEVEL = {
    "CONG_DAN_HOC_TAP": "COMMUNE",
    "GIA_DINH_HOC_TAP": "COMMUNE",
    "DONG_HO_HOC_TAP": "COMMUNE",
    "CONG_DONG_HOC_TAP": "COMMUNE",
    "CONG_DONG_HOC_TAP_XA": "PROVINCE",
    "DON_VI_HOC_TAP": "COMMUNE",
}
DEFAULT_UNIT_CDHT_MIN_PERCENT = 90


@dataclass(frozen=True)
class Policy:
    criteria: dict  # set id -> CriteriaSet
    default_sets: dict  # slot -> set id
    calendar: dict
    recognising_level: dict  # slot -> level
    unit_cdht_min_percent: int
    targets: dict  # title type -> [target]

    def check_pins(self, pins, field="criteria_sets"):
        """Problems of a slot -> set id mapping: unknown sets, or sets of another title or subject."""
        from contracts.evaluations import SUBJECTS_OF_TITLE, slot_of

        problems = {}
        for slot, set_id in pins.items():
            criteria_set = self.criteria.get(set_id)
            title = "CONG_DONG_HOC_TAP" if slot == "CONG_DONG_HOC_TAP_XA" else slot
            kinds = [k for k in SUBJECTS_OF_TITLE[title] if slot_of(title, k) == slot]
            if criteria_set is None:
                problems[f"{field}.{slot}"] = "unknown_criteria_set"
            elif criteria_set.title_type != title or not set(kinds) & set(criteria_set.subject_kinds):
                problems[f"{field}.{slot}"] = "criteria_set_of_another_title"
        return problems


def build(config=None):
    """The policy from a nameko config (or a dict of the same keys); ``CriteriaFileInvalid`` if unusable."""
    config = config or {}
    folder = config.get("CRITERIA_DIR") or criteria_sets.CRITERIA_DIR
    sets = criteria_sets.shipped() if Path(folder) == criteria_sets.CRITERIA_DIR else criteria_sets.load_dir(folder)
    calendar = {**domain.DEFAULT_CALENDAR, **(config.get("EVALUATIONS_CALENDAR") or {})}
    try:
        domain.default_deadlines(2000, calendar)
    except (ValueError, KeyError) as error:
        raise CriteriaFileInvalid(f"EVALUATIONS_CALENDAR: {error} (month-day, e.g. 01-15)") from None
    levels = {**DEFAULT_RECOGNISING_LEVEL, **(config.get("EVALUATIONS_RECOGNISING_LEVEL") or {})}
    unknown_levels = {slot: level for slot, level in levels.items() if level not in domain.LEVEL_RANK}
    if unknown_levels or set(levels) - set(SLOTS):
        raise CriteriaFileInvalid(f"EVALUATIONS_RECOGNISING_LEVEL: unknown slot or level in {levels}")
    percent = int(config.get("UNIT_CDHT_MIN_PERCENT", DEFAULT_UNIT_CDHT_MIN_PERCENT))
    if not 0 < percent <= 100:
        raise CriteriaFileInvalid(f"UNIT_CDHT_MIN_PERCENT: {percent} is not a percentage")
    targets = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))["targets"]
    policy = Policy(sets, {**DEFAULT_SETS, **(config.get("EVALUATIONS_DEFAULT_SETS") or {})}, calendar, levels,
                    percent, targets)
    problems = policy.check_pins(policy.default_sets, "EVALUATIONS_DEFAULT_SETS")
    if problems or set(policy.default_sets) != set(SLOTS):
        raise CriteriaFileInvalid(f"EVALUATIONS_DEFAULT_SETS: {problems or 'every slot needs a set'}")
    return policy


class PolicyProvider(DependencyProvider):
    """``policy = PolicyProvider()``: built in ``setup()``, so a bad criteria file or setting stops start-up."""

    def setup(self):
        self.policy = build(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.policy
