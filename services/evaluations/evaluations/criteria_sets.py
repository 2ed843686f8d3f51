"""Criteria sets: versioned reference data files (``evaluations/criteria/*.yml``), loaded and checked at start.

Each file is one set: criterion → indicator → maximum points, the pass rule, the forms (Công dân học tập) and
the levels (pass/fail regimes). Every value keeps the status its source gives it (verified, secondary,
partial, inferred, not_found) and ``configurable: true`` where it waits on the official text, so a reader of
the API sees what is known. A set is replaced by dropping a new file (a new id, or the same id with a higher
``version``): campaigns pin the set they opened with, old evaluations keep theirs.

A file that breaks the shape or the arithmetic (an indicator above its criterion, a criterion whose points
do not add up, a pass threshold above the scale, a threshold rule with an unscored indicator) stops the
service at start with ``CriteriaFileInvalid`` naming the file and the field.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from contracts.evaluations import SCORING_MODES, STATUSES_OF_VALUES, SUBJECT_KINDS, TITLE_TYPES

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"
PASS_METHODS = ("threshold", "classification", "all_met", "manual")


class CriteriaFileInvalid(Exception):
    """A criteria file cannot be used; the message names the file and what is wrong."""


# --- the file's shape -----------------------------------------------------------------------------------


class _Strict(Schema):
    class Meta:
        unknown = RAISE


_status = fields.String(required=True, validate=validate.OneOf(STATUSES_OF_VALUES))


class _IndicatorFile(_Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=30))
    text_vi = fields.String(required=True, allow_none=True)
    max_points = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    status = _status
    configurable = fields.Boolean(load_default=False)
    note = fields.String(load_default=None)


class _CriterionFile(_Strict):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    max_points = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    status = _status
    configurable = fields.Boolean(load_default=False)
    note = fields.String(load_default=None)
    indicators = fields.List(fields.Nested(_IndicatorFile), required=True)


class _NamedCode(_Strict):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)


class _ClassFile(_NamedCode):
    min_total = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class _PassRuleFile(_Strict):
    method = fields.String(required=True, validate=validate.OneOf(PASS_METHODS))
    min_total = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0))
    min_each_indicator = fields.Integer(load_default=None, allow_none=True, strict=True)
    classes = fields.List(fields.Nested(_ClassFile), load_default=list)
    recognised_classes = fields.List(fields.String(), load_default=None, allow_none=True)
    recognised_classes_status = fields.String(load_default=None, validate=validate.OneOf(STATUSES_OF_VALUES))
    status = _status
    configurable = fields.Boolean(load_default=False)
    note = fields.String(load_default=None)


class _SetFile(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{2,60}$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title_type = fields.String(required=True, validate=validate.OneOf(TITLE_TYPES))
    subject_kinds = fields.List(fields.String(validate=validate.OneOf(SUBJECT_KINDS)), required=True)
    name_vi = fields.String(required=True)
    legal_source = fields.String(required=True, allow_none=True)
    legal_source_status = _status
    source = fields.String(required=True)
    status = _status
    note = fields.String(load_default=None)
    scoring = fields.String(required=True, validate=validate.OneOf(SCORING_MODES))
    scale_max = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))
    scale_status = fields.String(load_default=None, validate=validate.OneOf(STATUSES_OF_VALUES))
    forms = fields.List(fields.Nested(_NamedCode), load_default=list)
    forms_status = fields.String(load_default=None, validate=validate.OneOf(STATUSES_OF_VALUES))
    levels = fields.List(fields.Nested(_NamedCode), load_default=list)
    levels_status = fields.String(load_default=None, validate=validate.OneOf(STATUSES_OF_VALUES))
    criteria = fields.List(fields.Nested(_CriterionFile), required=True)
    pass_rule = fields.Nested(_PassRuleFile, required=True)

    class Meta:
        unknown = EXCLUDE  # comments-as-keys are not allowed, but YAML anchors may add keys

    @validates_schema
    def _arithmetic(self, data, **kwargs):
        problems = {}
        for name, problem in _arithmetic_problems(data):
            problems.setdefault(name, []).append(problem)
        if problems:
            raise ValidationError(problems)


def _arithmetic_problems(data):
    codes = [i["code"] for c in data["criteria"] for i in c["indicators"]]
    if len(set(codes)) != len(codes):
        yield "criteria", "indicator codes repeat"
    pass_fail = data["scoring"] == "pass_fail"
    for n, criterion in enumerate(data["criteria"]):
        points = [i["max_points"] for i in criterion["indicators"]]
        if pass_fail and any(p is not None for p in points):
            yield f"criteria.{n}", "pass/fail indicators carry no points"
        known = [p for p in points if p is not None]
        limit = criterion["max_points"]
        if limit is not None and sum(known) > limit:
            yield f"criteria.{n}.max_points", f"indicators add up to {sum(known)}, above {limit}"
        if limit is not None and known and len(known) == len(points) and sum(known) != limit:
            yield f"criteria.{n}.max_points", f"indicators add up to {sum(known)}, not {limit}"
    total = sum(p for c in data["criteria"] for p in [i["max_points"] for i in c["indicators"]] if p is not None)
    scale = data.get("scale_max")
    if scale is not None and total > scale:
        yield "scale_max", f"indicators add up to {total}, above the scale of {scale}"
    yield from _pass_rule_problems(data, pass_fail, total, scale)


def _pass_rule_problems(data, pass_fail, total, scale):
    rule = data["pass_rule"]
    method = rule["method"]
    if method == "threshold":
        unscored = [i["code"] for c in data["criteria"] for i in c["indicators"] if i["max_points"] is None]
        if pass_fail or unscored or rule["min_total"] is None:
            yield "pass_rule", "a threshold needs points on every indicator and a min_total"
        elif rule["min_total"] > (scale or total):
            yield "pass_rule.min_total", f"{rule['min_total']} is above the scale"
    if method == "classification" and (pass_fail or not rule["classes"]):
        yield "pass_rule.classes", "a classification needs classes and points"
    if method == "all_met" and not pass_fail:
        yield "pass_rule.method", "all_met is for pass/fail sets"


# --- what the service uses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    criterion: str
    text_vi: str | None
    max_points: int | None  # None: not scored (points unknown); pass/fail sets: answers are 0 or 1
    status: str
    configurable: bool


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    version: int
    title_type: str
    subject_kinds: tuple
    scoring: str
    scale_max: int | None
    pass_rule: dict
    forms: tuple  # codes
    levels: tuple  # codes
    indicators: tuple  # every Indicator, in file order
    document: dict  # the file as loaded, for the API (JSON-ready)

    @property
    def scored(self):
        """The indicators an answer is asked for: every one in pass/fail sets, those with points otherwise."""
        return tuple(i for i in self.indicators if self.scoring == "pass_fail" or i.max_points is not None)

    def maximum(self, indicator):
        return 1 if self.scoring == "pass_fail" else indicator.max_points


def parse(document, name="<data>"):
    """One file's content as a ``CriteriaSet``; ``CriteriaFileInvalid`` naming ``name`` and the fields."""
    try:
        data = _SetFile().load(document if isinstance(document, dict) else {})
    except ValidationError as error:
        raise CriteriaFileInvalid(f"criteria file {name}: {_describe(error.messages)}") from None
    indicators = tuple(
        Indicator(i["code"], c["code"], i["text_vi"], i["max_points"], i["status"], i["configurable"])
        for c in data["criteria"]
        for i in c["indicators"]
    )
    return CriteriaSet(
        id=data["id"],
        version=data["version"],
        title_type=data["title_type"],
        subject_kinds=tuple(data["subject_kinds"]),
        scoring=data["scoring"],
        scale_max=data["scale_max"],
        pass_rule=data["pass_rule"],
        forms=tuple(f["code"] for f in data["forms"]),
        levels=tuple(level["code"] for level in data["levels"]),
        indicators=indicators,
        document=data,
    )


def _describe(messages, prefix=""):
    parts = []
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            parts.append(_describe(value, name))
        else:
            parts.append(f"{name}: {'; '.join(map(str, value)) if isinstance(value, list) else value}")
    return ", ".join(parts)


def load_dir(folder=CRITERIA_DIR):
    """Every ``*.yml`` of ``folder`` as ``{set id: CriteriaSet}``; the first bad file stops the load."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise CriteriaFileInvalid(f"no criteria files (*.yml) in {folder}")
    sets = {}
    for path in files:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise CriteriaFileInvalid(f"criteria file {path.name}: not YAML: {error}") from None
        criteria_set = parse(document, path.name)
        if criteria_set.id in sets:
            raise CriteriaFileInvalid(f"criteria file {path.name}: set {criteria_set.id} is defined twice")
        sets[criteria_set.id] = criteria_set
    return sets


@cache
def shipped():
    """The sets shipped with the service (loaded once per process)."""
    return load_dir(CRITERIA_DIR)
