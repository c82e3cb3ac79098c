#!/usr/bin/env python3
"""Makes synthetic digital e-invoices (OFD, 数电 XML, PDF with a text layer, printed scans), with truth files.

The counterpart of make_scans.py for FormFlow's digital path: every invoice is random but valid (or breaks
one rule), and is written in one of these formats, rotating over --formats (document i gets format
i % len):
  ofd-older    an older 增值税电子普通发票 as OFD: the labels on the template page, the values on the page,
               the issuer's data in Doc_0/Attachs/original_invoice.xml (12-digit code, 8-digit number);
  ofd-digital  a 数电 invoice as OFD in the 数电 layout (buyer beside seller): Doc_0/Tags/CustomTag.xml
               points at the page's TextObjects (ObjectRef); the total printed as two objects, ¥ and figure;
  xml          a 数电 invoice's XML (root EInvoice; rates as fractions, 免税 for an exempt line);
  pdf-older    the older layout as a PDF whose text layer (Type0/Identity-H CID font, ToUnicode CMap)
               holds every label and value;
  pdf-digital  the 数电 layout as such a PDF;
  print        either kind printed and scanned: 300 dpi grey PNG, slightly turned, blurred and speckled.
数电 invoices have no code and a 20-digit number (dates 2024-2026); older ones 2018-2023. Amounts, tax and
total are Decimal; each line's tax is amount × rate rounded half up; the page prints *** for an exempt
line's tax. The layouts are those of Tests/FormFlowTestSupport/EInvoiceFixtures.swift (older) and the
数电 layout below, in millimetres on a 210 × 140 mm page.

Each document i is OUT/einv-S-iiiii.<ext> with OUT/einv-S-iiiii.truth.json beside it: document, form
(vat_invoice), expected (accepted or exception), violation (null, bad_tax_id, tax_mismatch,
words_mismatch, sum_mismatch, duplicate), source (ofd, xml, pdf_text, scan) and the fields as printed
(total_in_words with 圆, tax_rate the lines' common rate or `mixed`). --violations RATE breaks one rule
in that share of the invoices; --duplicates RATE resends an earlier accepted invoice of the run in
another format (same code and number, same values): the resent one is `duplicate`, the first accepted.

usage: make_einvoices.py OUT --count N [--seed S]
                         [--formats ofd-older,ofd-digital,xml,pdf-older,pdf-digital,print]
                         [--violations RATE] [--duplicates RATE] [--font PATH]
Standard library only, except `print`, which needs Pillow and a CJK font (Debian: python3-pil,
fonts-wqy-zenhei; AR PL UMing is the fallback). Deterministic for a seed.
"""
import argparse, io, json, os, random, sys, zipfile
from decimal import Decimal, ROUND_HALF_UP

# ---------------------------------------------------------------------------------------------------
# Check characters and capitals (as tools/make_scans.py, with 圆 as e-invoices print it).

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chinese_values import USCC, uscc_check  # noqa: E402  (shared with make_scans.py)
from chinese_values import capitals as capitals_with  # noqa: E402


def capitals(amount):
    """Financial capitals as e-invoices print them: 圆, not 元."""
    return capitals_with(amount, yuan_sign="圆")


def org_check(body):
    """GB 11714 check character of an organisation code's first eight characters (part of a USCC)."""
    value = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(value(ch) * w for ch, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)

CENT = Decimal("0.01")

def cents(r, low, high):
    return (Decimal(r.randint(int(low * 100), int(high * 100))) / 100).quantize(CENT)

def money(value):
    return str(value.quantize(CENT))

# ---------------------------------------------------------------------------------------------------
# Random invoices.

