#!/usr/bin/env python3
"""Renders the characters of Chinese financial capitals (大写金额) in every CJK typeface installed here
and writes them as prototypes for FormFlow's glyph classifier.

FormFlow verifies a 大写 line by comparing each glyph with these prototypes (Tesseract's chi_sim model
misreads several of these characters). Prototypes come from fonts only, never from scans, and cover
several typefaces (sans, serif, Kai, Ming) so that a typeface the samples don't use is still recognised.

With --digits it renders the characters of printed numbers and codes instead (digits, capital letters),
in Latin and CJK typefaces: FormFlow's second opinion on Tesseract's reading of IDs, account numbers,
codes, dates and counts.

With --from FILE... it renders every Chinese character those files hold outside comments (the form
templates: titles, labels, vocabularies), in the CJK typefaces: FormFlow's second opinion on titles and
vocabulary entries. Run it again when a template or vocabulary gains characters; a character without
prototypes is simply left to Tesseract.

With --compact it renders three smaller variants instead of four (for long lists: the names' characters).

With --rivals EXISTING_FILE it renders every character of GB 2312 (6,763) and of the 通用规范汉字表 (8,105;
Unihan's kTGH, from Debian's unicode-data) that EXISTING_FILE has no prototypes for, once in each of a Ming, a Kai and a Hei typeface: not to read them, but so that a glyph of a rare character
(琮, 暐) is seen to be nearer its own character than the common one Tesseract took it for (琼, 暑), and the
full-width brackets of company names. The
names' verifier loads them beside names.txt (`name_glyphs:` in the pipeline lists both files). With
--other-faces it renders the same characters in the names' other typefaces (FONTS less those three):
name-rivals-more.txt, so that a rare character printed in one of them lies near its own prototypes.

usage: make_prototypes.py [--compact] [--digits | --from FILE... | [--other-faces] --rivals EXISTING_FILE] OUT_FILE   (needs Pillow and Debian's fonts-wqy-zenhei fonts-wqy-microhei
       fonts-arphic-uming fonts-arphic-ukai fonts-noto-cjk fonts-droid-fallback)

Output: one line per prototype, `CHAR FONT VARIANT WIDTH HEIGHT HEXBITS`, the glyph's ink cropped to its
bounding box, one bit per pixel (1 = ink), rows padded to whole bytes.
"""
import sys
from PIL import Image, ImageDraw, ImageFont, ImageFilter

CHARS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整"  # 圆: e-invoices write it for 元
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BRACKETS = "（）"
LATIN_FONTS = [  # typefaces printers use for figures, besides the CJK ones below
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", ""),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", ""),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", ""),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", ""),
    ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", ""),
    ("/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf", ""),
    ("/usr/share/fonts/truetype/freefont/FreeSans.ttf", ""),
    ("/usr/share/fonts/truetype/freefont/FreeSerif.ttf", ""),
]
FONTS = [  # path, preferred face name fragment
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "Zen Hei"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "Micro Hei"),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", "UMing CN"),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", "UKai CN"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "SC"),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", ""),
]

def face(path, fragment, size):
    for index in range(12):
        try:
            f = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        name = " ".join(f.getname())
        if fragment in name:
            return f, name
    return ImageFont.truetype(path, size, index=0), " ".join(ImageFont.truetype(path, size).getname())

