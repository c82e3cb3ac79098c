#!/usr/bin/env python3
"""Compares the two glyph descriptions FormFlow's classifiers use, on name characters drawn in typefaces
the prototypes leave out: ink density (20×20 grid, 3×3 smoothed: `Glyph.features`) and stroke directions
(8 Sobel directions pooled on an 8×8 grid from a 32×32 anti-aliased square, square-rooted, unit length:
`StrokeDirections`). A development aid: how the names' judge was chosen (see `GlyphFeatures`).

For each condition (size, blur, threshold) and held-out face it prints, per description:
  nearest-correct  share of glyphs whose nearest character is their own
  TP@t             share confirmed as themselves: own distance / nearest other's ≤ t (t = 1 / 1.18 ≈ 0.85)
  FP@t             share that would be confirmed as the *nearest wrong* character (the misread most
                   likely to fool the judge): that character's distance / next one's (their own included) ≤ t

Measured 2026-12-02 (AR PL SungtiL GB, AR PL KaitiM GB, Noto Serif CJK SC; 30 px grey and 20 px bilevel):
nearest-correct 87–99% with stroke directions against 19–79% with ink density; TP@0.85 53–89% against
1–40%; FP@0.85 at most 0.3%.

usage: compare_features.py   (needs numpy, scipy, Pillow and Debian's fonts-arphic-gbsn00lp
       fonts-arphic-gkai00mp fonts-noto-cjk; reads Pipelines/glyphs/names.txt and name-rivals.txt)
"""
import os, random, sys
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from scipy.ndimage import gaussian_filter

HERE = os.path.dirname(os.path.abspath(__file__))
GLYPHS = os.path.join(HERE, "..", "..", "Pipelines", "glyphs")
VOCABULARIES = os.path.join(HERE, "..", "..", "Pipelines", "vocabularies")
FACES = {
    "SungtiL": "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "KaitiM": "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
    "NotoSerif": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
}
CONDITIONS = [("grey 30 px", 30, 0.8, 128), ("bilevel 20 px", 20, 0, 110)]
RATIO = 1 / 1.18


