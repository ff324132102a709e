#!/usr/bin/env python3
"""gen_sheets.py OUTDIR - write the small workbooks test_sheets reads.

Python standard library only (zipfile): each file is written the way
LibreOffice (ODS) or Excel (XLSX) lays it out, reduced to what a case needs.
The expected figures are asserted in tests/test_sheets.c.
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MIME = 'application/vnd.oasis.opendocument.spreadsheet'


def write_zip(name, members, mimetype=None):
    with zipfile.ZipFile(os.path.join(OUT, name), 'w', zipfile.ZIP_DEFLATED) as z:
        if mimetype is not None:  # first and stored, as ODF requires
            z.writestr(zipfile.ZipInfo('mimetype'), mimetype, zipfile.ZIP_STORED)
        for member, data in members:
            z.writestr(member, data)


# ---- ODS cells ----
def s(text, span=0):
    extra = ' table:number-columns-spanned="%d"' % span if span else ''
    return ('<table:table-cell office:value-type="string"%s><text:p>%s</text:p>'
            '</table:table-cell>' % (extra, escape(text)))


def srep(text, n):
    return ('<table:table-cell table:number-columns-repeated="%d" office:value-type="string">'
            '<text:p>%s</text:p></table:table-cell>' % (n, escape(text)))


def d(iso, shown):
    """A date cell: the value typed, the display text in another format."""
    return ('<table:table-cell office:value-type="date" office:date-value="%sT00:00:00">'
            '<text:p>%s</text:p></table:table-cell>' % (iso, shown))


def e(n=1):
    return '<table:table-cell table:number-columns-repeated="%d"/>' % n if n > 1 \
        else '<table:table-cell/>'


def covered(n=1):
    rep = ' table:number-columns-repeated="%d"' % n if n > 1 else ''
    return '<table:covered-table-cell%s/>' % rep


def row(*cells, repeat=0):
    rep = ' table:number-rows-repeated="%d"' % repeat if repeat else ''
    return '<table:table-row%s>%s</table:table-row>' % (rep, ''.join(cells))


def blank_rows(n):
    return row(e(16384), repeat=n)


def sheet(name, *rows):
    return '<table:table table:name="%s">%s</table:table>' % (escape(name), ''.join(rows))


def ods(name, *sheets, manifest_extra=''):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
               '<office:body><office:spreadsheet>%s</office:spreadsheet></office:body>'
               '</office:document-content>' % (ODS_NS, ''.join(sheets)))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml">%s</manifest:file-entry></manifest:manifest>'
                % (ODS_MIME, manifest_extra))
    write_zip(name, [('content.xml', content), ('META-INF/manifest.xml', manifest)], ODS_MIME)


HISTORY_HEADER = ['Web link', 'Local authority area code', 'Local authority name',
                  'Local authority status', 'Ofsted region', 'Inspection date',
                  'Publication date', 'Inspection type', 'Overall effectiveness',
                  'The impact of leaders on social work practice with children and families',
                  'The experiences and progress of children who need help and protection',
                  'The experiences and progress of children in care',
                  'The experiences and progress of care leavers']

# history.ods: a cover sheet; then a title spanning the width (covered cells),
# a note, the header in row 3; Barnet with typed dates shown in US order and four
# grades as one repeated cell; Haringey whose care-leavers cell is covered (empty,
# so not judged); Barnet's 2019 inspection; then a million repeated blank rows of
# 16,384 repeated cells.
ods('history.ods',
    sheet('Cover', row(s('LA inspection outcomes')), blank_rows(20)),
    sheet('ILACS_inspection_history',
          row(s('ILACS inspection history', span=13), covered(12), e(16371)),
          row(s('This worksheet contains one table.'), e(16383)),
          row(*[s(h) for h in HISTORY_HEADER], e(16371)),
          row(s('Ofsted Local Authority Webpage'), s('E09000003'), s('Barnet'), s('Current'),
              s('London'), d('2024-06-10', '06/10/2024'), d('2024-07-23', 'July 23, 2024'),
              s('ILACS Short Inspection'), srep('Good', 4), s('Outstanding'), e(16371)),
          row(s('Ofsted Local Authority Webpage'), s('E09000014'), s('Haringey'), s('Current'),
              s('London'), d('2023-02-13', '13/02/2023'), d('2023-04-11', '11/04/2023'),
              s('ILACS Standard Inspection'), srep('Good', 3),
              s('Requires improvement to be good'), covered(), e(16371)),
          row(s('Ofsted Local Authority Webpage'), s('E09000003'), s('Barnet'), s('Current'),
              s('London'), d('2019-05-13', '13/05/2019'), d('2019-07-01', '01/07/2019'),
              s('ILACS Standard Inspection'), srep('Good', 4), e(16372)),
          row(e(16384), repeat=1048570)))

# repeat.ods: header in row 1, one data row repeated three times (the table lists
# it thrice: one used, two merged with a warning).
ods('repeat.ods',
    sheet('ILACS_inspection_history',
          row(*[s(h) for h in HISTORY_HEADER]),
          row(s('x'), s('E09000003'), s('Barnet'), s('Current'), s('London'),
              d('2024-06-10', '10/06/2024'), d('2024-07-23', '23/07/2024'),
              s('ILACS Short Inspection'), srep('Good', 5), repeat=3)))

# A text date with slashes in a workbook: the cell should be a date.
ods('textdate.ods',
    sheet('ILACS_inspection_history',
          row(*[s(h) for h in HISTORY_HEADER]),
          row(s('x'), s('E09000003'), s('Barnet'), s('Current'), s('London'), s('10/06/2024'),
              s('23/07/2024'), s('ILACS Short Inspection'), srep('Good', 5))))

LA_HEADER = ['Web link', 'Local authority name', 'LA region', 'LA Authority Type',
             'Safeguarding & Looked After Children (SLAC) Inspection publication date',
             'SLAC Safeguarding Overall effectiveness (OE)',
             'SLAC Looked After Children Overall Effectiveness (OE)',
             'Child Protection Inspections (CPI) publication date',
             'CPI Overall Effectiveness (OE)',
             "Single Inspection of LA Children's Services (SIF) First SIF publication date",
             'First SIF Overall Judgement\n(OE)']
LA1 = LA_HEADER + ['First ILACS framework inspection type',
                   'First ILACS framework publication date',
                   'First ILACS framework overall effectiveness']
LA2 = LA_HEADER + ['ILACS framework inspection type', 'ILACS framework publication date',
                   'ILACS framework overall effectiveness']


def la(barnet_ilacs):
    """The 2009-2023 layout: four title/note rows, two tables, repeated groups,
    placeholders ("Not yet inspected" in a date column, "-" for not judged)."""
    return sheet('LA_inspections_2009-2023',
                 row(s("Children's social care data in England 2023 - LA inspections")),
                 row(s('This worksheet contains two tables.')),
                 row(s('Column A includes a link.')),
                 row(s('Some cells are empty.')),
                 row(*[s(h) for h in LA1], e(16370)),
                 row(s('link'), s('Barnet'), s('London'), s('London Borough'),
                     d('2012-02-24', '24/02/2012'), s('Good'), s('Good'), e(2),
                     d('2017-07-07', '07/07/2017'), s('Inadequate'),
                     s('ILACS Standard Inspection'), d('2019-07-01', '01/07/2019'),
                     s(barnet_ilacs)),
                 row(s('link'), s('Wirral'), s('North West'), s('Metropolitan District'),
                     s('Not yet inspected'), s('-'), s('-'), d('2013-05-10', '10/05/2013'),
                     s('Requires improvement to be good'), e(5)),
                 row(e(16384)),
                 row(s('Table 11: authorities that existed before the restructure')),
                 row(*[s(h) for h in LA2]),
                 row(s('link'), s('Northamptonshire'), s('East Midlands'), s('Shire County'),
                     d('2011-05-06', '06/05/2011'), s('Requires improvement to be good'),
                     s('Requires improvement to be good'), d('2013-03-20', '20/03/2013'),
                     s('Inadequate'), d('2016-04-27', '27/04/2016'),
                     s('Requires improvement to be good'), s('ILACS Standard Inspection'),
                     d('2019-07-29', '29/07/2019'), s('Inadequate')),
                 row(e(16384), repeat=1000))


ods('twotables.ods', la('Good'))
ods('conflict.ods', la('Inadequate'))

# nomatch.ods: no sheet has a header a profile knows; one comes close.
ods('nomatch.ods',
    sheet('Cover', row(s('Title'))),
    sheet('Data', row(s('Local authority area code'), s('Inspection date'),
                      s('Overall effectiveness')),
          row(s('E09000003'), d('2024-06-10', '10/06/2024'), s('Good'))))

# encrypted.ods: the manifest says the content is encrypted.
ods('encrypted.ods', sheet('Data', row(s('x'))),
    manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1" '
                   'manifest:checksum="AAAA"/>')

write_zip('text.odt', [('content.xml', '<x/>')], 'application/vnd.oasis.opendocument.text')
write_zip('apple.numbers', [('Index/Document.iwa', b'\0\1\2'), ('Metadata/x.plist', '<x/>')])
write_zip('other.zip', [('readme.txt', 'hello')])
write_zip('badxml.ods', [('content.xml', '<office:document-content %s><office:body>'
                          '<office:spreadsheet><table:table table:name="Data">'
                          '<table:table-row><table:table-cell' % ODS_NS)], ODS_MIME)
with open(os.path.join(OUT, 'corrupt.ods'), 'wb') as f:
    f.write(b'PK\x03\x04' + bytes(range(256)) * 4)

# ---- XLSX ----
X_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
strings = []


def sst(text):
    if text not in strings:
        strings.append(text)
    return strings.index(text)


def xs(ref, text):
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, sst(text))


def xinline(ref, text):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(text))


def xdate(ref, serial, style):
    return '<c r="%s" s="%d"><v>%d</v></c>' % (ref, style, serial)


def xrow(r, *cells):
    return '<row r="%d">%s</row>' % (r, ''.join(cells))


def col(i):
    name = ''
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


# history.xlsx: the same Barnet and Haringey rows; dates are serial numbers whose
# style carries a custom "dd/mm/yyyy" (id 164) or built-in (14) date format; grades
# as shared and inline strings; the title in row 1, the header in row 3 (row 2 is
# left out of the file); Haringey's care-leavers cell left out (an empty column).
header = xrow(3, *[xs(col(i) + '3', h) for i, h in enumerate(HISTORY_HEADER)])
barnet = xrow(4, xs('A4', 'x'), xs('B4', 'E09000003'), xs('C4', 'Barnet'),
              xs('D4', 'Current'), xs('E4', 'London'), xdate('F4', 45453, 1),
              xdate('G4', 45496, 2), '<c r="H4" t="str"><v>ILACS Short Inspection</v></c>',
              xs('I4', 'Good'), xinline('J4', 'Good'), xs('K4', 'Good'), xs('L4', 'Good'),
              xs('M4', 'Outstanding'))
haringey = xrow(5, xs('A5', 'x'), xs('B5', 'E09000014'), xs('C5', 'Haringey'),
                xs('E5', 'London'), xdate('F5', 44970, 1), xdate('G5', 45027, 1),
                xs('H5', 'ILACS Standard Inspection'), xs('I5', 'Good'), xs('J5', 'Good'),
                xs('K5', 'Good'), xs('L5', 'Requires improvement to be good'))
sheet2 = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s%s%s%s'
          '</sheetData></worksheet>' % (X_NS, xrow(1, xs('A1', 'ILACS inspection history')),
                                        header, barnet, haringey))
sheet1 = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData>'
          '</worksheet>' % (X_NS, xrow(1, xs('A1', 'Notes'))))
shared = ('<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d" uniqueCount="%d">%s</sst>'
          % (X_NS, len(strings), len(strings),
             ''.join('<si><t xml:space="preserve">%s</t></si>' % escape(t) for t in strings)))
styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet %s><numFmts count="1">'
          '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
          '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>'
          '</styleSheet>' % X_NS)
workbook = ('<?xml version="1.0" encoding="UTF-8"?><workbook %s %s><sheets>'
            '<sheet name="Notes" sheetId="1" r:id="rId1"/>'
            '<sheet name="ILACS_inspection_history" sheetId="2" r:id="rId2"/></sheets></workbook>'
            % (X_NS, R_NS))
rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        '</Relationships>')
types = ('<?xml version="1.0" encoding="UTF-8"?><Types '
         'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="xml" ContentType="application/xml"/></Types>')
write_zip('history.xlsx', [('[Content_Types].xml', types), ('xl/workbook.xml', workbook),
                           ('xl/_rels/workbook.xml.rels', rels), ('xl/sharedStrings.xml', shared),
                           ('xl/styles.xml', styles), ('xl/worksheets/sheet1.xml', sheet1),
                           ('xl/worksheets/sheet2.xml', sheet2)])

# skip.ods: sheets no profile names are passed by unparsed after their first
# rows. "Providers" has header rows in a group, a comment and CDATA that look like
# a sheet's end, '>' inside attribute values, a row group and a nested table; the
# sheets after it must be read whole and right. "Long" holds a long table in its
# first rows (read); "Late" has one past them (never reached).
odd = ('<table:table-row><table:table-cell office:value-type="string">'
       '<text:p><text:a xlink:href="https://x/?a>b" xmlns:xlink="http://www.w3.org/1999/xlink">'
       'link</text:a></text:p></table:table-cell></table:table-row>')
providers = ('<table:table table:name="Providers &amp; places">'
             '<table:table-header-rows>' + row(s('URN'), s('Provider')) +
             '</table:table-header-rows>' + odd * 50 +
             '<!-- </table:table> --><![CDATA[ </table:table> ]]>' +
             '<table:table-row-group>' + row(s('1'), s('a')) * 40 + '</table:table-row-group>' +
             row('<table:table-cell><table:table table:name="inner">' + row(s('z')) +
                 '</table:table></table:table-cell>') * 20 +
             row(s('last')) + '</table:table>')
ods('skip.ods',
    providers,
    sheet('Long', row(s('authority'), s('year'), s('regime'), s('judgement'), s('grade')),
          row(s('Barnet'), '<table:table-cell office:value-type="float" office:value="2007">'
              '<text:p>2007</text:p></table:table-cell>', s('apa'), s('staying_safe'),
              s('Good'))),
    sheet('Late', *([row(s('note'))] * 40 +
                    [row(s('authority'), s('year'), s('regime'), s('judgement'), s('grade')),
                     row(s('Haringey'), s('2007'), s('apa'), s('staying_safe'), s('Good'))])),
    sheet('ILACS_inspection_history',
          row(*[s(h) for h in HISTORY_HEADER]),
          row(s('x'), s('E09000003'), s('Barnet'), s('Current'), s('London'),
              d('2024-06-10', '10/06/2024'), d('2024-07-23', '23/07/2024'),
              s('ILACS Short Inspection'), srep('Good', 5))))