# City -> (administrative division codes for the USCC, districts for government buyers, 数电 region).
CITIES = {
    "北京": (["110105", "110108", "110102"], ["海淀", "朝阳", "东城", "丰台"], "11"),
    "上海": (["310115", "310104", "310106"], ["浦东新", "徐汇", "静安", "闵行"], "31"),
    "深圳": (["440300", "440305", "440303"], ["南山", "福田", "罗湖", "宝安"], "44"),
    "广州": (["440101", "440106", "440104"], ["天河", "越秀", "海珠", "番禺"], "44"),
    "杭州": (["330106", "330105", "330108"], ["西湖", "拱墅", "滨江", "余杭"], "33"),
    "成都": (["510107", "510104", "510108"], ["武侯", "锦江", "成华", "青羊"], "51"),
    "武汉": (["420103", "420106", "420111"], ["江汉", "武昌", "洪山", "江岸"], "42"),
    "西安": (["610113", "610104", "610102"], ["雁塔", "莲湖", "新城", "碑林"], "61"),
    "南京": (["320106", "320104", "320105"], ["鼓楼", "秦淮", "建邺", "玄武"], "32"),
    "苏州": (["320508", "320505", "320506"], ["姑苏", "虎丘", "吴中", "相城"], "32"),
    "重庆": (["500103", "500105", "500106"], ["渝中", "江北", "沙坪坝", "九龙坡"], "50"),
    "天津": (["120101", "120103", "120104"], ["和平", "河西", "南开", "河东"], "12"),
    "长沙": (["430102", "430103", "430104"], ["芙蓉", "天心", "岳麓", "开福"], "43"),
    "合肥": (["340103", "340104", "340111"], ["庐阳", "蜀山", "包河", "瑶海"], "34"),
    "厦门": (["350203", "350206", "350211"], ["思明", "湖里", "集美", "海沧"], "35"),
    "青岛": (["370202", "370203", "370212"], ["市南", "市北", "崂山", "李沧"], "37"),
}
WORDS = ["华信", "恒达", "智联", "星河", "鼎盛", "蓝海", "瑞丰", "博远", "宏图", "金辰", "天宇", "汇通", "嘉禾", "启明",
         "卓越", "中科", "永泰", "新创", "润泽", "安康", "凯达", "正源", "东方", "融易算", "云帆", "锦程"]
TRADES = ["科技", "贸易", "咨询", "物业管理", "餐饮管理", "文化传媒", "信息技术", "企业管理咨询", "办公设备", "会务服务",
          "建筑工程", "数据服务", "商贸", "酒店管理", "软件", "物流", "广告", "旅行社"]
GOVERNMENT = ["政务服务中心", "人民政府办公室", "财政局", "教育局", "市场监督管理局", "卫生健康委员会", "档案馆",
              "机关事务管理局"]
FAMILY = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "敏", "静", "磊", "洋", "芳", "军", "婷", "强", "丽", "建国", "晓明", "雪梅", "志强", "海燕", "丹", "欣怡"]

# (item name, the rate a general taxpayer charges for it)
ITEMS = [("*餐饮服务*餐费", 6), ("*餐饮服务*会议餐费", 6), ("*住宿服务*住宿费", 6), ("*信息技术服务*技术服务费", 6),
         ("*信息技术服务*软件维护费", 6), ("*现代服务*咨询服务费", 6), ("*会议展览服务*会议费", 6),
         ("*物业管理服务*物业费", 6), ("*广告服务*广告发布费", 6), ("*经纪代理服务*代理服务费", 6),
         ("*纸制品*打印纸", 13), ("*笔*签字笔", 13), ("*计算机外部设备*硒鼓", 13), ("*计算机配套产品*鼠标", 13),
         ("*办公设备*碎纸机", 13), ("*日用杂品*清洁用品", 13), ("*图书*会计实务", 9), ("*图书*税法精要", 9),
         ("*运输服务*客运服务", 9), ("*运输服务*国内货物运输", 9), ("*建筑服务*维修工程", 9), ("*不动产租赁服务*场地租赁费", 9)]
EXEMPT_ITEMS = ["*蔬菜*新鲜蔬菜", "*图书*会计实务", "*医疗服务*体检费", "*农产品*大米", "*教育服务*培训费"]
ZERO_ITEMS = ["*运输服务*国际运输服务", "*信息技术服务*离岸服务外包", "*出口货物*办公家具"]
RULES = ["bad_tax_id", "tax_mismatch", "words_mismatch", "sum_mismatch"]

def tax_id(r, city, government=False):
    """A valid unified social credit code (GB 32100) registered in `city`."""
    division = r.choice(CITIES[city][0])
    if government:
        org = r.choice("0123456789") + "".join(r.choice("0123456789") for _ in range(7))
        head = "11"
    else:
        org = (("MA" + "".join(r.choice(USCC[:-6]) for _ in range(6))) if r.random() < 0.7
               else "".join(r.choice("0123456789") for _ in range(8)))
        head = "91"
    body = head + division + org + org_check(org)
    return body + uscc_check(body)

def company(r, government=False):
    city = r.choice(list(CITIES))
    if government:
        name = f"{city}市{r.choice(CITIES[city][1])}区{r.choice(GOVERNMENT)}"
    else:
        name = (city + r.choice(WORDS) + r.choice(TRADES)
                + r.choice(["有限公司", "有限公司", "有限公司", "股份有限公司"]))
    return name, tax_id(r, city, government), city

def new_invoice(r, kind, violation, taken):
    """A random invoice of `kind` (older or digital) breaking `violation` (or none)."""
    while True:
        inv = draw_invoice(r, kind, violation, taken)
        if inv:
            return inv

