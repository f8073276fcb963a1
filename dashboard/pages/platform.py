import dash

from dashboard.pages.entity import ENTITIES, entity_layout

dash.register_page(__name__, path_template=ENTITIES["platform"][0], title="platform · defex", name="platform")


def layout(key=None, **query):
    return entity_layout("platform", key, query)
