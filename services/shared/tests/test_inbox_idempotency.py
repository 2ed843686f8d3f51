"""The inbox claim and idempotency keys of the unit of work, on real databases."""

import uuid

import pytest

from contracts.errors import IdempotencyKeyReused


def envelope():
    return {"event_id": uuid.uuid4(), "event_type": "member_registered"}


def claim(new_work, consumer, event):
    with new_work() as work:
        claimed = work.claim(consumer, event)
        work.commit()
    return claimed


def test_an_event_is_claimed_once_per_consumer(new_work):
    event = envelope()
    assert claim(new_work, "evaluations", event) is True
    assert claim(new_work, "evaluations", event) is False


def test_two_consumers_each_claim_the_same_event(new_work):
    event = envelope()
    assert claim(new_work, "evaluations", event) and claim(new_work, "notifications", event)


def test_a_claim_rolled_back_with_its_effects_can_be_made_again(new_work):
    event = envelope()
    with new_work() as work:
        work.claim("evaluations", event)  # the effects failed: no commit
    assert claim(new_work, "evaluations", event) is True


def run_command(new_work, principal, key, request, response):
    with new_work() as work:
        replay = work.idempotent("register_member", principal, key, request)
        if replay is not None:
            return replay
        work.remember(response)
        work.commit()
    return response


def test_a_retried_command_replays_the_first_response(new_work):
    first = run_command(new_work, "officer-1", "key-1", {"a": 1}, {"id": "first"})
    assert run_command(new_work, "officer-1", "key-1", {"a": 1}, {"id": "second"}) == first


def test_a_key_reused_for_a_different_request_is_a_conflict(new_work):
    run_command(new_work, "officer-1", "key-1", {"a": 1}, {"id": "first"})
    with pytest.raises(IdempotencyKeyReused):
        run_command(new_work, "officer-1", "key-1", {"a": 2}, {"id": "second"})


def test_keys_belong_to_their_principal(new_work):
    run_command(new_work, "officer-1", "key-1", {"a": 1}, {"id": "first"})
    assert run_command(new_work, "officer-2", "key-1", {"a": 1}, {"id": "second"}) == {"id": "second"}


def test_a_failed_command_does_not_keep_its_key(new_work):
    with new_work() as work:
        work.idempotent("register_member", "officer-1", "key-1", {"a": 1})  # then the command failed
    assert run_command(new_work, "officer-1", "key-1", {"a": 1}, {"id": "retried"}) == {"id": "retried"}


def test_a_command_without_a_key_claims_nothing_and_runs_every_time(new_work):
    assert run_command(new_work, "officer-1", None, {"a": 1}, {"id": "first"}) == {"id": "first"}
    assert run_command(new_work, "officer-1", None, {"a": 1}, {"id": "second"}) == {"id": "second"}
