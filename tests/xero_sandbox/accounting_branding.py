"""Branding themes: GET /BrandingThemes and /BrandingThemes/{id}, and the rule documents obey.

Xero's API only reads branding themes (they are made in Xero's web app, Settings > Invoice
settings > New Branding Theme: the control API's ``POST orgs/{tenant}/branding-themes`` plays
that part). The organisation's default theme is the one of SortOrder 0. Invoices, credit
notes and purchase orders carry a ``BrandingThemeID``; one that is not a theme of the
organisation is refused with a validation error.
"""

from __future__ import annotations

from .accounting_common import Problems, Resource, is_uuid


def unknown_theme(theme_id) -> str:
    return f"The BrandingThemeID {theme_id} is not a valid branding theme of this organisation."


class BrandingThemes(Resource):
    name, id_field, label = "BrandingThemes", "BrandingThemeID", "Branding Theme"
    write_methods = ()  # read-only in the API

    def base_docs(self, query):
        return sorted(self.docs(), key=lambda doc: (doc["SortOrder"], doc["Name"].lower()))

    def add(self, name: str, sort_order: int | None = None, logo_url: str | None = None) -> dict:
        """A theme made in Xero's web app: appended after the others unless ``sort_order``
        says where (0 makes it the organisation's default; the others move down)."""
        name = str(name or "").strip()
        if not name:
            raise ValueError("A branding theme needs a name")
        if any(doc["Name"].lower() == name.lower() for doc in self.docs()):
            raise ValueError(f"A branding theme named {name} already exists")
        themes = self.base_docs({})
        order = len(themes) if sort_order is None else max(0, min(int(sort_order), len(themes)))
        for doc in themes[order:]:
            self.store.put(self.name, doc["BrandingThemeID"], dict(doc, SortOrder=doc["SortOrder"] + 1))
        doc = {
            "BrandingThemeID": self.org.new_id(),
            "Name": name,
            "Type": "INVOICE",
            "SortOrder": order,
            "CreatedDateUTC": self.org.clock.utcnow(),
        }
        if logo_url:
            doc["LogoUrl"] = logo_url
        self.store.put(self.name, doc["BrandingThemeID"], doc)
        return doc

    def remove(self, theme_id: str) -> None:
        """A theme deleted in Xero's web app: documents that carried it keep its id; new ones
        may no longer name it. The themes after it move up."""
        doc = self.store.get(self.name, theme_id)
        if doc is None:
            raise KeyError(f"no branding theme {theme_id}")
        self.store.table(self.name).pop(doc["BrandingThemeID"].lower())
        for other in self.base_docs({}):
            if other["SortOrder"] > doc["SortOrder"]:
                self.store.put(
                    self.name, other["BrandingThemeID"], dict(other, SortOrder=other["SortOrder"] - 1)
                )

    def require(self, theme_id, problems: Problems) -> None:
        """A document's BrandingThemeID must be a theme of this organisation."""
        if theme_id in (None, ""):
            return
        if not is_uuid(theme_id) or self.store.get(self.name, str(theme_id).lower()) is None:
            problems.add(unknown_theme(theme_id))
