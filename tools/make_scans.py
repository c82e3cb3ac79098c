#!/usr/bin/env python3
"""Makes synthetic scans of FormFlow's two forms, with truth files, for benchmarks and soak tests.

FormFlow's own generator: it prints the blank forms the templates in Pipelines/templates describe, fills
in random but valid values (or values that break one rule), and degrades the page like a scanner
(skew, shift, lower resolution, speckle noise, blur, JPEG). Every scan is unique.

With --office (or --capture) the documents come as offices send them, each truth file saying how in
its `capture` key (`capture.mode`: phone, colour, bw or scan; not scored):
  phone   the printed page photographed on a desk: perspective and slant, uneven light and a shadow,
          blur, a 3000-4032 px JPEG that claims 72 dpi, sometimes pixels turned with an EXIF orientation;
  colour  a colour scan (200-300 dpi): form ink in brown, blue or red-brown on tinted paper, values in
          black, a red seal (发票专用章 / 财务专用章) that can lie across values;
  bw      a 1-bit CCITT G4 TIFF at 200 dpi, sometimes with 1-2 attached receipt pages after the form;
  scan    the harsh grey scan (as --harsh).
They also bring values in a second typeface (about half the documents), sellers and buyers outside the
vendor list or differing from a known one by one character (the truth holds the name as printed), and
claimants with rare surnames or given-name characters.

usage: make_scans.py OUT --count N [--seed S] [--kinds expense_claim,vat_invoice] [--harsh]
                     [--violations RATE] [--formats png,jpg,tif] [--font PATH] [--value-font PATH[:INDEX]]
                     [--office | --capture phone,colour,bw,scan] [--unusual RATE] [--duplicates RATE]
Needs Pillow and a CJK font (Debian: fonts-wqy-zenhei); --office uses fonts-arphic-uming and
fonts-arphic-ukai for the values when they are installed (make-scans.sh installs them).
"""
import argparse, json, math, os, random, re, sys
from decimal import Decimal, ROUND_HALF_UP
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageFilter, ImageOps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chinese_values import DIGITS, USCC, capitals, uscc_check  # noqa: E402  (shared with make_einvoices.py)

def id_check(body):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]

def luhn_check(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)

def cents(r, low, high):
    return (Decimal(r.randint(int(low * 100), int(high * 100))) / 100).quantize(Decimal("0.01"))

NAMES_FAMILY = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
NAMES_GIVEN = ["伟", "敏", "静", "磊", "洋", "芳", "军", "婷", "强", "丽", "建国", "晓明", "雪梅", "志强", "海燕"]
DEPARTMENTS = ["财务部", "信息中心", "办公室", "人事处", "审批科", "法规处"]
CATEGORIES = ["差旅费", "住宿费", "餐饮费", "交通费", "办公用品", "会议费"]
COMPANIES = ["北京市海淀区政务服务中心", "杭州数智科技有限公司", "上海申城物业管理有限公司", "深圳前海信息技术有限公司",
             "天津津心软件有限公司", "广州南方办公设备有限公司", "成都蓉易办数据服务有限公司", "合肥庐州会务服务有限公司"]

def claim(r, violation):
    items = [{"category": c, "amount": str(cents(r, 10, 900 if c == "餐饮费" else 4800)), "receipts": r.randint(1, 6)}
             for c in r.sample(CATEGORIES, r.randint(1, 6))]
    body = r.choice(["110101", "310104", "440305", "330106"]) + f"{r.randint(1960, 2002)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
    card = r.choice(["622202", "621700", "622848"]) + "".join(str(r.randint(0, 9)) for _ in range(r.choice([9, 10, 12])))
    f = {"claim_no": f"BX{r.randint(0, 10**11 - 1):011d}", "date": f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
         "claimant": r.choice(NAMES_FAMILY) + r.choice(NAMES_GIVEN), "department": r.choice(DEPARTMENTS),
         "id_number": body + id_check(body), "bank_account": card + luhn_check(card), "items": items}
    if violation == "meal_over_limit":
        items[0]["category"], items[0]["amount"] = "餐饮费", str(cents(r, 1000.01, 2500))
    total = sum(Decimal(i["amount"]) for i in items)
    f["total"], f["total_in_words"] = str(total), capitals(total)
    f["attachments"] = sum(i["receipts"] for i in items)
    if violation == "sum_mismatch":
        f["total"] = str(total + Decimal(r.choice(["0.01", "1.00", "10.00"])))
        f["total_in_words"] = capitals(Decimal(f["total"]))
    elif violation == "words_mismatch":
        f["total_in_words"] = capitals(total + Decimal(r.choice(["1.00", "10.00", "0.10"])))
    elif violation == "bad_id_checksum":
        f["id_number"] = body + r.choice([c for c in "0123456789X" if c != id_check(body)])
    elif violation == "bad_bank_account":
        f["bank_account"] = card + str((int(luhn_check(card)) + r.randint(1, 9)) % 10)
    elif violation == "attachments_mismatch":
        f["attachments"] += r.choice([-1, 1, 2])
    return f