def draw_invoice(r, kind, violation, taken):
    buyer_name, buyer_id, _ = company(r, government=r.random() < 0.25)
    while True:
        seller_name, seller_id, seller_city = company(r)
        if seller_name != buyer_name:
            break
    if kind == "older":
        year = r.randint(2018, 2023)
        while True:
            code = f"0{r.choice(CITIES[seller_city][0])[:4]}{year % 100:02d}{r.randint(1, 9):03d}11"
            number = f"{r.randint(0, 10**8 - 1):08d}"
            if (code, number) not in taken:
                break
    else:
        year = r.randint(2024, 2026)
        while True:
            code, number = None, f"{year % 100:02d}{CITIES[seller_city][2]}{r.choice('12')}{r.randint(0, 10**15 - 1):015d}"
            if (code, number) not in taken:
                break
    taken.add((code, number))
    date = f"{year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    # Lines: a small-scale taxpayer charges 1% or 3% on everything; a general one its items' rates.
    count = r.choice([1, 1, 2, 2, 3, 3, 4, 5])
    small = r.random() < 0.25
    small_rate = r.choice([1, 3, 3])
    main = r.choice(ITEMS)
    lines = []
    for _ in range(count):
        name, rate = main if r.random() < 0.6 else r.choice(ITEMS)
        lines.append({"name": name, "amount": cents(r, 10, 20000), "rate": f"{small_rate if small else rate}%"})
    if r.random() < 0.1:  # one exempt or 0% line
        line = r.choice(lines)
        if r.random() < 0.7:
            line["name"], line["rate"] = r.choice(EXEMPT_ITEMS), "免税"
        else:
            line["name"], line["rate"] = r.choice(ZERO_ITEMS), "0%"
    for line in lines:
        line["tax"] = (Decimal(0) if line["rate"] == "免税" else
                       (line["amount"] * Decimal(line["rate"][:-1]) / 100).quantize(CENT, ROUND_HALF_UP))
    if violation == "tax_mismatch":
        taxed = [l for l in lines if l["rate"] != "免税" and l["rate"] != "0%"]
        if not taxed:
            return None  # nothing to get wrong: draw another invoice
        line = r.choice(taxed)
        delta = cents(r, 0.02, 5.00)
        line["tax"] += -delta if line["tax"] > delta + 1 and r.random() < 0.5 else delta
    amount = sum((l["amount"] for l in lines), Decimal(0))
    tax = sum((l["tax"] for l in lines), Decimal(0))
    total = amount + tax
    words = capitals(total)
    if violation == "sum_mismatch":
        delta = Decimal(r.choice(["0.10", "1.00", "10.00", "100.00"]))
        total = total + delta if r.random() < 0.7 or total <= delta else total - delta
        words = capitals(total)
    elif violation == "words_mismatch":
        words = capitals(total + Decimal(r.choice(["0.10", "1.00", "10.00", "100.00", "1000.00"])))
    elif violation == "bad_tax_id":
        if r.random() < 0.5:
            seller_id = seller_id[:-1] + r.choice([c for c in USCC if c != seller_id[-1]])
        else:
            buyer_id = buyer_id[:-1] + r.choice([c for c in USCC if c != buyer_id[-1]])
    rates = {l["rate"] for l in lines}
    return {"kind": kind, "code": code, "number": number, "date": date, "time": f"{r.randint(8, 18):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
            "buyer_name": buyer_name, "buyer_tax_id": buyer_id, "seller_name": seller_name, "seller_tax_id": seller_id,
            "lines": lines, "amount": amount, "tax": tax, "total": total, "words": words,
            "tax_rate": rates.pop() if len(rates) == 1 else "mixed", "drawer": r.choice(FAMILY) + r.choice(GIVEN),
            "violation": violation}

def truth_fields(inv):
    return {"invoice_code": inv["code"], "invoice_no": inv["number"], "issue_date": inv["date"],
            "buyer_name": inv["buyer_name"], "buyer_tax_id": inv["buyer_tax_id"], "seller_name": inv["seller_name"],
            "seller_tax_id": inv["seller_tax_id"], "amount": money(inv["amount"]), "tax_rate": inv["tax_rate"],
            "tax_amount": money(inv["tax"]), "total": money(inv["total"]), "total_in_words": inv["words"]}

def printed_tax(line):
    return "***" if line["rate"] == "免税" else money(line["tax"])

def date_in_chinese(date):
    y, m, d = date.split("-")
    return f"{y}年{m}月{d}日"

# ---------------------------------------------------------------------------------------------------
# Layouts: runs of text with their boxes in millimetres (x, y, width, height) from the top left.

