"""Values of Chinese financial documents shared by FormFlow's generators (tools/make_scans.py and
tools/make_einvoices.py): financial capitals and the GB 32100 check character. No third-party imports."""
from decimal import ROUND_HALF_UP

DIGITS = "零壹贰叁肆伍陆柒捌玖"

def capitals(amount, yuan_sign="元"):
    """Financial capitals of a Decimal amount (the rules of FormFlowCore's ChineseAmount); e-invoices
    print 圆 for 元."""
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
        out += yuan_sign
    if not jiao and not fen:
        return (out or "零" + yuan_sign) + "整"
    out += DIGITS[jiao] + "角" if jiao else ("零" if yuan else "")
    return out + (DIGITS[fen] + "分" if fen else "")


USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
def uscc_check(body):
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return USCC[(31 - sum(USCC.index(c) * w for c, w in zip(body, weights)) % 31) % 31]
