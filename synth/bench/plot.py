"""A pass@k-versus-latency scatter plot as a self-contained inline SVG (no plotting library)."""

from __future__ import annotations

from html import escape

_W, _H, _PAD = 560, 360, 56
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def build_svg(points: list[tuple[str, float, float]], x_label: str, y_label: str) -> str:
    """SVG of (label, x, y) points with labelled axes; y is a share in [0, 1]."""
    xs = [x for _, x, _ in points] or [0.0, 1.0]
    x_low, x_high = 0.0, max(xs) * 1.15 or 1.0

    def sx(x: float) -> float:
        return _PAD + (x - x_low) / (x_high - x_low) * (_W - 2 * _PAD)

    def sy(y: float) -> float:
        return _H - _PAD - y * (_H - 2 * _PAD)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="{escape(y_label)} versus {escape(x_label)}">',
        f'<rect width="{_W}" height="{_H}" fill="white"/>',
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="black"/>',
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{_H - _PAD}" stroke="black"/>',
    ]
    for value in _ticks(x_low, x_high):
        parts.append(f'<text x="{sx(value):.1f}" y="{_H - _PAD + 16}" font-size="11" '
                     f'text-anchor="middle">{value:.3g}</text>')  # fmt: skip
    for value in _ticks(0.0, 1.0):
        parts.append(f'<text x="{_PAD - 6}" y="{sy(value) + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{value:.2f}</text>')  # fmt: skip
    parts.append(f'<text x="{_W / 2}" y="{_H - 12}" font-size="12" text-anchor="middle">'
                 f"{escape(x_label)}</text>")  # fmt: skip
    parts.append(f'<text x="14" y="{_H / 2}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 14 {_H / 2})">{escape(y_label)}</text>')  # fmt: skip
    for i, (label, x, y) in enumerate(points):
        colour = _COLOURS[i % len(_COLOURS)]
        parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="{colour}">'
                     f"<title>{escape(label)}: {y:.3f} at {x:.3g}</title></circle>")  # fmt: skip
        parts.append(f'<text x="{sx(x) + 8:.1f}" y="{sy(y) - 8:.1f}" font-size="11">'
                     f"{escape(label)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)