class Run:
    __slots__ = ("text", "x", "y", "w", "h", "id", "align")
    def __init__(self, text, x, y, w, h, align="left"):
        self.text, self.x, self.y, self.w, self.h, self.id, self.align = text, x, y, w, h, 0, align

def number_runs(labels, values):
    for i, run in enumerate(labels):
        run.id = 10 + i
    for i, run in enumerate(values):
        run.id = 100 + i

def older_layout(inv):
    """EInvoiceFixtures.olderLayout: the labels of the template page and the values of the page."""
    labels = [Run("电子普通发票", 69, 7, 72, 7.7), Run("发票代码：", 148.5, 7.5, 16, 3.6),
              Run("发票号码：", 148.5, 13, 16, 3.6), Run("开票日期：", 148.5, 18.5, 16, 3.6),
              Run("购买方", 6.6, 32.8, 4.1, 17.2), Run("名称：", 13, 31.6, 23.3, 3.6),
              Run("纳税人识别号：", 13, 36.8, 23.3, 3.6), Run("项目名称", 24.5, 53, 39.1, 4),
              Run("规格型号", 63.5, 53, 13.7, 4.5), Run("单位", 85, 53, 7.4, 4.5),
              Run("数量", 98.8, 53, 10.6, 4.5), Run("单价", 120, 53, 9.6, 4.5),
              Run("金额", 144.2, 53, 11, 4.5), Run("税率", 166.2, 53, 7.4, 4.5),
              Run("税额", 184.5, 53, 11.2, 4.5), Run("合计", 22, 91.4, 18.3, 4),
              Run("价税合计（大写）", 16.8, 98.5, 26.5, 4.5), Run("（小写）", 156.5, 98.5, 13.8, 4.5),
              Run("销售方", 6.6, 106.3, 4.1, 17.2), Run("名称：", 13, 105.4, 23.3, 3.6),
              Run("纳税人识别号：", 13, 110.3, 23.3, 3.6)]
    if inv["code"] is None:
        labels = [run for run in labels if run.text != "发票代码："]
    values = [Run(inv["number"], 164, 11.7, 40, 5), Run(date_in_chinese(inv["date"]), 164, 17.2, 40, 5),
              Run(inv["buyer_name"], 36, 30, 82.5, 5.8), Run(inv["buyer_tax_id"], 36, 35, 82.5, 5.3),
              Run("¥" + money(inv["amount"]), 135.4, 90.7, 28, 5.2), Run("¥" + money(inv["tax"]), 176.7, 90.7, 28, 5.2),
              Run(inv["words"], 63, 95.8, 95.5, 7.9), Run("¥" + money(inv["total"]), 168.2, 96.2, 37, 6),
              Run(inv["seller_name"], 36, 104, 82.5, 5.8), Run(inv["seller_tax_id"], 36, 108.5, 82.5, 4.8)]
    if inv["code"] is not None:
        values.append(Run(inv["code"], 164, 6.2, 40, 5))
    for i, line in enumerate(inv["lines"]):
        y = 56 + i * 4.5
        values += [Run(line["name"], 5.5, y, 50, 4.5), Run(money(line["amount"]), 135.5, y, 28, 4.5),
                   Run(line["rate"], 165.2, y, 9.7, 4.5), Run(printed_tax(line), 176.5, y, 28, 4.5)]
    number_runs(labels, values)
    return labels, values, {"table": (4, 51.5, 206, 103.8), "rules": [88.5, 95]}

