"""Reading the criteria sets the service loaded at start."""

from contracts.evaluations import CriteriaSetNotFound


def list_criteria_sets(policy):
    return {
        "items": [
            {
                "id": s.id,
                "version": s.version,
                "title_type": s.title_type,
                "subject_kinds": list(s.subject_kinds),
                "name_vi": s.document["name_vi"],
                "status": s.document["status"],
                "scoring": s.scoring,
                "pass_method": s.pass_rule["method"],
            }
            for s in sorted(policy.criteria.values(), key=lambda s: (s.title_type, s.id))
        ]
    }


def get_criteria_set(policy, set_id):
    criteria_set = policy.criteria.get(set_id)
    if criteria_set is None:
        raise CriteriaSetNotFound(details={"criteria_set_id": set_id})
    return criteria_set.document
