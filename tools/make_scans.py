#!/usr/bin/env python3
"""Makes synthetic scans of FormFlow's two forms, with truth files, for benchmarks and soak tests.

FormFlow's own generator: it prints the blank forms the templates in Pipelines/templates describe, fills
in random but valid values (or values that break one rule), and degrades the page like a scanner
(skew, shift, lower resolution, speckle noise, blur, JPEG). Every scan is unique.

usage: make_scans.py OUT --count N [--seed S] [--kinds expense_claim,vat_invoice] [--harsh]
                     [--violations RATE] [--formats png,jpg,tif] [--font PATH]
Needs Pillow and a CJK font (Debian: fonts-wqy-zenhei).
"""
import argparse, json, os, random
from decimal import Decimal, ROUND_HALF_UP
from PIL import Image, ImageDraw, ImageFont, ImageFilter

DIGITS = "零壹贰叁肆伍陆柒捌玖"

def capitals(amount):
    """Financial capitals of a Decimal amount (the rules of FormFlowCore's ChineseAmount)."""
    cents = int((amount * 100).to_integral_value(ROUND_HALF_UP))
    yuan, jiao, fen = divmod(cents, 100)[0], cents // 10 % 10, cents % 10
    def four(n):
        text, gap = "", False
        for power, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
            digit = n // power % 10
            if digit:
                text += ("零" if gap else "") + DIGITS[digit] + unit
                gap = False
            elif text:
                gap = True
        return text
    out, started, zero = "", False, False
    for n, unit in ((yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, "")):
        if n == 0:
            zero = zero or started
            continue
        if started and (zero or n < 1000):
            out += "零"
        out += four(n) + unit
        started, zero = True, False
    if yuan:
        out += "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    out += DIGITS[jiao] + "角" if jiao else ("零" if yuan else "")
    return out + (DIGITS[fen] + "分" if fen else "")

def id_check(body):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]

USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
def uscc_check(body):
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return USCC[(31 - sum(USCC.index(c) * w for c, w in zip(body, weights)) % 31) % 31]

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

class Printer:
    """Prints onto the blank form; values land off their boxes by the printer's offset."""
    def __init__(self, font_path, offset):
        self.path, self.offset, self.cache = font_path, offset, {}
        self.page = Image.new("L", (2480, 1754), 255)
        self.draw = ImageDraw.Draw(self.page)
    def font(self, size):
        return self.cache.setdefault(size, ImageFont.truetype(self.path, size))
    def label(self, xy, text, size=46):
        self.draw.text(xy, text, font=self.font(size), fill=0)
    def value(self, xy, text, size=46):
        self.draw.text((xy[0] + self.offset[0], xy[1] + self.offset[1]), str(text), font=self.font(size), fill=0)

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
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)
    kinds, formats = a.kinds.split(","), a.formats.split(",")
    for index in range(a.count):
        kind = kinds[index % len(kinds)]
        violation = r.choice(RULES[kind]) if r.random() < a.violations else None
        fields = claim(r, violation) if kind == "expense_claim" else invoice(r, violation)
        printer = Printer(a.font, (r.randint(-a.jitter // 3, a.jitter), r.randint(-a.jitter // 2, a.jitter // 2)))
        (print_claim if kind == "expense_claim" else print_invoice)(printer, fields)
        page, dpi = scan(printer.page, r, a.harsh)
        fmt = formats[index % len(formats)]
        name = f"scan-{a.seed:04d}-{index:05d}.{fmt}"
        path = os.path.join(a.out, name)
        if fmt == "jpg":
            page.save(path, quality=r.randint(40, 75) if a.harsh else 85, dpi=(dpi, dpi))
        elif fmt == "tif":
            page.save(path, compression="tiff_lzw", dpi=(dpi, dpi))
        else:
            page.save(path, dpi=(dpi, dpi))
        with open(os.path.join(a.out, name.rsplit(".", 1)[0] + ".truth.json"), "w", encoding="utf-8") as fh:
            json.dump({"document": name, "form": kind, "expected": "exception" if violation else "accepted",
                       "violation": violation, "fields": fields}, fh, ensure_ascii=False, indent=1)

if __name__ == "__main__":
    main()
