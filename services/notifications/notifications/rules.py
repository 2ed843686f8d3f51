"""Rules and templates are data: ``rules.yml`` says which event sends what to whom on which channels,
``templates/<name>.yml`` holds the Jinja2 texts in Vietnamese (``vi``) with an English fallback (``en``).

Everything is loaded and checked once at start-up (``load_rulebook``): every rule names an event the
service is subscribed to (``contracts.topology``), a known recipient kind, channels that kind can be
reached on, and a template that has a text for each channel and renders its own ``sample`` context in
every language without an undefined name (``StrictUndefined``). A mistake stops the service with a
``RulesInvalid`` that names the file and the problem, instead of failing one message at 3 a.m.

Parts of a template: ``subject`` and ``body`` (EMAIL, IN_APP), ``sms`` (SMS). A part missing in the
recipient's language is taken from English.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
import yaml

from contracts import topology

HERE = Path(__file__).resolve().parent
DEFAULT_RULES = HERE / "rules.yml"
DEFAULT_TEMPLATES = HERE / "templates"
CONSUMER = "notifications"
LANGUAGES = ("vi", "en")
FALLBACK = "en"

RECIPIENT_CHANNELS = {
    "member": {"EMAIL", "SMS"},
    "donor": {"EMAIL", "SMS"},
    "unit_officers": {"IN_APP"},
    "disbursement_officers": {"IN_APP"},
}
LOOKUPS = {"evaluation", "disbursement", "donation"}
PARTS = {"EMAIL": ("subject", "body"), "IN_APP": ("subject", "body"), "SMS": ("sms",)}

TITLES_VI = {  # contracts.evaluations.TITLE_TYPES
    "CONG_DAN_HOC_TAP": "Công dân học tập",
    "GIA_DINH_HOC_TAP": "Gia đình học tập",
    "DONG_HO_HOC_TAP": "Dòng họ học tập",
    "CONG_DONG_HOC_TAP": "Cộng đồng học tập",
    "DON_VI_HOC_TAP": "Đơn vị học tập",
}
OUTCOMES_VI = {"RECOGNISED": "được công nhận", "NOT_RECOGNISED": "chưa được công nhận"}
DEADLINES_VI = {"DOSSIER": "nộp hồ sơ", "RECOGNITION": "quyết định công nhận"}


class RulesInvalid(Exception):
    """The rules or templates cannot be used: the message says which file and what is wrong."""


@dataclass(frozen=True)
class Rule:
    name: str
    template: str
    channels: tuple
    recipient: dict
    source: str | None = None
    event: str | None = None
    lookups: tuple = ()
    digest: bool = False
    only_if: str | None = None

    @property
    def fans_out(self):
        """Officers are known only once the members (or funds) service is asked: one row, expanded later."""
        return self.recipient["kind"] in ("unit_officers", "disbursement_officers")


@dataclass
class RuleBook:
    rules: list
    templates: dict  # name -> {lang: {part: jinja2.Template}}
    reminder: Rule
    digest: Rule
    by_event: dict = field(default_factory=dict)

    def __post_init__(self):
        for rule in self.rules:
            self.by_event.setdefault((rule.source, rule.event), []).append(rule)
        self.by_name = {rule.name: rule for rule in [*self.rules, self.reminder, self.digest]}

    def rules_for(self, source, event_type):
        return self.by_event.get((source, event_type), [])

    def render(self, template_name, channel, context, language="vi"):
        """``(subject, body)`` of one message; ``subject`` is None for SMS."""
        texts = self.templates[template_name]
        parts = [_part(texts, part, language).render(context).strip() for part in PARTS[channel]]
        return (None, parts[0]) if channel == "SMS" else (parts[0], parts[1])


def _part(texts, part, language):
    return texts.get(language, {}).get(part) or texts[FALLBACK][part]


# --- filters (Vietnamese formats) ------------------------------------------------------------------------


def vndate(value):
    """``2026-03-01`` -> ``01/03/2026``."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def vnd(amount):
    """``5000000`` -> ``5.000.000 đồng``: dots group thousands in Vietnamese."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def environment():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)  # noqa: S701 (plain-text messages, never HTML)
    env.filters.update(
        vndate=vndate,
        vnd=vnd,
        title_vi=lambda code: TITLES_VI.get(code, code),
        outcome_vi=lambda code: OUTCOMES_VI.get(code, code),
        deadline_vi=lambda code: DEADLINES_VI.get(code, code),
    )
    return env


# --- loading and checking --------------------------------------------------------------------------------


def load_rulebook(rules_path=None, templates_dir=None):
    rules_path = Path(rules_path or DEFAULT_RULES)
    templates_dir = Path(templates_dir or DEFAULT_TEMPLATES)
    data = _yaml(rules_path)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesInvalid(f"{rules_path}: a mapping with a 'rules' list is expected")
    env = environment()
    templates, samples = {}, {}
    rules = [_rule(rules_path, item, event=True) for item in data["rules"]]
    reminder = _rule(rules_path, data.get("reminders"), event=False)
    digest_data = data.get("digest") or {}
    digest = Rule(
        name=digest_data.get("name", "daily_digest"),
        template=digest_data.get("template", "daily_digest"),
        channels=("IN_APP",),
        recipient={"kind": "unit_officers"},
    )
    names = [rule.name for rule in [*rules, reminder, digest]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RulesInvalid(f"{rules_path}: rule names must be unique: {duplicates}")
    for rule in [*rules, reminder, digest]:
        if rule.template not in templates:
            templates[rule.template], samples[rule.template] = _template(env, templates_dir, rule.template)
        _check_renders(templates_dir, rule, templates[rule.template], samples[rule.template])
    return RuleBook(rules=rules, templates=templates, reminder=reminder, digest=digest)


def _yaml(path):
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesInvalid(f"{path}: no such file") from None
    except yaml.YAMLError as error:
        raise RulesInvalid(f"{path}: not valid YAML: {error}") from None


def _rule(path, item, event):
    if not isinstance(item, dict):
        raise RulesInvalid(f"{path}: every rule is a mapping, got {item!r}")
    name = item.get("name")
    where = f"{path}: rule {name!r}"
    missing = [key for key in ("name", "template", "channels", "recipient") if not item.get(key)]
    if event:
        missing += [key for key in ("source", "event") if not item.get(key)]
    if missing:
        raise RulesInvalid(f"{where}: missing {missing}")
    recipient = item["recipient"]
    kind = recipient.get("kind") if isinstance(recipient, dict) else None
    if kind not in RECIPIENT_CHANNELS:
        raise RulesInvalid(f"{where}: recipient kind must be one of {sorted(RECIPIENT_CHANNELS)}, got {kind!r}")
    wrong = set(item["channels"]) - RECIPIENT_CHANNELS[kind]
    if wrong:
        raise RulesInvalid(f"{where}: a {kind} recipient cannot be reached on {sorted(wrong)}")
    unknown = set(item.get("lookups", ())) - LOOKUPS
    if unknown:
        raise RulesInvalid(f"{where}: unknown lookups {sorted(unknown)}")
    if event:
        try:
            topology.subscription(CONSUMER, item["source"], item["event"])
        except LookupError:
            raise RulesInvalid(
                f"{where}: the service is not subscribed to {item['source']}.{item['event']} (contracts/topology.py)"
            ) from None
    return Rule(
        name=name,
        template=item["template"],
        channels=tuple(item["channels"]),
        recipient=dict(recipient),
        source=item.get("source"),
        event=item.get("event"),
        lookups=tuple(item.get("lookups", ())),
        digest=bool(item.get("digest", False)),
        only_if=item.get("only_if"),
    )


def _template(env, templates_dir, name):
    path = templates_dir / f"{name}.yml"
    data = _yaml(path)
    if not isinstance(data, dict) or FALLBACK not in data or "vi" not in data:
        raise RulesInvalid(f"{path}: a template has 'vi' texts and the English fallback 'en'")
    texts = {}
    for language in LANGUAGES:
        texts[language] = {}
        for part, source in (data.get(language) or {}).items():
            try:
                texts[language][part] = env.from_string(str(source))
            except jinja2.TemplateSyntaxError as error:
                raise RulesInvalid(f"{path}: {language}.{part}, line {error.lineno}: {error.message}") from None
    return texts, data.get("sample") or {}


def _check_renders(templates_dir, rule, texts, sample):
    path = templates_dir / f"{rule.template}.yml"
    for channel in rule.channels:
        for part in PARTS[channel]:
            if part not in texts[FALLBACK]:
                raise RulesInvalid(f"{path}: rule {rule.name!r} sends {channel}, which needs an 'en.{part}' text")
            for language in LANGUAGES:
                try:
                    _part(texts, part, language).render(sample)
                except Exception as error:  # an undefined name, a bad filter argument ...
                    raise RulesInvalid(f"{path}: {language}.{part} does not render its sample: {error}") from None


def officers_for(recipient, officers):
    """The officers a ``unit_officers`` rule addresses, from ``members.unit_officers``' answer (nearest
    first): those at most ``max_distance`` units up, or at a unit whose level is in ``levels``."""
    max_distance = recipient.get("max_distance", 0)
    levels = set(recipient.get("levels", ()))
    return [o for o in officers if o["distance"] <= max_distance or o["unit_level"] in levels]
