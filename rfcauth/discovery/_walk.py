"""The discovery decision: (resource's answer, PRM fetches, AS metadata fetches) → next action.

Theory of operation
-------------------
`next_action` is a pure, total function. It replays discovery from the start on every call:
the candidate URLs are a deterministic function of the resource URL, the challenge's hint and
the documents already fetched, so the *first candidate not yet fetched* is the next request, and
the first decisive answer (a usable document, an unavailable server, a mismatch) ends the walk.
Because every `Fetch…` action names a URL that has not been fetched yet and every candidate
list is finite, a driver that reports each answer back reaches a terminal action (`Authorize`,
`Fail`, `NoAuthorizationNeeded`) in a bounded number of steps.

The walk, in the order the MCP 2025-11-25 authorization spec gives it:

1. The resource's answer. 401 starts discovery; 403 with ``error="insufficient_scope"`` starts a
   step-up (RFC 6750 §3.1, MCP 2025-11-25 "Step-Up Authorization Flow"); any other 403 is
   `access_denied`. The Bearer challenge is chosen wherever it stands in the header, parsed
   leniently so that a broken sibling challenge does not lose it (RFC 9110 §11.6.1).
2. Protected Resource Metadata (RFC 9728): the challenge's ``resource_metadata`` hint
   (§5.1), then the path-inserted well-known URL, then the root one (§3.1). A 4xx answer is
   *absent*: try the next. A 5xx or network failure is `discovery_unavailable` — never a skip,
   never a downgrade. A failing hint continues to the well-known candidates.
3. The `resource` identity check (RFC 9728 §3.3), per `Policy.resource_match`.
4. Authorization servers in PRM order; per issuer the MCP candidate order (RFC 8414 §3.1
   insertion, OIDC insertion, OIDC append). An issuer with no metadata anywhere → the next one.
   Endpoints are never invented for an authorization server a PRM document names.
5. AS metadata validation: RFC 8414 plus `issuer` identity (§3.3), S256 PKCE (MCP 2025-11-25
   MUST), https endpoints.
6. The legacy MCP 2025-03-26 fallback (the motivating case): only when the 401 carried no
   usable hint and every PRM candidate was absent. The resource's origin is the authorization
   server; with no metadata at all, the 2025-03-26 default endpoints.
7. Registration (pre-registered > Client ID Metadata Document > dynamic), scope (challenge >
   PRM ``scopes_supported`` > omit; step-up: union with the previous request) and ``resource``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rfcauth._errors import ChallengeParseError, MetadataError, UsageError
from rfcauth.challenge._bearer import BearerChallenge, BearerError
from rfcauth.challenge._parser import scan_www_authenticate
from rfcauth.discovery._actions import (
    Action,
    Authorize,
    Fail,
    FetchResourceMetadata,
    FetchServerMetadata,
    NoAuthorizationNeeded,
    Note,
    Registration,
)
from rfcauth.discovery._inputs import DiscoveryContext, Fetched, ResourceResponse, latest_by_url
from rfcauth.metadata._parse import (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.metadata._url_identity import (
    canonical_resource,
    is_secure_url,
    origin_of,
    origin_url,
    path_is_segment_prefix,
)
from rfcauth.metadata._wellknown import (
    WellKnownUrl,
    authorization_server_metadata_urls,
    protected_resource_metadata_urls,
)

if TYPE_CHECKING:
    from rfcauth.challenge._values import Challenge
    from rfcauth.discovery._policy import Policy
    from rfcauth.metadata._asm import AuthorizationServerMetadata
    from rfcauth.metadata._prm import ProtectedResourceMetadata

__all__ = ["next_action"]

# Rule citations, one spelling each.
R_401 = "RFC 9110 §15.5.2; MCP 2025-11-25 Authorization Server Location"
R_403_STEP_UP = "RFC 6750 §3.1; MCP 2025-11-25 Step-Up Authorization Flow"
R_CHALLENGE = "RFC 9110 §11.6.1; RFC 6750 §3"
R_HINT = "RFC 9728 §5.1"
R_PRM_URL = "RFC 9728 §3.1"
R_PRM_RESPONSE = "RFC 9728 §3.2"
R_PRM_IDENTITY = "RFC 9728 §3.3"
R_MCP_PRM_ORDER = "MCP 2025-11-25 Protected Resource Metadata Discovery Requirements"
R_UNAVAILABLE = "rfcauth: 5xx or network failure during discovery fails closed (MCP spec is silent)"
R_AS_LIST = "RFC 9728 §2 authorization_servers; RFC 9728 §7.6"
R_AS_ORDER = "MCP 2025-11-25 Authorization Server Metadata Discovery; RFC 8414 §3.1"
R_AS_IDENTITY = "RFC 8414 §3.3"
R_AS_RESPONSE = "RFC 8414 §3.2"
R_PKCE = "MCP 2025-11-25 Authorization Code Protection (PKCE); RFC 7636"
R_TLS = "OAuth 2.1 §1.5; RFC 8414 §2"
R_REGISTRATION = "MCP 2025-11-25 Client Registration Approaches"
R_SCOPE = "MCP 2025-11-25 Scope Selection Strategy"
R_RESOURCE = "RFC 8707 §2; MCP 2025-11-25 Resource Parameter Implementation"
R_LEGACY = "MCP 2025-03-26 Authorization Server Discovery (2.3)"
R_LEGACY_DEFAULTS = "MCP 2025-03-26 Fallbacks for Servers without Metadata Discovery (2.3.3)"


class _Decided(Exception):  # noqa: N818 - control flow, never escapes next_action
    """Internal: carries the terminal or next action out of the walk."""

    def __init__(self, action: Action) -> None:
        super().__init__(action.reason)
        self.action = action


@dataclass(frozen=True, slots=True)
class _Prm:
    document: ProtectedResourceMetadata
    url: str


@dataclass(slots=True)
class _Walk:
    context: DiscoveryContext
    prm_fetches: dict[str, Fetched]
    asm_fetches: dict[str, Fetched]
    notes: list[Note] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    only_other_schemes: bool = False
    is_step_up: bool = False

    @property
    def policy(self) -> Policy:
        return self.context.policy

    # -- helpers -----------------------------------------------------------------------------

    def note(
        self, code: str, message: str, rule: str, *, url: str | None = None, warn: bool = False
    ) -> None:
        self.notes.append(
            Note(
                code=code, message=message, rule=rule, url=url, level="warning" if warn else "info"
            )
        )

    def fail(
        self, code: str, reason: str, rule: str, explanation: str, *, url: str | None = None
    ) -> _Decided:
        return _Decided(
            Fail(
                code=code,
                reason=reason,
                rule=rule,
                explanation=explanation,
                url=url,
                notes=tuple(self.notes),
            )
        )

    def invalid(self, code: str, rule: str, url: str, error: MetadataError) -> _Decided:
        """A metadata document that breaks its RFC: `Fail` carries every violation."""
        return _Decided(
            Fail(
                code=code,
                reason=code,
                rule=rule,
                explanation=f"The {error.kind} at {url} is invalid: "
                + "; ".join(str(v) for v in error.violations),
                url=url,
                violations=error.violations,
                notes=tuple(self.notes),
            )
        )

    def unavailable(self, fetched: Fetched, what: str) -> _Decided:
        answer = f"HTTP {fetched.status}" if fetched.status is not None else fetched.error
        return self.fail(
            "discovery_unavailable",
            f"{what}_unavailable",
            R_UNAVAILABLE,
            f"The {what.replace('_', ' ')} request to {fetched.url} failed ({answer}); "
            "discovery stops rather than skipping or downgrading.",
            url=fetched.url,
        )

    # -- 1. the resource's answer ------------------------------------------------------------

    def run(self, response: ResourceResponse) -> Action:
        try:
            self.walk(response)
        except _Decided as decided:
            return decided.action
        raise AssertionError("unreachable: the walk always decides")  # pragma: no cover

    def walk(self, response: ResourceResponse) -> None:
        status = response.status
        if status < 400:  # noqa: PLR2004
            raise _Decided(
                NoAuthorizationNeeded(
                    status=status,
                    reason="not_challenged",
                    rule="RFC 9110 §15.3",
                    explanation=f"The resource answered {status}; it asked for no authorization.",
                )
            )
        if status >= 500:  # noqa: PLR2004
            raise self.fail(
                "discovery_unavailable",
                "resource_unavailable",
                R_UNAVAILABLE,
                f"The resource itself answered {status}; there is nothing to discover from.",
                url=self.context.resource,
            )
        if status not in (401, 403):
            raise self.fail(
                "unexpected_status",
                "not_an_authorization_challenge",
                "RFC 9110 §15.5",
                f"The resource answered {status}, which is neither 401 nor 403.",
                url=self.context.resource,
            )
        bearer, hint, bearer_seen = self.read_challenge(response)
        if status == 403:  # noqa: PLR2004
            self.step_up(bearer)
        elif not bearer_seen and response.www_authenticate and self.only_other_schemes:
            raise self.fail(
                "unsupported_auth_scheme",
                "no_bearer_challenge",
                R_CHALLENGE,
                "The 401 offers only non-Bearer authentication schemes "
                f"({', '.join(self.schemes)}); OAuth discovery does not apply.",
                url=self.context.resource,
            )
        prm = self.find_resource_metadata(hint)
        if prm is None:
            self.legacy(bearer)
            return
        self.authorization_servers(prm, bearer)

    def read_challenge(
        self, response: ResourceResponse
    ) -> tuple[BearerChallenge | None, str | None, bool]:
        """Choose the Bearer challenge and a usable ``resource_metadata`` hint."""
        if not response.www_authenticate:
            self.note(
                "no_www_authenticate",
                f"The {response.status} carried no WWW-Authenticate header.",
                R_CHALLENGE,
            )
            return None, None, False
        try:
            scan = scan_www_authenticate(response.www_authenticate)
        except ChallengeParseError as exc:
            self.note(
                "www_authenticate_unreadable",
                f"WWW-Authenticate could not be read ({exc.reason}); treated as absent.",
                exc.rule,
                warn=True,
            )
            return None, None, False
        challenges: tuple[Challenge, ...] = scan.challenges
        for skipped in scan.skipped:
            self.note(
                "challenge_skipped",
                f"A malformed {skipped.scheme or 'unreadable'} challenge at offset "
                f"{skipped.position} was skipped: {skipped.reason}.",
                "RFC 9110 §11",
                warn=True,
            )
        for tolerated in scan.tolerated:
            self.note(
                f"tolerated_{tolerated.name}",
                f"The {tolerated.scheme} challenge parses only with the {tolerated.name} "
                f"tolerance (parameter {tolerated.param}).",
                "RFC 9110 §11.2",
                warn=True,
            )
        broken_bearer = any(
            s.scheme is not None and s.scheme.lower() == "bearer" for s in scan.skipped
        )
        if not self.policy.header_tolerances and any(
            t.scheme.lower() == "bearer" for t in scan.tolerated
        ):
            # Strict: the tolerated Bearer challenge would not have parsed at all.
            challenges = tuple(c for c in challenges if not c.is_scheme("bearer"))
            broken_bearer = True
        self.schemes = [c.scheme for c in challenges]
        bearer = BearerChallenge.find(challenges)
        self.only_other_schemes = bearer is None and not broken_bearer and bool(challenges)
        if bearer is not None:
            for problem in bearer.problems:
                self.note("bearer_value_problem", str(problem), "RFC 6750 §3", warn=True)
        elif broken_bearer:
            self.note(
                "bearer_challenge_malformed",
                "The Bearer challenge is malformed, so none of its parameters is used "
                "(no resource_metadata hint).",
                R_CHALLENGE,
                warn=True,
            )
        hint = self.usable_hint(bearer, challenges)
        return bearer, hint, bearer is not None or broken_bearer

    def usable_hint(
        self, bearer: BearerChallenge | None, challenges: Sequence[Challenge]
    ) -> str | None:
        candidates: list[str] = []
        if bearer is not None and bearer.resource_metadata is not None:
            candidates.append(bearer.resource_metadata)
        # RFC 9728 §5.1: the parameter MAY accompany other schemes (e.g. DPoP).
        candidates.extend(
            c.params["resource_metadata"]
            for c in challenges
            if not c.is_scheme("bearer") and "resource_metadata" in c.params
        )
        for hint in candidates:
            if is_secure_url(hint, allow_loopback_http=self.policy.allow_loopback_http) and (
                "#" not in hint
            ):
                self.note(
                    "resource_metadata_hint",
                    "The challenge names its PRM document.",
                    R_HINT,
                    url=hint,
                )
                return hint
            self.note(
                "resource_metadata_hint_unusable",
                f"resource_metadata {hint!r} is not an absolute https URL without a fragment; "
                "it is ignored.",
                R_HINT,
                warn=True,
            )
        return None

    def step_up(self, bearer: BearerChallenge | None) -> None:
        """403: re-authorize with more scope, or stop."""
        client = self.context.client
        if bearer is None or bearer.error != BearerError.INSUFFICIENT_SCOPE:
            error = bearer.error if bearer is not None else None
            raise self.fail(
                "access_denied",
                "forbidden_without_insufficient_scope",
                R_403_STEP_UP,
                "The resource answered 403 "
                + (
                    f'with error="{error}"'
                    if error
                    else "without a Bearer insufficient_scope error"
                )
                + "; more scope would not help, so there is no step-up.",
                url=self.context.resource,
            )
        if client.step_up_attempts >= self.policy.max_step_up_attempts:
            raise self.fail(
                "step_up_limit_reached",
                "too_many_step_up_attempts",
                R_403_STEP_UP,
                f"Already re-authorized {client.step_up_attempts} time(s) for this operation "
                f"(limit {self.policy.max_step_up_attempts}).",
                url=self.context.resource,
            )
        self.note(
            "step_up",
            f"403 insufficient_scope: step-up attempt {client.step_up_attempts + 1} of "
            f"{self.policy.max_step_up_attempts}.",
            R_403_STEP_UP,
        )
        self.is_step_up = True

    # -- 2. and 3. protected resource metadata -----------------------------------------------

    def prm_candidates(self, hint: str | None) -> list[FetchResourceMetadata]:
        resource = self.context.resource
        out: list[FetchResourceMetadata] = []
        if hint is not None:
            out.append(
                FetchResourceMetadata(
                    url=hint,
                    route="hint",
                    expected_resource=resource,
                    reason="resource_metadata_hint",
                    rule=R_HINT,
                    explanation="Fetch the Protected Resource Metadata the challenge names.",
                )
            )
        for candidate in protected_resource_metadata_urls(resource):
            root = candidate.kind.endswith("root")
            out.append(
                FetchResourceMetadata(
                    url=candidate.url,
                    route="well_known_root" if root else "well_known_path",
                    expected_resource=candidate.built_from,
                    reason="well_known_root" if root else "well_known_path",
                    rule=R_PRM_URL,
                    explanation=(
                        "Fetch the root well-known Protected Resource Metadata."
                        if root
                        else "Fetch the path-inserted well-known Protected Resource Metadata."
                    ),
                )
            )
        seen: set[str] = set()
        unique = []
        for action in out:
            if action.url not in seen:
                seen.add(action.url)
                unique.append(action)
        return unique

    def find_resource_metadata(self, hint: str | None) -> _Prm | None:
        """Walk the PRM candidates; None when every one was absent and legacy may apply."""
        hint_failure: Fail | None = None
        for candidate in self.prm_candidates(hint):
            fetched = self.prm_fetches.get(candidate.url)
            if fetched is None:
                raise _Decided(_with_notes(candidate, self.notes))
            if self.absent(fetched, "resource_metadata", R_PRM_RESPONSE):
                continue
            try:
                document = self.validate_prm(candidate, fetched)
            except _Decided as decided:
                if candidate.route != "hint" or not isinstance(decided.action, Fail):
                    raise
                hint_failure = decided.action
                self.note(
                    decided.action.code,
                    f"The hinted PRM document is unusable ({decided.action.reason}); "
                    "continuing with the well-known locations.",
                    R_MCP_PRM_ORDER,
                    url=candidate.url,
                    warn=True,
                )
                continue
            return _Prm(document=document, url=candidate.url)
        if hint_failure is not None:
            raise self.fail(
                hint_failure.code,
                hint_failure.reason,
                hint_failure.rule,
                hint_failure.explanation + " No well-known PRM document exists either.",
                url=hint_failure.url,
            )
        if hint is not None:
            raise self.fail(
                "no_authorization_server",
                "resource_metadata_not_found",
                R_MCP_PRM_ORDER,
                "The server sent a resource_metadata hint (it claims RFC 9728), but neither "
                "the hint nor the well-known locations serve a PRM document; the 2025-03-26 "
                "fallback does not apply to such a server.",
            )
        return None

    def validate_prm(
        self, candidate: FetchResourceMetadata, fetched: Fetched
    ) -> ProtectedResourceMetadata:
        body = _json_body(fetched.body)
        try:
            document = parse_protected_resource_metadata(
                body, strict=not self.policy.metadata_tolerances
            )
        except MetadataError as exc:
            raise self.invalid(
                "resource_metadata_invalid", R_PRM_RESPONSE, candidate.url, exc
            ) from None
        for warning in document.warnings:
            self.note(warning.code, str(warning), warning.section, url=candidate.url, warn=True)
        self.check_resource(candidate, document.resource)
        return document

    def check_resource(self, candidate: FetchResourceMetadata, resource: str) -> None:
        """RFC 9728 §3.3 identity, per the policy."""
        requested = self.context.resource
        expected = candidate.expected_resource
        exact = {expected}
        if candidate.route == "well_known_root":
            # The root URL is built from the origin with "any terminating slash following the
            # host component" removed (RFC 9728 §3.1): both spellings name that identifier.
            exact.add(expected.rstrip("/") + "/")
        if resource in exact:
            return
        if self.policy.resource_match == "same_origin_prefix":
            same_origin = origin_of(resource) == origin_of(requested)
            from urllib.parse import urlsplit  # noqa: PLC0415 - local, cheap

            if (
                same_origin
                and origin_of(resource) is not None
                and not urlsplit(resource).query
                and path_is_segment_prefix(urlsplit(resource).path, urlsplit(requested).path)
            ):
                if resource != requested:
                    self.note(
                        "resource_prefix_match",
                        f"PRM resource {resource!r} is not identical to {expected!r} but is on "
                        f"the same origin as {requested!r} and a segment prefix of its path "
                        "(compatible policy).",
                        R_PRM_IDENTITY,
                        url=candidate.url,
                        warn=True,
                    )
                return
        raise self.fail(
            "resource_mismatch",
            "resource_not_identical"
            if self.policy.resource_match == "identical"
            else "resource_not_same_origin_prefix",
            R_PRM_IDENTITY,
            f"The PRM document at {candidate.url} describes {resource!r}, but the client asked "
            f"for {requested!r} (expected {expected!r}); the metadata MUST NOT be used.",
            url=candidate.url,
        )

    # -- 4. and 5. authorization servers -----------------------------------------------------

    def authorization_servers(self, prm: _Prm, bearer: BearerChallenge | None) -> None:
        issuers = prm.document.authorization_servers or ()
        if not issuers:
            raise self.fail(
                "no_authorization_server",
                "resource_metadata_lists_no_authorization_server",
                "MCP 2025-11-25 Authorization Server Location; " + R_AS_LIST,
                f"The PRM document at {prm.url} lists no authorization_servers.",
                url=prm.url,
            )
        for issuer in issuers:
            try:
                candidates = authorization_server_metadata_urls(issuer)
            except UsageError:
                raise self.fail(
                    "resource_metadata_invalid",
                    "authorization_server_not_an_issuer",
                    R_AS_LIST,
                    f"authorization_servers entry {issuer!r} is not an issuer identifier URL.",
                    url=prm.url,
                ) from None
            found = self.server_metadata(candidates, issuer, legacy=False)
            if found is not None:
                asm, url = found
                self.authorize(
                    asm, server_metadata_url=url, protocol="2025-11-25", prm=prm, bearer=bearer
                )
            self.note(
                "authorization_server_without_metadata",
                f"{issuer} publishes no metadata at any candidate URL; trying the next "
                "authorization server.",
                R_AS_LIST,
            )
        raise self.fail(
            "no_authorization_server",
            "no_authorization_server_metadata",
            R_AS_ORDER,
            "None of the authorization servers the PRM document lists publishes metadata; "
            "endpoints are never guessed for them.",
            url=prm.url,
        )

    def server_metadata(
        self, candidates: Sequence[WellKnownUrl], issuer: str, *, legacy: bool
    ) -> tuple[AuthorizationServerMetadata, str] | None:
        """Walk one issuer's metadata candidates: the first document found, or None if absent."""
        for candidate in candidates:
            fetched = self.asm_fetches.get(candidate.url)
            if fetched is None:
                where = "the origin's metadata" if legacy else f"the metadata of {issuer}"
                raise _Decided(
                    FetchServerMetadata(
                        url=candidate.url,
                        issuer=issuer,
                        kind=candidate.kind,
                        legacy=legacy,
                        reason=("legacy_" if legacy else "") + f"server_metadata_{candidate.kind}",
                        rule=R_LEGACY if legacy else candidate.rule + "; " + R_AS_ORDER,
                        explanation=f"Fetch {where} ({candidate.kind}).",
                        notes=tuple(self.notes),
                    )
                )
            if self.absent(fetched, "server_metadata", R_AS_RESPONSE):
                continue
            # legacy: the issuer is checked against the origin, not an expected identifier
            return self.validate_asm(
                candidate.url, fetched, None if legacy else issuer
            ), candidate.url
        return None

    def absent(self, fetched: Fetched, what: str, rule: str) -> bool:
        """Classify a non-200 answer: raise for 5xx / network errors, True for absence."""
        if fetched.error is not None or (fetched.status or 0) >= 500:  # noqa: PLR2004
            raise self.unavailable(fetched, what)
        if fetched.status == 200:  # noqa: PLR2004
            return False
        self.note(
            f"{what}_absent",
            f"Nothing here (HTTP {fetched.status}).",
            rule,
            url=fetched.url,
        )
        return True

    def validate_asm(
        self, url: str, fetched: Fetched, issuer: str | None
    ) -> AuthorizationServerMetadata:
        body = _json_body(fetched.body)
        try:
            asm = parse_authorization_server_metadata(
                body, expected_issuer=issuer, strict=not self.policy.metadata_tolerances
            )
        except MetadataError as exc:
            if "issuer_mismatch" in exc.codes:
                raise self.fail(
                    "issuer_mismatch",
                    "issuer_not_identical",
                    R_AS_IDENTITY,
                    f"The metadata at {url} names a different issuer than {issuer!r}, the one "
                    "its URL was built from; it MUST NOT be used (mix-up defence).",
                    url=url,
                ) from None
            raise self.invalid("server_metadata_invalid", R_AS_RESPONSE, url, exc) from None
        for warning in asm.warnings:
            self.note(warning.code, str(warning), warning.section, url=url, warn=True)
        return asm

    # -- 6. the 2025-03-26 legacy path -------------------------------------------------------

    def legacy(self, bearer: BearerChallenge | None) -> None:
        if not self.policy.legacy_fallback:
            raise self.fail(
                "no_authorization_server",
                "resource_metadata_not_found",
                R_MCP_PRM_ORDER,
                "No Protected Resource Metadata at any well-known location, and the policy "
                "does not allow the MCP 2025-03-26 fallback.",
            )
        origin = origin_url(self.context.resource)
        self.note(
            "legacy_fallback",
            "No usable resource_metadata hint and no PRM document anywhere: the server is "
            "treated as an MCP 2025-03-26 server whose origin is the authorization server.",
            R_LEGACY,
            warn=True,
        )
        found = self.server_metadata(
            authorization_server_metadata_urls(origin), origin, legacy=True
        )
        if found is not None:
            asm, url = found
            self.check_legacy_issuer(asm.issuer, url)
            self.authorize(
                asm, server_metadata_url=url, protocol="2025-03-26", prm=None, bearer=bearer
            )
        self.note(
            "legacy_default_endpoints",
            "The origin publishes no metadata: using the 2025-03-26 default endpoints "
            "/authorize, /token and /register (that revision required PKCE of every server).",
            R_LEGACY_DEFAULTS,
            warn=True,
        )
        self.finish(
            issuer=origin,
            authorization_endpoint=origin + "/authorize",
            token_endpoint=origin + "/token",
            registration_endpoint=origin + "/register",
            cimd_supported=False,
            server_metadata_url=None,
            protocol="2025-03-26",
            prm=None,
            bearer=bearer,
        )

    def check_legacy_issuer(self, issuer: str, url: str) -> None:
        origin = origin_url(self.context.resource)
        if issuer in (origin, origin + "/"):
            return
        on_origin = origin_of(issuer) == origin_of(origin) and issuer.startswith(origin + "/")
        if on_origin and self.policy.legacy_issuer_path:
            self.note(
                "legacy_issuer_with_path",
                f"The origin's metadata names issuer {issuer!r}, mounted below the origin; "
                "accepted on the legacy path (MCP conformance back-compat scenario).",
                R_LEGACY,
                url=url,
                warn=True,
            )
            return
        raise self.fail(
            "issuer_mismatch",
            "legacy_issuer_not_on_origin",
            R_AS_IDENTITY + "; " + R_LEGACY,
            f"The origin's metadata at {url} names issuer {issuer!r}, which is not the "
            f"resource's origin {origin!r}; it MUST NOT be used.",
            url=url,
        )

    # -- 7. the authorization request ---------------------------------------------------------

    def authorize(
        self,
        asm: AuthorizationServerMetadata,
        *,
        server_metadata_url: str,
        protocol: str,
        prm: _Prm | None,
        bearer: BearerChallenge | None,
    ) -> None:
        methods = asm.code_challenge_methods_supported
        if methods is None:
            if not self.policy.assume_pkce_without_advertisement:
                raise self.fail(
                    "pkce_not_supported",
                    "code_challenge_methods_supported_absent",
                    R_PKCE,
                    f"{asm.issuer} does not advertise code_challenge_methods_supported; MCP "
                    "clients MUST refuse to proceed (Policy.assume_pkce_without_advertisement "
                    "allows the Entra/Cognito exception).",
                    url=server_metadata_url,
                )
            self.note(
                "pkce_assumed",
                f"{asm.issuer} does not advertise PKCE; S256 assumed by policy "
                "(Microsoft Entra ID and Amazon Cognito omit the member).",
                R_PKCE,
                url=server_metadata_url,
                warn=True,
            )
        elif "S256" not in methods:
            raise self.fail(
                "pkce_not_supported",
                "s256_not_supported",
                R_PKCE,
                f"{asm.issuer} supports PKCE methods {list(methods)} but not S256.",
                url=server_metadata_url,
            )
        if asm.authorization_endpoint is None or asm.token_endpoint is None:
            missing = (
                "authorization_endpoint" if asm.authorization_endpoint is None else "token_endpoint"
            )
            raise self.fail(
                "server_metadata_invalid",
                f"{missing}_missing",
                "RFC 8414 §2",
                f"{asm.issuer} publishes no {missing}; the authorization code flow is impossible.",
                url=server_metadata_url,
            )
        if "code" not in asm.response_types_supported:
            raise self.fail(
                "server_metadata_invalid",
                "code_response_type_not_supported",
                "RFC 8414 §2 response_types_supported",
                f"{asm.issuer} does not support response_type=code.",
                url=server_metadata_url,
            )
        self.finish(
            issuer=asm.issuer,
            authorization_endpoint=asm.authorization_endpoint,
            token_endpoint=asm.token_endpoint,
            registration_endpoint=asm.registration_endpoint,
            cimd_supported=asm.client_id_metadata_document_supported is True,
            server_metadata_url=server_metadata_url,
            protocol=protocol,
            prm=prm,
            bearer=bearer,
        )

    def finish(
        self,
        *,
        issuer: str,
        authorization_endpoint: str,
        token_endpoint: str,
        registration_endpoint: str | None,
        cimd_supported: bool,
        server_metadata_url: str | None,
        protocol: str,
        prm: _Prm | None,
        bearer: BearerChallenge | None,
    ) -> None:
        allow_http = self.policy.allow_loopback_http
        for name, url in (
            ("authorization_endpoint", authorization_endpoint),
            ("token_endpoint", token_endpoint),
        ):
            if not is_secure_url(url, allow_loopback_http=allow_http):
                raise self.fail(
                    "insecure_endpoint",
                    f"{name}_not_https",
                    R_TLS,
                    f"{name} {url!r} is not an https URL"
                    + (" (http is allowed only on loopback hosts)" if allow_http else "")
                    + ".",
                    url=server_metadata_url,
                )
        registration = self.registration(
            issuer, registration_endpoint, cimd_supported, server_metadata_url
        )
        scope = self.scope(prm, bearer)
        if prm is not None:
            resource: str | None = prm.document.resource
            self.note("resource_parameter", "resource = the PRM document's resource.", R_RESOURCE)
        else:
            resource = canonical_resource(self.context.resource)
            self.note(
                "resource_parameter",
                "resource = the canonical resource URL (legacy path).",
                R_RESOURCE,
            )
        legacy = protocol == "2025-03-26"
        raise _Decided(
            Authorize(
                issuer=issuer,
                authorization_endpoint=authorization_endpoint,
                token_endpoint=token_endpoint,
                registration=registration,
                scope=scope,
                resource=resource,
                protocol="2025-03-26" if legacy else "2025-11-25",
                resource_metadata_url=prm.url if prm is not None else None,
                server_metadata_url=server_metadata_url,
                reason="step_up"
                if self.is_step_up
                else ("legacy_authorization_server" if legacy else "authorization_server_found"),
                rule=R_403_STEP_UP if self.is_step_up else (R_LEGACY if legacy else R_AS_ORDER),
                explanation=(
                    f"Authorize at {issuer} with PKCE S256"
                    + (" (MCP 2025-03-26 fallback: the resource's origin)" if legacy else "")
                    + "."
                ),
                notes=tuple(self.notes),
            )
        )

    def registration(
        self,
        issuer: str,
        endpoint: str | None,
        cimd_supported: bool,  # noqa: FBT001
        server_metadata_url: str | None,
    ) -> Registration:
        client = self.context.client
        if client.client_id is not None:
            if client.client_id_issuer is None or client.client_id_issuer == issuer:
                self.note("registration", "Using the pre-registered client.", R_REGISTRATION)
                return Registration(kind="preregistered", client_id=client.client_id)
            self.note(
                "preregistered_client_for_other_issuer",
                f"The pre-registered client belongs to {client.client_id_issuer!r}, not "
                f"{issuer!r}; it is not reused (MCP 2026-07-28 issuer binding).",
                R_REGISTRATION,
            )
        if client.client_metadata_url is not None:
            if cimd_supported:
                self.note(
                    "registration",
                    "The server supports Client ID Metadata Documents; the client ID is its URL.",
                    R_REGISTRATION,
                )
                return Registration(
                    kind="client_id_metadata_document", client_id=client.client_metadata_url
                )
            self.note(
                "client_id_metadata_document_unsupported",
                "The server does not advertise client_id_metadata_document_supported.",
                R_REGISTRATION,
            )
        if endpoint is not None and client.dynamic_registration:
            if not is_secure_url(endpoint, allow_loopback_http=self.policy.allow_loopback_http):
                raise self.fail(
                    "insecure_endpoint",
                    "registration_endpoint_not_https",
                    R_TLS,
                    f"registration_endpoint {endpoint!r} is not an https URL.",
                    url=server_metadata_url,
                )
            self.note("registration", "Dynamic client registration (RFC 7591).", R_REGISTRATION)
            return Registration(kind="dynamic", endpoint=endpoint)
        raise self.fail(
            "no_registration_method",
            "no_registration_method",
            R_REGISTRATION,
            f"{issuer} offers no registration the client can use: no pre-registered client, "
            "no Client ID Metadata Document support"
            + (
                ", and dynamic registration is disabled."
                if endpoint
                else ", no registration_endpoint."
            )
            + " Ask the user for client credentials.",
            url=server_metadata_url,
        )

    def scope(self, prm: _Prm | None, bearer: BearerChallenge | None) -> str | None:
        challenged: tuple[str, ...] = ()
        source = ""
        if bearer is not None and bearer.scope:
            challenged, source = bearer.scope, "the challenge's scope"
        elif prm is not None and prm.document.scopes_supported:
            challenged = tuple(prm.document.scopes_supported)
            source = "the PRM document's scopes_supported"
        if self.is_step_up:
            previous = tuple((self.context.client.previous_scope or "").split())
            merged = tuple(dict.fromkeys(previous + challenged))
            self.note(
                "scope",
                "Step-up scope = previously requested scope, then "
                + (source or "nothing new")
                + " (union, previous first).",
                R_403_STEP_UP,
            )
            return " ".join(merged) or None
        if challenged:
            self.note("scope", f"scope from {source}.", R_SCOPE)
            return " ".join(challenged)
        self.note(
            "scope",
            "No scope in the challenge or the PRM document: scope is omitted (never the "
            "authorization server's whole catalogue).",
            R_SCOPE,
        )
        return None


