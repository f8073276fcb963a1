"""Cross-file rules of the deal lifecycle (deal_steps.csv against deals.csv), reported like every other failure.

A deal's steps run talks → MoU → signed → in production → delivering → delivered (or stalled / cancelled), each
dated and sourced. A signed, in-production, delivering or delivered step cannot come before the deal's order year,
and a deal that has steps takes its status from the latest one: deals.csv must say the same, so the two files never
disagree silently.
"""

import pandas as pd

from etl.errors import Failure
from etl.readcsv import LINE
from etl.schemas import DEAL_STATUSES

BEFORE_ORDER = ("talks", "mou", "stalled", "cancelled")  # the steps that may precede the order year
RULE_ORDER = "a signed, in-production, delivering or delivered step is not dated before the deal's order year"
RULE_LATEST = "a deal's status is the status of its latest step in deal_steps.csv"


def latest(steps: pd.DataFrame) -> pd.DataFrame:
    """Each deal's latest step; of two steps on one day, the later stage (as v_deal_timeline orders them)."""
    stage = steps["status"].map({s: n for n, s in enumerate(DEAL_STATUSES)})
    ordered = steps.assign(_stage=stage).sort_values(["deal_id", "date", "_stage"], kind="stable")
    return ordered.groupby("deal_id").tail(1).drop(columns="_stage").set_index("deal_id")


def check(steps: pd.DataFrame, deals: pd.DataFrame, steps_file: str, deals_file: str) -> list[Failure]:
    if steps.empty or "deal_id" not in deals:
        return []
    by_id = deals.drop_duplicates("deal_id").set_index("deal_id")  # a duplicate id is reported by the Deal model
    known = steps[steps["deal_id"].isin(by_id.index) & steps["date"].notna()]
    failures = []
    for _, step in known.iterrows():
        deal = by_id.loc[step["deal_id"]]
        line = int(step[LINE])
        shown = step["date"].strftime("%Y-%m-%d")
        order_year = deal["order_year"]
        if step["status"] not in BEFORE_ORDER and pd.notna(order_year) and step["date"].year < order_year:
            failures.append(Failure(steps_file, line, "date", shown, f"{RULE_ORDER} ({int(order_year)})"))
    if known.empty:
        return failures
    for deal_id, step in latest(known).iterrows():
        deal = by_id.loc[deal_id]
        if deal["status"] != step["status"]:
            failures.append(
                Failure(
                    deals_file,
                    int(deal[LINE]),
                    "status",
                    str(deal["status"]),
                    f"{RULE_LATEST} ('{step['status']}' on {step['date']:%Y-%m-%d})",
                )
            )
    return failures
