"""The materials (申报材料) a measure's clause asks applicants to hand in, and the kinds of file each may be.

A measure's `materials` (measures/data/SCHEMA.md) lists them in the words of the clause. The application form asks
for each as an upload of its own, a submission without the required ones is refused, and the reviewer ticks them
off; all three read them through `materials_of`. Plain data: nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileType:
    label: str | Promise
    mime_types: frozenset[str]
    extensions: tuple[str, ...]


# The kinds of file a material may be, recognised by content (applications.workflow.services sniffs it).
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType(_("PDF"), frozenset({"application/pdf"}), ("pdf",)),
    "image": FileType(
        _("图片"),
        frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp"}),
        ("jpg", "jpeg", "png"),
    ),
    "word": FileType(
        _("Word 文档"),
        frozenset(
            {
                "application/msword",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.oasis.opendocument.text",
            }
        ),
        ("doc", "docx", "odt"),
    ),
    "excel": FileType(
        _("Excel 表格"),
        frozenset(
            {
                "application/vnd.ms-excel",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.oasis.opendocument.spreadsheet",
            }
        ),
        ("xls", "xlsx", "ods"),
    ),
}
# A scan or a photo of a paper document: what a material is unless the data says otherwise.
DEFAULT_TYPES = ("pdf", "image")


@dataclass(frozen=True)
class Material:
    """One document the clause asks for: its name as printed, the kinds of file accepted, whether it is required."""

    key: str
    name: str
    types: tuple[str, ...] = DEFAULT_TYPES
    required: bool = True
    note: str = ""
    quote: str = ""

    @property
    def mime_types(self) -> frozenset[str]:
        return frozenset().union(*(FILE_TYPES[t].mime_types for t in self.types))

    @property
    def accept(self) -> str:
        """Return the file input's `accept` attribute (".pdf,.jpg,…")."""
        return ",".join(f".{ext}" for t in self.types for ext in FILE_TYPES[t].extensions)

    @property
    def types_label(self) -> str:
        return gettext("、").join(str(FILE_TYPES[t].label) for t in self.types)

    def accepts(self, mime_type: str) -> bool:
        return mime_type in self.mime_types


def material_from_data(data: dict) -> Material:
    return Material(
        key=data["key"],
        name=data["name"],
        types=tuple(data.get("types") or DEFAULT_TYPES),
        required=bool(data.get("required", True)),
        note=data.get("note", ""),
        quote=data.get("quote", ""),
    )


def materials_of(measure) -> list[Material]:
    """Return the materials a measure asks for, in the order of its clause."""
    return [material_from_data(item) for item in (measure.materials or [])]
