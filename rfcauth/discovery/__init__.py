"""Discovery: the sans-I/O decision (challenge, PRM?, AS metadata?) → the next action.

::

    _actions.py    FetchResourceMetadata, FetchServerMetadata, Authorize, Fail, … (the outputs)
    _inputs.py     ResourceResponse, Fetched, DiscoveryContext (what a driver reports)
    _policy.py     Policy (how strict), ClientOptions (what the client brings)
    _walk.py       next_action: the decision walk's map (theory of operation), stage by stage
                   in _resource_answer, _resource_metadata, _server_metadata, _legacy and
                   _authorization_request over one _state.WalkState
    _addresses.py  url_refusal: the one URL check every requested URL passes; host_refusal and
                   ip_refusal (SSRF targets; the driver calls ip_refusal at connect time)
    _memo.py       the bounded memo tables that keep a replayed walk linear
    _simulate.py   simulate: drive next_action over canned responses
    _scenarios.py  the shipped scenario vectors (vectors/discovery.json)

Nothing here performs I/O; the driver (``rfcauth.http``) and ``simulate`` do the fetching.
"""

from __future__ import annotations

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
from rfcauth.discovery._inputs import DiscoveryContext, Fetched, ResourceResponse
from rfcauth.discovery._policy import ClientOptions, Policy
from rfcauth.discovery._simulate import Exchange, Plan, simulate
from rfcauth.discovery._walk import next_action

__all__ = [
    "Action",
    "Authorize",
    "ClientOptions",
    "DiscoveryContext",
    "Exchange",
    "Fail",
    "FetchResourceMetadata",
    "FetchServerMetadata",
    "Fetched",
    "NoAuthorizationNeeded",
    "Note",
    "Plan",
    "Policy",
    "Registration",
    "ResourceResponse",
    "next_action",
    "simulate",
]
