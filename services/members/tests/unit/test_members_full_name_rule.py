"""The full-name rule checked on the whole name at once (letters and the marks space, apostrophes and
hyphen, at least one letter) decides as the rule written per character does, on random strings."""

import random

from members import domain


def per_character(name):
    return all(ch.isalpha() or ch in " '’-" for ch in name) and any(ch.isalpha() for ch in name)


def test_the_whole_name_check_agrees_with_the_per_character_rule():
    alphabet = [*"aĐễ 1'’-_<>.\u0301\u00a0\t", "H'", "Nguyễn"]
    pick = random.Random(8)
    for _ in range(20000):
        name = "".join(pick.choice(alphabet) for _ in range(pick.randint(0, 6)))
        normalised = domain.normalise_full_name(name)
        rejected = domain._full_name_problems(name) == [domain._problem("full_name", "full_name_characters")]
        assert rejected == (bool(normalised) and len(normalised) <= 200 and not per_character(normalised)), name
