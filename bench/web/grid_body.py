#!/usr/bin/env python3
"""bench/web/grid_body.py GRID.html CSRF OUT-PREFIX - the bodies a browser
posts for a department scorer's grid page (web_dept.c), urlencoded as
browsers do ('*' kept, space as '+'): OUT-PREFIX.shown holds every field
as the page shows it (input values, the selected option, the notes'
text); OUT-PREFIX.empty the same fields with the values left empty and
the notes as shown (nothing to write: the server's form reading alone).
Prints "FIELDS BYTES-SHOWN BYTES-EMPTY"."""
import html.parser
import sys
import urllib.parse


class Grid(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []          # [name, value, is_note]
        self.select = None
        self.first = None
        self.note = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get('name', '')
        if tag == 'input' and name[:2] == 'v*':
            self.fields.append([name, a.get('value', ''), False])
        elif tag == 'select' and name[:2] == 'v*':
            self.select = [name, None, False]
            self.fields.append(self.select)
            self.first = None
        elif tag == 'option' and self.select is not None:
            v = a.get('value', '')
            if self.first is None:
                self.first = v
            if 'selected' in a:
                self.select[1] = v
        elif tag == 'textarea' and name[:2] == 'n*':
            self.note = [name, '', True]
            self.fields.append(self.note)

    def handle_endtag(self, tag):
        if tag == 'select' and self.select is not None:
            if self.select[1] is None:
                self.select[1] = self.first or ''
            self.select = None
        elif tag == 'textarea':
            self.note = None

    def handle_data(self, data):
        if self.note is not None:
            self.note[1] += data


def enc(s):
    return urllib.parse.quote_plus(s, safe='*-._')


def main():
    page, csrf, out = sys.argv[1], sys.argv[2], sys.argv[3]
    g = Grid()
    with open(page, encoding='utf-8') as f:
        g.feed(f.read())
    sizes = []
    for kind in ('shown', 'empty'):
        parts = ['csrf=' + enc(csrf)]
        for name, value, note in g.fields:
            v = value if kind == 'shown' or note else ''
            parts.append(enc(name) + '=' + enc(v))
        body = '&'.join(parts).encode('ascii')
        with open(out + '.' + kind, 'wb') as f:
            f.write(body)
        sizes.append(len(body))
    print(len(g.fields) + 1, sizes[0], sizes[1])


main()