def digital_layout(inv):
    """The 数电 layout (电子发票（普通发票）): buyer and seller side by side. Also returns the runs the
    CustomTag of a 数电 OFD points at."""
    labels = [Run("电子发票（普通发票）", 70, 6, 70, 8), Run("发票号码：", 145, 10, 20, 3.6),
              Run("开票日期：", 145, 16, 20, 3.6),
              Run("购买方信息", 6, 24, 4, 18), Run("名称：", 12, 26, 12, 3.6),
              Run("统一社会信用代码/纳税人识别号：", 12, 33, 48, 3.6),
              Run("销售方信息", 106, 24, 4, 18), Run("名称：", 112, 26, 12, 3.6),
              Run("统一社会信用代码/纳税人识别号：", 112, 33, 48, 3.6)]
    for text, x, w in (("项目名称", 10, 20), ("规格型号", 48, 16), ("单位", 70, 8), ("数量", 84, 8), ("单价", 100, 10),
                       ("金额", 128, 10), ("税率/征收率", 148, 18), ("税额", 182, 10)):
        labels.append(Run(text, x, 46, w, 4))
    labels += [Run("合", 22, 88, 4, 4), Run("计", 30, 88, 4, 4), Run("价税合计（大写）", 10, 96, 28, 4.5),
               Run("（小写）", 140, 96, 14, 4.5), Run("备注", 10, 104, 8, 4), Run("开票人：", 140, 130, 16, 3.6)]
    refs = {"InvoiceNo": [Run(inv["number"], 166, 9.5, 40, 4.5)],
            "IssueDate": [Run(date_in_chinese(inv["date"]), 166, 15.5, 40, 4.5)],
            "BuyerName": [Run(inv["buyer_name"], 25, 25.5, 75, 4.5)],
            "BuyerTaxID": [Run(inv["buyer_tax_id"], 61, 32.5, 42, 4.5)],
            "SellerName": [Run(inv["seller_name"], 125, 25.5, 78, 4.5)],
            "SellerTaxID": [Run(inv["seller_tax_id"], 161, 32.5, 42, 4.5)],
            "TaxExclusiveTotalAmount": [Run("¥" + money(inv["amount"]), 122, 88, 20, 4.2, "right")],
            "TaxTotalAmount": [Run("¥" + money(inv["tax"]), 176, 88, 22, 4.2, "right")],
            "TaxInclusiveTotalAmount": [Run("¥" + money(inv["total"]), 156, 95.5, 40, 5)]}
    values = [run for runs in refs.values() for run in runs]
    values += [Run("⊗", 42, 95.5, 4, 5), Run(inv["words"], 47, 95.5, 80, 5), Run(inv["drawer"], 157, 129.5, 20, 4)]
    items = []
    for i, line in enumerate(inv["lines"]):
        y = 52 + i * 5
        row = (Run(line["name"], 6, y, 40, 4.2), Run(money(line["amount"]), 122, y, 20, 4.2, "right"),
               Run(line["rate"], 150, y, 12, 4.2), Run(printed_tax(line), 176, y, 22, 4.2, "right"))
        items.append(row)
        values += row
    number_runs(labels, values)
    return labels, values, {"table": (4, 44, 206, 102), "rules": [51, 86.5, 94]}, refs, items

# ---------------------------------------------------------------------------------------------------
# OFD and XML (as EInvoiceFixtures writes them).

OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'

def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def num(v):
    """A boundary number as Swift prints a Double (69.0, 7.7)."""
    return repr(float(v))

def content(runs):
    xml = f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {OFD_NS}><ofd:Content><ofd:Layer>'
    for run in runs:
        xml += (f'<ofd:TextObject ID="{run.id}" Boundary="{num(run.x)} {num(run.y)} {num(run.w)} {num(run.h)}" Font="1" '
                f'Size="3.175"><ofd:TextCode X="0" Y="4">{esc(run.text)}</ofd:TextCode></ofd:TextObject>')
    return xml + "</ofd:Layer></ofd:Content></ofd:Page>"

def ofd_root():
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {OFD_NS} DocType="OFD" Version="1.1"><ofd:DocBody>'
            "<ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>")

def ofd_document(attachments, tags):
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {OFD_NS}><ofd:CommonData>'
            '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/><ofd:PageArea><ofd:PhysicalBox>0 0 210 140'
            '</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
            "</ofd:Pages>" + ("<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>" if attachments else "")
            + ("<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" if tags else "") + "</ofd:Document>")

SIGNATURE_PARTS = [
    ("Doc_0/Signs/Signatures.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures {OFD_NS}><ofd:Signature ID="1" '
                                   'BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/></ofd:Signatures>'),
    ("Doc_0/Signs/Sign_0/SignedValue.dat", b"0" * 64),
]

def zip_bytes(parts, date):
    out = io.BytesIO()
    stamp = tuple(int(p) for p in date.split("-")) + (10, 0, 0)
    with zipfile.ZipFile(out, "w") as archive:
        for path, data in parts:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()

