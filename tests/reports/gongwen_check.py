#!/usr/bin/python3
"""Real-reader checks of kaohe's 公文 (tests/reports/gongwen.sh).

  gongwen_check.py docx FILE.docx RESULTS.json notice|sheet|followup|compilation
      python3-docx reads the paragraphs and tables back
  gongwen_check.py text FILE.txt RESULTS.json notice|draft
      the text pdftotext found: 文号, the Chinese date, every unit, 抄送
  gongwen_check.py fods FILE.fods RESULTS.json
      the workbook as LibreOffice read it: totals are numbers
  gongwen_check.py dump FILE.docx
      the text python3-docx reads (paragraphs and tables in body order),
      for the golden text of tests/reports/data/*.txt

Prints what is wrong and exits 1.  Runs with Debian's python3 (the
python3-docx package).
"""
import json
import re
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

NUMBER = "晋市职院党〔2026〕3号"
DATE = "2026年12月7日"
errors = []


def err(msg):
    errors.append(msg)


def squash(s):
    return re.sub(r"\s+", "", s)


def units(results):
    with open(results, encoding="utf-8") as f:
        return json.load(f)["units"]


def check_docx(path, results, what):
    import docx  # python3-docx
    d = docx.Document(path)
    paras = [p.text for p in d.paragraphs]
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    text = squash("\n".join(paras + cells))
    if not d.tables and what != "compilation":
        err(f"{path}: no table read back")
    if what == "notice":
        if paras[0] != "中共晋城职业技术学院委员会文件":
            err(f"{path}: first paragraph {paras[0]!r}")
        for want in (NUMBER, "抄送：学院纪委。", DATE + "印发",
                     "各党支部、各处室系："):
            if squash(want) not in text:
                err(f"{path}: {want!r} not read back")
        for u in units(results):
            if squash(u["name"]) not in text:
                err(f"{path}: unit {u['name']!r} not in the tables")
        # a total read back from its table cell
        totals = {c for c in cells if re.fullmatch(r"\d+\.\d\d", c)}
        for u in units(results):
            if f"{Decimal(str(u['total'])):.2f}" not in totals:
                err(f"{path}: total {u['total']} of {u['id']} not in a cell")
    if what == "sheet":
        head = [c.text for c in d.tables[0].rows[0].cells]
        if head[:3] != ["考核项目", "序号", "考核要点"]:
            err(f"{path}: sheet heading {head!r}")
    if what in ("followup", "compilation") and "<b>" not in text:
        err(f"{path}: the markup given as a name or text was not kept as text")


def check_text(path, results, what):
    with open(path, encoding="utf-8") as f:
        text = squash(f.read())
    wants = ["抄送：学院纪委", DATE]
    wants.append("（文号待定）" if what == "draft" else NUMBER)
    if what == "draft":
        wants.append("（草稿）")
    for want in wants:
        if squash(want) not in text:
            err(f"{path}: {want!r} not found")
    for u in units(results):
        if squash(u["name"]) not in text:
            err(f"{path}: unit {u['name']!r} not found")


def check_fods(path, results):
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
    root = ET.parse(path).getroot()
    floats = set()
    strings = 0
    for c in root.iter("{%s}table-cell" % ns["table"]):
        t = c.get("{%s}value-type" % ns["office"])
        if t == "float":
            floats.add(Decimal(c.get("{%s}value" % ns["office"])))
        elif t == "string":
            strings += 1
    if not strings:
        err(f"{path}: no text cells")
    for u in units(results):
        if Decimal(str(u["total"])) not in floats:
            err(f"{path}: total {u['total']} of {u['id']} is not a number cell")


def dump(path):
    import docx  # python3-docx
    d = docx.Document(path)
    body = d.element.body
    paras = {p._p: p for p in d.paragraphs}
    tables = {t._tbl: t for t in d.tables}
    for child in body.iterchildren():
        if child in paras:
            print(f"[{paras[child].style.name}] {paras[child].text}")
        elif child in tables:
            for row in tables[child].rows:
                print("| " + " | ".join(c.text.replace("\n", "⏎")
                                        for c in row.cells) + " |")


def main():
    kind = sys.argv[1]
    if kind == "dump":
        dump(sys.argv[2])
        return 0
    if kind == "docx":
        check_docx(sys.argv[2], sys.argv[3], sys.argv[4])
    elif kind == "text":
        check_text(sys.argv[2], sys.argv[3], sys.argv[4])
    elif kind == "fods":
        check_fods(sys.argv[2], sys.argv[3])
    else:
        err(f"unknown check {kind}")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
