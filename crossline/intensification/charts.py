"""Bar charts drawn on the server as SVG, for the templates to place beside a table of the same
figures.

Why SVG from the server and not a charting script: the pages run under a strict Content Security
Policy (no inline script or style), they must work without JavaScript, and the figures are a
handful of bars. Geometry is worked out here and written as SVG attributes in the template
(`fill`, `x`, `height`...: presentation attributes, which the CSP's style rules do not cover).
The chart is an image with a text alternative (role="img", <title>, <desc>); the table beside it
holds every number, so nothing is only in the picture.
"""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 320, 180
TOP, BOTTOM, LEFT, RIGHT = 16, 40, 44, 8
HIGHLIGHT, MUTED = "#1d70b8", "#8eb8dc"  # GOV.UK blue, and a lighter blue for earlier weeks


def _nice_ceiling(value: float) -> float:
    """The top of the axis: a round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}m"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    colour: str


def bar_chart(*, title: str, bars: list[tuple[str, float | int | Decimal, str]], highlight: int | None = None,
              description: str = "") -> dict:
    """Columns for (label, value, value as shown) in order; the `highlight`-th is the week in view."""
    top = _nice_ceiling(float(max((float(v) for _, v, _ in bars), default=0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    width = min(slot * 0.7, 48)
    drawn = []
    for index, (label, value, shown) in enumerate(bars):
        height = plot_h * float(value) / top if top else 0
        x = LEFT + index * slot + (slot - width) / 2
        drawn.append(Bar(label=label, value=float(value), shown=shown, x=round(x, 1),
                         y=round(TOP + plot_h - height, 1), width=round(width, 1), height=round(height, 1),
                         label_x=round(x + width / 2, 1),
                         colour=HIGHLIGHT if index == highlight or highlight is None else MUTED))
    # A middle line only where it falls on a whole number: counts of people have no halves.
    shares = (0, 0.5, 1) if (top / 2) == int(top / 2) else (0, 1)
    ticks = [{"y": round(TOP + plot_h - plot_h * share, 1), "label": _short(top * share)} for share in shares]
    return {"title": title, "description": description, "bars": drawn, "ticks": ticks, "width": WIDTH,
            "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "baseline": TOP + plot_h,
            "label_y": TOP + plot_h + 16, "value_offset": 4}
