"""The URL query parameters of every page, embed and API route (design.md), parsed and checked.

A bad or unknown value never raises: it is dropped and explained in `messages`, shown to the user.
"""

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

YEAR_MIN, YEAR_MAX = 1950, 2100
STATUSES = ("confirmed", "all")
# The stages of a deal, in the order a deal moves through them; `status` takes any of them, comma-separated.
STAGES = ("talks", "mou", "signed", "in_production", "delivering", "delivered", "stalled", "cancelled")
STATUS_LABELS = {
    "confirmed": "confirmed",
    "all": "all (incl. talks)",
    "talks": "talks",
    "mou": "MoU",
    "signed": "signed",
    "in_production": "in production",
    "delivering": "delivering",
    "delivered": "delivered",
    "stalled": "stalled",
    "cancelled": "cancelled",
}
STATUS_MEANINGS = {
    "confirmed": "signed, in production, delivering or delivered, and not low-confidence",
    "all": "every deal, including talks, MoUs, stalled and cancelled ones",
    "talks": "publicly reported negotiations; nothing signed",
    "mou": "a memorandum of understanding or letter of intent; not a contract",
    "signed": "contract signed; production not started",
    "in_production": "contract signed and the units being built",
    "delivering": "deliveries under way",
    "delivered": "all ordered units delivered",
    "stalled": "reported, then no progress for a long time or suspended",
    "cancelled": "signed or negotiated, then cancelled",
}
MEASURES = ("deals", "usd", "tiv", "units")  # deals first: the default, the one measure every deal has
MEASURE_LABELS = {"deals": "deals (count)", "usd": "US$ million", "tiv": "SIPRI TIV (million)", "units": "units"}
LIST_PARAMS = ("country", "firm", "platform", "publisher")
MAX_MESSAGES = 20  # a URL with thousands of bad parameters gets twenty messages, not a page of thousands
# The deal grid's view (issue 12, item 6): quick search, sort and column filters, by the column's URL name.
GRID_COLUMNS = {
    "deal": "deal_id",
    "recipient": "buyer_link",
    "platform": "platform_link",
    "firm": "firm_link",
    "status": "stage",
    "ordered": "order",
    "quantity": "quantity",
    "delivered": "delivered",
    "delivery_years": "delivery_years",
    "value": "value",
    "currency": "currency",
    "value_usd_m": "value_usd_m",
    "confidence": "confidence_words",
    "category": "category_words",
    "note": "note_link",
}
GRID_FIELDS = {v: k for k, v in GRID_COLUMNS.items()}
MAX_TEXT = 100  # characters of a quick search or a column filter
NAMES = ("from", "to", *LIST_PARAMS, "status", "measure")  # of every page, embed and API route
GRID_NAMES = ("q", "sort", "filter")  # of the pages with the deal grid (/deals, entity pages); others ignore them
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
    q: str = ""  # the grid's quick search
    sort: str = ""  # "<column>:asc" or "<column>:desc"
    filter: tuple[tuple[str, str], ...] = ()  # (column, text contained), one per column
    messages: tuple[str, ...] = field(default=(), compare=False)

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages chosen (status=talks,mou), or () for confirmed / all."""
        return () if self.status in STATUSES else tuple(self.status.split(","))

    def years(self, default_from: int = YEAR_MIN, default_to: int = YEAR_MAX) -> tuple[int, int]:
        return (self.from_ or default_from, self.to or default_to)

    def query_string(self, **changes) -> str:
        """The query string of these params (or of a variant): the link that reopens the view."""
        p = replace(self, **changes)
        pairs: list[tuple[str, str | int | None]] = [("from", p.from_), ("to", p.to)]
        pairs += [(n, ",".join(getattr(p, n))) for n in LIST_PARAMS]
        pairs += [
            ("status", p.status if p.status != "confirmed" else None),
            ("measure", p.measure if p.measure != "deals" else None),
            ("q", p.q),
            ("sort", p.sort),
            ("filter", ";".join(f"{k}:{v}" for k, v in p.filter)),
        ]
        text = urlencode([(k, v) for k, v in pairs if v not in (None, "")], safe=",:;")
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


def _status(value, messages: list[str]) -> str:
    """confirmed (default), all, or stages comma-separated, written back in the order of STAGES."""
    items = [item.strip().lower() for item in _first(value).split(",")[:50] if item.strip()]
    if len(items) == 1 and items[0] in STATUSES:
        return items[0]
    chosen = set()
    for item in items:
        if item in STAGES:
            chosen.add(item)
        elif item in STATUSES:
            messages.append(f"'status' {item} cannot be combined with stages; ignored {item!r}")
        else:
            messages.append(f"unknown status {item[:40]!r} ignored")
    return ",".join(s for s in STAGES if s in chosen) or "confirmed"


def _text(name: str, text: str, messages: list[str]) -> str:
    """Plain printable text of at most MAX_TEXT characters (no control, format or bidi characters), or ''."""
    if len(text) > MAX_TEXT:
        messages.append(f"'{name}' is longer than {MAX_TEXT} characters; ignored")
        return ""
    if not text.isprintable():  # Python counts control (Cc) and format (Cf: bidi overrides) as unprintable
        messages.append(f"'{name}' holds control or direction characters; ignored {text[:20]!r}")
        return ""
    return text


def _sort(value, messages: list[str]) -> str:
    text = _first(value).lower()
    if not text:
        return ""
    column, _, direction = text.partition(":")
    if column not in GRID_COLUMNS or direction not in ("asc", "desc"):
        messages.append(f"'sort' must be a grid column and asc or desc, like ordered:desc; ignored {text[:40]!r}")
        return ""
    return text


def _filters(value, messages: list[str]) -> tuple[tuple[str, str], ...]:
    raw = value[-1] if isinstance(value, (list, tuple)) and value else value
    raw = str(raw or "").strip()
    if len(raw) > 20 * MAX_TEXT:
        messages.append(f"'filter' is longer than {20 * MAX_TEXT} characters; ignored")
        return ()
    chosen: dict[str, str] = {}
    for item in raw.split(";")[:20]:
        column, sep, text = item.strip().partition(":")
        column, text = column.strip().lower(), text.strip()
        if not item.strip():
            continue
        if not sep or column not in GRID_COLUMNS:
            messages.append(f"unknown grid column in 'filter' {column[:40]!r} ignored")
            continue
        text = _text(f"filter {column}", text, messages)
        if text:
            chosen[column] = text
    return tuple(chosen.items())


def parse(query: dict, known: Known = Known()) -> Params:
    """Params from a query mapping (values may be strings or lists of strings)."""
    messages = [f"unknown parameter {k[:40]!r} ignored" for k in query if k not in NAMES + GRID_NAMES]
    messages += [
        f"parameter {k!r} given {len(v)} times; the last value is used"
        for k, v in query.items()
        if k in NAMES + GRID_NAMES and isinstance(v, (list, tuple)) and len(set(map(str, v))) > 1
    ]
    from_, to = _year("from", query.get("from"), messages), _year("to", query.get("to"), messages)
    if from_ and to and from_ > to:
        messages.append(f"'from' ({from_}) is after 'to' ({to}); both ignored")
        from_ = to = None
    status = _status(query.get("status", ""), messages)
    measure = _first(query.get("measure", "")).lower() or "deals"
    if measure not in MEASURES:
        messages.append(f"'measure' must be one of {', '.join(MEASURES)}; ignored {measure[:16]!r}")
        measure = "deals"
    return Params(
        from_=from_,
        to=to,
        status=status,
        measure=measure,
        country=_ids("country", query.get("country", ""), ISO3, known.countries, messages, upper=True),
        firm=_ids("firm", query.get("firm", ""), ID, known.firms, messages),
        platform=_ids("platform", query.get("platform", ""), ID, known.platforms, messages),
        publisher=_ids("publisher", query.get("publisher", ""), ID, known.publishers, messages),
        q=_text(
            "q",
            str(
                (query.get("q") or [""])[-1] if isinstance(query.get("q"), (list, tuple)) else query.get("q") or ""
            ).strip(),
            messages,
        ),
        sort=_sort(query.get("sort"), messages),
        filter=_filters(query.get("filter"), messages),
        messages=_capped(list(dict.fromkeys(messages))),  # each message once
    )


def _capped(messages: list[str]) -> tuple[str, ...]:
    if len(messages) <= MAX_MESSAGES:
        return tuple(messages)
    more = len(messages) - (MAX_MESSAGES - 1)
    return (*messages[: MAX_MESSAGES - 1], f"… and {more} more problems with the parameters, all ignored")


def clamp_years(p: Params, covered: tuple[int, int] | None, what: str) -> Params:
    """`p` with from/to kept inside the years a source covers (`covered`, first and last; None: nothing known), and
    a message for each year moved, in the words of `what` ("SIPRI data end in 2023: 'to' 2025 is drawn as 2023").
    The URL keeps what was asked; the views drawn from the source use these years."""
    if covered is None:
        return p
    first, last = covered
    changes: dict[str, int] = {}
    notes: list[str] = []
    for name, attr in (("from", "from_"), ("to", "to")):
        year = getattr(p, attr)
        if year is not None and year > last:
            changes[attr] = last
            notes.append(f"{what} end in {last}: {name!r} {year} is drawn as {last}")
        elif year is not None and year < first:
            changes[attr] = first
            notes.append(f"{what} begin in {first}: {name!r} {year} is drawn as {first}")
    if not changes:
        return p
    return replace(p, **changes, messages=_capped(list(dict.fromkeys([*p.messages, *notes]))))  # type: ignore[arg-type]
