"""The overview's calls chart as a small SVG a person reads: a bar per day of the last 7
days, calls stacked over errors, a labelled y axis with a round maximum, the day under each
bar and its count above it. Pure: figures in, markup out (nothing here reads the database)."""

from markupsafe import Markup, escape

# Geometry of the drawing (SVG user units; the card scales it to its width).
WIDTH, HEIGHT = 320, 130
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 14, 20
CALLS_COLOUR, ERRORS_COLOUR, AXIS_COLOUR = "#017e84", "#d44c59", "#adb5bd"


def nice_ceiling(value):
    """The smallest of 1, 2, 5 × 10ⁿ at or above ``value`` (at least 1): the y axis's top."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def calls_chart_svg(days, title, calls_label, errors_label):
    """``days``: [(label, calls, errors)] oldest first. Returns the chart's markup, with the
    period's total in ``data-total``."""
    top = nice_ceiling(max((calls for _label, calls, _errors in days), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar_w = slot * 0.6

    def y(value):
        return TOP + plot_h - plot_h * value / top

    parts = [
        Markup('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>')
        % (LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h, AXIS_COLOUR)
    ]
    for tick in (0, top / 2, top):
        label = f"{tick:,.0f}" if tick == int(tick) else f"{tick:,.1f}"
        parts.append(
            Markup(
                '<line x1="%s" y1="%.1f" x2="%s" y2="%.1f" stroke="%s" stroke-dasharray="2,2" stroke-width="0.5"/>'
                '<text x="%s" y="%.1f" text-anchor="end" font-size="9" fill="#6c757d">%s</text>'
            )
            % (LEFT, y(tick), WIDTH - RIGHT, y(tick), AXIS_COLOUR, LEFT - 4, y(tick) + 3, label)
        )
    for index, (label, calls, errors) in enumerate(days):
        x = LEFT + index * slot + (slot - bar_w) / 2
        centre = x + bar_w / 2
        tip = escape(f"{label}: {calls} {calls_label}, {errors} {errors_label}")
        parts.append(Markup('<g class="o_xero_chart_day"><title>%s</title>') % tip)
        if calls:
            parts.append(
                Markup('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>')
                % (x, y(calls), bar_w, TOP + plot_h - y(calls), CALLS_COLOUR)
            )
        if errors:
            parts.append(
                Markup('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>')
                % (x, y(errors), bar_w, TOP + plot_h - y(errors), ERRORS_COLOUR)
            )
        parts.append(
            Markup('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9" fill="#212529">%s</text>')
            % (centre, y(calls) - 3, calls)
        )
        parts.append(
            Markup('<text x="%.1f" y="%s" text-anchor="middle" font-size="9" fill="#6c757d">%s</text></g>')
            % (centre, HEIGHT - 6, label)
        )
    total = sum(calls for _label, calls, _errors in days)
    legend = Markup(
        '<div class="small text-muted d-flex gap-3">'
        '<span><span style="display:inline-block;width:8px;height:8px;background:%s"></span> %s</span>'
        '<span><span style="display:inline-block;width:8px;height:8px;background:%s"></span> %s</span></div>'
    ) % (CALLS_COLOUR, calls_label, ERRORS_COLOUR, errors_label)
    return Markup(
        '<div class="o_xero_calls_chart" data-total="%s">'
        '<svg viewBox="0 0 %s %s" width="100%%" role="img" aria-label="%s">%s</svg>%s</div>'
    ) % (total, WIDTH, HEIGHT, title, Markup("").join(parts), legend)
