"""Pure figure functions: a data frame in, a go.Figure out. No Dash, no DuckDB; one theme for all."""

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
PUBLISHER_COLORS = {
    "ssb": "#b2182b",
    "tim": "#2166ac",
    "sasad": "#7f7f7f",
    "ssi": "#5aae61",
    "trade_ministry": "#8c6bb1",
    "sipri": "#e08214",
    "defense_news": "#35978f",
    "company": "#bf812d",
    "press": "#999999",
}
PUBLISHER_SHORT = {
    "ssb": "SSB",
    "tim": "TİM",
    "sasad": "SaSaD",
    "ssi": "SSİ",
    "trade_ministry": "Trade Ministry",
    "sipri": "SIPRI",
    "defense_news": "Defense News",
    "company": "the firm",
    "press": "press",
}
# One colour per firm, platform or country in every chart (issue 12, item 14): Türkiye's red is its own, never a
# comparator's; the others come from ENTITY_PALETTE (no red in it) by their place among all ids of their kind.
TURKIYE = "TUR"
TURKIYE_COLOR = "#b2182b"
ENTITY_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#0d2a63",
    "#b68100",
    "#00a08b",
    "#511cfb",
    "#6c7c32",
    "#750d86",
    "#6c4516",
    "#778aae",
    "#72b7b2",
    "#eeca3b",
    "#a777f1",
)
OTHERS_COLOR = "#d3d3d3"  # "other platforms" and the like: no entity's colour
SCOPE_DASH = {"goods_services": "solid", "goods": "dot", "survey": "dashdot"}
SCOPE_LABEL = {"goods_services": "goods + services", "goods": "goods", "survey": "company survey"}
STATUS_COLORS = {
    "delivered": "#1b7837",
    "delivering": "#5aae61",
    "in_production": "#a6dba0",
    "signed": "#2166ac",
    "mou": "#c2a5cf",
    "talks": "#9970ab",
    "stalled": "#e08214",
    "cancelled": "#b2182b",
}
STATUS_ORDER = list(STATUS_COLORS)
STATUS_WORDS = {
    "delivered": "delivered",
    "delivering": "delivering",
    "in_production": "in production",
    "signed": "signed",
    "mou": "MoU",
    "talks": "talks",
    "stalled": "stalled",
    "cancelled": "cancelled",
}
CATEGORY_WORDS = {
    "ucav": "armed drone (UCAV)",
    "uav": "drone (UAV)",
    "armoured_vehicle": "armoured vehicle",
    "combat_aircraft": "combat aircraft",
    "trainer_aircraft": "trainer aircraft",
    "warship": "warship",
    "sensor": "sensor / targeting pod",
    "artillery": "artillery",
    "upgrade": "upgrade",
    "missile": "missile",
    "helicopter": "helicopter",
}
# What each publisher's series counts, in the words of data/raw (publishers.csv scope_note, export_figures.yml
# notes): beside every series wherever the publisher totals are drawn or listed.
SERIES_DEFINITIONS = {
    ("ssb", "goods_services"): "goods + services (NATO and service exports included since 2023)",
    ("ssb", "goods"): "customs goods (its monthly and year-to-date releases; the Oct-2025 release says "
    "'excluding services')",
    ("ssb", "survey"): "a company survey (its 2018 sector report)",
    ("tim", "goods"): "customs goods (the defence & aerospace sector's exports declared at customs)",
    ("ssi", "goods"): "customs goods, as TİM (SSİ is part of TİM)",
    ("trade_ministry", "goods"): "customs goods, on the same basis as TİM",
    ("sasad", "survey"): "a company survey (including offsets and civil aerospace)",
    ("press", "goods"): "goods (a newspaper's figure that names no official body)",
}
SCOPE_PLAIN = {"goods": "customs goods", "goods_services": "goods + services", "survey": "a company survey"}


def series_label(publisher: str, scope: str) -> str:
    """'SSB — goods + services': the name of one publisher's series in legends and tables."""
    return f"{PUBLISHER_SHORT.get(publisher, publisher)} — {SCOPE_LABEL.get(scope, scope)}"


def series_definition(publisher: str, scope: str) -> str:
    return SERIES_DEFINITIONS.get((publisher, scope), SCOPE_PLAIN.get(scope, scope.replace("_", " ")))


def _who(publisher: str) -> str:
    return "the press report" if publisher == "press" else PUBLISHER_SHORT.get(publisher, publisher)


def _usd(value: float) -> str:
    return "US$" + f"{value:,.3f}".rstrip("0").rstrip(".") + " m"


def _rounding_unit(value: float) -> float:
    """The precision a published figure is given to: 1,300 -> 100, 1,120 -> 10, 464 -> 1, 464.5 -> 0.1."""
    for unit in (1000, 100, 10, 1, 0.1, 0.01):
        if abs(value / unit - round(value / unit)) < 1e-9:
            return unit
    return 0.001


def why_they_differ(row) -> str:
    """One sentence on why two figures of the same period differ (/quality's reconciliation): the scopes they
    count, the rounding of one of them, or a gap the sources leave unexplained."""
    pa, sa, va, pb, sb, vb = (
        row[k] for k in ("publisher_a", "scope_a", "value_a_usd_m", "publisher_b", "scope_b", "value_b_usd_m")
    )
    gap = vb - va
    if sa != sb:
        if pa == pb and {sa, sb} == {"goods", "goods_services"}:
            return (
                f"{_who(pa)} publishes both: its goods + services total adds services to its goods total "
                f"({_usd(abs(gap))} here)."
            )
        equal = ", though the numbers are equal here" if abs(gap) < 1e-9 else ""
        return (
            f"They count different things{equal}: {_who(pa)}'s total is {series_definition(pa, sa)}, "
            f"{_who(pb)}'s is {series_definition(pb, sb)}."
        )
    both = f"Both count {SCOPE_PLAIN.get(sa, sa)}"
    if abs(gap) < 1e-9:
        return f"{both} and give the same figure."
    (rounder, rv), (other, ov) = sorted(((pa, va), (pb, vb)), key=lambda pv: -_rounding_unit(pv[1]))
    unit = _rounding_unit(rv)
    if abs(gap) < unit - 1e-9:
        nearest = "US$" + f"{unit:,.2f}".rstrip("0").rstrip(".") + " m"
        return (
            f"{both}; {_who(rounder)}'s {_usd(rv)} is a round figure (to {nearest}), and "
            f"{_who(other)}'s {_usd(ov)} is less than {nearest} from it."
        )
    why = (
        "the press report names no official body, so it may be another publisher's figure or an earlier one"
        if "press" in (pa, pb)
        else "a revision or a different count, which the sources do not explain"
    )
    return (
        f"{both} for the same months, yet differ by {_usd(abs(gap))} ({abs(gap) / va:.1%}), more than rounding: {why}."
    )


