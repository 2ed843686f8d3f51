"""What a reorganisation's operations would do, worked out before anything is written.

A plan is checked and computed as a whole (``plan_operations``): the units named, the actor's scope, the
rules of each operation and of the operations together. Problems are gathered into one ``ValidationFailed``
whose field names carry the operation's index (``operations.0.merged_codes``); a unit that does not exist
or lies outside the actor's subtree is ``UnitNotFound`` (404) at once. The same plan serves the dry run,
which returns it, and the real run, which carries it out (``usecases/reorganisation.py``).
"""

from dataclasses import dataclass, field
from datetime import date

from contracts.errors import PermissionDenied, UnitNotFound, ValidationFailed, field_error
from members import domain, repository
from members.models import Reorganisation
from members.usecases import common
from members.usecases import reorganisation_moves as moves

MESSAGES = {
    "central_unit": (
        "Không thể sáp nhập hay chia tách Trung ương Hội.",
        "The central association cannot be reorganised.",
    ),
    "unit_closed": ("Đơn vị này đã đóng (giải thể hoặc sáp nhập).", "This unit is closed (dissolved or merged)."),
    "level_mismatch": ("Các đơn vị phải cùng cấp.", "The units must be of the same level."),
    "effective_before_unit": (
        "Ngày hiệu lực trước ngày thành lập của đơn vị.",
        "The effective date is before the unit was created.",
    ),
    "nothing_to_merge": (
        "Không có đơn vị nào để sáp nhập vào đơn vị tiếp nhận.",
        "No unit to merge into the surviving unit.",
    ),
    "target_is_source": (
        "Đơn vị được chia tách không thể là đơn vị nhận.",
        "The unit split cannot be one of its targets.",
    ),
    "duplicate_target": ("Hai đơn vị nhận trùng nhau.", "Two targets are the same unit."),
    "code_required": (
        "Đơn vị mới cấp tỉnh, xã cần mã chính thức.",
        "A new province or commune needs its official code.",
    ),
    "invalid_code": ("Mã không đúng dạng của cấp đơn vị.", "The code does not have the shape of the unit's level."),
    "level_not_in_force": ("Cấp huyện không còn: không tạo đơn vị mới.", "Districts are no more: no new unit there."),
    "name_required": ("Đơn vị mới cần có tên.", "A new unit needs a name."),
    "invalid_kind": ("Loại đơn vị cơ sở không hợp lệ.", "Not a kind of grassroots unit."),
    "unknown_assignment": (
        "Không phải hội viên hay đơn vị trực thuộc của đơn vị được chia tách.",
        "Neither a member nor a sub-unit of the unit split.",
    ),
    "default_target_required": (
        "Còn hội viên hoặc đơn vị trực thuộc chưa được phân: hãy chọn đơn vị nhận mặc định.",
        "Some members or sub-units are not assigned: name a default target.",
    ),
    "successor_required": (
        "Hãy chọn đơn vị nhận quỹ và hồ sơ của đơn vị được chia tách.",
        "Name the target that receives the funds and records of the unit split.",
    ),
    "unit_in_two_operations": (
        "Một đơn vị chỉ được nêu trong một thao tác của phương án.",
        "A unit may appear in only one operation of a plan.",
    ),
}


@dataclass
class Target:
    """Where members and units go: an existing unit, or one the operation creates (``new``)."""

    key: str
    code: str
    path: str
    parent_code: str | None
    level: str
    kind: str | None
    name: str
    valid_from: date
    new: bool = False
    term: str | None = None

    @classmethod
    def of(cls, unit, key=None):
        return cls(
            key or unit.code, unit.code, unit.path, unit.parent_code, unit.level, unit.kind, unit.name, unit.valid_from
        )

    def event_view(self):
        return {
            "unit_code": self.code,
            "unit_path": self.path,
            "parent_code": self.parent_code,
            "level": self.level,
            "kind": self.kind,
            "name": self.name,
            "valid_from": self.valid_from,
        }


@dataclass
class MemberMove:
    """Members of ``from_unit`` going to ``target``: those of ``member_ids`` (None: every one), or with
    ``every``, all still in the unit when it runs (one statement, the ids kept for the event)."""

    from_unit: object  # a Unit
    target: Target
    member_ids: list | None
    count: int
    every: bool = False


