from datetime import date

import pytest

from members.domain import (
    CCCD_BIRTH_PROVINCES,
    DISTRICT_CLOSED_ON,
    Gender,
    GrassrootsKind,
    Level,
    MemberStatus,
    Role,
    can_manage_officers,
    can_rejoin,
    can_transition,
    can_write,
    card_number,
    cccd_birth_province,
    cccd_century_digit,
    fold_name,
    grassroots_code,
    growth_percent,
    is_allowed_parent,
    is_in_subtree,
    is_minor,
    level_in_force,
    level_of_code,
    mask_cccd,
    mask_phone,
    normalise_phone,
    problems_by_field,
    unit_path,
    validate_cccd,
    validate_member_fields,
)

TODAY = date(2026, 1, 15)
MALE_1985 = "001085012345"  # Hà Nội, 1900s male, 85
FEMALE_2005 = "079305123456"  # TP.HCM, 2000s female, 05


def codes(problems):
    return [problem.code for problem in problems]


def member_problems(**overrides):
    fields = {
        "cccd": MALE_1985,
        "gender": "MALE",
        "birth_year": 1985,
        "birth_date": date(1985, 3, 14),
        "phone": "0912345678",
        "email": "an.nguyen@example.com",
        "full_name": "Nguyễn Văn An",
        "today": TODAY,
    }
    fields.update(overrides)
    return validate_member_fields(**fields)


# --- the organisation tree --------------------------------------------------------------------------


def test_commune_may_sit_under_a_province():
    assert is_allowed_parent(Level.COMMUNE, Level.PROVINCE)


def test_commune_may_sit_under_a_historical_district():
    assert is_allowed_parent(Level.COMMUNE, Level.DISTRICT)


def test_grassroots_unit_may_not_sit_under_a_province():
    assert not is_allowed_parent(Level.GRASSROOTS, Level.PROVINCE)


def test_province_sits_only_under_the_centre():
    assert not is_allowed_parent(Level.PROVINCE, Level.PROVINCE)


def test_district_level_was_in_force_on_its_last_day():
    assert level_in_force(Level.DISTRICT, DISTRICT_CLOSED_ON)


def test_district_level_is_closed_from_1_july_2025():
    assert not level_in_force(Level.DISTRICT, date(2025, 7, 1))


def test_commune_level_is_in_force_after_the_reform():
    assert level_in_force(Level.COMMUNE, TODAY)


def test_grassroots_code_is_the_commune_code_with_a_sequence():
    assert grassroots_code("00070", 1) == "00070-G0001"


def test_grassroots_code_never_has_the_shape_of_an_official_code():
    assert level_of_code(grassroots_code("00070", 12)) == Level.GRASSROOTS


def test_grassroots_code_under_a_province_code_is_refused():
    with pytest.raises(ValueError):
        grassroots_code("01", 1)


@pytest.mark.parametrize(
    ("code", "level"),
    [("VN", Level.CENTRAL), ("01", Level.PROVINCE), ("001", Level.DISTRICT), ("00070", Level.COMMUNE)],
)
def test_level_of_code_recognises_each_official_shape(code, level):
    assert level_of_code(code) == level


def test_code_of_no_known_shape_has_no_level():
    assert level_of_code("0007") is None


def test_unit_path_of_the_centre_is_its_code_between_slashes():
    assert unit_path(None, "VN") == "/VN/"


def test_unit_path_appends_the_code_and_a_trailing_slash():
    assert unit_path("/VN/01/", "00070") == "/VN/01/00070/"


def test_unit_path_refuses_a_parent_path_without_trailing_slash():
    with pytest.raises(ValueError):
        unit_path("/VN/01", "00070")


def test_subtree_contains_its_own_unit():
    assert is_in_subtree("/VN/01/00070/", "/VN/01/00070/")


def test_subtree_of_a_commune_contains_its_grassroots_units():
    assert is_in_subtree("/VN/01/00070/00070-G0001/", "/VN/01/00070/")


def test_neighbouring_commune_is_outside_the_subtree():
    assert not is_in_subtree("/VN/01/00073/", "/VN/01/00070/")


def test_historical_district_subtree_does_not_capture_a_commune_whose_code_starts_alike():
    assert not is_in_subtree("/VN/01/00106/", unit_path("/VN/01/", "001"))


