import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard import data
from dashboard import layout as ui
from dashboard.figures import MONTHS, PUBLISHER_SHORT, SCOPE_LABEL

PATH = "/"
dash.register_page(__name__, path=PATH, title="Overview · defex", name="Overview")


def _card(title: str, value: str, detail: str, card_id: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(title, className="small text-muted"),
                    html.Div(value, className="fs-4 fw-semibold kpi-value"),
                    html.Div(detail, className="small"),
                ]
            ),
            id=card_id,
            className="h-100",
        ),
        md=3,
        sm=6,
        xs=12,
        className="mb-3",
    )


def _who(publisher: str, scope: str) -> str:
    return f"{PUBLISHER_SHORT.get(publisher, publisher)}, {SCOPE_LABEL.get(scope, scope)}"


def headline_cards(p) -> dbc.Row:
    cards = []
    yoy = data.yoy_growth(p)
    if not yoy.empty:
        last = yoy.sort_values(["year", "publisher"]).iloc[-1]
        cards.append(
            _card(
                f"Latest full year ({_who(last.publisher, last.scope)})",
                f"{last.year}: ${last.value_usd_m / 1000:,.3f} bn",
                f"{last.growth_pct:+.1f}% on {last.year - 1} (${last.base_value_usd_m / 1000:,.3f} bn)",
                "kpi-year",
            )
        )
    ytd = data.ytd_growth(p)
    if not ytd.empty:
        last = ytd.iloc[-1]
        months = f"Jan–{MONTHS[int(last.through_month) - 1]}"
        cards.append(
            _card(
                f"Latest year to date ({_who(last.publisher, last.scope)})",
                f"{months} {last.year}: ${last.value_usd_m / 1000:,.3f} bn",
                f"{last.growth_pct:+.1f}% on {months} {last.year - 1} (${last.base_value_usd_m / 1000:,.3f} bn), "
                "like for like",
                "kpi-ytd",
            )
        )
    cagr = data.cagr(p)
    if not cagr.empty:
        c = cagr.iloc[0]
        cards.append(
            _card(
                f"5-year growth a year ({_who(c.publisher, c.scope)})",
                f"{c.cagr_pct:+.1f}% a year",
                f"{c.start_year}–{c.end_year}: ${c.start_value_usd_m:,.0f} m → ${c.end_value_usd_m:,.0f} m "
                "(CAGR, derived)",
                "kpi-cagr",
            )
        )
    recipients = data.recipients(p)
    in_register = (recipients["deals"] > 0) & (recipients["confirmed"] | (p.status == "all"))  # not SIPRI-only rows
    countries = recipients.loc[in_register, "iso3"].nunique()
    cards.append(
        _card(
            "Recipient countries in the deal register",
            f"{countries}",
            f"{'all' if p.status == 'all' else 'confirmed'} deals in the selected years",
            "kpi-recipients",
        )
    )
    return dbc.Row(cards)


@ui.guarded
def layout(**query):
    p = ui.params_of(query)
    body = [headline_cards(p)] + ui.deal_charts(p, PATH, ("annual_totals", "yoy_growth", "monthly"))
    return ui.page(
        PATH,
        p,
        "Türkiye's defence & aerospace exports",
        body,
        filters=("years", "publisher", "status"),
        intro="Totals as SSB, TİM and SaSaD publish them, side by side; growth only like with like.",
    )