def invoice(r, violation):
    amount = cents(r, 20, 60000)
    rate = r.choice([3, 6, 9, 13])
    tax = (amount * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    codes = []
    for _ in range(2):
        body = "91" + r.choice(["110105", "310115", "440300"]) + "".join(r.choice(USCC[:18]) for _ in range(9))
        codes.append(body + uscc_check(body))
    buyer, seller = r.sample(COMPANIES, 2)
    if violation == "tax_mismatch":
        tax += Decimal(r.choice(["0.02", "1.00", "5.00"]))
    total = amount + tax
    f = {"invoice_code": f"0{r.randint(10**10, 10**11 - 1)}", "invoice_no": f"{r.randint(0, 10**8 - 1):08d}",
         "issue_date": f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", "buyer_name": buyer, "buyer_tax_id": codes[0],
         "seller_name": seller, "seller_tax_id": codes[1], "amount": str(amount), "tax_rate": f"{rate}%",
         "tax_amount": str(tax), "total": str(total), "total_in_words": capitals(total)}
    if violation == "sum_mismatch":
        f["total"] = str(total + Decimal(r.choice(["1.00", "100.00"])))
        f["total_in_words"] = capitals(Decimal(f["total"]))
    elif violation == "words_mismatch":
        f["total_in_words"] = capitals(total + Decimal("10.00"))
    elif violation == "bad_tax_id":
        f["buyer_tax_id"] = codes[0][:-1] + r.choice([c for c in USCC if c != codes[0][-1]])
    return f

RULES = {"expense_claim": ["sum_mismatch", "words_mismatch", "bad_id_checksum", "bad_bank_account", "meal_over_limit",
                           "attachments_mismatch"],
         "vat_invoice": ["tax_mismatch", "sum_mismatch", "words_mismatch", "bad_tax_id"]}

SIZE = (2480, 1754)  # the blank form at 300 dpi (template space)

def face(spec):
    """'PATH' or 'PATH:INDEX' (a face of a .ttc collection) -> (path, index)."""
    path, _, index = spec.rpartition(":")
    return (path, int(index)) if path and index.isdigit() else (spec, 0)

def face_name(spec):
    path, index = face(spec)
    return f"{os.path.basename(path)}:{index}"

class Printer:
    """Prints onto the blank form; values land off their boxes by the printer's offset.

    The form (labels, rules) and the values are drawn on two layers, as the pre-printed form and the
    office printer's values are on paper; `page` is the two multiplied, black on white."""
    def __init__(self, font_path, offset, value_font=None, value_scale=1.0, figures_font=None):
        self.path, self.offset, self.cache = font_path, offset, {}
        self.value_path, self.value_scale = value_font or font_path, value_scale
        self.figures_path = figures_font
        self.form = Image.new("L", SIZE, 255)
        self.values = Image.new("L", SIZE, 255)
        self.draw, self.value_draw = ImageDraw.Draw(self.form), ImageDraw.Draw(self.values)
    def font(self, size, spec=None):
        spec = spec or self.path
        if (spec, size) not in self.cache:
            path, index = face(spec)
            self.cache[spec, size] = ImageFont.truetype(path, size, index=index)
        return self.cache[spec, size]
    FALLBACK = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

    def has_glyph(self, spec, character):
        """Whether the face draws the character itself, not its .notdef box (Droid Sans Fallback has
        no Latin letters, figures or ¥: a form printed in it would show boxes, which no real form does)."""
        key = ("glyph", spec, character)
        if key not in self.cache:
            f = self.font(40, spec)
            if ("notdef", spec) not in self.cache:
                self.cache["notdef", spec] = {bytes(f.getmask(c)) for c in "\U000F0000\uFFFF\U0010FFFD"}
            mask = f.getmask(character)
            self.cache[key] = character.isspace() or (mask.getbbox() is not None and bytes(mask) not in self.cache["notdef", spec])
        return self.cache[key]

    def draw_runs(self, draw, xy, text, size, spec):
        """Text in the face `spec`, characters it lacks in the fallback face, on one baseline."""
        if all(self.has_glyph(spec, c) for c in text):
            draw.text(xy, text, font=self.font(size, spec), fill=0)
            return
        x, baseline = xy[0], xy[1] + self.font(size, spec).getmetrics()[0]
        for c in text:
            font = self.font(size, spec if self.has_glyph(spec, c) else self.FALLBACK)
            draw.text((x, baseline), c, font=font, fill=0, anchor="ls")
            x += font.getlength(c)

    def label(self, xy, text, size=46):
        self.draw_runs(self.draw, xy, text, size, self.path)
    def value(self, xy, text, size=46):
        size = round(size * self.value_scale)
        x, y = xy[0] + self.offset[0], xy[1] + self.offset[1]
        font = self.font(size, self.value_path)
        if not self.figures_path:
            self.draw_runs(self.value_draw, (x, y), str(text), size, self.value_path)
            return
        # Figures and Latin letters in their own face (an invoice printer's Courier beside its Song):
        # each run on the value face's baseline.
        baseline = y + font.getmetrics()[0]
        for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", str(text)):
            run_spec = self.figures_path if run[0] < "\x80" else self.value_path
            if all(self.has_glyph(run_spec, c) for c in run):
                self.value_draw.text((x, baseline), run, font=self.font(size, run_spec), fill=0, anchor="ls")
                x += self.font(size, run_spec).getlength(run)
                continue
            for c in run:
                face_font = self.font(size, run_spec if self.has_glyph(run_spec, c) else self.FALLBACK)
                self.value_draw.text((x, baseline), c, font=face_font, fill=0, anchor="ls")
                x += face_font.getlength(c)
    @property
    def page(self):
        return ImageChops.multiply(self.form, self.values)

def print_claim(p, f):
    p.label((860, 70), "费 用 报 销 单", 88)
    for (lx, ly, text), key in zip([(150, 230, "报销单号:"), (1400, 230, "填报日期:"), (150, 320, "报销人:"), (1400, 320, "所在部门:")],
                                    ["claim_no", "date", "claimant", "department"]):
        p.label((lx, ly), text)
        p.value((380 if lx == 150 else 1630, ly), f[key])
    p.draw.rectangle((150, 420, 2330, 1180), outline=0, width=4)
    for x in (900, 1600):
        p.draw.line((x, 420, x, 1180), fill=0, width=3)
    for row in range(1, 7):
        p.draw.line((150, 420 + row * 108, 2330, 420 + row * 108), fill=0, width=2)
    for x, text in ((180, "费用项目"), (930, "金额(元)"), (1630, "单据张数")):
        p.label((x, 450), text, 44)
    for row, item in enumerate(f["items"], start=1):
        y = 420 + row * 108 + 30
        p.value((180, y), item["category"], 44); p.value((930, y), item["amount"], 44); p.value((1630, y), item["receipts"], 44)
    p.label((150, 1220), "合计金额(小写):"); p.value((540, 1220), f["total"])
    p.label((1400, 1220), "附件张数:"); p.value((1630, 1220), f["attachments"])
    p.label((150, 1320), "合计金额(大写):"); p.value((540, 1320), f["total_in_words"])
    p.label((150, 1420), "身份证号:"); p.value((380, 1420), f["id_number"])
    p.label((150, 1520), "收款账号:"); p.value((380, 1520), f["bank_account"])
    p.label((1400, 1620), "报销人签字: ________", 40)

def print_invoice(p, f):
    p.label((760, 60), "增值税普通发票", 92)
    for y, text, key in ((70, "发票代码:", "invoice_code"), (130, "发票号码:", "invoice_no"), (190, "开票日期:", "issue_date")):
        p.label((1850, y), text, 40); p.value((2040, y), f[key], 40)
    p.draw.rectangle((120, 290, 2360, 1560), outline=0, width=4)
    for y in (540, 1150, 1300):
        p.draw.line((120, y, 2360, y), fill=0, width=3)
    p.label((150, 310), "购买方", 44)
    p.label((330, 320), "名    称:", 42); p.value((560, 320), f["buyer_name"], 42)
    p.label((330, 420), "纳税人识别号:", 42); p.value((640, 420), f["buyer_tax_id"], 42)
    for x, text in ((150, "项目名称"), (900, "金额"), (1400, "税率"), (1800, "税额")):
        p.label((x, 580), text, 42)
    p.label((150, 690), "*服务*技术服务费", 42)
    p.value((900, 690), f["amount"], 42); p.value((1400, 690), f["tax_rate"], 42); p.value((1800, 690), f["tax_amount"], 42)
    p.label((150, 1190), "价税合计(大写):", 44); p.value((520, 1190), f["total_in_words"], 44)
    p.label((1600, 1190), "(小写) ¥", 44); p.value((1800, 1190), f["total"], 44)
    p.label((150, 1330), "销售方", 44)
    p.label((330, 1340), "名    称:", 42); p.value((560, 1340), f["seller_name"], 42)
    p.label((330, 1440), "纳税人识别号:", 42); p.value((640, 1440), f["seller_tax_id"], 42)

def scan(page, r, harsh):
    angle = r.uniform(-3, 3) if harsh else r.uniform(-1, 1)
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    moved = Image.new("L", page.size, 255)
    moved.paste(page, (r.randint(-35, 35), r.randint(-35, 35)))
    page, dpi = moved, 300
    if harsh and r.random() < 0.5:
        factor = r.uniform(0.68, 0.9)
        page = page.resize((int(page.width * factor), int(page.height * factor)), Image.BILINEAR)
        dpi = round(300 * factor)
    pixels = page.load()
    for _ in range(r.randint(4000, 30000 if harsh else 12000)):
        pixels[r.randrange(page.width), r.randrange(page.height)] = r.choice((40, 120, 200))
    return page.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 1.0 if harsh else 0.6))), dpi

