#!/usr/bin/python3
"""sheet_copy.py - checks that tests/data/ofsted-ilacs-history-2018-2025.csv,
the copy of Ofsted's ILACS_inspection_history sheet that test_stats counts the
31 March positions from by hand (test_position_series_2019_2025), holds the
same inspections as the sheet in the bundled workbook. The workbook is read
here with the Python standard library alone (zipfile, ElementTree's
iterparse), not with gradebrief's reader, so the count in test_stats stays
independent of the code it checks.

usage: sheet_copy.py WORKBOOK.ods COPY.csv   (exit 0: the same; 1: differences listed)
"""
import csv
import sys
import zipfile
import xml.etree.ElementTree as ET

T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
SHEET = "ILACS_inspection_history"


def cell_value(c):
    """A cell as typed: a date as its ISO date, else its text."""
    if c.get(O + "value-type") == "date":
        return c.get(O + "date-value")[:10]
    return "\n".join("".join(p.itertext()) for p in c.iter(X + "p")).strip()


def sheet_rows(path):
    with zipfile.ZipFile(path) as z, z.open("content.xml") as f:
        inside = False
        for event, el in ET.iterparse(f, events=("start", "end")):
            if el.tag == T + "table" and event == "start":
                inside = el.get(T + "name") == SHEET
            elif el.tag == T + "table" and event == "end":
                if inside:
                    return
            elif inside and el.tag == T + "table-row" and event == "end":
                row = []
                for c in el:
                    if c.tag in (T + "table-cell", T + "covered-table-cell"):
                        n = int(c.get(T + "number-columns-repeated", "1"))
                        row.extend([cell_value(c)] * min(n, 64))
                while row and row[-1] == "":
                    row.pop()
                for _ in range(min(int(el.get(T + "number-rows-repeated", "1")), 2)):
                    yield row
                el.clear()


def inspections_of_sheet(path):
    header, out = None, set()
    for row in sheet_rows(path):
        if header is None:
            if "Local authority area code" in row and "Overall effectiveness" in row:
                header = row
            continue
        if "Local authority area code" in row:  # a second table under its own header
            header = row
            continue
        cols = dict(zip(header, row))
        code, date = cols.get("Local authority area code", ""), cols.get("Inspection date", "")
        if code and date:
            out.add((code, date, cols.get("Overall effectiveness", "")))
    return out


def inspections_of_copy(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["Local authority area code"], r["Inspection date"], r["Overall effectiveness"])
                for r in csv.DictReader(f)}


def main():
    sheet, copy = inspections_of_sheet(sys.argv[1]), inspections_of_copy(sys.argv[2])
    only_sheet, only_copy = sorted(sheet - copy), sorted(copy - sheet)
    for r in only_sheet:
        print("only in the workbook:", r)
    for r in only_copy:
        print("only in the copy:", r)
    print(f"{len(sheet)} inspections in the workbook's sheet, {len(copy)} in the copy")
    return 1 if only_sheet or only_copy or len(sheet) < 200 else 0


if __name__ == "__main__":
    sys.exit(main())