def _json_body(body: object) -> bytes | str | Mapping[str, object]:
    """Hand the body to the metadata parsers; other JSON values become text they reject."""
    if isinstance(body, (bytes, str)):
        return body
    if isinstance(body, Mapping):
        return body
    return json.dumps(body)


def _with_notes(action: FetchResourceMetadata, notes: list[Note]) -> FetchResourceMetadata:
    return replace(action, notes=tuple(notes))


def next_action(
    challenge: ResourceResponse,
    prm: Sequence[Fetched] | Mapping[str, Fetched] = (),
    asm: Sequence[Fetched] | Mapping[str, Fetched] = (),
    *,
    context: DiscoveryContext,
) -> Action:
    """Decide the next discovery step (MCP 2025-11-25 authorization, RFC 9728, RFC 8414).

    Pure and total: no I/O, no clock, no randomness; malformed server data leads to a reasoned
    `Fail`, never an exception. Only caller misuse (wrong argument types) raises `UsageError`.

    Args:
        challenge: the resource's 401/403 answer (status and ``WWW-Authenticate`` lines).
        prm: every Protected Resource Metadata GET so far (empty: none yet).
        asm: every authorization server metadata GET so far (empty: none yet).
        context: the resource URL, the `Policy` and the `ClientOptions`.

    Returns:
        A `FetchResourceMetadata` / `FetchServerMetadata` to perform next, or a terminal
        `Authorize`, `Fail` or `NoAuthorizationNeeded`.

    Raises:
        UsageError: an argument is not of the documented type.

    >>> ctx = DiscoveryContext(resource="https://mcp.example.com/mcp")
    >>> seed = ResourceResponse(status=401, www_authenticate='Bearer error="invalid_token"')
    >>> first = next_action(seed, context=ctx)
    >>> first.url, first.route
    ('https://mcp.example.com/.well-known/oauth-protected-resource/mcp', 'well_known_path')
    """
    if not isinstance(challenge, ResourceResponse):
        raise UsageError("challenge must be a rfcauth.ResourceResponse")
    if not isinstance(context, DiscoveryContext):
        raise UsageError("context must be a rfcauth.DiscoveryContext")
    walk = _Walk(context=context, prm_fetches=latest_by_url(prm), asm_fetches=latest_by_url(asm))
    return walk.run(challenge)
