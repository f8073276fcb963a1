"""Component ids shared by the layout and the callbacks (pattern-matching where one callback serves many)."""

URL = "url"
MESSAGES = "messages"
NAV_TOGGLER = "nav-toggler"  # the menu button of a narrow screen
NAV_COLLAPSE = "nav-collapse"


def filter_id(name: str) -> dict:
    return {"type": "filter", "name": name}


def chart_id(chart: str) -> dict:
    return {"type": "chart", "chart": chart}


def provenance_id(chart: str) -> dict:
    return {"type": "provenance", "chart": chart}


DEALS_GRID = "deals-grid"
DEALS_COUNT = "deals-count"  # how many deals the grid lists, of how many
DEALS_CSV = "deals-csv"
DEALS_SEARCH = "deals-search"  # the grid's quick search box
DEALS_VIEW = "deals-view"  # a store the grid-to-URL callback writes to (it has no other output)


def image_id(chart: str, image_format: str) -> dict:
    return {"type": "image", "chart": chart, "format": image_format}


def caption_id(chart: str) -> dict:
    return {"type": "caption", "chart": chart}


PAGE_LOADING = "page-loading"  # the spinner over the page while it redraws