# Grid headers in words, for the tables that show warehouse fields (/quality, /compare): never a field name.
COLUMN_WORDS = {
    "quote_id": "Quote",
    "figure_id": "Figure",
    "deal_id": "Deal",
    "publisher": "Publisher",
    "scope": "Scope",
    "year": "Year",
    "month_from": "From month",
    "month_to": "To month",
    "month": "Month",
    "status": "Status",
    "quoted_pct": "Quoted growth, %",
    "computed_pct": "Growth from the totals, %",
    "gap_pp": "Gap, points",
    "verdict": "Verdict",
    "source_link": "Source",
    "published": "Published",
    "label": "Period",
    "value_usd_m": "US$ million as published",
    "calendar_usd_m": "Closest calendar total, US$ million",
    "calendar_basis": "Calendar total it is set beside",
    "ytd_through_month": "Jan–month total published",
    "publisher_a": "Publisher A",
    "scope_a": "Scope A",
    "value_a_usd_m": "A, US$ million",
    "publisher_b": "Publisher B",
    "scope_b": "Scope B",
    "value_b_usd_m": "B, US$ million",
    "difference_usd_m": "B − A, US$ million",
    "ratio_b_to_a": "B ÷ A",
    "why": "Why they differ",
    "area": "Area",
    "measure": "Measure",
    "value": "Value",
    "run_id": "Run",
    "finished_utc": "Finished (UTC)",
    "outcome": "Outcome",
    "data_as_of": "Data as of",
    "row_counts": "Rows per table",
    "changed_at": "Recorded (UTC)",
    "source": "Source",
    "latest_period": "Latest period",
    "next_period": "Next period",
    "due": "Due",
    "overdue_days": "Overdue (days)",
    "cadence": "Cadence",
    "text": "Change",
    "vintage": "Vintage",
    "buyer": "Recipient",
    "platform": "Platform",
    "pairing": "Pairing",
    "sipri_record_no": "SIPRI record",
    "curated_order_year": "Ordered (deals)",
    "sipri_order_year": "Ordered (SIPRI)",
    "curated_quantity": "Quantity (deals)",
    "sipri_quantity": "Quantity (SIPRI)",
    "curated_delivered": "Delivered (deals)",
    "sipri_delivered": "Delivered (SIPRI)",
    "match": "Same on both sides",
    "curated_status": "Status (deals)",
    "sipri_designation": "SIPRI designation",
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PROVENANCE = ["source_publisher", "source_title", "source_published", "source_url", "source_quote"]
PROVENANCE_HOVER = "<br><i>%{customdata[1]}</i><br>%{customdata[0]}, %{customdata[2]}<extra></extra>"

pio.templates["defex"] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=13, color="#212529"),
        colorway=["#2166ac", "#1b7837", "#e08214", "#762a83", "#7f7f7f", "#35978f", "#bf812d"],  # no red: Türkiye's
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#adb5bd", ticks="outside"),
        yaxis=dict(gridcolor="#e9ecef", zeroline=True, zerolinecolor="#adb5bd"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
        margin=dict(l=60, r=20, t=40, b=50),
        hoverlabel=dict(bgcolor="white", font_size=12),
    )
)
TEMPLATE = "plotly_white+defex"
# The two templates merged and validated once: plotly merges and validates a template named by a string again for
# every figure (make bench, section queries: ~49 ms against ~4 ms per figure here).
_TEMPLATE = pio.templates.merge_templates(*TEMPLATE.split("+"))


def entity_colors(ids) -> dict[str, str]:
    """The colour of each firm, platform or country id: Türkiye's red for TUR, else ENTITY_PALETTE by the id's place
    among `ids` sorted (pass every id of the kind, data.known(), so that an id's colour is the same in every chart
    and whatever the filters; more ids than colours share them, cycling)."""
    others = sorted(set(ids) - {TURKIYE})
    colors = {key: ENTITY_PALETTE[n % len(ENTITY_PALETTE)] for n, key in enumerate(others)}
    return colors | ({TURKIYE: TURKIYE_COLOR} if TURKIYE in set(ids) else {})


def _colors(colors: dict[str, str] | None, ids) -> dict[str, str]:
    """The colours given (the app's: every id of the kind), else those of the ids in this frame alone."""
    return colors if colors is not None else entity_colors(set(ids))


def short_label(name: str, width: int = 16) -> str:
    """A name short enough to label a line's end: the abbreviation it ends with ('… A.Ş. (TUSAŞ)': TUSAŞ), else a
    first word in capitals ('ASELSAN Elektronik …': ASELSAN), else the name, cut at a word with '…'."""
    name = str(name)
    if name.endswith(")") and "(" in name and len(abbr := name[name.rindex("(") + 1 : -1]) <= width:
        return abbr
    first = name.split(" ")[0]
    if len(name) > width and first.isupper() and len(first) > 1:
        return first
    return textwrap.shorten(name, width, placeholder="…")


