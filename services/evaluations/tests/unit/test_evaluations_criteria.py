"""The shipped criteria sets load and keep the statuses of their sources; a bad file stops the load with a
message naming the file and the field."""

import copy

import pytest
import yaml

from evaluations import criteria_sets
from evaluations.criteria_sets import CriteriaFileInvalid

SHIPPED = criteria_sets.shipped()


def test_every_title_has_a_shipped_set_and_communes_have_their_own():
    titles = {s.title_type for s in SHIPPED.values()}
    assert titles == {"CONG_DAN_HOC_TAP", "GIA_DINH_HOC_TAP", "DONG_HO_HOC_TAP", "CONG_DONG_HOC_TAP",
                      "DON_VI_HOC_TAP"}
    assert "COMMUNE" in SHIPPED["CONGDONG-XA-TT25-2023"].subject_kinds


def test_the_citizen_set_is_three_competencies_of_4_4_2_indicators_on_100_points_with_its_statuses():
    cdht = SHIPPED["CDHT-QD324-2023"]
    per_criterion = [len(c["indicators"]) for c in cdht.document["criteria"]]
    assert per_criterion == [4, 4, 2] and sum(i.max_points for i in cdht.indicators) == cdht.scale_max == 100
    assert {(i.status, i.configurable) for i in cdht.indicators} == {("inferred", True)}
    rule = cdht.pass_rule
    assert (rule["min_total"], rule["min_each_indicator"], rule["status"], rule["configurable"]) == (
        80, 5, "secondary", True)
    assert cdht.forms == ("RESIDENT", "WORKER", "STAFF_ENTREPRENEUR", "STUDENT")


def test_the_family_set_scores_only_the_indicators_whose_points_were_read():
    gdht = SHIPPED["GDHT-QD448-2016"]
    assert [i.code for i in gdht.scored] == ["GD1.1", "GD1.2", "GD1.3", "GD2.1"]
    assert [c["max_points"] for c in gdht.document["criteria"]] == [30, 30, None, None]
    assert (gdht.pass_rule["method"], gdht.pass_rule["status"], gdht.pass_rule["configurable"]) == (
        "manual", "not_found", True)


def test_the_unit_set_of_circular_22_is_complete_and_verified():
    tt22 = SHIPPED["DVHT-TT22-2020"]
    assert [c["max_points"] for c in tt22.document["criteria"]] == [30, 30, 40]
    assert {i.status for i in tt22.indicators} == {"verified"} and tt22.pass_rule["recognised_classes"] is None


def write(tmp_path, document, name="BAD.yml"):
    (tmp_path / name).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return tmp_path


def tt22_document():
    return copy.deepcopy(SHIPPED["DVHT-TT22-2020"].document)


def test_a_copy_of_a_shipped_file_loads(tmp_path):
    assert list(criteria_sets.load_dir(write(tmp_path, tt22_document(), "OK.yml"))) == ["DVHT-TT22-2020"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"][0]["indicators"][0].update(max_points=20), "criteria.0.max_points"),
        (lambda d: d.update(scale_max=90), "scale_max"),
        (lambda d: d.update(title_type="HOC_SINH_GIOI"), "title_type"),
        (lambda d: d["criteria"][1]["indicators"][0].update(code="DV1.1"), "indicator codes repeat"),
        (lambda d: d.update(pass_rule={"method": "threshold", "min_total": 120, "status": "verified"}),
         "pass_rule.min_total"),
        (lambda d: d["criteria"][0]["indicators"][0].update(status="probably"), "status"),
        (lambda d: d.pop("pass_rule"), "pass_rule"),
    ],
    ids=["indicator-above-criterion", "scale-below-points", "unknown-title", "repeated-code",
         "threshold-above-scale", "unknown-status", "no-pass-rule"],
)
def test_a_bad_file_fails_the_load_naming_the_file_and_the_field(tmp_path, change, message):
    document = tt22_document()
    change(document)
    with pytest.raises(CriteriaFileInvalid) as error:
        criteria_sets.load_dir(write(tmp_path, document))
    assert "BAD.yml" in str(error.value) and message in str(error.value)


def test_a_threshold_rule_over_an_unscored_indicator_is_refused(tmp_path):
    document = copy.deepcopy(SHIPPED["GDHT-QD448-2016"].document)
    document["pass_rule"] = {"method": "threshold", "min_total": 30, "status": "inferred"}
    with pytest.raises(CriteriaFileInvalid, match="threshold needs points on every indicator"):
        criteria_sets.load_dir(write(tmp_path, document))


def test_two_files_with_one_id_and_an_empty_folder_are_refused(tmp_path):
    with pytest.raises(CriteriaFileInvalid, match="no criteria files"):
        criteria_sets.load_dir(tmp_path)
    write(tmp_path, tt22_document(), "A.yml")
    write(tmp_path, tt22_document(), "B.yml")
    with pytest.raises(CriteriaFileInvalid, match=r"B\.yml: set DVHT-TT22-2020 is defined twice"):
        criteria_sets.load_dir(tmp_path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    (tmp_path / "BROKEN.yml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(CriteriaFileInvalid, match=r"BROKEN\.yml: not YAML"):
        criteria_sets.load_dir(tmp_path)