# ---------------------------------------------------------------------------------------------------
# Office conditions (--office / --capture): what real inboxes receive besides clean scans.

HERE = os.path.dirname(os.path.abspath(__file__))
PIPELINES = os.path.join(HERE, "..", "Pipelines")
CAPTURES = ["phone", "colour", "bw", "scan"]
# Typefaces for the values (the office printer's), when installed: Debian fonts-arphic-uming,
# fonts-arphic-ukai (installed by make-scans.sh), and fonts-noto-cjk / fonts-wqy-microhei if present.
VALUE_FACES = ["/usr/share/fonts/truetype/arphic/uming.ttc:0", "/usr/share/fonts/truetype/arphic/ukai.ttc:0",
               "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc:2", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:2",
               "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc:0"]
# Given-name characters outside Pipelines/vocabularies/given-name-characters.txt, and surnames outside
# surnames.txt (both files are read again below, so an office's additions stay "common").
RARE_GIVEN = "犇韡燊堃淏喆赟昇翀珺琚昶曌旸骁垚焱骉龑彧昉晔祎珩琮璠頔赜翚皞昺暐炅烜熠燚珏玙琇璩湉溦沄洺湜懿偲嫚姮蒨嬿甦歆玹镕禛璘琤瑒"
RARE_SURNAMES = "禤笪逄乜仉佴蒯郏郄酆甯缐厍妫"
# One character swapped for a similar-looking or similar-sounding one: 深圳前海… -> 深圳钱海….
CONFUSABLE = {"前": "钱乾", "海": "梅", "数": "树书", "智": "志知致", "申": "伸绅", "城": "诚成", "津": "律", "心": "新芯欣",
              "南": "楠", "方": "芳坊", "蓉": "荣容榕", "易": "益逸亿", "办": "邦", "庐": "卢芦泸", "州": "洲",
              "华": "桦", "信": "鑫", "恒": "亘", "瑞": "锐", "丰": "峰", "源": "原", "佳": "嘉", "宏": "弘",
              "盛": "晟", "博": "搏", "远": "圆", "泰": "秦", "安": "按", "康": "慷", "兴": "星", "隆": "龙", "德": "得",
              "正": "证", "诚": "城", "汇": "惠", "通": "同", "金": "全", "辰": "晨", "启": "起", "明": "鸣", "永": "泳",
              "新": "欣", "中": "仲", "天": "夭", "宇": "字", "航": "杭", "凯": "恺", "睿": "锐", "拓": "托", "领": "岭",
              "创": "仓", "宸": "辰", "卓": "桌", "越": "跃", "和": "禾", "润": "闰", "晟": "昇", "昊": "昦"}