def render(font, char, blur, threshold=128):
    size = font.size
    im = Image.new("L", (size * 2, size * 2), 255)
    ImageDraw.Draw(im).text((size // 2, size // 2), char, font=font, fill=0)
    if blur:
        im = im.filter(ImageFilter.GaussianBlur(blur))
    bw = im.point(lambda v: 0 if v < threshold else 255)
    box = Image.eval(bw, lambda v: 255 - v).getbbox()
    return bw.crop(box) if box else None

def bits(im):
    w, h = im.size
    px = im.load()
    out = bytearray()
    for y in range(h):
        row = 0
        nbits = 0
        for x in range(w):
            row = (row << 1) | (1 if px[x, y] == 0 else 0)
            nbits += 1
            if nbits == 8:
                out.append(row); row = 0; nbits = 0
        if nbits:
            out.append(row << (8 - nbits))
    return out.hex()

def main():
    import os
    args = sys.argv[1:]
    digits = "--digits" in args
    compact = "--compact" in args
    other_faces = "--other-faces" in args
    args = [a for a in args if a not in ("--digits", "--compact", "--other-faces")]
    if "--rivals" in args:
        at = args.index("--rivals")
        existing = {line.split(" ", 1)[0] for line in open(args[at + 1], encoding="utf-8") if not line.startswith("#")}
        args = args[:at] + args[at + 2:]
        gb2312 = []
        for high in range(0xB0, 0xF8):
            for low in range(0xA1, 0xFF):
                try:
                    gb2312.append(bytes([high, low]).decode("gb2312"))
                except UnicodeDecodeError:
                    pass
        # And the characters of the 通用规范汉字表 (2013) outside GB 2312 (1,467: 昉, 珺, 堃, 淏 …), which
        # names use: from Unihan's kTGH field (Debian's unicode-data).
        import bz2
        tgh = []
        for part in ("OtherMappings", "DictionaryLikeData", "IRGSources"):
            path = f"/usr/share/unicode/Unihan_{part}.txt.bz2"
            if os.path.exists(path):
                for line in bz2.open(path, "rt", encoding="utf-8"):
                    if "\tkTGH\t" in line:
                        tgh.append(chr(int(line.split("\t")[0][2:], 16)))
        if not tgh:
            sys.exit("no kTGH field found: apt-get install unicode-data")
        seen = set(gb2312)
        # And the full-width brackets of company names (华信科技（苏州）有限公司), so that a name with its seat in
        # brackets can be confirmed glyph by glyph like any other.
        chars = "".join(c for c in gb2312 + sorted(set(tgh) - seen) + list(BRACKETS) if c not in existing)

        lines = []
        # The three families values are printed in: Ming (Song), Kai and Hei. With --other-faces, the same
        # characters in the names' other typefaces (FONTS), so that a rare character printed in one of them
        # lies near its own prototypes too (禛 in Noto Serif CJK was 0.34 from the Ming, Kai and Hei 禛, and
        # 0.31 from the common 祺).
        three = [("/usr/share/fonts/truetype/arphic/uming.ttc", "UMing CN"),
                 ("/usr/share/fonts/truetype/arphic/ukai.ttc", "UKai CN"),
                 ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "Zen Hei")]
        faces = [f for f in FONTS if f[0] not in {p for p, _ in three}] if other_faces else three
        for path, fragment in faces:
            if not os.path.exists(path):
                sys.exit(f"missing font {path}")
            font, name = face(path, fragment, 26)
            tag = name.replace(" ", "_")
            for char in chars:
                glyph = render(font, char, 0, 128)
                if glyph is not None:
                    w, h = glyph.size
                    lines.append(f"{char} {tag} 0 {w} {h} {bits(glyph)}")
        with open(args[0], "w", encoding="utf-8") as fh:
            if other_faces:
                fh.write("# Glyph prototypes of the GB 2312 and 通用规范汉字表 characters names.txt lacks, in the names' typefaces"
                         " other than Ming, Kai and Zen Hei, made by tools/glyphs/make_prototypes.py --other-faces --rivals"
                         " Pipelines/glyphs/names.txt.\n")
            else:
                fh.write("# Glyph prototypes of the GB 2312 and 通用规范汉字表 characters names.txt lacks, Ming, Kai and Hei, rivals only,"
                         " made by tools/glyphs/make_prototypes.py --rivals Pipelines/glyphs/names.txt.\n")
            fh.write("# CHAR FONT VARIANT WIDTH HEIGHT HEXBITS (1 = ink, rows padded to bytes)\n")
            fh.write("\n".join(lines) + "\n")
        print(f"{len(lines)} rival prototypes", file=sys.stderr)
        return
    chars = DIGITS if digits else CHARS
    fonts = (LATIN_FONTS + FONTS) if digits else FONTS
    sources = []
    if "--from" in args:
        at = args.index("--from")
        sources, args = args[at + 1:-1], args[:at] + args[-1:]
        import re
        text = "".join(line.split("#")[0] for path in sources for line in open(path, encoding="utf-8"))
        chars = "".join(sorted(set(re.findall(r"[\u4e00-\u9fff]", text))))
    lines = []
    for path, fragment in fonts:
        if not os.path.exists(path):
            print(f"skipping missing font {path}", file=sys.stderr)
            continue
        # Sharp at two sizes, and blurred then cut dark and light (thin and thick strokes, as scans print).
        # --compact: fewer, smaller renderings for long character lists (the classifier compares on a
        # 20×20 grid, so 26 pixels lose nothing it uses).
        variants = [(26, 0, 128), (30, 1.0, 100), (30, 1.0, 170)] if compact else [(48, 0, 128), (30, 0, 128), (44, 1.2, 110), (44, 1.2, 160)]
        for variant, (size, blur, threshold) in enumerate(variants):
            font, name = face(path, fragment, size)
            tag = name.replace(" ", "_")
            for char in chars:
                glyph = render(font, char, blur, threshold)
                if glyph is None:
                    continue
                w, h = glyph.size
                lines.append(f"{char} {tag} {variant} {w} {h} {bits(glyph)}")
    with open(args[0], "w", encoding="utf-8") as fh:
        what = ("digits and capital letters" if digits else "the Chinese characters of " + " ".join(sources)
                if sources else "Chinese financial capitals")
        how = " --digits" if digits else (" --from " + " ".join(sources) if sources else "")
        fh.write(f"# Glyph prototypes of {what}, made by tools/glyphs/make_prototypes.py{how}.\n")
        fh.write("# CHAR FONT VARIANT WIDTH HEIGHT HEXBITS (1 = ink, rows padded to bytes)\n")
        fh.write("\n".join(lines) + "\n")
    print(f"{len(lines)} prototypes", file=sys.stderr)

if __name__ == "__main__":
    main()