def _label_line_ends(fig: go.Figure, *, reversed_y: bool = False) -> go.Figure:
    """Each line's name at its last point, in its colour, instead of a legend far from the lines (a trace's `meta`
    is its label, else its name shortened); labels that would overlap are pushed apart, 14 px at least."""
    ends = []
    for trace in fig.data:
        if trace.type != "scatter" or "lines" not in (trace.mode or "") or not trace.name:
            continue
        points = [(x, y) for x, y in zip(trace.x, trace.y, strict=True) if y is not None and not pd.isna(y)]
        if points:
            trace.showlegend = False
            label = trace.meta if isinstance(trace.meta, str) else short_label(trace.name)
            ends.append((*points[-1], label, trace.line.color))
    if not ends:
        return fig
    ys = [float(y) for _, y, _, _ in ends]
    low, high = min(ys), max(ys)
    plot_px = (fig.layout.height or 450) - 90
    up = [((high - y) if reversed_y else (y - low)) / ((high - low) or 1.0) * plot_px for y in ys]  # px from bottom
    previous = None
    for i in sorted(range(len(ends)), key=lambda i: (up[i], ends[i][2])):
        x, y, label, color = ends[i]
        at = up[i] if previous is None else max(up[i], previous + 14)
        previous = at
        fig.add_annotation(
            x=x,
            y=y,
            text=label,
            showarrow=False,
            xanchor="left",
            xshift=6,
            yshift=at - up[i],
            font=dict(size=11, color=color or "#212529"),
            name="line-end",
        )
    width = max(len(label) for _, _, label, _ in ends)
    fig.update_layout(margin=dict(r=max(fig.layout.margin.r or 20, 16 + 7 * width)))
    return fig


def _fig(**layout) -> go.Figure:
    """An empty figure in the house template; every property set on it after the template is validated."""
    fig = go.Figure(layout=dict(template=_TEMPLATE), _validate=False)  # the template was validated above
    fig._validate = fig.layout._validate = True
    fig.update_layout(**layout)
    return fig


def _whole(values) -> tuple[float, float] | None:
    """(lowest, highest) of the values when every one is a whole number (years, counts; numbers written as text
    count, as plotly reads them), else None. Missing values are skipped. Plain Python: a figure's traces are short,
    and pandas cost more than the figure's own drawing here."""
    lo = hi = None
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float | np.floating) and value != value):
            continue
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return None
        elif isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            return None
        if value != value or value % 1:
            return None
        lo = value if lo is None or value < lo else lo
        hi = value if hi is None or value > hi else hi
    return None if lo is None or hi is None else (float(lo), float(hi))


def _whole_ticks(lo: float, hi: float) -> dict:
    """Ticks at whole steps (1, 2 or 5) where a short range would make plotly draw fractions; years without a
    thousands separator."""
    ticks: dict[str, str | int] = {"tickformat": "d"} if 1900 <= lo and hi <= 2100 else {}
    span = hi - lo
    if span <= 20:
        ticks.update(tick0=0, dtick=1 if span <= 8 else 2 if span <= 16 else 5)
    return ticks


def whole_number_axes(fig: go.Figure) -> go.Figure:
    """Axes and colour bars that carry only whole numbers (years, deal counts, units) get whole-number ticks: a
    year is never drawn as '2,021.5' nor a count as '0.5' (issue 12, item 4). Axes with ticks of their own, and
    category, date and log axes, are left as they are."""
    stacked = fig.layout.barmode in ("stack", "relative")
    spans: dict[str, tuple[float, float]] = {}
    mixed: set[str] = set()  # axes with a value that is not a whole number: left to plotly
    stacks: dict[str, dict] = {}  # a stacked bar axis reaches the sum of a category's parts
    for trace in fig.data:
        if trace.type in ("choropleth", "heatmap"):
            span = _whole(np.asarray(trace.z if trace.z is not None else (), dtype=object).ravel())
            if span is not None and trace.colorbar.dtick is None:
                trace.colorbar.update(_whole_ticks(trace.zmin if trace.zmin is not None else span[0], span[1]))
            continue
        if trace.type not in ("bar", "scatter"):
            continue
        value_axis = "x" if trace.orientation == "h" else "y"
        for letter in "xy":
            axis = f"{letter}axis{(getattr(trace, letter + 'axis') or letter)[1:]}"
            values = getattr(trace, letter)
            span = None if values is None else _whole(values)
            if span is None or axis in mixed:
                mixed.add(axis)
                continue
            if trace.type == "bar" and letter == value_axis:
                span = (min(span[0], 0.0), max(span[1], 0.0))  # bars start at zero
                if stacked:
                    heights = stacks.setdefault(axis, {})
                    for category, value in zip(getattr(trace, "y" if letter == "x" else "x"), values, strict=True):
                        if value is not None and value == value:
                            heights[category] = heights.get(category, 0.0) + float(value)
            seen = spans.get(axis, span)
            spans[axis] = (min(seen[0], span[0]), max(seen[1], span[1]))
    for axis, (lo, hi) in spans.items():
        layout_axis = fig.layout[axis]
        if (
            axis in mixed
            or layout_axis.type in ("category", "date", "log")
            or layout_axis.dtick is not None
            or layout_axis.tickvals is not None
            or layout_axis.visible is False
        ):
            continue
        if stacks.get(axis):
            hi = max(hi, max(stacks[axis].values()))
        layout_axis.update(_whole_ticks(lo, hi))
    return fig


def empty(message: str) -> go.Figure:
    fig = _fig(xaxis=dict(visible=False), yaxis=dict(visible=False))
    fig.add_annotation(
        text=message, showarrow=False, font=dict(size=15, color="#6c757d"), x=0.5, y=0.5, xref="paper", yref="paper"
    )
    return fig


def _custom(df: pd.DataFrame) -> list:
    return df[PROVENANCE].fillna("").astype(str).to_numpy().tolist() if len(df) else []


def annual_totals(df: pd.DataFrame, *, events: pd.DataFrame | None = None) -> go.Figure:
    """One line per publisher and scope; scopes are never joined into one series."""
    if df.empty:
        return empty("No annual totals for this selection")
    span = int(df["year"].max()) - int(df["year"].min())
    fig = _fig(
        yaxis_title="US$ million (current)",
        hovermode="closest",
        xaxis=dict(tickformat="d", dtick=1 if span <= 12 else None),
    )  # never "2,021.5"
    for (publisher, scope), part in df.groupby(["publisher", "scope"], sort=True):
        label = series_label(publisher, scope)
        part = _with_gaps(part)
        fig.add_scatter(
            x=part["year"],
            y=part["value_usd_m"],
            name=label,
            mode="lines+markers",
            line=dict(color=PUBLISHER_COLORS.get(publisher), dash=SCOPE_DASH.get(scope, "solid")),
            customdata=_custom(part),
            hovertemplate=f"<b>{label}</b><br>%{{x}}: $%{{y:,.1f}} m" + PROVENANCE_HOVER,
        )
    if events is not None and not events.empty:
        _event_markers(fig, events, float(df["value_usd_m"].min()))
    return fig


