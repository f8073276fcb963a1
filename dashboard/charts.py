"""One registry of charts, shared by the pages, /embed, /api/v1 and the static export.

    from dashboard.charts import figure
    fig = figure("annual_totals", publisher="ssb", from_=2015)   # a plotly go.Figure, title and source line on it

The same chart id and parameters give the same data and the same figure everywhere.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import config, data
from dashboard import figures as figs
from dashboard.params import MEASURE_LABELS, STATUS_LABELS, Params, clamp_years, parse


@dataclass(frozen=True, kw_only=True)  # rows name their fields
class Chart:
    id: str
    title: str
    page: str  # the full view this chart belongs to
    description: str
    params: tuple[str, ...]  # the URL parameters that change it
    query: Callable[[Params], pd.DataFrame]
    draw: Callable[[pd.DataFrame, Params], go.Figure]
    deal_based: bool = False
    tiv: bool = False  # drawn from SIPRI's TIV tables: only their years, and says how far they go
    register: bool = False  # drawn from SIPRI's trade register (its delivery years), not from the TIV tables
    newest: bool = False  # the TIV tables where they reach the period's end, else the register (one basis a period)


def _monthly_params(p: Params) -> Params:
    return p if p.publisher else Params(**{**p.__dict__, "publisher": ("ssb",)})


def _latest_period(df: pd.DataFrame) -> tuple[int, int] | None:
    if df.empty:
        return None
    last = df.sort_values(["year", "month_to"]).iloc[-1]
    return int(last["year"]), int(last["month_to"])


def _draw_monthly(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.monthly(df, latest_period=_latest_period(df), coverage=data.monthly_coverage(_monthly_params(p)))


def _draw_annual_totals(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.annual_totals(df, events=data.events(p))


def colors(kind: str) -> dict[str, str]:
    """Every firm's, platform's or country's colour (kind: firms, platforms, countries), the same in every chart."""
    return figs.entity_colors(getattr(data.known(), kind))


# The draw and query functions of the charts below, named (the rows hold no lambdas)


