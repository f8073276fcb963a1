import dash

from dashboard.pages.entity import ENTITIES, entity_layout

dash.register_page(__name__, path_template=ENTITIES["country"][0], title="country · defex", name="country")


def layout(key=None, **query):
    return entity_layout("country", key, query)