def _with_gaps(part: pd.DataFrame) -> pd.DataFrame:
    """Insert empty rows for missing years, so a line is broken there instead of bridging the gap."""
    years = range(int(part["year"].min()), int(part["year"].max()) + 1)
    return part.set_index("year").reindex(years).reset_index()


def _event_markers(fig: go.Figure, events: pd.DataFrame, y: float) -> None:
    fig.add_scatter(
        x=events["year"],
        y=[y * 0.0] * len(events),
        mode="markers",
        name="events",
        marker=dict(symbol="diamond", size=11, color=["#212529" if c else "#adb5bd" for c in events["confirmed"]]),
        text=[textwrap.shorten(t, 80) for t in events["title"]],
        customdata=_custom(events),
        hovertemplate="<b>%{text}</b>" + PROVENANCE_HOVER,
    )


def yoy_growth(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("No year pairs of the same publisher and scope in this range")
    fig = _fig(yaxis_title="growth on the year before, %", barmode="group")
    for (publisher, scope), part in df.groupby(["publisher", "scope"], sort=True):
        fig.add_bar(
            x=part["year"],
            y=part["growth_pct"],
            name=series_label(publisher, scope),
            marker_color=PUBLISHER_COLORS.get(publisher),
            customdata=_custom(part),
            text=[f"{v:+.1f}%" for v in part["growth_pct"]],
            textposition="outside",
            hovertemplate="%{x}: %{y:+.1f}% (derived: same publisher, same scope)" + PROVENANCE_HOVER,
        )
    return fig


NOT_FOUND = "no published figure found"
ELSEWHERE = "published by another body"


def unpublished_months(coverage: pd.DataFrame, status: str = NOT_FOUND) -> str:
    """'2024: Jan, Apr; 2025: Jan' for the months of `coverage` (v_monthly_coverage rows) with that status."""
    missing = coverage[coverage["status"] == status] if not coverage.empty else coverage
    years = [
        f"{year}: " + ", ".join(MONTHS[int(m) - 1] for m in part["month"])
        for year, part in missing.groupby("year", sort=True)
    ]
    return "; ".join(years)


def monthly(
    df: pd.DataFrame, *, latest_period: tuple[int, int] | None = None, coverage: pd.DataFrame | None = None
) -> go.Figure:
    """Monthly values as bars and year-to-date totals as markers; an incomplete year is drawn hollow. Months with no
    published figure (`coverage`, from v_monthly_coverage) are marked with a grey cross on the axis and listed under
    the chart, so that a gap is never silent."""
    if df.empty:
        return empty("No monthly or year-to-date figures for this selection")
    fig = _fig(
        yaxis_title="US$ million",
        barmode="group",
        xaxis=dict(tickmode="array", tickvals=list(range(1, 13)), ticktext=MONTHS, showgrid=False),
    )
    incomplete = latest_period[0] if latest_period and latest_period[1] < 12 else None
    palette = pio.templates["defex"].layout.colorway
    several = df[["publisher", "scope"]].drop_duplicates().shape[0] > 1
    for n, ((publisher, scope, year), part) in enumerate(df.groupby(["publisher", "scope", "year"], sort=True)):
        color = palette[n % len(palette)]
        months, ytd = part[part["period_kind"] == "month"], part[part["period_kind"] == "ytd"]
        series = f"{PUBLISHER_SHORT.get(publisher, publisher)} {SCOPE_LABEL.get(scope, scope)} " if several else ""
        label = f"{series}{year}{' (incomplete)' if year == incomplete else ''}"
        if not months.empty:
            fig.add_bar(
                x=months["month_to"],
                y=months["value_usd_m"],
                name=f"{label} month",
                legendgroup=label,
                customdata=_custom(months),
                marker_color=color,
                hovertemplate=f"{year} %{{x}}: $%{{y:,.1f}} m" + PROVENANCE_HOVER,
            )
        if not ytd.empty:
            fig.add_scatter(
                x=ytd["month_to"],
                y=ytd["value_usd_m"],
                name=f"{label} Jan–month",
                mode="lines+markers",
                legendgroup=label,
                yaxis="y2",
                customdata=_custom(ytd),
                marker=dict(symbol="circle-open" if year == incomplete else "circle", size=9, color=color),
                line=dict(dash="dot" if year == incomplete else "solid", color=color),
                hovertemplate=f"{year} Jan–%{{x}}: $%{{y:,.0f}} m (year to date)" + PROVENANCE_HOVER,
            )
    fig.update_layout(
        # tickmode auto: an overlaying axis is otherwise ticked in step with the left one ("630 · 2050 · 3470")
        yaxis2=dict(
            title="year to date, US$ million",
            overlaying="y",
            side="right",
            showgrid=False,
            rangemode="tozero",
            tickmode="auto",
        )
    )
    if coverage is not None:
        _mark_unpublished(fig, coverage)
    return fig


def _mark_unpublished(fig: go.Figure, coverage: pd.DataFrame) -> None:
    """A grey cross on the axis for each month no publisher's figure was found for, a hollow diamond where only a
    publisher not in view published one; both listed under the chart."""
    notes = []
    for status, symbol, words in (
        (NOT_FOUND, "x-thin-open", "No published monthly figure found for"),
        (ELSEWHERE, "diamond-open", "Published only by a body not shown (choose it in Publisher)"),
    ):
        part = coverage[coverage["status"] == status]
        if part.empty:
            continue
        who = part["publishers"].fillna("") if "publishers" in part else pd.Series("", index=part.index)
        fig.add_scatter(
            x=part["month"],
            y=[0] * len(part),
            mode="markers",
            name=status,
            marker=dict(symbol=symbol, size=10, color="#6c757d", line=dict(width=2)),
            text=part["label"] + who.map(lambda w: f" (published by {w})" if w else ""),
            hovertemplate="%{text}: " + status + "<extra></extra>",
        )
        notes.append(f"<i>{words}</i> " + unpublished_months(coverage, status))
    if notes:
        text = "<br>".join(_wrap(n, 150) for n in notes)
        fig.add_annotation(
            text=text,
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.16,
            xanchor="left",
            yanchor="top",
            align="left",
            font=dict(size=11, color="#6c757d"),
        )
        fig.update_layout(margin=dict(b=70 + 16 * (text.count("<br>") + 1)))


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def destinations(df: pd.DataFrame, *, top: int = 12, colors: dict[str, str] | None = None) -> go.Figure:
    """Exports by destination in US$ as published. One destination (a country page): every period it was published
    for, a calendar year solid, part of a year hatched, one month light, as each differs in length. Several: the
    calendar-year figures of the leading destinations (all periods when the selection has no calendar year). A
    share or rank without a value, and a group of countries, are in the data, never drawn as 0 or beside countries."""
    valued = df[df["value_usd_m"].notna() & (df["destination_type"] == "country")] if not df.empty else df
    if valued.empty:
        return empty("No exports by destination in US$ published for this selection")
    valued = valued.assign(
        span=[
            "calendar year" if (a, b) == (1, 12) else "one month" if a == b else "part of a year"
            for a, b in zip(valued["month_from"], valued["month_to"], strict=True)
        ],
        when=valued["period"] + " · " + valued["publisher"].map(lambda b: PUBLISHER_SHORT.get(b, b)),
    )
    if valued["destination_name"].nunique() == 1:
        return _destination_periods(valued)
    years = valued[valued["span"] == "calendar year"]
    shown = years if not years.empty else valued
    leaders = shown.groupby("destination_name")["value_usd_m"].max().sort_values(ascending=False).head(top).index
    shown = shown[shown["destination_name"].isin(leaders)]
    order = list(dict.fromkeys(shown.sort_values(["year", "month_to", "month_from"])["when"]))
    fig = _fig(
        yaxis_title="US$ million, as published",
        barmode="group",
        xaxis=dict(categoryorder="array", categoryarray=order, type="category"),
    )
    colors = _colors(colors, shown["destination_iso3"].dropna())
    for name in leaders:
        part = shown[shown["destination_name"] == name]
        fig.add_bar(
            x=part["when"],
            y=part["value_usd_m"],
            name=name,
            customdata=_custom(part),
            marker_color=colors.get(part["destination_iso3"].iloc[0]),
            hovertemplate=f"<b>{name}</b> %{{x}}: $%{{y:,.1f}} m" + PROVENANCE_HOVER,
        )
    return fig


SPAN_STYLE = {"calendar year": ("#2166ac", ""), "part of a year": ("#67a9cf", "/"), "one month": ("#d1e5f0", "")}


def _destination_periods(valued: pd.DataFrame) -> go.Figure:
    name = valued["destination_name"].iloc[0]
    order = list(dict.fromkeys(valued.sort_values(["year", "month_to", "month_from"])["when"]))
    fig = _fig(
        yaxis_title=f"exports to {name}, US$ million as published",
        xaxis=dict(categoryorder="array", categoryarray=order, type="category", tickangle=-45),
    )
    for span, (color, pattern) in SPAN_STYLE.items():
        part = valued[valued["span"] == span]
        if part.empty:
            continue
        fig.add_bar(
            x=part["when"],
            y=part["value_usd_m"],
            name=span,
            customdata=_custom(part),
            marker=dict(color=color, pattern_shape=pattern, line=dict(color="#2166ac", width=1)),
            hovertemplate=f"<b>{name}</b> %{{x}} ({span}): $%{{y:,.1f}} m" + PROVENANCE_HOVER,
        )
    return fig


def deal_timeline(df: pd.DataFrame) -> go.Figure:
    """Each deal a row, each dated step a marker coloured by its status, joined by a line in date order."""
    if df.empty:
        return empty("No dated deal steps for this selection")
    order = list(dict.fromkeys(df.sort_values(["date", "deal"])["deal"]))
    fig = _fig(
        height=max(300, 36 * len(order) + 140),
        xaxis=dict(type="date", title="date of the step"),
        yaxis=dict(categoryorder="array", categoryarray=order[::-1], type="category", automargin=True),
        margin=dict(l=20, r=20, t=40, b=50),
    )
    xs, ys = [], []  # every deal's line in one trace, broken between deals (one trace per deal is slow to build)
    for deal, part in df.sort_values("date").groupby("deal", sort=False):
        xs += [*part["date"], None]
        ys += [deal] * len(part) + [None]
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line=dict(color="#ced4da", width=2),
        name="steps of a deal",
        showlegend=False,
        hoverinfo="skip",
        connectgaps=False,
    )
    for status in STATUS_ORDER:
        part = df[df["status"] == status]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["date"],
            y=part["deal"],
            mode="markers",
            name=STATUS_WORDS.get(status, status),
            marker=dict(size=12, color=STATUS_COLORS[status], line=dict(color="white", width=1)),
            customdata=_custom(part),
            text=part["date"] + " (" + part["date_precision"] + ")",
            hovertemplate="%{y}<br><b>" + STATUS_WORDS.get(status, status) + "</b>: %{text}" + PROVENANCE_HOVER,
        )
    return fig


