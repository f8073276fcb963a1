"""The URL query parameters of every page, embed and API route (design.md), parsed and checked.

A bad or unknown value never raises: it is dropped and explained in `messages`, shown to the user.
"""

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

YEAR_MIN, YEAR_MAX = 1950, 2100
STATUSES = ("confirmed", "all")
MEASURES = ("deals", "usd", "tiv", "units")  # deals first: the default, the one measure every deal has
MEASURE_LABELS = {"deals": "deals (count)", "usd": "US$ million", "tiv": "SIPRI TIV (million)", "units": "units"}
LIST_PARAMS = ("country", "firm", "platform", "publisher")
MAX_MESSAGES = 20  # a URL with thousands of bad parameters gets twenty messages, not a page of thousands
NAMES = ("from", "to", *LIST_PARAMS, "status", "measure")
ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Params:
    from_: int | None = None
    to: int | None = None
    country: tuple[str, ...] = ()
    firm: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    publisher: tuple[str, ...] = ()
    status: str = "confirmed"
    measure: str = "deals"
    messages: tuple[str, ...] = field(default=(), compare=False)

    def years(self, default_from: int = YEAR_MIN, default_to: int = YEAR_MAX) -> tuple[int, int]:
        return (self.from_ or default_from, self.to or default_to)

    def query_string(self, **changes) -> str:
        """The query string of these params (or of a variant): the link that reopens the view."""
        p = replace(self, **changes)
        pairs = [("from", p.from_), ("to", p.to)] + [(n, ",".join(getattr(p, n))) for n in LIST_PARAMS]
        pairs += [("status", p.status if p.status != "confirmed" else None),
                  ("measure", p.measure if p.measure != "deals" else None)]
        text = urlencode([(k, v) for k, v in pairs if v not in (None, "")], safe=",")
        return f"?{text}" if text else ""


@dataclass(frozen=True)
class Known:
    """What exists in the warehouse, to check ids against."""
    countries: frozenset = frozenset()
    firms: frozenset = frozenset()
    platforms: frozenset = frozenset()
    publishers: frozenset = frozenset()


def _first(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value).strip()[:200]


def _year(name: str, value, messages: list[str]) -> int | None:
    text = _first(value)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not YEAR_MIN <= int(text) <= YEAR_MAX:
        messages.append(f"'{name}' must be a year between {YEAR_MIN} and {YEAR_MAX}; ignored {text[:20]!r}")
        return None
    return int(text)


def _ids(name: str, value, pattern, known: frozenset, messages: list[str], upper=False) -> tuple[str, ...]:
    items = []
    for item in _first(value).split(",")[:50]:
        item = item.strip().upper() if upper else item.strip().lower()
        if not item:
            continue
        if not pattern.match(item) or (known and item not in known):
            messages.append(f"unknown {name} {item[:40]!r} ignored")
        elif item not in items:
            items.append(item)
    return tuple(items)


def parse(query: dict, known: Known = Known()) -> Params:
    """Params from a query mapping (values may be strings or lists of strings)."""
    messages = [f"unknown parameter {k[:40]!r} ignored" for k in query if k not in NAMES]
    messages += [f"parameter {k!r} given {len(v)} times; the last value is used" for k, v in query.items()
                 if k in NAMES and isinstance(v, (list, tuple)) and len(set(map(str, v))) > 1]
    from_, to = _year("from", query.get("from"), messages), _year("to", query.get("to"), messages)
    if from_ and to and from_ > to:
        messages.append(f"'from' ({from_}) is after 'to' ({to}); both ignored")
        from_ = to = None
    status = _first(query.get("status", "")).lower() or "confirmed"
    if status not in STATUSES:
        messages.append(f"'status' must be one of {', '.join(STATUSES)}; ignored {status[:20]!r}")
        status = "confirmed"
    measure = _first(query.get("measure", "")).lower() or "deals"
    if measure not in MEASURES:
        messages.append(f"'measure' must be one of {', '.join(MEASURES)}; ignored {measure[:16]!r}")
        measure = "deals"
    return Params(
        from_=from_, to=to, status=status, measure=measure,
        country=_ids("country", query.get("country", ""), ISO3, known.countries, messages, upper=True),
        firm=_ids("firm", query.get("firm", ""), ID, known.firms, messages),
        platform=_ids("platform", query.get("platform", ""), ID, known.platforms, messages),
        publisher=_ids("publisher", query.get("publisher", ""), ID, known.publishers, messages),
        messages=_capped(list(dict.fromkeys(messages))),  # each message once
    )


def _capped(messages: list[str]) -> tuple[str, ...]:
    if len(messages) <= MAX_MESSAGES:
        return tuple(messages)
    more = len(messages) - (MAX_MESSAGES - 1)
    return (*messages[: MAX_MESSAGES - 1], f"… and {more} more problems with the parameters, all ignored")
