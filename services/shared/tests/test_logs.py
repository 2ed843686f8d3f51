"""JSON log lines: their fields, the masking of CCCD and phone numbers, and the worker's call id."""

import io
import json
import logging
import logging.config
import textwrap
from datetime import datetime, timedelta

import eventlet
import pytest
import yaml
from eventlet.event import Event
from nameko.cli.main import setup_yaml_parser
from nameko.containers import ServiceContainer
from nameko.rpc import rpc
from nameko.testing.services import entrypoint_hook

from servicekit import logs
from servicekit.logs import CallContext, JsonFormatter, MaskPersonalData, configure_logging, logging_config

log = logging.getLogger("talker")
STARTED, GATE = Event(), Event()


class Talker:
    name = "talker"

    call_context = CallContext()

    @rpc
    def say(self, text):
        log.info(text)

    @rpc
    def say_twice_around_the_gate(self):
        log.info("first")
        STARTED.send()
        GATE.wait()
        log.info("second")

    @rpc
    def open_gate(self):
        log.info("opener")
        GATE.send()


@pytest.fixture
def restore_root_logger():
    root = logging.getLogger()
    level = root.level
    yield root
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def json_lines(restore_root_logger):
    """``configure_logging("members")`` into a buffer; calling the fixture gives the lines written so far."""
    buffer = io.StringIO()
    configure_logging("members", "INFO", stream=buffer)
    return lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]


@pytest.fixture(scope="module")
def talker():
    container = ServiceContainer(Talker, {"AMQP_URI": "memory://"})
    container.start()
    yield container
    container.kill()


def test_a_log_line_is_one_json_object_with_utc_time_level_logger_and_service(json_lines):
    logging.getLogger("members.registration").warning("unit %s has no officer", "u-7")
    (line,) = json_lines()
    assert datetime.fromisoformat(line["ts"]).utcoffset() == timedelta(0)
    assert {key: line[key] for key in ("level", "logger", "message", "service", "call_id")} == {
        "level": "WARNING",
        "logger": "members.registration",
        "message": "unit u-7 has no officer",
        "service": "members",
        "call_id": None,
    }


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CCCD 001234567890 registered", "CCCD 001******890 registered"),
        ("CMND 123456789.", "CMND 123***789."),
        ("call 0912345678", "call 091****678"),
        ("call +84912345678", "call +849*****678"),
        ("call 84 912 345 678", "call 849*****678"),
        ("call 0912.345.678 or 0912 345 678", "call 091****678 or 091****678"),
    ],
)
def test_cccd_cmnd_and_phone_numbers_are_masked_in_the_formatted_message(json_lines, text, masked):
    logging.getLogger("members").info("%s", text)
    assert json_lines()[0]["message"] == masked


@pytest.mark.parametrize(
    "text",
    [
        "event 123e4567-e89b-12d3-a456-426614174000 sent",
        "at 2025-01-15T10:20:30.123456789+07:00",
        "donation of 1.500.000.000 đồng, or 1500000000",
    ],
)
def test_uuids_timestamps_and_amounts_are_left_alone(json_lines, text):
    logging.getLogger("funds").info(text)
    assert json_lines()[0]["message"] == text


def test_personal_data_in_exception_text_is_masked(json_lines):
    try:
        raise ValueError("duplicate CCCD 001234567890")
    except ValueError:
        logging.getLogger("members").exception("registration failed")
    assert json_lines()[0]["exc"].splitlines()[-1] == "ValueError: duplicate CCCD 001******890"


def test_extra_fields_are_written_and_masked(json_lines):
    logging.getLogger("members.imports").info("row imported", extra={"row": 12, "phone": "0912345678"})
    line = json_lines()[0]
    assert (line["row"], line["phone"]) == (12, "091****678")


def test_the_masking_filter_masks_a_plain_text_handler(restore_root_logger):
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("plain")
    logger.addHandler(handler)
    try:
        logger.warning("member %s", "001234567890")
    finally:
        logger.removeHandler(handler)
    assert buffer.getvalue() == "member 001******890\n"


def test_a_worker_log_line_carries_the_call_id_of_its_worker(json_lines, talker):
    with entrypoint_hook(talker, "say") as say:
        say("hello")
    (line,) = [line for line in json_lines() if line["logger"] == "talker"]
    assert line["call_id"].startswith("talker.say.")


def test_concurrent_workers_each_log_their_own_call_id(json_lines, talker):
    with entrypoint_hook(talker, "say_twice_around_the_gate") as say_twice:
        waiting = eventlet.spawn(say_twice)
        STARTED.wait()
        with entrypoint_hook(talker, "open_gate") as open_gate:
            open_gate()
        waiting.wait()
    lines = [line for line in json_lines() if line["logger"] == "talker"]
    assert [(line["message"], line["call_id"].rsplit(".", 1)[0]) for line in lines] == [
        ("first", "talker.say_twice_around_the_gate"),
        ("opener", "talker.open_gate"),
        ("second", "talker.say_twice_around_the_gate"),
    ]


def test_the_call_id_is_cleared_when_the_worker_ends(json_lines, talker):
    with entrypoint_hook(talker, "say") as say:
        say("inside")
    logging.getLogger("talker").info("outside")
    assert json_lines()[-1]["call_id"] is None


def docstring_yaml():
    text = logs.__doc__
    start = text.index("    LOGGING:")
    return textwrap.dedent(text[start : text.index("\n\n", start)])


def test_the_yaml_snippet_in_the_docstring_is_the_logging_config_of_nameko_run(monkeypatch):
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    setup_yaml_parser()  # what `nameko run` does before loading config.yml: ${VAR:default} substitution
    assert yaml.safe_load(docstring_yaml()) == {"LOGGING": logging_config("members", "INFO")}


def test_the_logging_config_writes_masked_json_lines_to_stdout(restore_root_logger, capsys):
    logging.config.dictConfig(logging_config("members", "INFO"))
    logging.getLogger("members").info("phone %s", "0912345678")
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (line["service"], line["message"]) == ("members", "phone 091****678")
