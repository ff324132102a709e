#!/usr/bin/python3
"""peer_briefing.py DATADIR HISTORY.csv OUT.pdf - the peer for
tests/bench/briefing: a comparable briefing with matplotlib and reportlab
(Debian's python3-matplotlib and python3-reportlab): three charts (grade
distribution by year, inadequate share over time, latest counts) and the
150-row 2007 table, from DATADIR's 2007 table and Ofsted's ILACS inspection
history as CSV (the rows the bundled 2025 workbook holds; ../shared/reference)."""
import csv
import io
import sys
from collections import Counter, defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table

datadir, history, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(f"{datadir}/grades/apa-2007-staying-safe.csv")))
hist = list(csv.DictReader(open(history)))
order = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
by_year = defaultdict(Counter)
for r in hist:
    by_year[r["Inspection date"][:4]][r["Overall effectiveness"]] += 1

def figure(draw):
    fig, ax = plt.subplots(figsize=(6.5, 3))
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    return Image(buf, width=170 * mm, height=80 * mm)

def dist(ax):
    years = sorted(by_year)
    left = [0] * len(years)
    for g in order:
        vals = [100 * by_year[y][g] / sum(by_year[y].values()) for y in years]
        ax.barh(years, vals, left=left, label=g)
        left = [a + b for a, b in zip(left, vals)]
    ax.legend(fontsize=6)

def trend(ax):
    years = sorted(by_year)
    ax.plot(years, [100 * by_year[y]["Inadequate"] / sum(by_year[y].values()) for y in years], "o-")

def counts(ax):
    c = Counter(r["grade"] for r in rows)
    ax.bar(list(c), list(c.values()))

styles = getSampleStyleSheet()
story = [Paragraph("Children's services inspection outcomes", styles["Title"])]
for draw in (dist, trend, counts):
    story.append(figure(draw))
story.append(Table([["Authority", "Grade"]] + [[r["authority"], r["grade"]] for r in rows],
                   repeatRows=1))
SimpleDocTemplate(out, pagesize=A4).build(story)