def firm_ranks(df: pd.DataFrame, *, colors: dict[str, str] | None = None) -> go.Figure:
    """Rank in each edition of SIPRI's and Defense News' Top 100, per firm (rank 1 at the top): a firm in its colour,
    SIPRI's list solid and Defense News' dotted, each line named at its end."""
    if df.empty:
        return empty("No Top 100 ranks for this selection")
    colors = _colors(colors, df["firm_id"])
    fig = _fig(
        yaxis=dict(title="rank (1 = largest)", autorange="reversed", tickformat="d"),
        xaxis=dict(title="edition of the list", tickformat="d", dtick=1),
    )
    dashes = {"sipri": "solid", "defense_news": "dot"}
    for (publisher, firm, firm_id), part in df.groupby(["publisher", "firm", "firm_id"], sort=True):
        part = _with_gaps(part.assign(year=part["edition"]))  # x is the edition; its figures are the year before
        who = PUBLISHER_SHORT.get(publisher, publisher)
        revenue = part["revenue_usd_m"].map(lambda v: f"${v:,.0f} m" if pd.notna(v) else "revenue n/a")
        fig.add_scatter(
            x=part["year"],
            y=part["rank"],
            name=f"{firm} ({who})",
            mode="lines+markers",
            meta=short_label(firm),
            line=dict(dash=dashes.get(publisher, "dash"), color=colors.get(firm_id)),
            text=revenue,
            customdata=_custom(part),
            hovertemplate=f"<b>{firm}</b>, {who} Top 100 %{{x}}: #%{{y}} (%{{text}})" + PROVENANCE_HOVER,
        )
    fig.add_annotation(
        text="solid: SIPRI · dotted: Defense News",
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=1.02,
        xanchor="left",
        yanchor="bottom",
        font=dict(size=11, color="#6c757d"),
        name="line-key",
    )
    return _label_line_ends(fig, reversed_y=True)