def older_ofd(inv):
    labels, values, _ = older_layout(inv)
    goods = "".join(f"<fp:GoodsInfo><fp:Item>{esc(l['name'])}</fp:Item><fp:Amount>{money(l['amount'])}</fp:Amount>"
                    f"<fp:TaxScheme>{l['rate']}</fp:TaxScheme><fp:TaxAmount>{money(l['tax'])}</fp:TaxAmount></fp:GoodsInfo>"
                    for l in inv["lines"])
    original = ('<?xml version="1.0" encoding="utf-8"?><eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" '
                f'Version="1.0"><fp:InvoiceCode>{inv["code"] or ""}</fp:InvoiceCode><fp:InvoiceNo>{inv["number"]}</fp:InvoiceNo>'
                f'<fp:IssueDate>{date_in_chinese(inv["date"])}</fp:IssueDate><fp:Buyer><fp:BuyerName>{esc(inv["buyer_name"])}'
                f'</fp:BuyerName><fp:BuyerTaxID>{inv["buyer_tax_id"]}</fp:BuyerTaxID></fp:Buyer><fp:Seller><fp:SellerName>'
                f'{esc(inv["seller_name"])}</fp:SellerName><fp:SellerTaxID>{inv["seller_tax_id"]}</fp:SellerTaxID></fp:Seller>'
                f'<fp:TaxInclusiveTotalAmount>{money(inv["total"])}</fp:TaxInclusiveTotalAmount><fp:TaxTotalAmount>'
                f'{money(inv["tax"])}</fp:TaxTotalAmount><fp:TaxExclusiveTotalAmount>{money(inv["amount"])}'
                f'</fp:TaxExclusiveTotalAmount><fp:GoodsInfos>{goods}</fp:GoodsInfos></eInvoice>')
    attachments = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Attachments {OFD_NS}><ofd:Attachment Name="original_invoice" '
                   'Format="xml"><ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>')
    return zip_bytes([("OFD.xml", ofd_root()), ("Doc_0/Document.xml", ofd_document(True, False)),
                      ("Doc_0/Pages/Page_0/Content.xml", content(values)), ("Doc_0/Tpls/Tpl_0/Content.xml", content(labels)),
                      ("Doc_0/Attachs/Attachments.xml", attachments), ("Doc_0/Attachs/original_invoice.xml", original)]
                     + SIGNATURE_PARTS, inv["date"])

def digital_ofd(inv):
    labels, values, _, refs, items = digital_layout(inv)
    # The total as two objects: `¥` and the figure.
    total = refs["TaxInclusiveTotalAmount"][0]
    total.text, total.x, total.w = money(inv["total"]), total.x + 3, total.w - 3
    yen = Run("¥", total.x - 3, total.y, 3, total.h)
    yen.id = 100 + len(values)
    values.append(yen)
    refs["TaxInclusiveTotalAmount"] = [yen, total]
    ref = lambda runs: "".join(f"<ofd:ObjectRef>{run.id}</ofd:ObjectRef>" for run in runs)
    tags = f'<?xml version="1.0" encoding="UTF-8"?><Tags {OFD_NS}>'
    tags += "".join(f"<{name}>{ref(runs)}</{name}>" for name, runs in refs.items())
    for name, amount, rate, tax in items:
        tags += (f"<Item>{ref([name])}</Item><Amount>{ref([amount])}</Amount><TaxScheme>{ref([rate])}</TaxScheme>"
                 f"<TaxAmount>{ref([tax])}</TaxAmount>")
    tags += "</Tags>"
    tag_list = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags {OFD_NS}><ofd:CustomTag TypeID="invoice">'
                "<ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>")
    return zip_bytes([("OFD.xml", ofd_root()), ("Doc_0/Document.xml", ofd_document(False, True)),
                      ("Doc_0/Pages/Page_0/Content.xml", content(values)), ("Doc_0/Tpls/Tpl_0/Content.xml", content(labels)),
                      ("Doc_0/Tags/CustomTags.xml", tag_list), ("Doc_0/Tags/CustomTag.xml", tags)] + SIGNATURE_PARTS,
                     inv["date"])

def fraction(rate):
    if not rate.endswith("%"):
        return rate
    return f"{Decimal(rate[:-1]) / 100:.2f}"

def digital_xml(inv):
    items = "".join(f"<IssuItemInformation><ItemName>{esc(l['name'])}</ItemName><Amount>{money(l['amount'])}</Amount>"
                    f"<TaxRate>{fraction(l['rate'])}</TaxRate><ComTaxAm>{money(l['tax'])}</ComTaxAm></IssuItemInformation>"
                    for l in inv["lines"])
    return ('<?xml version="1.0" encoding="UTF-8"?><EInvoice><Header><EInvoiceTag>SWEI3200</EInvoiceTag></Header><EInvoiceData>'
            f'<SellerInformation><SellerIdNum>{inv["seller_tax_id"]}</SellerIdNum><SellerName>{esc(inv["seller_name"])}</SellerName>'
            f'</SellerInformation><BuyerInformation><BuyerIdNum>{inv["buyer_tax_id"]}</BuyerIdNum><BuyerName>{esc(inv["buyer_name"])}'
            f'</BuyerName></BuyerInformation><BasicInformation><TotalAmWithoutTax>{money(inv["amount"])}</TotalAmWithoutTax>'
            f'<TotalTaxAm>{money(inv["tax"])}</TotalTaxAm><TotalTax-includedAmount>{money(inv["total"])}</TotalTax-includedAmount>'
            f'<TotalTax-includedAmountInChinese>{inv["words"]}</TotalTax-includedAmountInChinese></BasicInformation>{items}'
            f'</EInvoiceData><TaxSupervisionInfo><InvoiceNumber>{inv["number"]}</InvoiceNumber><IssueTime>{inv["date"]} '
            f'{inv["time"]}</IssueTime></TaxSupervisionInfo></EInvoice>').encode("utf-8")