def _draw_yoy_growth(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.yoy_growth(df)


def _monthly_query(p: Params) -> pd.DataFrame:
    return data.monthly(_monthly_params(p))


def _draw_destinations(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.destinations(df, colors=colors("countries"))


def _draw_deal_timeline(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.deal_timeline(df)


def _draw_recipients_map(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.recipients_map(df, measure=p.measure)


def _draw_recipients_bar(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.recipients_bar(df, measure=p.measure)


def _firm_exports_query(p: Params) -> pd.DataFrame:
    return data.firm_figures(p, "export_usd_m")


def _draw_firm_exports(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.firm_values(df, label="exports, US$ million", colors=colors("firms"))


def _top100_query(p: Params) -> pd.DataFrame:
    return data.firm_figures(p, "arms_revenue_usd_m", ("sipri",))


def _draw_top100(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.top100(df, data.firm_figures(p, "top100_rank", ("sipri",)), colors=colors("firms"))


def _draw_top100_ranks(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.firm_ranks(df, colors=colors("firms"))


def _draw_platform_matrix(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.platform_matrix(df, measure=p.measure)


def _draw_deliveries(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.deliveries(df, colors=colors("platforms"))


def _draw_status_mix(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.status_mix(df)


def _draw_sipri_exporters(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.sipri_exporters(df, highlight=("TUR", *p.country), colors=colors("countries"))


def _draw_sipri_trend(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.sipri_trend(df, colors=colors("countries"))


def _draw_sipri_recipients(df: pd.DataFrame, p: Params) -> go.Figure:
    return figs.sipri_recipients(df)


CHARTS: dict[str, Chart] = {
    c.id: c
    for c in [
        Chart(
            id="annual_totals",
            title="Türkiye's defence & aerospace exports by publisher",
            page="/",
            description=(
                "Calendar-year totals as each body publishes them (SSB goods+services, TİM customs goods, SaSaD "
                "survey); scopes are never merged. Diamonds mark events."
            ),
            params=("from", "to", "publisher", "status", "country"),
            query=data.annual_totals,
            draw=_draw_annual_totals,
        ),
        Chart(
            id="yoy_growth",
            title="Türkiye's defence exports: year-over-year growth, like with like",
            page="/",
            description="Growth against the year before, computed only between totals of the same publisher and scope.",
            params=("from", "to", "publisher"),
            query=data.yoy_growth,
            draw=_draw_yoy_growth,
        ),
        Chart(
            id="monthly",
            title="Türkiye's monthly defence exports and year-to-date totals",
            page="/",
            description=(
                "Monthly figures (bars) and cumulative year-to-date totals (line) as published; the latest year is "
                "incomplete; a grey cross marks a month no publisher's figure was found for. Default publisher SSB."
            ),
            params=("from", "to", "publisher"),
            query=_monthly_query,
            draw=_draw_monthly,
        ),
        Chart(
            id="destinations",
            title="Türkiye's defence exports by destination, US$ as published",
            page="/countries",
            description=(
                "What TİM, the Ministry of Trade or SSB published as exported to each country, in US$ million, for the "
                "period each gave (customs goods unless marked); never summed with deals, units or SIPRI TIV. A rank or"
                " share published without a value, and groups such as 'EU, NATO and US', are in the data (CSV), not "
                "drawn."
            ),
            params=("from", "to", "country", "publisher"),
            query=data.destinations,
            draw=_draw_destinations,
        ),
        Chart(
            id="deal_timeline",
            title="Türkiye's export deals: talks, MoU, contract, deliveries",
            page="/deals",
            description=(
                "Each deal's dated steps, each with its own source; a deal's status is its latest step. Every status is"
                " shown, talks and stalls included."
            ),
            params=("from", "to", "country", "firm", "platform"),
            query=data.deal_timeline,
            draw=_draw_deal_timeline,
        ),
        Chart(
            id="recipients_map",
            title="Where Türkiye's defence exports go",
            page="/countries",
            description=(
                "Recipients of the curated deals for the chosen measure; US$ where a value was published in US$, or "
                "converted from another currency at the ECB reference rate (said in the hover and the CSV)."
            ),
            params=("from", "to", "country", "firm", "platform", "status", "measure"),
            query=data.recipients,
            draw=_draw_recipients_map,
            deal_based=True,
        ),
        Chart(
            id="recipients_bar",
            title="Recipients of Türkiye's defence exports, ranked",
            page="/countries",
            description=(
                "The leading recipients for the chosen measure; with status=all, unconfirmed deals are hatched."
            ),
            params=("from", "to", "country", "firm", "platform", "status", "measure"),
            query=data.recipients,
            draw=_draw_recipients_bar,
            deal_based=True,
        ),
        Chart(
            id="firm_exports",
            title="Exports of Türkiye's firms (SSB and TİM lists, firms' statements)",
            page="/firms",
            description=(
                "Export values of individual firms, US$ million: SSB's or TİM's list where there is one, else the "
                "firm's own statement, else the press (the hover names it)."
            ),
            params=("from", "to", "firm"),
            query=_firm_exports_query,
            draw=_draw_firm_exports,
        ),
        Chart(
            id="top100",
            title="Türkiye's firms in SIPRI's Top 100: arms revenue and rank",
            page="/firms",
            description="Arms revenue of Turkish firms in SIPRI's Top 100 arms-producing companies, with their rank.",
            params=("from", "to", "firm"),
            query=_top100_query,
            draw=_draw_top100,
        ),
        Chart(
            id="top100_ranks",
            title="Top 100 ranks of Türkiye's firms over editions (SIPRI and Defense News)",
            page="/firms",
            description=(
                "Each Turkish firm's rank in each edition of SIPRI's Top 100 arms-producing companies (arms revenue) "
                "and of Defense News' Top 100 (defence revenue); an edition ranks the year before it. The lists measure"
                " different things: their ranks are drawn apart, never merged."
            ),
            params=("from", "to", "firm"),
            query=data.firm_ranks,
            draw=_draw_top100_ranks,
        ),
        Chart(
            id="platform_matrix",
            title="Türkiye's export platforms × recipients",
            page="/platforms",
            description="Which platform went to which country: deals, units or US$ per cell.",
            params=("from", "to", "country", "firm", "platform", "status", "measure"),
            query=data.platform_matrix,
            draw=_draw_platform_matrix,
            deal_based=True,
        ),
        Chart(
            id="deliveries",
            title="Deliveries of Türkiye's export deals over time",
            page="/platforms",
            description="Deals with deliveries in each year (SIPRI records delivery years, not units per year).",
            params=("from", "to", "country", "firm", "platform", "status"),
            query=data.deliveries,
            draw=_draw_deliveries,
            deal_based=True,
        ),
        Chart(
            id="status_mix",
            title="Status of Türkiye's export deals by platform",
            page="/platforms",
            description="From talks to delivered: how far each platform's export deals have come.",
            params=("from", "to", "country", "firm", "platform", "status"),
            query=data.status_mix,
            draw=_draw_status_mix,
            deal_based=True,
        ),
        Chart(
            id="sipri_exporters",
            title="Exporters of major arms ranked (SIPRI TIV)",
            page="/compare",
            description=(
                "Every exporter's SIPRI trend-indicator value over the period, its rank and share of the world; TIV "
                "measures volume of major arms, not money. Default: the latest five years with data."
            ),
            params=("from", "to"),
            query=data.sipri_exporters,
            draw=_draw_sipri_exporters,
            tiv=True,
            newest=True,
        ),
        Chart(
            id="sipri_trend",
            title="Türkiye against other exporters, year by year (SIPRI TIV)",
            page="/compare",
            description="Yearly SIPRI TIV of Türkiye and of the exporters chosen in 'country'.",
            params=("from", "to", "country"),
            query=data.sipri_trend,
            draw=_draw_sipri_trend,
            tiv=True,
        ),
        Chart(
            id="sipri_recipients",
            title="Türkiye's recipients by share of TIV (SIPRI register)",
            page="/compare",
            description=(
                "Each deal's delivered TIV split evenly over its delivery years (SIPRI gives TIV per deal, not per "
                "year), summed over the period: an estimate where a deal straddles the period's edges."
            ),
            params=("from", "to"),
            query=data.sipri_recipients,
            draw=_draw_sipri_recipients,
            tiv=True,
            register=True,
        ),
    ]
}


class UnknownChart(KeyError):
    pass


def get(chart_id: str) -> Chart:
    if chart_id not in CHARTS:
        raise UnknownChart(chart_id)
    return CHARTS[chart_id]


def tiv_params(p: Params, chart: "Chart | None" = None) -> Params:
    """`p` with its years kept inside those of the SIPRI data the chart is drawn from (by default SIPRI's loaded TIV
    tables), saying so in its messages."""
    return clamp_years(p, data.sipri_years() if chart is None else sipri_span(chart), "SIPRI data")


def sipri_span(chart: Chart) -> tuple[int, int] | None:
    """The first and last year of the SIPRI data the chart can be drawn from: the register's (`register`), the TIV
    tables' and the register's together (`newest`), or the TIV tables'."""
    if chart.register:
        return data.register_years()
    return data.sipri_span() if chart.newest else data.sipri_years()


def from_register(chart: Chart, p: Params) -> bool:
    """Whether the chart is drawn from SIPRI's trade register for these params: always (`register`), or (`newest`)
    when its period ends after the TIV tables (data.sipri_basis)."""
    if chart.register:
        return True
    if not chart.newest or (span := sipri_span(chart)) is None:
        return False
    return data.sipri_basis(data.sipri_period(tiv_params(p, chart), span)[1]) == "register"


def _drawn(chart: Chart, p: Params) -> Params:
    return tiv_params(p, chart) if chart.tiv else p


def frame(chart_id: str, p: Params) -> pd.DataFrame:
    """The data behind the chart for these params (what the API returns)."""
    chart = get(chart_id)
    return chart.query(_drawn(chart, p))


def sipri_through(chart: Chart, p: Params) -> str:
    """'SIPRI data through 2023' for a chart drawn in SIPRI TIV (its own or the tiv measure), else ''."""
    if not (chart.tiv or ("measure" in chart.params and p.measure == "tiv")):
        return ""
    if from_register(chart, p):
        register = data.register_years()
        if not register:
            return "SIPRI data not loaded"
        shipped = (
            " (the extract shipped with defex: Türkiye's records, every exporter's 5-year totals; the full files: "
            "make fetch)"
            if data.sipri_extract()
            else ""
        )
        return f"SIPRI register through {register[1]}{shipped}"
    years = data.sipri_years()
    return f"SIPRI data through {years[1]}" if years else "SIPRI data not loaded"


def source_names(chart: Chart, df: pd.DataFrame, p: Params) -> list[str]:
    """Who published what the chart shows, most-cited first."""
    if chart.deal_based:
        counts = data.deal_source_publishers(p)
    elif "source_publisher" in df:
        counts = Counter(df["source_publisher"].dropna())
    else:
        counts = Counter()
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _shown_sources(chart: Chart, df: pd.DataFrame, p: Params) -> str:
    """'SSB, TİM figures, as reported by Outlet A; Outlet C': whose figures, and who published them."""
    names = source_names(chart, df, p)
    shown = "; ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    if "publisher" in df and not df.empty:
        figures_of = ", ".join(figs.PUBLISHER_SHORT.get(b, b) for b in sorted(df["publisher"].unique()))
        shown = f"{figures_of} figures, as reported by {shown}"
    return shown


def source_line(chart: Chart, df: pd.DataFrame, p: Params) -> str:
    shown = _shown_sources(chart, df, p)
    meta = data.meta()
    unit = f" · measure: {MEASURE_LABELS[p.measure]}" if "measure" in chart.params else ""
    if "measure" in chart.params and p.measure == "usd" and chart.deal_based:
        unit += f" · {coverage_text(p)}"
    if "measure" in chart.params and p.measure == "units" and chart.deal_based:
        unit += " (summed across categories: drones, vehicles, ships and pods counted alike)"
    unit += f" · {through}" if (through := sipri_through(chart, p)) else ""
    if from_register(chart, p) and data.sipri_per_delivery():
        unit += " · TIV per delivery year as SIPRI gives it (per-delivery export), not split evenly"
    return (
        f"Source: {shown or 'none in this selection'}{unit} · compiled by defex · "
        f"data as of {meta['data_as_of']} (ETL run {meta['run_id']})"
    )


def coverage_text(p: Params) -> str:
    """'n of m deals valued', published and converted US$ counted apart, for the selection."""
    cov = data.deal_coverage(p)
    text = f"{cov['published']} of {cov['deals']} deals valued in US$ as published"
    return text + (f", {cov['converted']} more converted at ECB rates" if cov["converted"] else "")


def usd_leaves_out_most(p: Params) -> bool:
    """True where the US$ measure leaves out most of the selection's deals."""
    cov = data.deal_coverage(p)
    return 2 * (cov["published"] + cov["converted"]) < cov["deals"]


# --- context: what a chart carries wherever it goes (issue 12, item 7) --------------------------------------------

RELATIVE_NOTE = " (relative to where the dashboard is served)"


@dataclass(frozen=True)
class Context:
    title: str
    subtitle: str  # the range and the filters in words, defaults included
    source_line: str
    permalink: str  # DEFEX_PUBLIC_URL + page + query, or page + query when no public URL is configured
    citation: str  # the "cite this" sentence

    @property
    def permalink_text(self) -> str:
        """The permalink as printed in an export: a relative one says what it is relative to."""
        return self.permalink + ("" if self.permalink.startswith(("http://", "https://")) else RELATIVE_NOTE)


def permalink(path_and_query: str) -> str:
    """A link to a view of the dashboard: from the configured public URL, never from a request's Host header."""
    return config.public_url() + path_and_query


def _years_covered(chart: Chart, df: pd.DataFrame, p: Params) -> tuple[int, int] | None:
    """The years the chart shows: the selection's from/to where given, else the data's first and last year."""
    if chart.id.startswith("sipri_") and sipri_span(chart):
        return data.sipri_period(p, sipri_span(chart))
    if "year" in df:
        years = pd.to_numeric(df["year"], errors="coerce")
    elif "period_start" in df:
        years = pd.concat([df["period_start"], df["period_end"]])
    elif "date" in df:
        years = pd.to_numeric(df["date"].astype(str).str[:4], errors="coerce")
    elif chart.deal_based:
        years = data.deal_sources(p)["order_year"]
    else:
        years = pd.Series(dtype=float)
    years = years.dropna()
    if years.empty and not (p.from_ and p.to):
        return None
    return (p.from_ or int(years.min()), p.to or int(years.max()))


def _listed(label: str, names: list[str]) -> str:
    return f"{label}{'s' if len(names) > 1 else ''}: {', '.join(names)}"


def subtitle(chart: Chart, df: pd.DataFrame, p: Params) -> str:
    """'2015–2025 · recipient: Pakistan · firm: Baykar · confirmed deals · measure: deals (count)': names from the
    warehouse and the word maps, never codes alone; defaults said too."""
    span = _years_covered(chart, df, p)
    parts = [("years not known" if span is None else f"{span[0]}" if span[0] == span[1] else f"{span[0]}–{span[1]}")]
    if "country" in chart.params and p.country:
        names = data.names("place")
        label = (
            "compared with"
            if chart.id == "sipri_trend"
            else "recipient"
            if (chart.deal_based or chart.id in ("destinations", "deal_timeline"))
            else "country"
        )
        shown = [names.get(c, c) for c in p.country]
        parts.append(f"{label}: {', '.join(shown)}" if label == "compared with" else _listed(label, shown))
    for name in ("firm", "platform"):
        if name in chart.params and getattr(p, name):
            names = data.names(name)
            parts.append(_listed(name, [names.get(i, i) for i in getattr(p, name)]))
    if "publisher" in chart.params:
        if p.publisher:
            parts.append(_listed("publisher", [figs.PUBLISHER_SHORT.get(b, b) for b in p.publisher]))
        elif chart.id == "monthly":
            parts.append("publisher: SSB (default)")
        elif "publisher" in df and not df.empty:
            drawn = sorted(df["publisher"].unique())
            parts.append(_listed("publisher", [figs.PUBLISHER_SHORT.get(b, b) for b in drawn]))
    if "status" in chart.params:
        what = "deals" if chart.deal_based else "events"
        parts.append(
            f"{what} at stage: {', '.join(STATUS_LABELS[s] for s in p.stages)}"
            if p.stages
            else f"all {what}, incl. talks"
            if p.status == "all"
            else f"confirmed {what}"
        )
    if "measure" in chart.params:
        parts.append(f"measure: {MEASURE_LABELS[p.measure]}")
    return " · ".join(parts)


def _published(chart: Chart, df: pd.DataFrame, p: Params) -> str:
    """', published 2025-01-03 to 2026-01-03' (and the URL where every figure has the same one)."""
    sources = data.deal_sources(p) if chart.deal_based else df
    if "source_published" not in sources or sources.empty:
        return ""
    dates = sorted(d for d in sources["source_published"].dropna().astype(str) if d)
    text = "" if not dates else f", published {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "")
    urls = set(sources["source_url"].dropna()) if "source_url" in sources else set()
    return text + (f", {urls.pop()}" if len(urls) == 1 else "")


def context(chart_id: str, p: Params, df: pd.DataFrame | None = None, line: str | None = None) -> Context:
    """Title, subtitle, source line, permalink and citation of a chart for these params."""
    chart = get(chart_id)
    df = chart.query(p) if df is None else df
    line = source_line(chart, df, p) if line is None else line
    sub = subtitle(chart, df, p)
    link = permalink(chart.page + p.query_string())
    shown = _shown_sources(chart, df, p) or "none in this selection"
    cited = Context(chart.title, sub, line, link, "")
    citation = (
        f"“{chart.title}”, {sub}; source: {shown}{_published(chart, df, p)}; "
        f"data as of {data.meta()['data_as_of']}; {cited.permalink_text}; compiled by defex."
    )
    return Context(chart.title, sub, line, link, citation)


def build(chart_id: str, p: Params, caption: bool = True) -> tuple[go.Figure, pd.DataFrame, str]:
    """The figure, the data behind it, and its source line. With caption, the figure carries its title, subtitle,
    source line and permalink itself (exports, Python); pages and embeds print them around the chart instead."""
    chart = get(chart_id)
    p = _drawn(chart, p)
    df = chart.query(p)
    line = source_line(chart, df, p)
    fig = figs.whole_number_axes(chart.draw(df, p))
    if not caption:
        return fig, df, line
    ctx = context(chart_id, p, df, line)
    return (
        figs.with_caption(fig, title=ctx.title, source_line=line, subtitle=ctx.subtitle, permalink=ctx.permalink_text),
        df,
        line,
    )


def query_from_kwargs(kwargs: dict) -> dict:
    """Python keyword arguments to URL-style parameters: from_=2015 -> from=2015, lists -> 'a,b'."""
    out = {}
    for key, value in kwargs.items():
        name = "from" if key in ("from_", "start") else key
        out[name] = ",".join(map(str, value)) if isinstance(value, (list, tuple, set)) else str(value)
    return out


def figure(chart_id: str, **params) -> go.Figure:
    """The chart as a plotly go.Figure, for notebooks and Quarto. Bad parameters raise ValueError."""
    p = parse(query_from_kwargs(params), data.known())
    if p.messages:
        raise ValueError("; ".join(p.messages))
    return build(chart_id, p)[0]