def test_every_grassroots_kind_has_a_vietnamese_label():
    assert GrassrootsKind.CLAN.label_vi == "Ban khuyến học dòng họ"
    assert all(kind.label_vi for kind in GrassrootsKind)


# --- statuses and roles -----------------------------------------------------------------------------


def test_active_membership_may_close_on_a_transfer():
    assert can_transition(MemberStatus.ACTIVE, MemberStatus.TRANSFERRED)


def test_active_member_may_leave():
    assert can_transition("ACTIVE", "LEFT")


def test_member_who_left_cannot_be_transferred():
    assert not can_transition(MemberStatus.LEFT, MemberStatus.TRANSFERRED)


def test_left_membership_is_not_reopened_in_place():
    assert not can_transition(MemberStatus.LEFT, MemberStatus.ACTIVE)


def test_member_who_left_may_rejoin_with_a_new_membership():
    assert can_rejoin(MemberStatus.LEFT, "VOLUNTARY")


def test_deceased_member_cannot_rejoin():
    assert not can_rejoin(MemberStatus.LEFT, "DECEASED")


def test_active_member_cannot_rejoin():
    assert not can_rejoin(MemberStatus.ACTIVE)


def test_admin_can_write_and_manage_officers():
    assert can_write(Role.ADMIN) and can_manage_officers(Role.ADMIN)


def test_officer_can_write_members_but_not_manage_officers():
    assert can_write("OFFICER") and not can_manage_officers("OFFICER")


def test_viewer_can_only_read():
    assert not can_write(Role.VIEWER) and not can_manage_officers(Role.VIEWER)


def test_unknown_role_cannot_write():
    assert not can_write("SUPERUSER")


# --- CCCD ---------------------------------------------------------------------------------------------


def test_birth_province_codes_are_the_63_old_provinces():
    assert len(CCCD_BIRTH_PROVINCES) == 63


@pytest.mark.parametrize(("cccd", "province"), [("001085012345", "Hà Nội"), ("079305123456", "Hồ Chí Minh")])
def test_first_three_digits_name_the_old_birth_registration_province(cccd, province):
    assert cccd_birth_province(cccd) == province


def test_cccd_with_an_unknown_birth_place_prefix_is_not_rejected():
    # It may be the code of a country where the birth was registered; that list is not known.
    assert validate_cccd("999085012345", Gender.MALE, 1985) == []


def test_cccd_of_a_man_born_in_1985_passes():
    assert validate_cccd(MALE_1985, Gender.MALE, 1985) == []


def test_cccd_of_a_woman_born_in_2005_passes():
    assert validate_cccd(FEMALE_2005, Gender.FEMALE, 2005) == []


@pytest.mark.parametrize(
    ("digit", "gender", "year"),
    [(0, "MALE", 1950), (1, "FEMALE", 1950), (2, "MALE", 2010), (3, "FEMALE", 2010), (4, "MALE", 2105),
     (5, "FEMALE", 2105)],
)  # fmt: skip
def test_fourth_digit_encodes_century_and_gender(digit, gender, year):
    assert cccd_century_digit(gender, year) == digit
    assert validate_cccd(f"001{digit}{year % 100:02d}123456", gender, year) == []


def test_cccd_with_female_2000s_digit_and_male_gender_is_rejected():
    assert codes(validate_cccd(FEMALE_2005, Gender.MALE, 2005)) == ["cccd_gender_mismatch"]


def test_cccd_with_male_1900s_digit_and_female_gender_is_rejected():
    assert codes(validate_cccd(MALE_1985, "FEMALE", 1985)) == ["cccd_gender_mismatch"]


def test_cccd_whose_year_digits_differ_from_the_birth_year_is_rejected():
    assert codes(validate_cccd(MALE_1985, Gender.MALE, 1986)) == ["cccd_birth_year_mismatch"]


def test_cccd_with_a_1900s_digit_for_a_birth_in_2085_is_rejected_for_its_century():
    assert codes(validate_cccd(MALE_1985, Gender.MALE, 2085)) == ["cccd_century_mismatch"]


@pytest.mark.parametrize("cccd", ["00108501234", "0010850123456", "00108501234A", "001-085-012-34"])
def test_cccd_without_exactly_12_digits_is_rejected_for_its_format(cccd):
    assert codes(validate_cccd(cccd)) == ["cccd_format"]


