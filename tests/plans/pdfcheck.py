"""Reading a generated PDF back: text (pypdf) and the PDF/UA tags."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader


def _walk(node: Any, out: list[str]) -> list[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _walk(child, out)
    elif hasattr(node, "keys"):
        if "/S" in node:
            out.append(str(node["/S"]))
        if node.get("/K") is not None:
            _walk(node["/K"], out)
    return out


def read_pdf(data: bytes) -> dict[str, Any]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts.append((str(font["/BaseFont"]), embedded))
    return {
        "text": "\n".join(page.extract_text() for page in reader.pages),
        "tags": _walk(tree, []) if tree is not None else [],
        "lang": str(root.get("/Lang", "")),
        "title": str((reader.metadata or {}).get("/Title", "")),
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
        "fonts": fonts,
        "pages": len(reader.pages),
    }


def assert_accessible(info: dict[str, Any]) -> None:
    assert info["tags"], "no structure tree"
    assert info["lang"] == "de-DE"
    assert info["title"]
    assert info["marked"]
    assert info["fonts"]
    assert all(embedded for _, embedded in info["fonts"]), info["fonts"]
