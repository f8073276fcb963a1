import dash

from dashboard.pages.entity import ENTITIES, entity_layout

dash.register_page(__name__, path_template=ENTITIES["firm"][0], title="firm · defex", name="firm")


def layout(key=None, **query):
    return entity_layout("firm", key, query)