def load(path):
    chars, glyphs = [], []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        c, _font, _variant, w, h, hexbits = line.split()
        w, h = int(w), int(h)
        rows = np.frombuffer(bytes.fromhex(hexbits), dtype=np.uint8).reshape(h, (w + 7) // 8)
        chars.append(c)
        glyphs.append(np.unpackbits(rows, axis=1)[:, :w].astype(bool))
    return chars, glyphs


def ink_density(a, grid=20):
    h, w = a.shape
    s = grid / max(w, h)
    cx = np.clip(((grid - w * s) / 2 + (np.arange(w) + 0.5) * s).astype(int), 0, grid - 1)
    cy = np.clip(((grid - h * s) / 2 + (np.arange(h) + 0.5) * s).astype(int), 0, grid - 1)
    cells = np.zeros((grid, grid))
    np.add.at(cells, (cy[:, None].repeat(w, 1), cx[None, :].repeat(h, 0)), a.astype(float))
    area = np.outer(np.bincount(cy, minlength=grid), np.bincount(cx, minlength=grid)).astype(float)
    cells = np.where(area > 0, cells / np.maximum(area, 1), 0)
    p = np.pad(cells, 1)
    return (sum(p[dy:dy + grid, dx:dx + grid] for dy in range(3) for dx in range(3)) / 9).ravel()


def stroke_directions(a, n=32, cells=8, directions=8):
    h, w = a.shape
    s = (n - 4) / max(w, h)
    small = Image.fromarray((a * 255).astype(np.uint8)).resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR)
    g = np.zeros((n, n))
    arr = np.asarray(small, dtype=float) / 255
    y0, x0 = (n - arr.shape[0]) // 2, (n - arr.shape[1]) // 2
    g[y0:y0 + arr.shape[0], x0:x0 + arr.shape[1]] = arr
    p = np.pad(g, 1)
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    magnitude = np.hypot(gx, gy)
    position = (np.arctan2(gy, gx) % (2 * np.pi)) / (2 * np.pi) * directions
    lower = np.floor(position).astype(int) % directions
    share = position - np.floor(position)
    cell = n // cells
    planes = []
    for d in range(directions):
        plane = np.where(lower == d, magnitude * (1 - share), 0) + np.where((lower + 1) % directions == d, magnitude * share, 0)
        planes.append(gaussian_filter(plane, sigma=cell / 2)[cell // 2::cell, cell // 2::cell][:cells, :cells])
    v = np.sqrt(np.array(planes).ravel())
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def render(c, path, size, blur, threshold):
    font = ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") else 0)
    image = Image.new("L", (size * 2, size * 2), 255)
    ImageDraw.Draw(image).text((size // 2, size // 2), c, font=font, fill=0)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(image) < threshold
    ys, xs = np.nonzero(a)
    return a[ys.min():ys.max() + 1, xs.min():xs.max() + 1] if len(ys) else None


def main():
    random.seed(1)
    c1, g1 = load(os.path.join(GLYPHS, "names.txt"))
    c2, g2 = load(os.path.join(GLYPHS, "name-rivals.txt"))
    chars, glyphs = c1 + c2, g1 + g2
    alphabet = sorted(set(chars))
    number = {c: i for i, c in enumerate(alphabet)}
    labels = np.array([number[c] for c in chars])
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(len(alphabet) + 1))
    text = "".join(open(os.path.join(VOCABULARIES, f), encoding="utf-8").read() for f in ("surnames.txt", "given-name-characters.txt"))
    pool = sorted(c for c in set(text) if c in number and "\u4e00" <= c <= "\u9fff")
    test = random.sample(pool, 250) + [c for c in "韡燊堃淏喆赟曌旸垚焱龑昉晔珩琮璠赜翚昺暐炅熠琇湉湜偲蒨笪乜仉蒯郏郄甯" if c in number]
    aspects = np.array([np.log(g.shape[1] / g.shape[0]) for g in glyphs], dtype=np.float32)
    described = {name: np.array([f(g) for g in glyphs], dtype=np.float32) for name, f in (("ink density", ink_density), ("stroke directions", stroke_directions))}
    weights = {"ink density": 4.0, "stroke directions": 0.04}
    for condition, size, blur, threshold in CONDITIONS:
        for face, path in FACES.items():
            if not os.path.exists(path):
                print(f"{face}: {path} missing, skipped", file=sys.stderr)
                continue
            drawn = [(render(c, path, size, blur, threshold), number[c]) for c in test]
            drawn = [(g, t) for g, t in drawn if g is not None]
            truth = np.array([t for _, t in drawn])
            query_aspects = np.array([np.log(g.shape[1] / g.shape[0]) for g, _ in drawn], dtype=np.float32)
            for name, f in (("ink density", ink_density), ("stroke directions", stroke_directions)):
                q = np.array([f(g) for g, _ in drawn], dtype=np.float32)
                p = described[name]
                d = np.maximum((q ** 2).sum(1)[:, None] + (p ** 2).sum(1)[None, :] - 2 * q @ p.T, 0)
                d = np.sqrt(d + weights[name] * (query_aspects[:, None] - aspects[None, :]) ** 2)[:, order]
                per_char = np.full((len(drawn), len(alphabet)), np.inf, dtype=np.float32)
                for i in range(len(alphabet)):
                    if bounds[i] < bounds[i + 1]:
                        per_char[:, i] = d[:, bounds[i]:bounds[i + 1]].min(1)
                rows = np.arange(len(drawn))
                own = per_char[rows, truth]
                others = per_char.copy()
                others[rows, truth] = np.inf
                wrong = others.argmin(1)
                nearest_other = others.min(1)
                rest = others.copy()
                rest[rows, wrong] = np.inf
                rest[rows, truth] = own
                with np.errstate(divide="ignore", invalid="ignore"):
                    tp = (own / nearest_other <= RATIO).mean()
                    fp = (nearest_other / rest.min(1) <= RATIO).mean()
                print(f"{condition:14s} {face:10s} {name:18s} nearest-correct {(own < nearest_other).mean():.3f}  "
                      f"TP@{RATIO:.2f} {tp:.3f}  FP@{RATIO:.2f} {fp:.4f}", flush=True)


if __name__ == "__main__":
    main()
