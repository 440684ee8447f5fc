#!/usr/bin/env python3
"""Checks of tests/reports/reports.sh on kaohe's official documents.

  check.py xlsx BOOK.xlsx RESULTS.json draft|published
  check.py followup-csv FILE.csv
  check.py compare COMPARE.json Y1.json Y2.json
  check.py svg CHART.svg Y1.json Y2.json UNIT
  check.py pdf DIR RESULTS.json       (DIR holds notice/sheet/followup .txt/.pages)

Prints what is wrong and exits 1.  Only the standard library is used.
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
errors = []


def err(msg):
    errors.append(msg)


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Book:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.names = self.z.namelist()
        self.shared = []
        if "xl/sharedStrings.xml" in self.names:
            root = ET.fromstring(self.z.read("xl/sharedStrings.xml"))
            for si in root.findall("m:si", NS):
                self.shared.append("".join(t.text or "" for t in si.iter(
                    "{%s}t" % NS["m"])))
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = ET.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        self.sheets = []
        for s in wb.find("m:sheets", NS):
            rid = s.get("{%s}id" % NS["r"])
            self.sheets.append((s.get("name"), "xl/" + target[rid]))

    def xml(self, name):
        return self.z.read(dict(self.sheets)[name]).decode("utf-8")

    def cells(self, name):
        """{(row, col): (type, value)}; type 's' string, 'n' number."""
        root = ET.fromstring(self.xml(name))
        out = {}
        for c in root.iter("{%s}c" % NS["m"]):
            ref = c.get("r")
            row = int(re.search(r"\d+", ref).group(0)) - 1
            col = col_index(ref)
            t = c.get("t")
            if c.find("m:f", NS) is not None:
                out[(row, col)] = ("f", None)
            elif t == "inlineStr":
                out[(row, col)] = ("s", "".join(
                    x.text or "" for x in c.iter("{%s}t" % NS["m"])))
            elif t == "s":
                out[(row, col)] = ("s", self.shared[int(c.find("m:v", NS).text)])
            elif t is None and c.find("m:v", NS) is not None:
                out[(row, col)] = ("n", Decimal(c.find("m:v", NS).text))
            elif t is None:
                out[(row, col)] = ("blank", None)
            else:
                out[(row, col)] = (t, None)
        return out


def utf16_len(s):
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in s)


def money(v):
    return Decimal(str(v)).quantize(Decimal("0.01"))


def check_xlsx(path, results_path, mode):
    res = json.load(open(results_path, encoding="utf-8"))
    book = Book(path)
    names = [n for n, _ in book.sheets]
    fixed = ["汇总", "支部", "自查对比", "图表"]
    if mode == "published":
        fixed.append("整改跟踪")
    if names[:len(fixed)] != fixed:
        err("first sheets %r, expected %r" % (names[:len(fixed)], fixed))
    units = res["units"]
    unit_sheets = names[len(fixed):]
    if len(unit_sheets) != len(units):
        err("%d unit sheets for %d units" % (len(unit_sheets), len(units)))
    lower = [n.lower() for n in names]
    if len(set(lower)) != len(lower):
        err("sheet names not unique: %r" % names)
    for n in names:
        if utf16_len(n) > 31 or re.search(r"[\[\]:*?/\\]", n) or \
                n.startswith("'") or n.endswith("'"):
            err("invalid sheet name %r" % n)
    if "=1+2" not in names:
        err("no sheet named =1+2")
    long_names = [n for n in names if n.startswith("网络信息中心_数据_治理")]
    if len(long_names) != 2 or long_names[0] == long_names[1]:
        err("the two long names: %r" % long_names)

    # Formulas nowhere: every text is a string cell.
    for n, part in book.sheets:
        x = book.z.read(part).decode("utf-8")
        if "<f>" in x or "<f " in x:
            err("a formula in sheet %s" % n)

    # 汇总: the title, the frozen header, A4 landscape, page numbers.
    x = book.xml("汇总")
    if 'ySplit="2"' not in x or 'state="frozen"' not in x:
        err("汇总: header not frozen")
    if 'paperSize="9"' not in x or 'orientation="landscape"' not in x:
        err("汇总: not A4 landscape")
    if "&amp;P" not in x or "&amp;N" not in x:
        err("汇总: no page numbers in the footer")
    cells = book.cells("汇总")
    title = cells.get((0, 0), ("", ""))[1] or ""
    if str(res["year"]) not in title or "意识形态工作责任制考核评分体系" not in title:
        err("汇总 title %r" % title)
    if ("（草稿）" in title) != (mode == "draft"):
        err("汇总 title draft mark wrong: %r" % title)
    ncat = len(units[0]["categories"]) if units else 5
    total_col = 3 + 5 + 3
    row = 2
    for rid, rows in res["rankings"].items():
        for r in rows:
            name = cells.get((row, 2))
            rank = cells.get((row, 1))
            tot = cells.get((row, total_col))
            mark = cells.get((row, total_col + 1), ("", ""))
            if name != ("s", r["name"]):
                err("汇总 row %d name %r, expected %r" % (row + 1, name, r["name"]))
            if rank != ("n", Decimal(r["rank"])):
                err("汇总 row %d rank %r, expected %r" % (row + 1, rank, r["rank"]))
            if not tot or tot[0] != "n" or money(tot[1]) != money(r["score"]):
                err("汇总 row %d total %r, expected %r (a number cell)" %
                    (row + 1, tot, r["score"]))
            if (mark[1] == "是") != r["bottom"]:
                err("汇总 row %d bottom mark %r, expected %r" %
                    (row + 1, mark, r["bottom"]))
            row += 1
    # a unit-level row's category scores are its own
    by_id = {u["id"]: u for u in units}
    for (rr, cc), v in cells.items():
        if cc == 2 and v == ("s", "=1+2"):
            tw = by_id["tw"]
            for k, (cid, score) in enumerate(tw["categories"].items()):
                got = cells.get((rr, 3 + k))
                if not got or got[0] != "n" or money(got[1]) != money(score):
                    err("汇总 =1+2 category %s: %r, expected %r" % (cid, got, score))
            base = cells.get((rr, 3 + ncat))
            if not base or money(base[1]) != money(tw["base"]):
                err("汇总 =1+2 base %r, expected %r" % (base, tw["base"]))
            break
    else:
        err("汇总: the unit =1+2 is not a string cell")

    # Charts: one per ranking list, on the 汇总 ranges.
    charts = sorted(n for n in book.names if re.match(r"xl/charts/chart\d+\.xml$", n))
    if len(charts) != len(res["rankings"]) or "xl/charts/chart1.xml" not in charts:
        err("charts %r for %d rankings" % (charts, len(res["rankings"])))
    else:
        c1 = book.z.read("xl/charts/chart1.xml").decode("utf-8")
        if "汇总!$L$3" not in c1 and "'汇总'!$L$3" not in c1:
            err("chart1 does not plot the 汇总 totals")

    # 自查对比: conditional formatting on the gaps; 支部: every branch mean.
    if "<conditionalFormatting" not in book.xml("自查对比"):
        err("自查对比: no conditional formatting")
    bc = book.cells("支部")
    means = [bc.get((r, 5)) for (r, c), v in bc.items() if c == 4 and v == ("s", "支部平均分")]
    if len(means) != len(res["branches"]):
        err("支部: %d means for %d branches" % (len(means), len(res["branches"])))
    want = sorted(money(b["score"]) for b in res["branches"])
    if sorted(money(m[1]) for m in means if m and m[0] == "n") != want:
        err("支部: means differ from the results")

    # A unit's score sheet: item scores, the note that starts with '-'.
    jd = by_id["jd"]
    sc = book.cells("机电工程系")
    seen = {}
    for (r, c), v in sc.items():
        if c == 0 and v[0] == "s" and v[1] in jd["items"]:
            seen[v[1]] = sc.get((r, 3))
            if v[1] == "1.2":
                note = sc.get((r, 6))
                if note != ("s", "-1 分：上半年书面汇报6月下旬才报送，迟报"):
                    err("机电工程系 1.2 note %r" % (note,))
    for item, score in jd["items"].items():
        got = seen.get(item)
        if not got or got[0] != "n" or money(got[1]) != money(score):
            err("机电工程系 item %s: %r, expected %r" % (item, got, score))
    tot = [sc.get((r, 3)) for (r, c), v in sc.items() if c == 1 and v == ("s", "总分")]
    if not tot or money(tot[0][1]) != money(jd["total"]):
        err("机电工程系 总分 %r, expected %r" % (tot, jd["total"]))
    st = book.cells(names[len(fixed)])
    if ("（草稿）" in (st.get((0, 0), ("", ""))[1] or "")) != (mode == "draft"):
        err("unit sheet draft mark wrong")

    if mode == "published" and "整改跟踪" in names:
        fu = book.cells("整改跟踪")
        texts = [v[1] for v in fu.values() if v[0] == "s"]
        if "逾期" not in texts or "健全阵地管理制度" not in texts:
            err("整改跟踪: no overdue item")
        if not any(t.startswith("谈话人：党委副书记 王五。=HYPERLINK") for t in texts):
            err("整改跟踪: the talk summary is not kept as text")


def check_followup_csv(path):
    data = open(path, "rb").read()
    if not data.startswith(b"\xef\xbb\xbf") or b"\r\n" not in data:
        err("follow-up CSV: no BOM or CRLF")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    if not lines[0].startswith("单位编号,单位名称,排名类别,名次,得分,事项"):
        err("follow-up CSV header %r" % lines[0])
    if not any(",整改意见," in l and "健全阵地管理制度" in l and ",是," in l for l in lines):
        err("follow-up CSV: the overdue item is not marked")
    if not any("'=HYPERLINK" in l for l in lines):
        err("follow-up CSV: the summary starting with = is not escaped")


def check_compare(path, y1, y2):
    c = json.load(open(path, encoding="utf-8"))
    a = {u["id"]: u for u in json.load(open(y1, encoding="utf-8"))["units"]}
    b = {u["id"]: u for u in json.load(open(y2, encoding="utf-8"))["units"]}
    if c["years"] != [2024, 2025]:
        err("compare years %r" % c["years"])
    if not c["rubric_changed"] or not c["rubrics"][0].startswith("ideology-2024@"):
        err("compare: rubrics %r" % c["rubrics"])
    diff = "\n".join(c["rubric_diff"])
    for want in ["1.6", "1.8", "3.3", "3.5"]:
        if want not in diff:
            err("compare: the rubric diff does not mention %s" % want)
    units = {u["id"]: u for u in c["units"]}
    if units.get("gh", {}).get("status") != "new":
        err("compare: gh should be new")
    if units.get("zcc", {}).get("status") != "gone":
        err("compare: zcc should be gone")
    if set(units) != set(a) | set(b):
        err("compare: units %r" % sorted(set(units) ^ (set(a) | set(b))))
    for uid, u in units.items():
        if u["status"] != "both":
            continue
        if money(u["totals"][0]) != money(a[uid]["total"]) or \
                money(u["totals"][1]) != money(b[uid]["total"]):
            err("compare %s totals %r" % (uid, u["totals"]))
        if money(u["change"]) != money(b[uid]["total"]) - money(a[uid]["total"]):
            err("compare %s change %r" % (uid, u["change"]))
        for cid, (x, y, d) in u["categories"].items():
            if money(x) != money(a[uid]["categories"][cid]) or \
                    money(y) != money(b[uid]["categories"][cid]) or \
                    money(d) != money(y) - money(x):
                err("compare %s category %s: %r" % (uid, cid, (x, y, d)))


def check_svg(path, y1, y2, unit):
    s = open(path, encoding="utf-8").read()
    root = ET.fromstring(s)   # well-formed
    if not root.tag.endswith("svg"):
        err("svg: root %s" % root.tag)
    for y in (y1, y2):
        u = [u for u in json.load(open(y, encoding="utf-8"))["units"] if u["id"] == unit][0]
        label = "%.2f" % money(u["total"])
        label = label.rstrip("0").rstrip(".")
        if ">%s<" % label not in s:
            err("svg: no point labelled %s" % label)
    if "<polyline" not in s or ">2024<" not in s or ">2025<" not in s:
        err("svg: no line over 2024 and 2025")


def check_pdf(d, results_path):
    res = json.load(open(results_path, encoding="utf-8"))
    pages = {p: int(open("%s/%s.pages" % (d, p)).read()) for p in
             ("notice", "sheet", "followup")}
    # the notice: 28 units in two lists on A4 portrait; one unit's sheet
    if not 1 <= pages["notice"] <= 3:
        err("notice: %d pages" % pages["notice"])
    if not 1 <= pages["sheet"] <= 3:
        err("sheet: %d pages" % pages["sheet"])
    if pages["followup"] != 1:
        err("followup: %d pages" % pages["followup"])
    text = open("%s/notice.txt" % d, encoding="utf-8").read()
    flat = re.sub(r"\s+", "", text)
    if "考核结果的通报" not in flat:
        err("notice PDF: no title")
    for rid, rows in res["rankings"].items():
        pos = 0
        for r in rows:
            score = "%.2f" % money(r["score"])
            if len(r["name"]) <= 8:
                # name and score appear in ranking order, side by side
                i = flat.find(r["name"], pos)
                if i < 0:
                    err("notice PDF: %s not found after position %d" % (r["name"], pos))
                    break
                if score not in flat[i:i + 200]:
                    err("notice PDF: score %s of %s not beside it" % (score, r["name"]))
                pos = i + len(r["name"])
            else:
                # a long name wraps in its cell: the score still follows
                i = flat.find(score, pos)
                if i < 0:
                    err("notice PDF: score %s of %s not in order" % (score, r["name"]))
                    break
                pos = i + len(score)
    nbottom = sum(r["bottom"] for rows in res["rankings"].values() for r in rows)
    # each bottom row's mark, and the paragraph on the reminder talks
    if flat.count("排名后3位") != nbottom + 1:
        err("notice PDF: 排名后3位 %d times, expected %d" %
            (flat.count("排名后3位"), nbottom + 1))
    sheet = re.sub(r"\s+", "", open("%s/sheet.txt" % d, encoding="utf-8").read())
    if "意识形态工作责任制考核评分表" not in sheet or "=1+2" not in sheet:
        err("sheet PDF: no title or unit name")


def main():
    cmd = sys.argv[1]
    if cmd == "xlsx":
        check_xlsx(*sys.argv[2:5])
    elif cmd == "followup-csv":
        check_followup_csv(sys.argv[2])
    elif cmd == "compare":
        check_compare(*sys.argv[2:5])
    elif cmd == "svg":
        check_svg(*sys.argv[2:6])
    elif cmd == "pdf":
        check_pdf(*sys.argv[2:4])
    else:
        err("unknown check %s" % cmd)
    for e in errors:
        print("check.py %s: %s" % (cmd, e))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
