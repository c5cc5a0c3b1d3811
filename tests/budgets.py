"""Example budgets for the slower property tests (shared by several test modules)."""

from __future__ import annotations

from hypothesis import settings


def budget(examples: int) -> settings:
    """`examples` for slow tests under ci/dev; a twentieth of the profile's under ``fuzz``."""
    return settings(max_examples=max(examples, (settings.default or settings()).max_examples // 20))


#: For the tests that draw whole documents (slow to generate): a third of the profile's
#: examples, so the ci profile stays fast and the fuzz profile still runs thousands.
WHOLE_DOCUMENTS = settings(max_examples=max(30, settings.default.max_examples // 3))