def _measure_column(measure: str) -> tuple[str, str]:
    return {
        "usd": ("value_usd_m", "US$ million (published; other currencies converted at ECB rates, marked)"),
        "units": ("units", "units ordered, all categories summed"),
        "tiv": ("tiv", "SIPRI TIV (million)"),
        "deals": ("deals", "deals"),
    }[measure]


def _no_tiv(df: pd.DataFrame, column: str) -> go.Figure | None:
    if column in df:
        return None
    return empty("SIPRI TIV is not in this warehouse: put SIPRI's exports in data/raw/sipri and run make etl")


CONVERTED = "value_usd_m_converted"
USD_TOTAL = "usd_published_or_converted"


def _usd_total(df: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, str]:
    """For the US$ measure, published US$ plus values converted from other currencies (kept apart in CONVERTED, so
    that a chart can mark them): the column to draw. Other measures draw their own column."""
    column, _ = _measure_column(measure)
    if measure != "usd" or CONVERTED not in df:
        return df, column
    total = df[column].fillna(0) + df[CONVERTED].fillna(0)
    return df.assign(**{USD_TOTAL: total.where(df[column].notna() | df[CONVERTED].notna())}), USD_TOTAL


def recipients_map(df: pd.DataFrame, *, measure: str) -> go.Figure:
    column, label = _measure_column(measure)
    if (missing := _no_tiv(df, column)) is not None:
        return missing
    df, column = _usd_total(df, measure)
    values = list(dict.fromkeys([column, "deals"] + ([CONVERTED] if column == USD_TOTAL else [])))
    data = df.groupby(["iso3", "country"], as_index=False)[values].sum(min_count=1).dropna(subset=[column])
    if column == "deals":  # SIPRI-only rows carry deals = 0: a recipient with no curated deal is not drawn
        data = data[data["deals"] > 0]
    if data.empty:
        return empty(f"No recipient has a value for {label} in this selection")
    converted = data[CONVERTED].fillna(0) if CONVERTED in data else pd.Series(0.0, index=data.index)
    fig = _fig(margin=dict(l=0, r=0, t=30, b=0))
    fig.add_choropleth(
        locations=data["iso3"],
        z=data[column],
        text=data["country"],
        customdata=list(zip(data["deals"], converted, strict=True))
        if column == USD_TOTAL
        else data[["deals"]].to_numpy().tolist(),
        colorscale="Blues",
        zmin=0,  # the smallest recipient is drawn pale, not as none
        marker_line_color="white",
        colorbar=dict(title=dict(text="US$ million" if column == USD_TOTAL else label, side="right")),
        hovertemplate="<b>%{text}</b><br>"
        + label
        + ": %{z:,.0f}<br>deals: %{customdata[0]}"
        + ("<br>of which converted at ECB rates: %{customdata[1]:,.0f}" if column == USD_TOTAL else "")
        + "<extra></extra>",
    )
    fig.update_geos(
        showframe=False,
        showcoastlines=False,
        projection_type="natural earth",
        fitbounds=False,
        lonaxis_range=[-180, 180],
        lataxis_range=[-58, 84],
        showcountries=True,
        countrycolor="#dee2e6",
        landcolor="#f8f9fa",
        showland=True,
    )
    return fig


def recipients_bar(df: pd.DataFrame, *, measure: str, top: int = 25) -> go.Figure:
    column, label = _measure_column(measure)
    if (missing := _no_tiv(df, column)) is not None:
        return missing
    df, column = _usd_total(df, measure)
    values = list(dict.fromkeys([column, "deals"] + ([CONVERTED] if column == USD_TOTAL else [])))
    data = df.groupby(["iso3", "country", "confirmed"], as_index=False)[values].sum(min_count=1).dropna(subset=[column])
    if column == "deals":
        data = data[data["deals"] > 0]
    totals = data.groupby("country")[column].sum().sort_values(ascending=False).head(top)
    if totals.empty:
        return empty(f"No recipient has a value for {label} in this selection")
    fig = _fig(
        xaxis_title=label,
        barmode="stack",
        height=max(320, 22 * len(totals) + 90),
        yaxis=dict(categoryorder="array", categoryarray=list(totals.index[::-1])),
    )
    shown = data[data["country"].isin(totals.index)]
    for confirmed in (True, False):
        part = shown[shown["confirmed"] == confirmed]
        if part.empty:
            continue
        name = "confirmed" if confirmed else "talks, MoU, stalled or low confidence"
        converted = part[CONVERTED].fillna(0) if column == USD_TOTAL else pd.Series(0.0, index=part.index)
        fig.add_bar(
            y=part["country"],
            x=part[column] - converted,
            orientation="h",
            name=name + (" (published US$)" if column == USD_TOTAL else ""),
            marker=dict(color="#2166ac" if confirmed else "#c2a5cf", pattern_shape="" if confirmed else "/"),
            customdata=part[["iso3", "deals"]].to_numpy().tolist(),
            hovertemplate="<b>%{y}</b>: %{x:,.0f}<br>deals: %{customdata[1]}<extra></extra>",
        )
        if converted.gt(0).any():
            fig.add_bar(
                y=part["country"],
                x=converted,
                orientation="h",
                name=name + " (converted to US$ at ECB rates)",
                marker=dict(color="#92c5de" if confirmed else "#e7d4e8", pattern_shape="x"),
                customdata=part[["iso3", "deals"]].to_numpy().tolist(),
                hovertemplate="<b>%{y}</b>: %{x:,.0f} converted from another currency at ECB reference rates"
                "<extra></extra>",
            )
    return fig