def test_cccd_in_non_ascii_digits_is_rejected_for_its_format():
    assert codes(validate_cccd("٠٠١٠٨٥٠١٢٣٤٥")) == ["cccd_format"]


def test_missing_cccd_is_required():
    assert codes(validate_cccd("  ")) == ["cccd_required"]


def test_cccd_typed_in_groups_is_accepted():
    assert validate_cccd("001 085 012 345", Gender.MALE, 1985) == []


def test_legacy_9_digit_cmnd_is_accepted_without_cross_check():
    assert validate_cccd("012345678", Gender.FEMALE, 2005) == []


def test_cccd_is_never_rejected_on_a_check_digit():
    # Any checksum would reject at least nine of these ten numbers that differ only in their last digit.
    numbers = [f"00108501234{last}" for last in range(10)]
    assert all(validate_cccd(number, Gender.MALE, 1985) == [] for number in numbers)


# --- a member's fields --------------------------------------------------------------------------------


def test_valid_member_has_no_problems():
    assert member_problems() == []


def test_every_problem_is_returned_at_once():
    problems = member_problems(gender="FEMALE", phone="12345", email="not-an-email", full_name="")
    assert codes(problems) == ["cccd_gender_mismatch", "full_name_required", "phone_format", "email_format"]


def test_problems_carry_vietnamese_and_english_messages():
    problem = member_problems(gender="FEMALE")[0]
    assert problem.field == "cccd"
    assert problem.message_vi == "Chữ số thứ 4 của số CCCD không khớp với giới tính đã nhập."
    assert problem.message_en == "The 4th digit of the CCCD does not match the gender entered."


def test_problems_by_field_gives_the_shape_of_validation_failed():
    fields = problems_by_field(member_problems(phone="12345"))
    assert list(fields) == ["phone"]
    assert fields["phone"][0] == {
        "code": "phone_format",
        "message": "Số điện thoại không phải là số di động hoặc số cố định hợp lệ của Việt Nam.",
        "message_en": "The phone number is not a valid Vietnamese mobile or landline number.",
    }


def test_birth_year_in_the_future_is_rejected():
    problems = member_problems(cccd="001227012345", birth_year=2027, birth_date=None)
    assert codes(problems) == ["birth_year_future"]


def test_age_over_120_is_rejected():
    problems = member_problems(cccd="001005012345", birth_year=1905, birth_date=None)
    assert codes(problems) == ["birth_year_implausible"]


def test_age_of_120_is_accepted():
    assert member_problems(cccd="001006012345", birth_year=1906, birth_date=None) == []


def test_birth_date_in_another_year_than_the_birth_year_is_rejected():
    assert codes(member_problems(birth_date=date(1986, 1, 2))) == ["birth_date_mismatch"]


def test_birth_date_in_the_future_is_rejected():
    problems = member_problems(cccd="001226012345", birth_year=None, birth_date=date(2026, 1, 16))
    assert codes(problems) == ["birth_date_future"]


def test_missing_birth_date_and_year_is_rejected():
    assert codes(member_problems(birth_year=None, birth_date=None)) == ["birth_year_required"]


def test_birth_date_alone_is_cross_checked_with_the_cccd():
    problems = member_problems(birth_year=None, birth_date=date(1986, 5, 1))
    assert codes(problems) == ["cccd_birth_year_mismatch"]


def test_missing_gender_is_required():
    assert codes(member_problems(gender=None)) == ["gender_required"]


def test_gender_other_than_male_or_female_is_invalid():
    assert codes(member_problems(gender="M")) == ["gender_invalid"]


def test_empty_full_name_is_required():
    assert codes(member_problems(full_name="   ")) == ["full_name_required"]


def test_full_name_over_200_characters_is_rejected():
    assert codes(member_problems(full_name="Nguyễn " + "A" * 200)) == ["full_name_too_long"]


@pytest.mark.parametrize("name", ["Nguyễn Văn 2", "Trần <b>Bình</b>", "Lê_Văn", "-'"])
def test_full_name_with_characters_other_than_letters_is_rejected(name):
    assert codes(member_problems(full_name=name)) == ["full_name_characters"]


