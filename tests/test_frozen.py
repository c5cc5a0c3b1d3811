"""Every `Frozen` value behaves as a frozen, slotted, keyword-only dataclass would.

`rfcauth._frozen` lists the promise; these tests hold each subclass to it, so that a new field
cannot be left out of ``__slots__``, ``__init__``, equality or pickling.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest
from hypothesis import given

import rfcauth.challenge._examples
import rfcauth.cli._commands
from rfcauth import (
    CHALLENGE_TOLERANCES,
    BearerChallenge,
    Challenge,
    format_www_authenticate,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth import strategies as rfc_strategies
from rfcauth._frozen import Frozen
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.cli._commands import load_commands


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.extend([sub, *_all_subclasses(sub)])
    return found


VALUE_CLASSES = sorted(
    (c for c in _all_subclasses(Frozen) if c.__module__.startswith("rfcauth.")),
    key=lambda c: c.__qualname__,
)


def samples() -> list[Frozen]:
    """At least one value of every `Frozen` class, built the way rfcauth builds them."""
    scan = scan_www_authenticate('Bearer a="1", a="2", Bearer resource_metadata=https://r.x/p')
    bearer = BearerChallenge.find(parse_www_authenticate('Bearer error_uri="a b", scope="x"'))
    assert bearer is not None
    commands = load_commands()
    values: list[Frozen] = [
        *scan.challenges,
        *scan.skipped,
        *scan.tolerated,
        scan,
        bearer,
        *bearer.problems,
        *CHALLENGE_TOLERANCES,
        *EXAMPLES[:3],
        *commands,
        *(example for command in commands for example in command.examples[:1]),
    ]
    return values


def test_every_class_has_a_sample() -> None:
    assert VALUE_CLASSES  # the import above found them
    assert {type(v) for v in samples()} == set(VALUE_CLASSES)
    assert rfcauth.cli._commands.Command in VALUE_CLASSES
    assert rfcauth.challenge._examples.Example in VALUE_CLASSES


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda c: c.__qualname__)
def test_init_takes_every_field_by_keyword_only(cls: type[Frozen]) -> None:
    fields = cls._fields
    assert set(cls.__slots__) == set(fields)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in parameters] == list(fields)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert not hasattr(cls, "__dict__") or "__dict__" not in cls.__dict__  # slotted
    assert cls.__match_args__ == ()


@pytest.mark.parametrize("value", samples(), ids=lambda v: type(v).__qualname__)
def test_a_value_is_frozen_equal_to_its_copies_and_survives_pickling(value: Frozen) -> None:
    name = type(value)._fields[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(value, name)
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError)):
        value.not_a_field = 1  # type: ignore[attr-defined]
    again = value.__replace__()
    assert again == value
    assert again is not value
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own bytes
    text = repr(value)
    assert text.startswith(f"{type(value).__qualname__}(")
    for field in type(value)._fields:
        assert f"{field}={getattr(value, field)!r}" in text


@pytest.mark.parametrize("value", samples(), ids=lambda v: type(v).__qualname__)
def test_a_changed_field_makes_a_different_value(value: Frozen) -> None:
    for field in type(value)._fields:
        current = getattr(value, field)
        if isinstance(current, str):
            changed = value.__replace__(**{field: current + "x"})
            assert changed != value
            assert getattr(changed, field) == current + "x"
    assert value != object()
    assert value.__eq__(object()) is NotImplemented


def test_equal_values_hash_equal_and_a_value_is_not_a_tuple() -> None:
    a = parse_www_authenticate('Bearer realm="x", error="y"')[0]
    b = Challenge(scheme="Bearer", params={"error": "y", "realm": "x"})
    assert a == b
    assert hash(a) == hash(b)
    problem = BearerChallenge.from_challenge(Challenge(scheme="Basic", params={"a": "1"}))
    assert problem.problems[0] != tuple(getattr(problem.problems[0], f) for f in ("code",))
    assert hash(problem.problems[0]) == hash(copy.copy(problem.problems[0]))


def test_replace_goes_through_init_and_its_checks() -> None:
    challenge = Challenge(scheme="Bearer", token68="abc")
    with pytest.raises(rfcauth.UsageError):
        challenge.__replace__(params={"a": "b"})  # a token68 and params, not both
    with pytest.raises(TypeError):
        challenge.__replace__(nonsense=1)


def test_a_class_must_name_its_fields_in_slots() -> None:
    with pytest.raises(TypeError, match="__slots__"):

        class Missing(Frozen):  # pyright: ignore[reportUnusedClass]
            __slots__ = ("a",)
            a: int
            b: int

    with pytest.raises(TypeError, match="__slots__"):

        class NoSlots(Frozen):  # pyright: ignore[reportUnusedClass]
            a: int


@given(rfc_strategies.challenges())
def test_parsed_challenges_pickle_and_compare_by_value(challenge: Challenge) -> None:
    parsed = parse_www_authenticate(format_www_authenticate([challenge]))[0]
    assert parsed == challenge
    assert pickle.loads(pickle.dumps(parsed)) == challenge  # noqa: S301 - our own bytes
    assert copy.deepcopy(parsed) == challenge
