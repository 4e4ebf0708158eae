"""Colour checks for the report's palette: WCAG contrast, colour-vision deficiency
simulation (Machado, Oliveira and Fernandes 2009) and perceptual distance (CIEDE2000).
Plain arithmetic, no dependencies; docs/accessibility.md says how the tests use it."""

from __future__ import annotations

import math
from itertools import combinations

# Machado et al. (2009), severity 1.0, applied to linear RGB: the full dichromacies that
# stand for the common deficiencies (about 1 in 12 men have a red-green one).
SIMULATIONS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protan": ((0.152286, 1.052583, -0.204868),
               (0.114503, 0.786281, 0.099216),
               (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968),
               (0.280085, 0.672501, 0.047413),
               (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779),
               (-0.078411, 0.930809, 0.147602),
               (0.004733, 0.691367, 0.303900)),
}

RGB = tuple[float, float, float]


def linear(colour: str) -> RGB:
    """Return "#rrggbb" as linear-light RGB in 0..1."""
    channels = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                 for c in channels)  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of "#rrggbb"."""
    r, g, b = linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def simulate(colour: str, kind: str) -> RGB:
    """Return the linear RGB that a dichromat of `kind` sees for the colour."""
    rgb = linear(colour)
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True))))
                 for row in SIMULATIONS[kind])  # type: ignore[return-value]


def lab(rgb: RGB) -> RGB:
    """Return CIELAB (D65) for linear sRGB."""
    r, g, b = rgb
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b,
           0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)
    white = (0.95047, 1.0, 1.08883)
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
                  for t in (v / w for v, w in zip(xyz, white, strict=True)))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(lab1: RGB, lab2: RGB) -> float:
    """Return the CIEDE2000 colour difference (about 1 is just noticeable side by side)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = (math.degrees(math.atan2(b, a)) % 360 for a, b in ((a1, b1), (a2, b2)))
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30))
         + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6))
         - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_bar
    s_h = 1 + 0.015 * c_bar * t
    r_t = (-2 * math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7))
           * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))))
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                     + r_t * (d_c / s_c) * (d_h / s_h))


def closest_pair(colours: dict[str, str], kind: str | None = None) -> tuple[float, str, str]:
    """Return the smallest CIEDE2000 distance between named colours, as seen normally
    (kind None) or through a simulated deficiency, with the two names."""
    seen = {name: lab(simulate(c, kind) if kind else linear(c)) for name, c in colours.items()}
    return min((delta_e(seen[a], seen[b]), a, b) for a, b in combinations(seen, 2))
