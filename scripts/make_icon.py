"""Draws the module's icon: two arrows going round an X (Odoo ⇄ Xero), on a blue tile."""

import math

from PIL import Image, ImageDraw

S = 1024  # drawn large, scaled down for smooth edges
img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle([0, 0, S - 1, S - 1], radius=180, fill=(19, 145, 196, 255))
# a lighter diagonal band, the flat style of Odoo's app icons
band = Image.new("RGBA", (S, S), (0, 0, 0, 0))
ImageDraw.Draw(band).polygon(
    [(0, S * 0.62), (S * 0.62, 0), (S, 0), (S, S * 0.05), (S * 0.05, S), (0, S)], fill=(255, 255, 255, 28)
)
mask = Image.new("L", (S, S), 0)
ImageDraw.Draw(mask).rounded_rectangle([0, 0, S - 1, S - 1], radius=180, fill=255)
img.paste(Image.alpha_composite(img, band), (0, 0), mask)
d = ImageDraw.Draw(img)
white = (255, 255, 255, 255)
c, r, w = S / 2, S * 0.33, 58
box = [c - r, c - r, c + r, c + r]
# two arcs, each ending in an arrow head
for start, end in ((200, 330), (20, 150)):
    d.arc(box, start, end, fill=white, width=w)
    a = math.radians(end)
    tip = (c + r * math.cos(a), c + r * math.sin(a))
    tangent = a + math.pi / 2
    size = 95
    back = (tip[0] - size * math.cos(tangent), tip[1] - size * math.sin(tangent))
    nx, ny = math.cos(a), math.sin(a)
    head = [
        (tip[0] + 0.35 * size * math.cos(tangent), tip[1] + 0.35 * size * math.sin(tangent)),
        (back[0] + 0.75 * size * nx, back[1] + 0.75 * size * ny),
        (back[0] - 0.75 * size * nx, back[1] - 0.75 * size * ny),
    ]
    d.polygon(head, fill=white)
# the X in the middle
k = S * 0.13
for x1, y1, x2, y2 in ((c - k, c - k, c + k, c + k), (c - k, c + k, c + k, c - k)):
    d.line([(x1, y1), (x2, y2)], fill=white, width=70)
for x, y in ((c - k, c - k), (c + k, c + k), (c - k, c + k), (c + k, c - k)):
    d.ellipse([x - 35, y - 35, x + 35, y + 35], fill=white)
img.resize((256, 256), Image.LANCZOS).save("xero_connector/static/description/icon.png", optimize=True)