CITIES = ["南昌", "济南", "太原", "苏州", "武汉", "长沙", "西安", "重庆", "昆明", "厦门", "青岛", "宁波", "郑州", "石家庄",
          "南宁", "贵阳", "兰州", "福州", "无锡", "佛山", "温州", "沈阳", "大连", "哈尔滨", "乌鲁木齐", "呼和浩特"]
BRAND = "华信恒达瑞丰鑫源佳宏盛博远泰安康兴隆德正诚汇通金辰启明永新中天宇航凯睿拓领创宸卓越和润晟昊"
TRADES = ["科技", "商贸", "信息技术", "办公设备", "会务服务", "物业管理", "文化传媒", "建筑工程", "餐饮管理", "酒店管理",
          "印务", "电子", "数据服务", "交通运输", "旅行社", "网络科技", "医疗器械", "教育咨询"]
SUFFIXES = ["有限公司", "有限公司", "股份有限公司", "有限责任公司"]
PAPERS = [(255, 255, 255), (250, 246, 226), (236, 246, 234), (232, 240, 250), (250, 238, 236), (246, 243, 234)]
INKS = [(150, 62, 42), (128, 84, 48), (38, 72, 160), (30, 90, 150), (160, 50, 50), (40, 40, 40)]

def read_list(path, after=None):
    """Characters/entries of a vocabulary file (one or more per line, # comments), or the `- ` entries
    that follow the line `after` in a template."""
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return []
    if after is None:
        return [w for line in lines for w in line.split("#")[0].split()]
    out, inside = [], False
    for line in lines:
        if line.strip() == after:
            inside = True
        elif inside and line.strip().startswith("- "):
            out.append(line.strip()[2:].strip())
        elif inside and line.strip():
            break
    return out