# ---------------------------------------------------------------------------------------------------
# PDF with a text layer (EInvoiceFixtures.pdf: Type0 font, Identity-H, glyph codes = UTF-16 code units).

def is_vertical(run):
    return len(run.text) > 1 and run.h > 2.5 * run.w

def stacked(runs):
    """Vertical labels (购买方信息) one character under the other, as pages print them."""
    out = []
    for run in runs:
        if is_vertical(run):
            step = run.h / len(run.text)
            out += [Run(c, run.x, run.y + k * step, run.w, step) for k, c in enumerate(run.text)]
        else:
            out.append(run)
    return out

def em_width(text):
    """The text's width in ems in the PDF's font: 500 units for ASCII, 1000 for the rest."""
    return sum(0.5 if ord(c) < 0x80 else 1.0 for c in text)

def pdf_bytes(runs):
    k = 72 / 25.4
    page_w, page_h = 210 * k, 140 * k
    used, stream = set(), []
    for run in stacked(runs):
        raw = run.text.encode("utf-16-be")
        units = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
        used.update(units)
        ems = em_width(run.text)
        size = min(run.h * 0.7, run.w / ems) if ems else run.h * 0.7
        x = run.x + run.w - ems * size if run.align == "right" else run.x
        y = page_h - (run.y + run.h * 0.8) * k
        stream.append("BT /F1 %.2f Tf %.2f %.2f Td <%s> Tj ET\n" % (size * k, x * k, y, "".join("%04X" % u for u in units)))
    stream = "".join(stream)
    codes = sorted(used)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /FormFlow-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
    for start in range(0, len(codes), 100):
        chunk = codes[start:start + 100]
        cmap += f"{len(chunk)} beginbfchar\n" + "".join("<%04X> <%04X>\n" % (c, c) for c in chunk) + "endbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    widths = " ".join(f"{c} [500]" for c in codes if c < 0x80)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [8 0 R] /Count 1 >>",
        f"<< /Length {len(stream.encode())} >>\nstream\n{stream}endstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [5 0 R] /ToUnicode 6 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        f"/Supplement 0 >> /DW 1000 /W [{widths}] >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}endstream",
        "null",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
        % (page_w, page_h),
    ]
    out = bytearray("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n".encode("utf-8"))
    offsets = []
    for i, obj in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n{obj}\nendobj\n".encode("utf-8")
    xref = len(out)
    table = f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n" + "".join("%010d 00000 n \n" % o for o in offsets)
    table += f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return bytes(out + table.encode("ascii"))

# ---------------------------------------------------------------------------------------------------
# Printed and scanned (Pillow, imported only for this format).

PX = 300 / 25.4
PAGE_PX = (2480, 1654)