def firm_values(df: pd.DataFrame, *, label: str, colors: dict[str, str] | None = None) -> go.Figure:
    """Bars per firm and year, each firm in its own colour (`colors` by firm id, entity_colors)."""
    if df.empty:
        return empty("No firm figures for this selection")
    colors = _colors(colors, df["firm_id"])
    fig = _fig(yaxis_title=label, barmode="group")
    for (firm, firm_id), part in df.groupby(["firm", "firm_id"], sort=True):
        fig.add_bar(
            x=part["year"],
            y=part["value"],
            name=firm,
            marker_color=colors.get(firm_id),
            customdata=_custom(part),
            hovertemplate=f"<b>{firm}</b> %{{x}}: %{{y:,.0f}}" + PROVENANCE_HOVER,
        )
    return fig


def top100(revenue: pd.DataFrame, ranks: pd.DataFrame, *, colors: dict[str, str] | None = None) -> go.Figure:
    """Arms revenue per firm and year, its rank written on each point; each firm's line in its colour, named at its
    end."""
    if revenue.empty:
        return empty("No SIPRI Top 100 figures for this selection")
    merged = revenue.merge(
        ranks[["firm_id", "year", "value"]].rename(columns={"value": "rank"}), on=["firm_id", "year"], how="left"
    )
    colors = _colors(colors, merged["firm_id"])
    fig = _fig(yaxis_title="arms revenue, US$ million (SIPRI Top 100)")
    for (firm, firm_id), part in merged.groupby(["firm", "firm_id"], sort=True):
        part = _with_gaps(part)
        ranks_text = ["#" + str(int(r)) if pd.notna(r) else "rank n/a" for r in part["rank"]]
        fig.add_scatter(
            x=part["year"],
            y=part["value"],
            name=firm,
            mode="lines+markers+text",
            text=ranks_text,
            textposition="top center",
            line=dict(color=colors.get(firm_id)),
            textfont=dict(color=colors.get(firm_id)),
            customdata=_custom(part),
            hovertemplate=f"<b>{firm}</b> %{{x}}: $%{{y:,.0f}} m, %{{text}}" + PROVENANCE_HOVER,
        )
    return _label_line_ends(fig)


def platform_matrix(df: pd.DataFrame, *, measure: str) -> go.Figure:
    drawn = "deals" if measure == "tiv" else measure  # the deals carry no TIV: the matrix counts them instead
    column, label = _measure_column(drawn)
    df, column = _usd_total(df, drawn)
    if df.empty or df[column].isna().all():
        return empty(f"No deals with {label} in this selection")
    # min_count=1: a cell whose values are all unknown stays empty instead of becoming 0
    grid = df.pivot_table(
        index="platform", columns="country", values=column, dropna=False, aggfunc=lambda s: s.sum(min_count=1)
    )
    grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index[:30]]
    grid = grid[grid.sum(axis=0).sort_values(ascending=False).index[:40]]
    fig = _fig(
        height=max(360, 22 * len(grid) + 160),
        xaxis=dict(side="top", tickangle=-45),
        margin=dict(l=220, r=20, t=120, b=20),
    )
    fig.add_heatmap(
        z=grid.to_numpy(),
        x=list(grid.columns),
        y=list(grid.index),
        colorscale="Blues",
        hoverongaps=False,
        colorbar=dict(title=dict(text=label, side="right")),
        hovertemplate="%{y} → %{x}: %{z:,.0f}<extra></extra>",
    )
    return fig


def deliveries(df: pd.DataFrame, *, top: int = 10, colors: dict[str, str] | None = None) -> go.Figure:
    """Deals delivering per year, stacked by platform (each in its colour), the rest as 'other platforms'."""
    if df.empty:
        return empty("No deliveries in this selection")
    ids = dict(zip(df["platform"], df["platform_id"], strict=True))
    colors = _colors(colors, df["platform_id"])
    leaders = df.groupby("platform")["deals_delivering"].sum().sort_values(ascending=False).index[:top]
    data = df.assign(platform=df["platform"].where(df["platform"].isin(leaders), "other platforms"))
    data = data.groupby(["year", "platform"], as_index=False)["deals_delivering"].sum()
    fig = _fig(yaxis_title="deals with deliveries that year", barmode="stack")
    for platform in [*leaders, "other platforms"]:
        part = data[data["platform"] == platform]
        if not part.empty:
            fig.add_bar(
                x=part["year"],
                y=part["deals_delivering"],
                name=platform,
                marker_color=colors.get(ids.get(platform, ""), OTHERS_COLOR),
                hovertemplate=f"{platform} %{{x}}: %{{y}} deal(s) delivering<extra></extra>",
            )
    return fig


def status_mix(df: pd.DataFrame, *, top: int = 20) -> go.Figure:
    if df.empty:
        return empty("No deals in this selection")
    leaders = df.groupby("platform")["deals"].sum().sort_values(ascending=False).index[:top]
    fig = _fig(
        xaxis_title="deals",
        barmode="stack",
        height=max(320, 24 * len(leaders) + 90),
        yaxis=dict(categoryorder="array", categoryarray=list(leaders[::-1])),
    )
    for status in STATUS_ORDER:
        part = df[(df["status"] == status) & df["platform"].isin(leaders)]
        if not part.empty:
            fig.add_bar(
                y=part["platform"],
                x=part["deals"],
                orientation="h",
                name=STATUS_WORDS[status],
                marker_color=STATUS_COLORS[status],
                hovertemplate=f"%{{y}}: %{{x}} {STATUS_WORDS[status]}<extra></extra>",
            )
    return fig


