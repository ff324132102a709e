#!/usr/bin/python3
"""onepage.py BINARY SOFFICE OUTDIR BRANDING_INI - the Word pack's summary is on
one A4 page when LibreOffice lays it out.

Writes the Word packs of a few authorities (a long one, Kent; reorganised ones,
North Northamptonshire and Westmorland and Furness; those with the least room
left on page 1 when all 153 were converted: Kingston upon Hull, Barking and
Dagenham, North East Lincolnshire, 21 pt to spare), plain and with the
fictional council's branding (marking at the top and bottom of every page,
logo in the running header), converts each
with `soffice --headless --convert-to pdf` and checks with pdftotext that page 1
holds the whole summary (its heading, the next-inspection and visits rows,
and the caption of each of its three figures, set under the figure) and
nothing of the detail, and that page 2 starts with the detail's first heading.
The figures' data tables are at the end ("Data for the summary's figures").
Exit 77 (skipped) when LibreOffice is not installed, unless CI or
GB_REQUIRE_OFFICE is set; 1 with one line per failure."""
import os
import shutil
import subprocess
import sys

binary, soffice, out, ini = sys.argv[1:5]
if not soffice or soffice.endswith("NOTFOUND") or shutil.which(soffice) is None:
    if os.environ.get("CI") or os.environ.get("GB_REQUIRE_OFFICE"):
        sys.exit("onepage.py: LibreOffice is not installed (scripts/install-deps installs it)")
    print("onepage.py: skipped: LibreOffice is not installed")
    sys.exit(77)

AUTHORITIES = ["Kent", "North Northamptonshire", "Westmorland and Furness",
               "Bournemouth, Christchurch and Poole", "Barnet", "Cheshire West and Chester",
               "Bath and North East Somerset", "Kingston upon Hull", "Barking and Dagenham",
               "North East Lincolnshire"]
BRANDED = ["Kent", "North Northamptonshire", "Westmorland and Furness",
           "Bournemouth, Christchurch and Poole"]


def packs(folder, names, extra=()):
    args = [binary, "packs", "-q", "--formats", "docx", "-o", folder] + list(extra)
    for n in names:
        args += ["--authority", n]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gradebrief packs: exit %d: %s" % (r.returncode, r.stderr))
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".docx"))


def page(pdf, n):
    text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"],
                          capture_output=True, text=True, check=True).stdout
    return [l.strip() for l in text.splitlines() if l.strip()]


shutil.rmtree(out, ignore_errors=True)
plain = packs(os.path.join(out, "plain"), AUTHORITIES)
branded = packs(os.path.join(out, "branded"), BRANDED, ["-c", ini])
pdfdir = os.path.join(out, "pdf")
failures = []
for kind, files in (("plain", plain), ("branded", branded)):
    dest = os.path.join(pdfdir, kind)
    os.makedirs(dest)
    # A profile of its own, so a desktop LibreOffice (or a second run) does not interfere.
    subprocess.run([soffice, "-env:UserInstallation=file://" + os.path.abspath(out) + "/profile",
                    "--headless", "--convert-to", "pdf", "--outdir", dest] + files,
                   capture_output=True, timeout=400, env=dict(os.environ, HOME=out))
    for docx in files:
        name = os.path.basename(docx)[:-5]
        pdf = os.path.join(dest, name + ".pdf")
        label = "%s/%s" % (kind, name)
        if not os.path.exists(pdf):
            failures.append("%s: LibreOffice made no PDF" % label)
            continue
        first = " ".join(page(pdf, 1))
        for want in ["1. Summary as at", "Next inspection (estimate)",
                     "Focused and monitoring visits", "Figure 1:", "Figure 2:", "Figure 3:"]:
            if want not in first:
                failures.append("%s: page 1 lacks '%s'" % (label, want))
        for unwanted in ["2. Judgements over time", "Data for figure"]:
            if unwanted in first:
                failures.append("%s: page 1 has '%s'" % (label, unwanted))
        # After the running header (and the marking, when branded).
        body = [l for l in page(pdf, 2) if l != "OFFICIAL"][1:]
        if not body or body[0] != "2. Judgements over time":
            failures.append("%s: page 2 starts with %r, not the detail's heading" % (label, body[:1]))
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        for want in ["Data for the summary\u2019s figures", "Data for figure 1:",
                     "Data for figure 3:"]:
            if want not in text:
                failures.append("%s: no '%s' after the summary" % (label, want))
for f in failures:
    print(f)
print("onepage.py: %d Word packs checked, %d failures" % (len(plain) + len(branded), len(failures)))
sys.exit(1 if failures else 0)
