"""Reading nameko's config dict: defaults, conversions and errors that name the key."""

import pytest

from servicekit.config import SETTINGS, setting


def test_a_missing_key_gives_the_default_converted():
    assert setting({}, "RPC_TIMEOUT_SECONDS", 10, float) == 10.0


def test_an_empty_value_gives_the_default():
    assert setting({"LOG_LEVEL": ""}, "LOG_LEVEL", "INFO") == "INFO"


def test_a_value_from_the_environment_is_converted():
    assert setting({"OUTBOX_BATCH_SIZE": "250"}, "OUTBOX_BATCH_SIZE", 500, int) == 250


def test_a_value_that_does_not_convert_is_a_value_error_naming_the_key():
    with pytest.raises(ValueError, match=r"RPC_TIMEOUT_SECONDS='abc' is not a valid float"):
        setting({"RPC_TIMEOUT_SECONDS": "abc"}, "RPC_TIMEOUT_SECONDS", 10, float)


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("no", False), ("1", True), (True, True)])
def test_a_boolean_setting_reads_words_not_truthiness(value, expected):
    assert setting({"FLAG": value}, "FLAG", False, bool) is expected


def test_a_boolean_setting_rejects_other_words():
    with pytest.raises(ValueError, match="FLAG='maybe'"):
        setting({"FLAG": "maybe"}, "FLAG", False, bool)


def test_the_kit_documents_each_of_its_keys_with_a_default_and_a_meaning():
    assert {item.key: item.default for item in SETTINGS} == {
        "AMQP_URI": "pyamqp://guest:guest@localhost",
        "WEB_SERVER_ADDRESS": "0.0.0.0:8000",
        "RPC_TIMEOUT_SECONDS": 10,
        "OUTBOX_RELAY_INTERVAL_SECONDS": 0.5,
        "OUTBOX_BATCH_SIZE": 500,
        "OUTBOX_RELAY_ENABLED": True,
        "OUTBOX_RELAY_LINGER_SECONDS": 0.005,
        "OUTBOX_CONFIRM_TIMEOUT_SECONDS": 10,
        "EVENT_RETRY_BACKOFF_SECONDS": 0.2,
        "DB_POOL_SIZE": 10,
        "LOG_LEVEL": "INFO",
    }
    assert all(item.meaning for item in SETTINGS)
