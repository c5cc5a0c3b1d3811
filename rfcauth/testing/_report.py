"""The checkers' report: per property, pass or the minimal counterexample, with the reason."""

from __future__ import annotations

import json
import random
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["Counterexample", "PropertyResult", "Report", "run_property", "without_local_constants"]

T = TypeVar("T")

#: How many more inputs are tried once a counterexample is found, to make it smaller. A count,
#: not a time, so that a report is the same on every machine for a seed.
SHRINK_BUDGET = 400


@dataclass(frozen=True, slots=True, kw_only=True)
class Counterexample:
    """The smallest input found on which an implementation and rfcauth disagree.

    Attributes:
        input: the input, as JSON-ready data (a field value, a document, a world).
        got: what the implementation under test did.
        expected: what rfcauth says.
        why: the rule behind rfcauth's answer.
        section: the RFC section stating it.
    """

    input: object
    got: str
    expected: str
    why: str
    section: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyResult:
    """One property checked against the implementation.

    Attributes:
        id: stable snake_case id of the property.
        title: what the property says, in a sentence.
        section: the RFC section it comes from.
        examples: examples run: until the first failure if one was found, else all.
        counterexample: the minimal counterexample, or None if the property held.
    """

    id: str
    title: str
    section: str
    examples: int
    counterexample: Counterexample | None = None

    @property
    def passed(self) -> bool:
        """Whether no counterexample was found."""
        return self.counterexample is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What a checker found: one `PropertyResult` per property.

    ``report.assert_passed()`` fails a pytest test with the whole report as its message;
    ``print(report)`` shows it in a script.
    """

    subject: str
    results: tuple[PropertyResult, ...]

    @property
    def passed(self) -> bool:
        """Whether every property held."""
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> tuple[PropertyResult, ...]:
        """The properties with a counterexample."""
        return tuple(result for result in self.results if not result.passed)

    def result(self, property_id: str) -> PropertyResult:
        """The result of the property `property_id`."""
        for result in self.results:
            if result.id == property_id:
                return result
        raise KeyError(property_id)

    def assert_passed(self) -> None:
        """Raise AssertionError with the report as its message unless every property held."""
        if not self.passed:
            raise AssertionError(str(self))

    def __str__(self) -> str:
        """The report as plain text."""
        lines = [f"{self.subject}: {len(self.failures)} of {len(self.results)} properties fail"]
        for result in self.results:
            mark = "pass" if result.passed else "FAIL"
            lines.append(f"  [{mark}] {result.id}: {result.title} ({result.section})")
            example = result.counterexample
            if example is not None:
                lines.append(f"      input:    {json.dumps(example.input, ensure_ascii=False)}")
                lines.append(f"      got:      {example.got}")
                lines.append(f"      rfcauth:  {example.expected}")
                lines.append(f"      because:  {example.why} ({example.section})")
                lines.append(f"      found after {result.examples} examples")
        return "\n".join(lines)


@contextmanager
def without_local_constants() -> Iterator[None]:
    """Keep literals of whatever local modules are loaded out of generation.

    Hypothesis sometimes draws constants found in the source of loaded local modules (here:
    rfcauth itself, and under pytest the test files), so a search would depend on what else
    is imported and on every literal in rfcauth's source. A report must depend on the seed
    only: this empties that pool (Hypothesis internals; left alone if they move).
    """
    try:
        from hypothesis.internal.conjecture import providers  # noqa: PLC0415 -- internals
        from hypothesis.internal.constants_ast import Constants  # noqa: PLC0415 -- as above

        original = providers._get_local_constants  # noqa: SLF001 -- see the docstring
        empty = Constants()
    except (ImportError, AttributeError):  # pragma: no cover -- another Hypothesis
        yield
        return
    providers._get_local_constants = lambda: empty  # noqa: SLF001 -- see the docstring
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original  # noqa: SLF001 -- see the docstring
        providers.CONSTANTS_CACHE.cache.clear()


def run_property(
    *,
    property_id: str,
    title: str,
    section: str,
    strategy: st.SearchStrategy[T],
    disagreement: Callable[[T], Counterexample | None],
    max_examples: int,
    seed: int,
) -> PropertyResult:
    """Search `strategy` for an input where `disagreement` returns a counterexample.

    Deterministic for a seed; Hypothesis shrinks what it finds towards a minimal input (for
    at most `SHRINK_BUDGET` further tries).
    """
    calls = 0
    first: int | None = None

    seen: dict[str, bool] = {}

    def fails(value: T) -> bool:
        nonlocal calls, first
        calls += 1
        key = repr(value)
        if first is not None and calls - first > SHRINK_BUDGET:
            # shrinking stops here: only inputs already judged keep their answer, so the
            # smallest counterexample so far stands and replaying it still fails
            return seen.get(key, False)
        found = disagreement(value) is not None
        seen[key] = found
        if found and first is None:
            first = calls
        return found

    config = settings(
        max_examples=max_examples,
        derandomize=False,  # the seed decides, whatever profile is loaded
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    try:
        with without_local_constants():
            minimal = find(strategy, fails, settings=config, random=random.Random(seed))  # noqa: S311 -- a test seed
    except NoSuchExample:
        return PropertyResult(id=property_id, title=title, section=section, examples=calls)
    return PropertyResult(
        id=property_id,
        title=title,
        section=section,
        examples=first or calls,
        counterexample=disagreement(minimal),
    )
