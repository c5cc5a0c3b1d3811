"""Hypothesis strategies for WWW-Authenticate headers (reused by several test modules).

Built constructively from the RFC 9110 grammar: `challenges()` draws values, `headers()`
renders them in the many spellings the recipient grammar allows (case, OWS, BWS, empty list
elements, token or quoted-string values), and `near_valid_headers()` mutates those.
"""

from __future__ import annotations

import string

from hypothesis import settings
from hypothesis import strategies as st

from rfcauth import Challenge


def budget(examples: int) -> settings:
    """`examples` for slow tests under ci/dev; a twentieth of the profile's under ``fuzz``."""
    return settings(max_examples=max(examples, (settings.default or settings()).max_examples // 20))


TCHAR = "!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters
TOKEN68_CHARS = string.ascii_letters + string.digits + "-._~+/"
# qdtext and quoted-pair content: HTAB, SP, VCHAR, obs-text (RFC 9110 Section 5.6.4)
QUOTED_CHARS = (
    "\t" + "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0x80, 0x100))
)

tokens = st.text(alphabet=TCHAR, min_size=1, max_size=8)
token68s = st.builds(
    lambda body, pad: body + "=" * pad,
    st.text(alphabet=TOKEN68_CHARS, min_size=1, max_size=12),
    st.integers(0, 3),
)
values = st.text(alphabet=QUOTED_CHARS, max_size=12)
names = tokens.map(str.lower)


@st.composite
def challenges(draw: st.DrawFn) -> Challenge:
    """A Challenge: token68, auth-params (unique names) or neither."""
    scheme = draw(tokens)
    kind = draw(st.sampled_from(["params", "params", "token68", "bare"]))
    if kind == "token68":
        return Challenge(scheme=scheme, token68=draw(token68s))
    if kind == "bare":
        return Challenge(scheme=scheme)
    params = draw(st.dictionaries(names, values, min_size=1, max_size=4))
    return Challenge(scheme=scheme, params=params)


challenge_lists = st.lists(challenges(), max_size=4)

_ows = st.sampled_from(["", "", " ", "\t", "  "])


def _quote(value: str, draw: st.DrawFn) -> str:
    out = []
    for ch in value:
        if ch in '"\\' or draw(st.integers(0, 9)) == 0:  # escape needed, or escape anyway
            out.append("\\" + ch)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _render_value(value: str, draw: st.DrawFn) -> str:
    if value and all(c in TCHAR for c in value) and draw(st.booleans()):
        return value
    return _quote(value, draw)


def _recase(text: str, draw: st.DrawFn) -> str:
    return draw(st.sampled_from([text, text.lower(), text.upper(), text.swapcase()]))


def _delimiter(draw: st.DrawFn) -> str:
    commas = draw(st.integers(1, 3))  # more than one: empty list elements (Section 5.6.1.2)
    return "".join(draw(_ows) + "," + draw(_ows) for _ in range(commas))


@st.composite
def rendered(draw: st.DrawFn, items: list[Challenge] | None = None) -> tuple[list[Challenge], str]:
    """(challenges, a header spelling them): random case of names, OWS, BWS, empty elements."""
    if items is None:
        items = draw(challenge_lists)
    parts = []
    for challenge in items:
        text = challenge.scheme
        if challenge.token68 is not None:
            text += " " * draw(st.integers(1, 2)) + challenge.token68
        elif challenge.params:
            params = []
            for name, value in challenge.params.items():
                bws = draw(_ows), draw(_ows)
                params.append(f"{_recase(name, draw)}{bws[0]}={bws[1]}{_render_value(value, draw)}")
            lead = " " * draw(st.integers(1, 2)) + draw(st.sampled_from(["", "", ", "]))
            text += lead + params[0]
            for param in params[1:]:
                text += _delimiter(draw) + param
        parts.append(text)
    header = ""
    for index, part in enumerate(parts):
        header += (_delimiter(draw) if index else draw(st.sampled_from(["", ", "]))) + part
    return items, header


headers = rendered().map(lambda pair: pair[1])

# Characters a mutation inserts: the grammar's delimiters, whitespace it forbids in places,
# invalid octets, and characters beyond ISO-8859-1.
_MUTATION_CHARS = '",=\\ \t;:/\r\n\x00\x7f\xe9\u20ac\ud800aZ0'


@st.composite
def near_valid_headers(draw: st.DrawFn) -> str:
    """A valid header with one to three characters inserted, deleted or replaced."""
    header = draw(headers)
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(header)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(st.sampled_from(_MUTATION_CHARS))
        if op == "insert" or not header:
            header = header[:pos] + ch + header[pos:]
        elif op == "delete":
            header = header[:pos] + header[pos + 1 :]
        else:
            header = header[:pos] + ch + header[pos + 1 :]
    return header
