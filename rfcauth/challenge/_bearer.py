"""The typed view of a Bearer challenge (RFC 6750 Section 3, RFC 9728 Section 5.1).

RFC 9110 parsing gives every challenge as strings. This layer reads the Bearer profile on
top: the attribute value grammars of RFC 6750 Section 3 (via RFC 6749 Appendix A) and the
``resource_metadata`` URL of RFC 9728 Section 5.1, all compiled from grammars/*.abnf. A
value that breaks its grammar is reported in ``problems`` and its field is None: it is
never used silently.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable

from rfcauth._errors import UsageError
from rfcauth._frozen import Frozen, set_field
from rfcauth.challenge._values import Challenge
from rfcauth.grammar import _abnf

__all__ = ["BearerChallenge", "BearerError", "BearerProblem"]


class BearerError(enum.StrEnum):
    """The error codes of RFC 6750 Section 3.1."""

    #: The request is missing a parameter or is otherwise malformed (HTTP 400).
    INVALID_REQUEST = "invalid_request"
    #: The access token is expired, revoked, malformed or invalid otherwise (HTTP 401).
    INVALID_TOKEN = "invalid_token"  # noqa: S105 -- an error code, not a secret
    #: The request needs more privileges than the token carries (HTTP 403).
    INSUFFICIENT_SCOPE = "insufficient_scope"


class BearerProblem(Frozen):
    """One way a Bearer challenge departs from RFC 6750 / RFC 9728.

    Attributes:
        code: stable snake_case id, e.g. ``"scope_invalid"``.
        param: the parameter concerned, if any.
        section: the rule broken, e.g. ``"RFC 6750 §3"``.
        message: a sentence for humans.
    """

    __slots__ = ("code", "message", "param", "section")
    code: str
    param: str | None
    section: str
    message: str

    def __init__(self, *, code: str, param: str | None, section: str, message: str) -> None:
        """Set the fields."""
        set_field(self, "code", code)
        set_field(self, "param", param)
        set_field(self, "section", section)
        set_field(self, "message", message)

    def __str__(self) -> str:
        """``message [code, section]``."""
        return f"{self.message} [{self.code}, {self.section}]"


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    # Compiled on first use: the URI patterns are large and `import rfcauth` stays fast.
    return re.compile(getattr(_abnf, name))


# param -> (constant in _abnf, the rule, where it is defined)
_VALUE_RULES = {
    "scope": ("SCOPE", "scope", "RFC 6750 §3, RFC 6749 Appendix A.4"),
    "error": ("ERROR", "error", "RFC 6750 §3, RFC 6749 Appendix A.7"),
    "error_description": (
        "ERROR_DESCRIPTION",
        "error-description",
        "RFC 6750 §3, RFC 6749 Appendix A.8",
    ),
    "error_uri": ("ERROR_URI", "URI-reference", "RFC 6750 §3, RFC 6749 Appendix A.9"),
    "resource_metadata": ("RESOURCE_METADATA", "URI (a URL)", "RFC 9728 §5.1"),
}


def _error_code(value: str | None) -> BearerError | str | None:
    if value is None:
        return None
    try:
        return BearerError(value)
    except ValueError:
        return value  # a registered extension code or an unknown one: kept as its string


class BearerChallenge(Frozen):
    """A Bearer challenge read per RFC 6750 Section 3 and RFC 9728 Section 5.1.

    Attributes:
        challenge: the challenge this view was read from.
        realm: the protection space (RFC 6750 §3, RFC 9110 §11.5), or None.
        scope: the scope tokens, in order, or None when absent (or invalid).
        error: a `BearerError` for the three RFC 6750 §3.1 codes, any other code as its
            string, or None.
        error_description: human-readable text for developers, or None.
        error_uri: a URI-reference to a page about the error, or None.
        resource_metadata: the URL of the protected resource metadata (RFC 9728 §5.1),
            or None. Its https / same-origin checks belong to discovery.
        problems: every departure from the Bearer profile found; a value reported here is
            not used (its field is None).

    >>> from rfcauth import parse_www_authenticate
    >>> bearer = BearerChallenge.find(parse_www_authenticate('Bearer error="invalid_token"'))
    >>> bearer.error is BearerError.INVALID_TOKEN, bearer.resource_metadata, bearer.problems
    (True, None, ())
    """

    __slots__ = (
        "challenge",
        "error",
        "error_description",
        "error_uri",
        "problems",
        "realm",
        "resource_metadata",
        "scope",
    )
    challenge: Challenge
    realm: str | None
    scope: tuple[str, ...] | None
    error: BearerError | str | None
    error_description: str | None
    error_uri: str | None
    resource_metadata: str | None
    problems: tuple[BearerProblem, ...]

    def __init__(
        self,
        *,
        challenge: Challenge,
        realm: str | None = None,
        scope: tuple[str, ...] | None = None,
        error: BearerError | str | None = None,
        error_description: str | None = None,
        error_uri: str | None = None,
        resource_metadata: str | None = None,
        problems: tuple[BearerProblem, ...] = (),
    ) -> None:
        """Set the fields."""
        set_field(self, "challenge", challenge)
        set_field(self, "realm", realm)
        set_field(self, "scope", scope)
        set_field(self, "error", error)
        set_field(self, "error_description", error_description)
        set_field(self, "error_uri", error_uri)
        set_field(self, "resource_metadata", resource_metadata)
        set_field(self, "problems", problems)

    @classmethod
    def from_challenge(cls, challenge: Challenge) -> BearerChallenge:
        """Read `challenge` as a Bearer challenge (whatever its scheme says).

        Raises:
            UsageError: `challenge` is not a `Challenge`.
        """
        if not isinstance(challenge, Challenge):
            raise UsageError(f"expected a Challenge, not {type(challenge).__name__}")
        problems: list[BearerProblem] = []
        if not challenge.is_scheme("bearer"):
            problems.append(
                BearerProblem(
                    code="not_bearer",
                    param=None,
                    section="RFC 6750 §3",
                    message=f"the challenge's scheme is {challenge.scheme!r}, not Bearer",
                )
            )
        if challenge.token68 is not None:
            problems.append(
                BearerProblem(
                    code="token68_instead_of_auth_params",
                    param=None,
                    section="RFC 6750 §3",
                    message="a Bearer challenge carries auth-params, not a token68",
                )
            )
        elif not challenge.params:
            problems.append(
                BearerProblem(
                    code="no_auth_params",
                    param=None,
                    section="RFC 6750 §3",
                    message='"Bearer" MUST be followed by one or more auth-param values',
                )
            )
        values: dict[str, str | None] = {}
        for param, (constant, rule, section) in _VALUE_RULES.items():
            value = challenge.params.get(param)
            if value is not None and not _pattern(constant).fullmatch(value):
                problems.append(
                    BearerProblem(
                        code=f"{param}_invalid",
                        param=param,
                        section=section,
                        message=f"{param}={value!r} does not match {rule}; it is not used",
                    )
                )
                value = None
            values[param] = value
        error = values["error"]
        scope = values["scope"]
        return cls(
            challenge=challenge,
            realm=challenge.params.get("realm"),
            scope=tuple(scope.split(" ")) if scope is not None else None,
            error=_error_code(error),
            error_description=values["error_description"],
            error_uri=values["error_uri"],
            resource_metadata=values["resource_metadata"],
            problems=tuple(problems),
        )

    @classmethod
    def find(cls, challenges: Iterable[Challenge]) -> BearerChallenge | None:
        """The first Bearer challenge in `challenges`, wherever it stands, read; or None.

        Raises:
            UsageError: `challenges` is not an iterable (of `Challenge` values).
        """
        given: object = challenges  # the annotation is a promise; check it
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise UsageError("BearerChallenge.find takes an iterable of Challenge values")
        for challenge in challenges:
            if isinstance(challenge, Challenge) and challenge.is_scheme("bearer"):
                return cls.from_challenge(challenge)
        return None
