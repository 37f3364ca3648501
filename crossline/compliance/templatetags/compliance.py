from django import template

register = template.Library()


@register.filter
def percent(rate) -> str:
    """0.875 -> "87.5%"; nothing to measure -> "–" (a dash, not 0%, which would say something)."""
    if rate is None:
        return "–"
    value = round(rate * 100, 1)
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


@register.filter
def sort_value(rate) -> str:
    """For MOJ's sortable table: a number, with nothing to measure sorting below every figure."""
    return "-1" if rate is None else f"{rate:.6f}"


@register.filter
def ordinal(number: int) -> str:
    """10 -> "10th", 1 -> "1st", 22 -> "22nd"."""
    number = int(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
