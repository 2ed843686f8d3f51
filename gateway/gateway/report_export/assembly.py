"""The whole review report from the three services' parts (``contracts.reports``): a pure function.

The members part defines the rows (the children of the unit as the tree stood in the period); the funds
and evaluations parts are matched to them by unit code, and a row another part lacks counts zero there.
"""

ZERO_FUNDS = {"raised": 0, "raised_by_channel": {}, "donations": 0, "spent": 0, "spent_by_kind": {},
              "disbursements": 0, "beneficiaries": 0, "balance_at_end": 0}  # fmt: skip


def zero_titles(titles):
    """The report's titles with nothing registered: what a unit without a row of its own counts."""
    return [{"title_type": t["title_type"], "year": t["year"], "registered": 0, "recognised": 0,
             "percent_of_registered": None, "eligible": None, "percent_of_all": None, "target_percent": None}
            for t in titles]  # fmt: skip


def assemble(members_part, funds_part, evaluations_part, date_from, date_to, generated_at):
    """``ReviewReportSchema`` (wire form: ``from`` and ``to``) from the three parts (wire form too)."""
    funds_by_unit = {row["unit_code"]: row["funds"] for row in funds_part["by_unit"]}
    titles_by_unit = {row["unit_code"]: row["titles"] for row in evaluations_part["by_unit"]}
    titles = evaluations_part["titles"]
    rows = [
        {
            "unit": row["unit"],
            "members": row["members"],
            "activities": row["activities"],
            "funds": funds_by_unit.get(row["unit"]["code"], ZERO_FUNDS),
            "titles": titles_by_unit.get(row["unit"]["code"]) or zero_titles(titles),
        }
        for row in members_part["by_unit"]
    ]
    return {
        "unit": members_part["unit"],
        "from": str(date_from),
        "to": str(date_to),
        "generated_at": generated_at.isoformat(),
        "members": members_part["members"],
        "activities": members_part["activities"],
        "funds": funds_part["funds"],
        "titles": titles,
        "by_unit": rows,
    }
