"""The fields a browser would post from a page's form, read with the standard library (Locust users need no more)."""

from __future__ import annotations

from html.parser import HTMLParser

# The small PDF each enterprise attaches (what the portal's checks need: the signature and the end-of-file mark).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class _Form(HTMLParser):
    """The fields of the page's POST form that posts to the page itself (not the header's sign-out form): inputs,
    textareas, selects, as a browser would send them."""

    def __init__(self, path: str = ""):
        super().__init__()
        self.path = path.split("?")[0]
        self.fields, self.depth, self.done, self._textarea, self._select = {}, 0, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        own = (a.get("action") or "").split("?")[0] in ("", ".", self.path)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post" and own:
            self.depth = 1
        elif self.depth and tag == "input" and a.get("name") and a.get("type") not in ("checkbox", "file", "submit"):
            self.fields[a["name"]] = a.get("value") or ""
        elif self.depth and tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[a["name"]] = a.get("value") or "on"
        elif self.depth and tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""
        elif self.depth and tag == "select":
            self._select = a.get("name")
            self.fields.setdefault(self._select, "")
        elif self.depth and tag == "option" and self._select and ("selected" in a or not self.fields[self._select]):
            self.fields[self._select] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.depth:
            self.depth, self.done = 0, True


def form_fields(html: str, path: str = "") -> dict:
    parser = _Form(path)
    parser.feed(html)
    return parser.fields
