#!/usr/bin/python3
"""onepage.py BINARY DATADIR OUTDIR (removed first) - every pack's summary is
on one A4 page.

Runs `gradebrief packs --formats pdf` for every authority (153 today), then for
the abolished ones named with --authority, and checks each PDF with
pdftotext: page 1 holds the whole summary (its heading, the next-inspection
and visits rows, and the caption of each of its three figures, which is drawn
under the figure, so the figure is whole on the page) and nothing of the
detail; page 2 starts with the detail's first heading. An abolished
authority's page 1 holds its notice, its successors' links and its timeline.
The packs with the least room are checked again with the fictional council's
branding (tests/data/branding).
Exit 0 when every pack passes, 1 with one line per failure."""
import csv
import os
import shutil
import subprocess
import sys

binary, datadir, out = sys.argv[1:4]


def run(args):
    r = subprocess.run([binary, "packs", "-q", "--formats", "pdf"] + args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gradebrief packs %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))


def page(pdf, n):
    return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"],
                          capture_output=True, text=True, check=True).stdout


def lines(text):
    return [l.strip() for l in text.splitlines() if l.strip()]


shutil.rmtree(out, ignore_errors=True)  # a fresh run, not one up to date
current = os.path.join(out, "current")
abolished = os.path.join(out, "abolished")
run(["-o", current])
with open(os.path.join(datadir, "authorities.csv"), newline="") as f:
    # By DfE code: the old Dorset county shares its name with today's Dorset.
    gone = [r["code"] for r in csv.DictReader(f) if r["active_to"]]
args = ["-o", abolished]
for code in gone:
    args += ["--authority", code]
run(args)
# Branded (a marking at the top and bottom of each page, a logo in the running
# header): the packs with the least room left on page 1, long names and
# predecessors among them.
branded = os.path.join(out, "branded")
ini = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "branding",
                   "briefing.ini")
tight = ["Bournemouth, Christchurch and Poole", "Bath and North East Somerset",
         "Kingston upon Hull", "Cheshire West and Chester", "North Northamptonshire",
         "Westmorland and Furness", "Liverpool"]
args = ["-c", ini, "-o", branded]
for name in tight:
    args += ["--authority", name]
run(args)

failures, checked = [], 0
for folder, kind in ((current, "summary"), (abolished, "abolished"), (branded, "summary")):
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".pdf"):
            continue
        pdf = os.path.join(folder, name)
        checked += 1
        flat = " ".join(lines(page(pdf, 1)))
        if kind == "summary":
            want = ["1. Summary as at", "Next inspection (estimate)",
                    "Focused and monitoring visits", "Figure 1:", "Figure 2:", "Figure 3:"]
            unwanted = ["2. Judgements over time", "Where it stands"]
        else:
            want = ["1. Abolished", "ceased to exist on", "children's services inspections",
                    "Figure 1:"]
            unwanted = []
        for w in want:
            if w not in flat:
                failures.append("%s: page 1 lacks '%s'" % (name, w))
        for w in unwanted:
            if w in flat:
                failures.append("%s: page 1 has '%s' (the detail)" % (name, w))
        if kind == "summary":
            # After the running header (and the marking, when branded).
            body = [l for l in lines(page(pdf, 2)) if l != "OFFICIAL"][1:]
            if not body or body[0] != "2. Judgements over time":
                failures.append("%s: page 2 starts with %r, not the detail's heading"
                                % (name, body[:1]))
expected = 153 + len(gone) + len(tight)
if checked < expected:
    failures.append("checked %d packs, expected at least %d" % (checked, expected))
for f in failures:
    print(f)
print("%d packs checked, %d failures" % (checked, len(failures)))
sys.exit(1 if failures else 0)