class Office:
    """Draws the office conditions; all randomness comes from the generator's one Random."""
    def __init__(self, a, r):
        self.r, self.font, self.unusual, self.branches = r, a.font, a.unusual, a.branch_names
        self.forced = a.value_font
        self.value_faces = [s for s in VALUE_FACES if os.path.exists(face(s)[0]) and face(s)[0] != face(a.font)[0]]
        if not self.value_faces and not self.forced:
            print("make_scans: no second typeface installed (fonts-arphic-uming/ukai); values use the form's font", file=sys.stderr)
        self.vendors = list(dict.fromkeys(COMPANIES + read_list(os.path.join(PIPELINES, "vocabularies", "organisations.txt"))))
        common = set(read_list(os.path.join(PIPELINES, "vocabularies", "given-name-characters.txt")) + NAMES_GIVEN)
        surnames = set(read_list(os.path.join(PIPELINES, "vocabularies", "surnames.txt")))
        self.rare_given = [c for c in RARE_GIVEN if c not in common]
        self.rare_surnames = [c for c in RARE_SURNAMES if c not in surnames]
        self.compound = [s for s in surnames if len(s) == 2]
        self.glyphs = {}

    def covers(self, spec, text):
        """Whether the face has a glyph for every character (not its .notdef box)."""
        if spec not in self.glyphs:
            path, index = face(spec)
            f = ImageFont.truetype(path, 40, index=index)
            self.glyphs[spec] = (f, {bytes(f.getmask(c)) for c in "\U000F0000\uFFFF\U0010FFFD"}, {})
        f, notdef, known = self.glyphs[spec]
        for c in text:
            if c not in known:
                m = f.getmask(c)
                known[c] = m.getbbox() is not None and bytes(m) not in notdef
            if not known[c]:
                return False
        return True

    def value_face(self):
        if self.forced:
            return self.forced
        if self.value_faces and self.r.random() < 0.5:
            return self.r.choice(self.value_faces)
        return self.font

    # --- names -------------------------------------------------------------------------------------
    def unknown_org(self):
        while True:
            if self.branches and self.r.random() < self.branches:
                # A company named with its seat in brackets, as many are: 华信科技（苏州）有限公司.
                name = "".join(self.r.sample(BRAND, 2)) + self.r.choice(TRADES) + "（" + self.r.choice(CITIES) + "）" + self.r.choice(SUFFIXES)
            else:
                name = self.r.choice(CITIES) + "".join(self.r.sample(BRAND, 2)) + self.r.choice(TRADES) + self.r.choice(SUFFIXES)
            if name not in self.vendors:
                return name

    def lookalike(self, known):
        # Only the distinctive part changes (前海 in 深圳前海信息技术有限公司): not the place before it
        # (two characters, or up to 市/区/县), nor the trade and company form after it.
        start = max([2] + [known.index(c) + 1 for c in "省市区县" if c in known[:7]])
        end = min([known.find(w, start) for w in TRADES + ["软件", "政务", "服务", "有限"] if known.find(w, start) >= start] + [len(known)])
        spots = [(i, c) for i in range(start, end) for c in CONFUSABLE.get(known[i], "")]
        self.r.shuffle(spots)
        for i, c in spots:
            name = known[:i] + c + known[i + 1:]
            if name not in self.vendors:
                return name
        return None

    def organisations(self, f, note):
        for key, rate in (("seller_name", self.unusual), ("buyer_name", self.unusual / 2)):
            u = self.r.random()
            if u < rate / 2:
                f[key] = self.unknown_org(); note[key] = "unknown"
            elif u < rate:
                name = self.lookalike(f[key])
                if name:
                    note[key] = "lookalike of " + f[key]; f[key] = name

    def claimant(self, f, note, spec):
        if self.r.random() >= self.unusual:
            return
        for _ in range(20):
            u = self.r.random()
            family = (self.r.choice(self.rare_surnames) if u < 0.3 and self.rare_surnames else
                      self.r.choice(self.compound) if u < 0.4 and self.compound else self.r.choice(NAMES_FAMILY))
            rare = [self.r.choice(self.rare_given)] if self.rare_given and (u >= 0.3 or self.r.random() < 0.5) else []
            given = rare + ([self.r.choice(NAMES_GIVEN[:10])] if len(family) + len(rare) < 3 and self.r.random() < 0.6 else [])
            self.r.shuffle(given)
            name = family + "".join(given)
            if 2 <= len(name) <= 3 and self.covers(spec, name) and name != f["claimant"]:
                f["claimant"] = name
                note["claimant"] = "rare surname" if family in self.rare_surnames else "rare given name" if rare else "compound surname"
                return

    # --- the page ----------------------------------------------------------------------------------
    def seal(self, text, middle, bottom, oval, spec):
        """The mask (L, 255 = ink) of a red seal: ring, organisation name along the top, star or tax id."""
        r = self.r
        w, h = (500, 360) if oval else (480, 480)
        m = Image.new("L", (w, h), 0)
        d = ImageDraw.Draw(m)
        d.ellipse((8, 8, w - 9, h - 9), outline=255, width=r.randint(9, 14))
        size = 46 if len(text) <= 14 else 40
        font = ImageFont.truetype(face(spec)[0], size, index=face(spec)[1])
        span = math.radians(min(250, 17 * len(text) + 40))
        rx, ry = w / 2 - 26 - size / 2, h / 2 - 26 - size / 2
        for i, ch in enumerate(text):
            t = -span / 2 + span * (i + 0.5) / len(text)
            glyph = Image.new("L", (size + 16, size + 16), 0)
            ImageDraw.Draw(glyph).text((8, 8), ch, font=font, fill=255)
            glyph = glyph.rotate(-math.degrees(t), resample=Image.BICUBIC, expand=True)
            cx, cy = w / 2 + rx * math.sin(t), h / 2 - ry * math.cos(t)
            m.paste(255, (int(cx - glyph.width / 2), int(cy - glyph.height / 2)), glyph)
        if middle:
            small = ImageFont.truetype(face(spec)[0], 30, index=face(spec)[1])
            x0, y0, x1, y1 = d.textbbox((0, 0), middle, font=small)
            d.text(((w - x1) / 2, h / 2 - (y1 - y0) / 2 - 4), middle, font=small, fill=255)
        else:
            star, rad = [], 62
            for k in range(10):
                a = math.pi / 5 * k - math.pi / 2
                star.append((w / 2 + (rad if k % 2 == 0 else rad * 0.4) * math.cos(a), h / 2 - 6 + (rad if k % 2 == 0 else rad * 0.4) * math.sin(a)))
            d.polygon(star, fill=255)
        foot = ImageFont.truetype(face(spec)[0], 36, index=face(spec)[1])
        x0, y0, x1, y1 = d.textbbox((0, 0), bottom, font=foot)
        d.text(((w - x1) / 2, h - (80 if oval else 120)), bottom, font=foot, fill=255)
        # Uneven stamping: ink thinner in patches, a little speckle.
        patches = Image.effect_noise((w // 12, h // 12), 60).resize((w, h), Image.BICUBIC).point(lambda v: min(255, 120 + v))
        m = ImageChops.multiply(m, patches).filter(ImageFilter.GaussianBlur(0.8))
        alpha = r.uniform(0.55, 0.9)
        m = m.point(lambda v: int(v * alpha))
        return m.rotate(r.uniform(-25, 25), resample=Image.BICUBIC, expand=True)

    def render(self, p, kind, f, style):
        """The printed page in colour: form ink on (tinted) paper, values in black over it, maybe a seal."""
        r = self.r
        values = p.values
        if style["misregister"]:
            values = values.rotate(r.uniform(-0.4, 0.4), resample=Image.BICUBIC, fillcolor=255)
        page = ImageChops.multiply(ImageOps.colorize(p.form, style["ink"], style["paper"]),
                                   ImageOps.colorize(values, style["value_ink"], (255, 255, 255)))
        fibre = Image.effect_noise((SIZE[0] // 4, SIZE[1] // 4), 12).resize(SIZE, Image.BICUBIC)
        page = ImageChops.multiply(page, ImageOps.colorize(fibre.point(lambda v: 255 - abs(v - 128) // 3), (180, 180, 180), (255, 255, 255)))
        if style["seal"]:
            spec = r.choice(self.value_faces or [self.font])
            if kind == "vat_invoice":
                m = self.seal(f["seller_name"], f["seller_tax_id"], "发票专用章", True, spec)
                cx, cy = r.choice([(r.randint(800, 1500), r.randint(1360, 1480)), (r.randint(1800, 2200), r.randint(1180, 1450)),
                                   (r.randint(1500, 2100), r.randint(650, 760))])
                where = "seller block / values"
            else:
                m = self.seal(r.choice(self.vendors), None, "财务专用章", False, spec)
                cx, cy = r.choice([(r.randint(420, 760), r.randint(300, 380)), (r.randint(1600, 2150), r.randint(1540, 1660)),
                                   (r.randint(560, 1000), r.randint(1220, 1340))])
                where = "claimant / approval / totals"
            red = Image.new("RGB", SIZE, (255, 255, 255))
            red.paste(style["seal_ink"], (cx - m.width // 2, cy - m.height // 2), m)
            page = ImageChops.multiply(page, red)
            style["seal"] = where
        return page

    def style(self, mode, kind):
        r = self.r
        plain = mode == "scan" or (mode in ("phone", "bw") and r.random() < 0.4)
        return {"ink": (0, 0, 0) if plain else r.choice(INKS), "paper": (255, 255, 255) if plain else r.choice(PAPERS),
                "value_ink": r.choice([(10, 10, 12), (28, 28, 32), (20, 22, 48)]),
                "seal": mode != "scan" and r.random() < (0.8 if kind == "vat_invoice" else 0.55),
                "seal_ink": r.choice([(215, 35, 45), (200, 20, 30), (225, 60, 60)]), "misregister": mode != "scan" and r.random() < 0.5}

    # --- captures ----------------------------------------------------------------------------------
    def noise(self, img, sigma):
        n = Image.effect_noise(img.size, sigma)
        return ImageChops.add(img, n.convert(img.mode), 1.0, -128)

    def colour_scan(self, page):
        r = self.r
        page = page.rotate(r.uniform(-1.2, 1.2), resample=Image.BICUBIC, fillcolor=(250, 250, 248))
        moved = Image.new("RGB", page.size, (250, 250, 248))
        moved.paste(page, (r.randint(-30, 30), r.randint(-30, 30)))
        dpi = r.choice([200, 240, 300, 300])
        page = moved.resize((SIZE[0] * dpi // 300, SIZE[1] * dpi // 300), Image.LANCZOS) if dpi != 300 else moved
        page = self.noise(page.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 0.8))), r.uniform(3, 8))
        return page, dpi

    def bw_scan(self, page):
        r = self.r
        channel = r.random()  # red seals: dark (green channel), grey (luminance) or dropped (red channel)
        grey = (page.getchannel("G") if channel < 0.35 and page.mode == "RGB" else
                page.getchannel("R") if channel > 0.85 and page.mode == "RGB" else page.convert("L"))
        grey = grey.rotate(r.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=255)
        moved = Image.new("L", grey.size, 255)
        moved.paste(grey, (r.randint(-30, 30), r.randint(-30, 30)))
        grey = moved.resize((SIZE[0] * 2 // 3, SIZE[1] * 2 // 3), Image.LANCZOS).filter(ImageFilter.GaussianBlur(r.uniform(0.2, 0.6)))
        if r.random() < 0.15:
            bw = grey.convert("1")  # dithered, as a fax does
        else:
            t = r.randint(115, 175)
            bw = grey.point(lambda v: 255 if v > t else 0).convert("1", dither=Image.NONE)
        px = bw.load()
        for _ in range(r.randint(300, 4000)):
            px[r.randrange(bw.width), r.randrange(bw.height)] = r.choice((0, 255))
        return bw

    def receipts_page(self):
        """An attached page that is not a form: receipts pasted on a sheet (粘贴单)."""
        r = self.r
        page = Image.new("L", SIZE, 255)
        d = ImageDraw.Draw(page)
        font = lambda s: ImageFont.truetype(face(self.font)[0], s, index=face(self.font)[1])
        d.text((900, 60), "原始单据粘贴单", font=font(70), fill=0)
        d.rectangle((100, 200, 2380, 1680), outline=90, width=2)
        for slot in range(r.randint(1, 3)):
            w, h = r.randint(560, 700), r.randint(700, 900)
            rec = Image.new("L", (w, h), 255)
            rd = ImageDraw.Draw(rec)
            rd.rectangle((0, 0, w - 1, h - 1), outline=0, width=3)
            title = r.choice(["收  据", "停车收费凭证", "出租车乘车凭证", "餐饮消费小票", "住宿费收据", "过路过桥费"])
            rd.text((40, 40), title, font=font(52), fill=0)
            amount = cents(r, 8, 900)
            lines = [f"日期: 2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}", f"编号: {r.randint(10**7, 10**8 - 1)}",
                     f"金额: ¥{amount}", capitals(amount), "收款单位:", self.unknown_org(), f"时间: {r.randint(6, 22):02d}:{r.randint(0, 59):02d}"]
            for k, line in enumerate(lines):
                rd.text((40, 160 + k * 80), line, font=font(min(36, (w - 70) // len(line)) if k == 5 else 36), fill=0)
            rec = rec.rotate(r.uniform(-4, 4), resample=Image.BICUBIC, expand=True, fillcolor=255)
            page.paste(rec, (160 + slot * 740 + r.randint(0, 40), 260 + r.randint(0, 300)))
        return page

    def phone(self, page):
        """The printed page photographed on a desk: perspective, uneven light and shadow, blur, sensor noise."""
        r = self.r
        long = r.randint(3000, 4032)
        W, H = long, long * 3 // 4
        # Desk: a low-resolution colour field with streaks, enlarged smoothly.
        base = r.choice([(92, 66, 44), (140, 104, 70), (70, 72, 78), (180, 176, 168), (40, 42, 46), (120, 128, 120)])
        desk = Image.new("RGB", (W // 16, H // 16), base)
        streaks = Image.effect_noise((4, H // 16), 10) if r.random() < 0.5 else Image.effect_noise((W // 16, 4), 10)
        desk = ImageChops.add(desk, streaks.resize(desk.size, Image.BICUBIC).convert("RGB"), 1.0, -128)
        desk = ImageChops.add(desk, Image.effect_noise(desk.size, 4).convert("RGB"), 1.0, -128).resize((W, H), Image.BICUBIC)
        # Where the page lands: a rectangle filling 50-100 % of the frame, turned up to 8 degrees, its
        # corners moved for the slant (keystone), kept inside the frame.
        for _ in range(50):
            fill = r.uniform(0.5, 0.97)
            pw = W * fill
            ph = pw * SIZE[1] / SIZE[0]
            if ph > H * 0.97:
                ph = H * r.uniform(0.7, 0.97); pw = ph * SIZE[0] / SIZE[1]
            angle = math.radians(r.uniform(-8, 8))
            cx, cy = W / 2 + r.uniform(-0.1, 0.1) * W, H / 2 + r.uniform(-0.1, 0.1) * H
            keystone = r.uniform(0, 0.08)
            top = r.random() < 0.5
            quad = []
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                squeeze = 1 - keystone if (sy < 0) == top else 1
                x, y = sx * pw / 2 * squeeze + r.uniform(-0.015, 0.015) * pw, sy * ph / 2 + r.uniform(-0.015, 0.015) * ph
                quad.append((cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)))
            if all(5 <= x <= W - 5 and 5 <= y <= H - 5 for x, y in quad):
                break
        src = [(0, 0), (SIZE[0], 0), (SIZE[0], SIZE[1]), (0, SIZE[1])]
        warped = page.convert("RGBA").transform((W, H), Image.PERSPECTIVE, perspective(quad, src), Image.BICUBIC)
        desk.paste(warped, (0, 0), warped)
        # Light: a smooth gradient across the frame, a soft shadow (a hand, the phone) over part of it.
        gw, gh = 32, 24
        light = Image.new("L", (gw, gh))
        gx, gy, lo = r.uniform(-1, 1), r.uniform(-1, 1), r.uniform(0.55, 0.85)
        ramp = [gx * x / gw + gy * y / gh for y in range(gh) for x in range(gw)]
        low, high = min(ramp), max(ramp) + 1e-6
        light.putdata([int(255 * (lo + (1 - lo) * (v - low) / (high - low))) for v in ramp])
        shadow = Image.new("L", (gw * 4, gh * 4), 0)
        edge = r.choice(["left", "right", "top", "bottom", "corner"])
        sw, sh = gw * 4, gh * 4
        poly = {"left": [(0, 0), (r.randint(20, 50), 0), (r.randint(10, 45), sh), (0, sh)],
                "right": [(sw, 0), (sw - r.randint(20, 50), 0), (sw - r.randint(10, 45), sh), (sw, sh)],
                "top": [(0, 0), (sw, 0), (sw, r.randint(10, 35)), (0, r.randint(15, 40))],
                "bottom": [(0, sh), (sw, sh), (sw, sh - r.randint(10, 35)), (0, sh - r.randint(15, 40))],
                "corner": [(sw, 0), (sw - r.randint(40, 80), 0), (sw, r.randint(30, 60))]}[edge]
        ImageDraw.Draw(shadow).polygon(poly, fill=int(255 * r.uniform(0.3, 0.55)))
        shadow = shadow.filter(ImageFilter.GaussianBlur(r.uniform(3, 8))).resize((gw, gh), Image.BILINEAR)
        light = ImageChops.subtract(light, shadow)
        tint = r.choice([(255, 250, 236), (255, 255, 255), (244, 248, 255), (255, 244, 226)])
        light = ImageOps.colorize(light.resize((W, H), Image.BICUBIC), (0, 0, 0), tint)
        photo = ImageChops.multiply(desk, light)
        photo = photo.filter(ImageFilter.GaussianBlur(r.uniform(0.8, 2.2)))
        return self.noise(photo, r.uniform(4, 9)), edge

def perspective(dst, src):
    """Coefficients for Image.transform(PERSPECTIVE): output point (x, y) in dst -> input point in src."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -x * u, -y * u]); rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -x * v, -y * v]); rhs.append(v)
    n = 8
    m = [row + [b] for row, b in zip(rows, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda k: abs(m[k][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for k in range(n):
            if k != col:
                q = m[k][col] / m[col][col]
                m[k] = [a - q * b for a, b in zip(m[k], m[col])]
    return [m[k][n] / m[k][k] for k in range(n)]

def save_legacy(page, path, fmt, dpi, harsh, r):
    if fmt == "jpg":
        page.save(path, quality=r.randint(40, 75) if harsh else 85, dpi=(dpi, dpi))
    elif fmt == "tif":
        page.save(path, compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        page.save(path, dpi=(dpi, dpi))

def write_truth(out, name, kind, violation, fields, capture=None):
    truth = {"document": name, "form": kind, "expected": "exception" if violation else "accepted",
             "violation": violation, "fields": fields}
    if capture is not None:
        truth["capture"] = capture
    with open(os.path.join(out, name.rsplit(".", 1)[0] + ".truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1)

def office_document(a, r, office, index, kind, modes, formats, earlier):
    """One document as an office sends it: returns nothing, writes the file and its truth."""
    mode = modes[(index // len(a.kinds)) % len(modes)]
    if earlier[kind] and r.random() < a.duplicates:
        # The same document sent again (a photo of an invoice already faxed): the first one is accepted.
        fields, violation, note = json.loads(json.dumps(r.choice(earlier[kind]))), "duplicate", {}
    else:
        violation = r.choice(RULES[kind]) if r.random() < a.violations else None
        fields, note = claim(r, violation) if kind == "expense_claim" else invoice(r, violation), {}
        if kind == "vat_invoice":
            office.organisations(fields, note)
    spec = office.value_face()
    if kind == "expense_claim" and violation != "duplicate":
        office.claimant(fields, note, spec)
    if not office.covers(spec, "".join(str(v) for v in fields.values() if isinstance(v, str))):
        spec = a.font  # this face lacks a character of the values
    if violation is None:
        earlier[kind].append(fields)
    printer = Printer(a.font, (r.randint(-a.jitter // 3, a.jitter), r.randint(-a.jitter // 2, a.jitter // 2)), spec,
                      1.0 if spec == a.font else r.uniform(0.92, 1.06), a.figures_font)
    (print_claim if kind == "expense_claim" else print_invoice)(printer, fields)
    style = office.style(mode, kind)
    capture = {"mode": mode, "value_face": face_name(spec), "form_face": face_name(a.font),
               "figures_face": face_name(a.figures_font) if a.figures_font else None}
    stem = f"scan-{a.seed:04d}-{index:05d}"
    if mode == "scan":
        page, dpi = scan(printer.page, r, True)
        fmt = r.choice(formats)
        name = f"{stem}.{fmt}"
        save_legacy(page, os.path.join(a.out, name), fmt, dpi, True, r)
        capture["dpi"] = dpi
    else:
        page = office.render(printer, kind, fields, style)
        capture.update(ink=style["ink"], paper=style["paper"], seal=style["seal"] or None)
        if mode == "colour":
            page, dpi = office.colour_scan(page)
            fmt = "jpg" if r.random() < 0.75 else "png"
            name = f"{stem}.{fmt}"
            page.save(os.path.join(a.out, name), dpi=(dpi, dpi), **({"quality": r.randint(72, 92)} if fmt == "jpg" else {}))
            capture["dpi"] = dpi
        elif mode == "bw":
            name = f"{stem}.tif"
            pages = [office.bw_scan(page)]
            if r.random() < 0.35:
                receipts = [office.bw_scan(office.receipts_page()) for _ in range(r.randint(1, 2))]
                # Some offices scan the receipts first and the form after them.
                at = len(receipts) if a.receipts_first and r.random() < a.receipts_first else 0
                pages = receipts[:at] + pages + receipts[at:]
                capture["pages"], capture["form_page"] = len(pages), at + 1
                capture["attachment_pages"] = [n for n in range(1, len(pages) + 1) if n != at + 1]
            pages[0].save(os.path.join(a.out, name), compression="group4", dpi=(200, 200), save_all=len(pages) > 1,
                          append_images=pages[1:])
            capture["dpi"] = 200
        else:
            photo, shadow = office.phone(page)
            orientation = r.choice([6, 6, 3, 8]) if r.random() < 0.35 else None
            exif = Image.Exif()
            if orientation:
                photo = photo.transpose({6: Image.ROTATE_90, 3: Image.ROTATE_180, 8: Image.ROTATE_270}[orientation])
                exif[0x0112] = orientation
            name = f"{stem}.jpg"
            photo.save(os.path.join(a.out, name), quality=r.randint(78, 92), dpi=(72, 72), exif=exif.tobytes())
            capture.update(dpi=72, size=list(photo.size), exif_orientation=orientation, shadow=shadow)
    if note:
        capture["unusual"] = note
    write_truth(a.out, name, kind, violation, fields, capture)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default="expense_claim,vat_invoice")
    ap.add_argument("--harsh", action="store_true")
    ap.add_argument("--violations", type=float, default=0.3)
    ap.add_argument("--formats", default="png,jpg,tif")
    ap.add_argument("--jitter", type=int, default=30)
    ap.add_argument("--font", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    ap.add_argument("--office", action="store_true", help="documents as offices send them: --capture phone,colour,bw,scan")
    ap.add_argument("--capture", help="comma list of phone, colour, bw, scan (implies --office conditions)")
    ap.add_argument("--branch-names", type=float, default=0.0, help="with --office: share of unknown suppliers "
                    "named with their seat in brackets (华信科技（苏州）有限公司)")
    ap.add_argument("--receipts-first", type=float, default=0.0, help="with --office: share of multi-page TIFFs "
                    "whose receipt pages come before the form")
    ap.add_argument("--figures-font", help="PATH[:INDEX] of a typeface for the values' figures and Latin letters "
                    "(default: the values' own face)")
    ap.add_argument("--value-font", help="PATH[:INDEX] of the typeface the values are printed in (default: the form's "
                    "font, or with --office a second installed typeface for about half the documents)")
    ap.add_argument("--unusual", type=float, default=0.35, help="with --office: share of unknown/look-alike sellers "
                    "(half as many buyers) and of claimants with rare name characters")
    ap.add_argument("--duplicates", type=float, default=0.0, help="with --office: share of documents that resend an "
                    "earlier accepted one (violation duplicate)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)
    a.kinds, formats = a.kinds.split(","), a.formats.split(",")
    kinds = a.kinds
    if a.office or a.capture:
        modes = (a.capture or ",".join(CAPTURES)).split(",")
        bad = [m for m in modes if m not in CAPTURES]
        if bad:
            ap.error(f"unknown capture {','.join(bad)} (use {','.join(CAPTURES)})")
        office, earlier = Office(a, r), {k: [] for k in kinds}
        for index in range(a.count):
            office_document(a, r, office, index, kinds[index % len(kinds)], modes, formats, earlier)
        return
    for index in range(a.count):
        kind = kinds[index % len(kinds)]
        violation = r.choice(RULES[kind]) if r.random() < a.violations else None
        fields = claim(r, violation) if kind == "expense_claim" else invoice(r, violation)
        printer = Printer(a.font, (r.randint(-a.jitter // 3, a.jitter), r.randint(-a.jitter // 2, a.jitter // 2)), a.value_font)
        (print_claim if kind == "expense_claim" else print_invoice)(printer, fields)
        page, dpi = scan(printer.page, r, a.harsh)
        fmt = formats[index % len(formats)]
        name = f"scan-{a.seed:04d}-{index:05d}.{fmt}"
        save_legacy(page, os.path.join(a.out, name), fmt, dpi, a.harsh, r)
        write_truth(a.out, name, kind, violation, fields)

if __name__ == "__main__":
    main()
