"""SVG markup primitives for the report's figures: every attribute and text is escaped here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

INK, MUTED, RULE = "#1b1d21", "#5a6069", "#c9ccd1"
FONT = "Helvetica, Arial, sans-serif"


def num(value: float) -> str:
    """A coordinate with at most one decimal: small, stable markup."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text_of(value: object) -> str:
    """Text content, white space collapsed and escaped for XML."""
    return escape(" ".join(str(value).split()), quote=True)


def short(text: str, limit: int) -> str:
    """Text cut to at most limit characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def el(tag: str, inner: str = "", /, **attrs: object) -> str:
    """One element; attribute names take ``-`` for ``_``; inner is markup built by this module."""
    parts = "".join(
        f' {name.rstrip("_").replace("_", "-")}="'
        f'{num(value) if isinstance(value, int | float) else text_of(value)}"'
        for name, value in attrs.items()
    )
    return f"<{tag}{parts}>{inner}</{tag}>" if inner else f"<{tag}{parts}/>"


def tip(text: str) -> str:
    """A hover tooltip (an SVG <title> child): the browser shows it, no script needed."""
    return f"<title>{text_of(text)}</title>"


def label(x: float, y: float, text: str, anchor: str = "start", **attrs: object) -> str:
    """A text label at (x, y)."""
    return el("text", text_of(text), x=x, y=y, text_anchor=anchor, **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    """A line segment (ink coloured unless a stroke is given)."""
    attrs.setdefault("stroke", INK)
    return el("line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)


def cross(cx: float, cy: float, half: float, color: str, width: float, inner: str = "") -> str:
    """An × mark centred at (cx, cy)."""
    a = line(cx - half, cy - half, cx + half, cy + half)
    b = line(cx - half, cy + half, cx + half, cy - half)
    return el("g", inner + a + b, stroke=color, stroke_width=width)


def axis(x0: float, x1: float, y: float, ticks: Sequence[float], caption: str) -> list[str]:
    """A horizontal 0..1 axis with tick labels and a caption below."""
    out = [line(x0, y, x1, y)]
    for t in ticks:
        x = x0 + t * (x1 - x0)
        out += [line(x, y, x, y + 4), label(x, y + 15, f"{t:g}", "middle", fill=MUTED)]
    out.append(label((x0 + x1) / 2, y + 29, caption, "middle", fill=MUTED))
    return out


def svg(key: str, title: str, width: float, height: float, body: Iterable[str]) -> str:
    """The whole figure: a scalable viewBox, an accessible title, and the body."""
    head = el("title", text_of(title), id=f"{key}-t")
    return el(
        "svg",
        head + "".join(body),
        xmlns="http://www.w3.org/2000/svg",
        class_="fig",
        viewBox=f"0 0 {num(width)} {num(height)}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{key}-t",
        font_family=FONT,
        font_size=11,
    )