DECOMPOSED = "Nguye\u0302\u0303n Văn An"  # "Nguyễn" typed as e + two combining marks


@pytest.mark.parametrize("name", ["Đặng Thị Ánh Tuyết", "H'Hen Niê", "Nguyễn-Trần Minh Khôi", DECOMPOSED])
def test_full_name_with_diacritics_apostrophes_and_hyphens_is_accepted(name):
    assert member_problems(full_name=name) == []


def test_phone_that_is_not_vietnamese_is_rejected():
    assert codes(member_problems(phone="+1 650 555 1234")) == ["phone_format"]


def test_member_without_phone_or_email_is_accepted():
    assert member_problems(phone=None, email="") == []


BAD_EMAILS = ["an@", "@example.com", "an nguyen@example.com", "an@example", "a@b@example.com"]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_email_of_the_wrong_shape_is_rejected(email):
    assert codes(member_problems(email=email)) == ["email_format"]


# --- phones, masks, names, figures ----------------------------------------------------------------


MOBILE_FORMS = [
    "+84 912 345 678",
    "0912.345.678",
    "0912-345-678",
    "84912345678",
    "0084 912 345 678",
    "+84 (0) 912 345 678",
    " 0912345678 ",
]


@pytest.mark.parametrize("raw", MOBILE_FORMS)
def test_vietnamese_mobile_is_normalised_to_its_10_digit_national_form(raw):
    assert normalise_phone(raw) == "0912345678"


def test_landline_is_normalised_to_its_11_digit_national_form():
    assert normalise_phone("(024) 3825 1234") == "02438251234"


NOT_VIETNAMESE = ["0112345678", "091234567", "09123456789", "12345", "", None, "+1 650 555 1234"]


@pytest.mark.parametrize("raw", NOT_VIETNAMESE)
def test_number_that_is_not_vietnamese_does_not_normalise(raw):
    assert normalise_phone(raw) is None


def test_cccd_is_masked_but_its_first_and_last_three_digits():
    assert mask_cccd("001234567890") == "001******890"


def test_phone_is_masked_but_its_first_and_last_three_digits():
    assert mask_phone("0912345678") == "091****678"


def test_value_too_short_to_keep_six_digits_is_masked_entirely():
    assert mask_phone("123456") == "******"


def test_folded_name_has_no_diacritics_and_d_for_d_bar():
    assert fold_name("Đặng Thị Ánh Tuyết") == "dang thi anh tuyet"


def test_folded_name_is_lower_case_with_single_spaces():
    assert fold_name("  Nguyễn Văn  Á ") == "nguyen van a"


def test_decomposed_and_precomposed_names_fold_alike():
    assert fold_name("Nguye\u0302\u0303n") == fold_name("Nguyễn")


def test_growth_matches_hanoi_reference_figure():
    # 1,746,236 members in June 2024 of whom 603,766 joined in five years: +52.85%.
    assert growth_percent(1_746_236 - 603_766, 1_746_236) == 52.85


def test_growth_from_zero_is_undefined():
    assert growth_percent(0, 10) is None


def test_growth_rounds_half_up_to_two_decimals():
    assert growth_percent(20_000, 20_201) == 1.01  # 1.005 exactly; binary floats would give 1.0


def test_decline_is_negative_growth():
    assert growth_percent(200, 150) == -25.0


def test_card_number_has_province_two_digit_year_and_seven_digit_sequence():
    assert card_number("01", 2025, 123) == "KH-01-25-0000123"


def test_card_number_for_a_non_province_code_is_refused():
    with pytest.raises(ValueError):
        card_number("00070", 2025, 1)


def test_person_one_day_before_sixteenth_birthday_is_a_minor():
    assert is_minor(date(2010, 1, 16), TODAY)


def test_person_on_sixteenth_birthday_is_not_a_minor():
    assert not is_minor(date(2010, 1, 15), TODAY)


def test_person_with_only_a_birth_year_is_a_minor_while_possibly_under_age():
    assert is_minor(2010, TODAY)


def test_person_with_only_a_birth_year_seventeen_years_ago_is_not_a_minor():
    assert not is_minor(2009, TODAY)


def test_minor_age_is_a_parameter():
    assert is_minor(date(2008, 6, 1), TODAY, minor_age=18)