def _caption_lines(text: str, width: int) -> list[str]:
    """The source line in lines of at most `width` characters, broken between its ' · ' parts where it can (so
    'compiled by defex · data as of …' stays whole), inside a part only where that part alone is too long."""
    lines: list[str] = []
    for part in text.split(" · "):
        pieces = textwrap.wrap(part, width) or [""]
        if lines and len(lines[-1]) + 3 + len(pieces[0]) <= width:
            lines[-1] += " · " + pieces.pop(0)
        lines += pieces
    return lines


def caption_layout(fig: go.Figure, *, title: str, source_line: str, subtitle: str = "", permalink: str = "") -> dict:
    """The layout that puts the title and subtitle on top and, under the plot, the whole source line (wrapped,
    never cut) and the permalink: applied by with_caption, and by the browser to the PNG/SVG it downloads."""
    lines = _caption_lines(source_line, 150) + ([f"View: {permalink}"] if permalink else [])
    legend_rows = 1 + len([t for t in fig.data if t.showlegend is not False]) // 4
    bottom = max(fig.layout.margin.b or 50, 64) + 16 * len(lines)  # room for tick labels and axis title
    top = max(fig.layout.margin.t or 40, 50 + 22 * legend_rows) + (20 if subtitle else 0)
    heading = dict(text=title, x=0, xanchor="left", y=0.98, yref="container", yanchor="top", font=dict(size=16))
    if subtitle:
        heading["subtitle"] = dict(text=subtitle, font=dict(size=12, color="#495057"))
    note = dict(
        text="<br>".join(lines),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 8),
        xanchor="left",
        yanchor="bottom",
        font=dict(size=11, color="#6c757d"),
        align="left",
    )
    return {"title": heading, "margin": {"t": top, "b": bottom}, "annotation": note}


def with_caption(fig: go.Figure, *, title: str, source_line: str, subtitle: str = "", permalink: str = "") -> go.Figure:
    """The figure with its title, subtitle, source line and permalink on it, so it carries them wherever it goes."""
    fig = go.Figure(fig)
    caption = caption_layout(fig, title=title, source_line=source_line, subtitle=subtitle, permalink=permalink)
    fig.update_layout(title=caption["title"], margin=caption["margin"])
    fig.add_annotation(**caption["annotation"])
    return fig


def sipri_exporters(
    df: pd.DataFrame, *, highlight: tuple[str, ...] = ("TUR",), top: int = 25, colors: dict[str, str] | None = None
) -> go.Figure:
    """Exporters ranked by SIPRI TIV over a period, with their share of the world; Türkiye in its red, the
    exporters in `highlight` in their own colours (as in sipri_trend), the others pale."""
    if df.empty:
        return empty("No SIPRI TIV table in this warehouse: put SIPRI's exports in data/raw/sipri and run make etl")
    data = df.head(top)
    colors = _colors(colors, df["iso3"])
    fig = _fig(
        xaxis_title=f"SIPRI TIV (million), {int(df['period_start'].iloc[0])}–{int(df['period_end'].iloc[0])}",
        height=max(360, 22 * len(data) + 90),
        xaxis_range=[0, float(data["tiv"].max()) * 1.18],
        yaxis=dict(categoryorder="array", categoryarray=list(data["exporter"][::-1])),
    )
    fig.add_bar(
        y=data["exporter"],
        x=data["tiv"],
        orientation="h",
        marker_color=[colors.get(i) if i in highlight else "#9ecae1" for i in data["iso3"]],
        text=[f"#{r} · {s:.1f}%" for r, s in zip(data["rank"], data["share_pct"], strict=True)],
        textposition="outside",
        cliponaxis=False,
        customdata=data[["rank", "share_pct"]].to_numpy().tolist(),
        hovertemplate="<b>%{y}</b>: %{x:,.0f} TIV, rank %{customdata[0]}, "
        "%{customdata[1]:.2f}% of the world<extra></extra>",
    )
    return fig


def sipri_trend(df: pd.DataFrame, *, colors: dict[str, str] | None = None) -> go.Figure:
    """Yearly TIV per exporter: Türkiye thick in its red, each other exporter in its own colour, named at the end."""
    if df.empty:
        return empty("No SIPRI TIV table in this warehouse: put SIPRI's exports in data/raw/sipri and run make etl")
    colors = _colors(colors, df["iso3"])
    fig = _fig(yaxis_title="SIPRI TIV (million) of arms exported", hovermode="x unified")
    for (iso3, name), part in df.groupby(["iso3", "exporter"], sort=True):
        fig.add_scatter(
            x=part["year"],
            y=part["tiv"],
            name=name,
            mode="lines+markers",
            line=dict(width=3 if iso3 == TURKIYE else 1.5, color=colors.get(iso3)),
            hovertemplate=f"{name} %{{x}}: %{{y:,.0f}} TIV<extra></extra>",
        )
    return _label_line_ends(fig)


def sipri_recipients(df: pd.DataFrame, *, top: int = 20) -> go.Figure:
    if df.empty:
        return empty(
            "No SIPRI trade register in this warehouse: put SIPRI's exports in data/raw/sipri and run make etl"
        )
    data = df.head(top)
    fig = _fig(
        xaxis_title=f"share of Türkiye's TIV delivered, %, {int(df['period_start'].iloc[0])}–"
        f"{int(df['period_end'].iloc[0])}",
        height=max(340, 22 * len(data) + 90),
        yaxis=dict(categoryorder="array", categoryarray=list(data["recipient"][::-1])),
    )
    fig.add_bar(
        y=data["recipient"],
        x=data["share_pct"],
        orientation="h",
        marker_color="#2166ac",
        text=[f"{s:.1f}%" for s in data["share_pct"]],
        textposition="outside",
        cliponaxis=False,
        customdata=data[["iso3", "tiv", "deals"]].to_numpy().tolist(),
        hovertemplate="<b>%{y}</b>: %{x:.1f}% (%{customdata[1]:,.0f} TIV, %{customdata[2]} deals)<extra></extra>",
    )
    return fig