@dataclass
class OperationPlan:
    index: int
    kind: str
    id: object  # uuid.UUID
    unit: object  # the survivor of a merge, the source of a split (a Unit)
    applied: dict | None = None  # the summary of the run that applied it already
    closed: list = field(default_factory=list)  # Units closed
    merged: list = field(default_factory=list)  # Units merged (MERGE)
    targets: list = field(default_factory=list)  # Target
    successor: Target | None = None
    member_moves: list = field(default_factory=list)  # MemberMove, in the order they run
    subtree_moves: list = field(default_factory=list)  # (old path prefix, new path prefix)
    moved_units: list = field(default_factory=list)  # as the events' moved_units
    officers: int = 0
    clients: int = 0
    keep_source: bool = False
    named: set = field(default_factory=set)  # every unit code the operation names or creates
    roots: list = field(default_factory=list)  # paths of the units whose subtree moves

    @property
    def created(self):
        return [t for t in self.targets if t.new]

    def members_by_target(self):
        counts = {t.code: 0 for t in self.targets}
        for move in self.member_moves:
            counts[move.target.code] = counts.get(move.target.code, 0) + move.count
        return counts

    def summary(self):
        return {
            "reorganisation_id": str(self.id),
            "kind": self.kind,
            "already_applied": False,
            "survivor_code": self.unit.code if self.kind == "MERGE" else None,
            "source_code": self.unit.code if self.kind == "SPLIT" else None,
            "closed_units": [u.code for u in self.closed],
            "created_units": [t.code for t in self.created],
            "moved_units": len(self.moved_units),
            "moved_members": sum(move.count for move in self.member_moves),
            "moved_officers": self.officers,
            "moved_clients": self.clients,
            "members_by_target": self.members_by_target(),
        }


class Context:
    """What every operation's plan reads: the session, the actor's scope, the date, the problems found."""

    def __init__(self, session, actor, effective_on, lock):
        self.session, self.actor, self.effective_on, self.lock = session, actor, effective_on, lock
        self.scope = common.scope_path(session, actor)
        self.problems = {}
        self.issued = {}  # parent code -> grassroots codes this plan issues under it

    def units(self, codes, required=()):
        """The units of ``codes`` that exist (locked when the plan is carried out). Those of ``required``
        must exist and lie in the actor's subtree (else ``UnitNotFound``), as must every one found."""
        codes = [c for c in codes if c]
        lookup = moves.units_for_update if self.lock else repository.units_by_code
        found = lookup(self.session, codes) if codes else {}
        for code in [*required, *found]:
            unit = found.get(code)
            if unit is None or not domain.is_in_subtree(unit.path, self.scope):
                raise UnitNotFound(details={"unit_code": code})
        return found

    def applied(self, operation_id):
        """The result of an operation applied before: the same operation, nothing moved this time."""
        record = self.session.get(Reorganisation, operation_id)
        if record is None:
            return None
        summary = record.summary
        return {
            **summary,
            "already_applied": True,
            **dict.fromkeys(("moved_units", "moved_members", "moved_officers", "moved_clients"), 0),
            "members_by_target": dict.fromkeys(summary["members_by_target"], 0),
        }

    def problem(self, index, name, code, unit_code=None):
        message_vi, message_en = MESSAGES[code]
        if unit_code:
            message_vi, message_en = f"{message_vi} ({unit_code})", f"{message_en} ({unit_code})"
        key = f"operations.{index}.{name}" if name else f"operations.{index}"
        self.problems.setdefault(key, []).append(field_error(code, message_vi, message_en))

    def has_problems(self, index):
        prefix = f"operations.{index}"
        return any(key == prefix or key.startswith(prefix + ".") for key in self.problems)

    def check_open(self, index, name, unit):
        """The common rules of every unit an operation names: not the centre, open, existing by then."""
        if unit.level == domain.Level.CENTRAL:
            self.problem(index, name, "central_unit", unit.code)
        elif unit.valid_to is not None:
            self.problem(index, name, "unit_closed", unit.code)
        elif unit.valid_from > self.effective_on:
            self.problem(index, name, "effective_before_unit", unit.code)


def plan_operations(session, actor, plan, lock):
    """The plan of every operation, or ``ValidationFailed`` with every problem found."""
    from members.usecases.reorganisation_merge import plan_merge
    from members.usecases.reorganisation_split import plan_split

    if not domain.can_manage_officers(actor["role"]):
        raise PermissionDenied()
    effective_on = common.not_in_future(plan.get("effective_on"), "effective_on")
    context = Context(session, actor, effective_on, lock)
    plans = []
    for index, operation in enumerate(plan["operations"]):
        planner = plan_merge if operation["kind"] == "MERGE" else plan_split
        plans.append(planner(context, index, operation))
    _check_independent(context, [p for p in plans if p is not None and p.applied is None])
    if context.problems:
        raise ValidationFailed.from_fields(context.problems)
    return effective_on, plans


def _check_independent(context, plans):
    """No unit in two operations, nor inside a subtree another operation moves: each operation's plan is
    computed on the tree as it stands before all of them."""
    for plan in plans:
        for other in plans:
            if other is plan:
                continue
            named_paths = [u.path for u in (plan.unit, *plan.merged)] + [t.path for t in plan.targets]
            if plan.named & other.named or any(p.startswith(root) for p in named_paths for root in other.roots):
                context.problem(plan.index, None, "unit_in_two_operations")
                break