class Scanner:
    def __init__(self, font):
        from PIL import Image, ImageDraw, ImageFilter, ImageFont
        self.Image, self.ImageDraw, self.ImageFilter, self.ImageFont = Image, ImageDraw, ImageFilter, ImageFont
        self.font_path, self.fonts = font, {}

    def font(self, px):
        px = max(8, int(round(px)))
        if px not in self.fonts:
            self.fonts[px] = self.ImageFont.truetype(self.font_path, px)
        return self.fonts[px]

    def text(self, draw, run):
        if run.text == "⊗":  # in neither font: a circle with a cross
            s = run.h * 0.7 * PX
            cx, cy = (run.x + run.w / 2) * PX, (run.y + run.h / 2) * PX
            draw.ellipse((cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2), outline=0, width=3)
            d = s / 2 * 0.7071
            draw.line((cx - d, cy - d, cx + d, cy + d), fill=0, width=3)
            draw.line((cx - d, cy + d, cx + d, cy - d), fill=0, width=3)
            return
        font = self.font(run.h * 0.8 * PX)
        width = font.getlength(run.text)
        if width > run.w * PX:
            font = self.font(run.h * 0.8 * PX * run.w * PX / width)
            width = font.getlength(run.text)
        x = (run.x + run.w) * PX - width if run.align == "right" else run.x * PX
        draw.text((x, (run.y + run.h / 2) * PX), run.text, font=font, fill=0, anchor="lm")

    def page(self, runs, frame, r):
        page = self.Image.new("L", PAGE_PX, 255)
        draw = self.ImageDraw.Draw(page)
        for run in stacked(runs):
            self.text(draw, run)
        x0, y0, x1, y1 = frame["table"]
        draw.rectangle((x0 * PX, y0 * PX, x1 * PX, y1 * PX), outline=0, width=3)
        for y in frame["rules"]:
            draw.line((x0 * PX, y * PX, x1 * PX, y * PX), fill=0, width=2)
        # Scanned: turned a little, blurred, speckled.
        page = page.rotate(r.uniform(-1.5, 1.5), resample=self.Image.BICUBIC, fillcolor=255)
        page = page.filter(self.ImageFilter.GaussianBlur(0.6))
        pixels = page.load()
        for _ in range(r.randint(3000, 9000)):
            pixels[r.randrange(PAGE_PX[0]), r.randrange(PAGE_PX[1])] = r.choice((30, 90, 160, 210))
        return page

    def png(self, inv, r):
        if inv["kind"] == "older":
            labels, values, frame = older_layout(inv)
        else:
            labels, values, frame = digital_layout(inv)[:3]
        out = io.BytesIO()
        self.page(labels + values, frame, r).save(out, format="PNG", dpi=(300, 300))
        return out.getvalue()

# ---------------------------------------------------------------------------------------------------

FORMATS = {  # format -> (kind of invoice, extension, truth source)
    "ofd-older": ("older", "ofd", "ofd"), "ofd-digital": ("digital", "ofd", "ofd"), "xml": ("digital", "xml", "xml"),
    "pdf-older": ("older", "pdf", "pdf_text"), "pdf-digital": ("digital", "pdf", "pdf_text"), "print": (None, "png", "scan"),
}
FONTS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc"]

def write(fmt, inv, scanner, r):
    if fmt == "ofd-older":
        return older_ofd(inv)
    if fmt == "ofd-digital":
        return digital_ofd(inv)
    if fmt == "xml":
        return digital_xml(inv)
    if fmt == "pdf-older":
        labels, values, _ = older_layout(inv)
        return pdf_bytes(labels + values)
    if fmt == "pdf-digital":
        labels, values = digital_layout(inv)[:2]
        return pdf_bytes(labels + values)
    return scanner.png(inv, r)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--violations", type=float, default=0.3)
    ap.add_argument("--duplicates", type=float, default=0.0)
    ap.add_argument("--font", help="CJK font for `print` (default: WenQuanYi Zen Hei, else AR PL UMing)")
    a = ap.parse_args()
    formats = a.formats.split(",")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        ap.error(f"unknown format {','.join(bad)} (use {','.join(FORMATS)})")
    scanner = None
    if "print" in formats:
        font = a.font or next((f for f in FONTS if os.path.exists(f)), None)
        if not font or not os.path.exists(font):
            sys.exit("make_einvoices.py: `print` needs a CJK font (Debian: fonts-wqy-zenhei)")
        try:
            scanner = Scanner(font)
        except ImportError:
            sys.exit("make_einvoices.py: `print` needs Pillow (Debian: python3-pil, run with /usr/bin/python3)")
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)
    taken, originals = set(), []  # (code, number) used; accepted invoices that may be resent: (inv, format)
    for index in range(a.count):
        fmt = formats[index % len(formats)]
        kind, ext, source = FORMATS[fmt]
        inv = None
        if a.duplicates > 0 and r.random() < a.duplicates:
            fits = [o for o in originals if o[1] != fmt and (kind is None or o[0]["kind"] == kind) and not o[2]]
            if fits:
                original = r.choice(fits)
                original[2] = True  # resent once: groups of two
                inv = dict(original[0], violation="duplicate")
        if inv is None:
            violation = r.choice(RULES) if r.random() < a.violations else None
            inv = new_invoice(r, kind or r.choice(["older", "digital"]), violation, taken)
            if violation is None:
                originals.append([inv, fmt, False])
        name = f"einv-{a.seed}-{index:05d}.{ext}"
        with open(os.path.join(a.out, name), "wb") as fh:
            fh.write(write(fmt, inv, scanner, r))
        truth = {"document": name, "form": "vat_invoice", "expected": "exception" if inv["violation"] else "accepted",
                 "violation": inv["violation"], "source": source, "fields": truth_fields(inv)}
        with open(os.path.join(a.out, name.rsplit(".", 1)[0] + ".truth.json"), "w", encoding="utf-8") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=1)

if __name__ == "__main__":
    main()
