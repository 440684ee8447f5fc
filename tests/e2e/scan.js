// tests/e2e/scan.js - the page scan of issue 11: a page a person reads is
// Chinese, with names, not English messages or raw codes the person did
// not type.
//
// How to call it from an e2e file (tests/e2e/NAME.js):
//
//   const scan = require('./scan');
//   const seen = scan.scanner({
//     codes: ['jd', 'xx', 'insp1'],   // unit ids and logins of the test's
//                                     // data: shown only where typed
//   });
//   ...
//   await seen.page(page, 'unit jd1: self-check form', { typed: ['jd1'] });
//   ...
//   seen.finish();   // throws listing every page that failed (after the
//                    // journey, so one run shows them all)
//
// `typed` are the words the test itself typed that this page may show
// (a note, a file name, the login on the users page).  What a page
// shows that scan.KNOWN lists for its label is reported but does not
// fail: the pages other branches are converting; the lead empties that
// list as they land.  scan.scanText(text, opts) is the checker itself: it
// returns the offending runs of a page's visible text, each with why.
'use strict';

// KNOWN: what pages of other branches may show for now while they are
// converted.  Each row: the page's label as passed to page() ('*' for
// every page, or a RegExp), the runs it may show ('*codes': the test's
// unit ids, '*utc': a UTC time, '*hash': a rubric's hash or its first 12
// digits), and whose file shows them.  Empty since issue 11's last
// pages landed (the header, the admin's year pages, the users page, the
// refused entry, evidence times, the score sheet): keep it empty.
const KNOWN = [];

// Is run on the page with this label known (KNOWN)?
function isKnown(label, run, why, codes) {
  return KNOWN.some((k) => (k.page === '*' || k.page === label ||
    (k.page instanceof RegExp && k.page.test(label))) &&
    (k.shows.includes(run) || (k.shows.includes('*codes') && codes.has(run)) ||
     (k.shows.includes('*utc') && /T…Z/.test(why)) ||
     (k.shows.includes('*hash') && /^[0-9a-f]{12,64}$/.test(run))));
}

// Words a Chinese page may hold in ASCII: formats, units, the product.
const ALLOWED_WORDS = new Set([
  'PDF', 'DOCX', 'docx', 'pdf', 'XLSX', 'xlsx', 'CSV', 'csv', 'JSON', 'YAML',
  'HTML', 'SVG', 'Excel', 'Word', 'WPS', 'UTF-8', 'GB18030', 'kaohe', 'ZIP',
  'zip', 'png', 'jpg', 'PNG', 'JPG', 'MiB', 'KiB', 'MB', 'KB', 'A4',
  'YYYY-MM-DD', 'HH:MM', 'QQ',
]);

// Ids that are codes wherever they appear (roles, year states, phases).
const ROLE_IDS = ['admin', 'inspector', 'auditor', 'unit', 'clerk', 'leader'];
const STATE_IDS = ['draft', 'self_check', 'inspection', 'review', 'published',
  'closed'];
const PHASE_IDS = ['self'];

// Patterns that are never for a person: data paths, UTC stamps, audit
// action ids, rubric hashes.
const PATTERNS = [
  [/\b[A-Za-z0-9_.-]+\/[0-9.]+\/(self|inspection)(\.[a-z_]+)*/g, 'an entry\'s data path'],
  [/\b[a-z_]+\[\d+\](\.[a-z_]+)*/g, 'a data path'],
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?Z\b/g, 'a UTC time stamp (T…Z)'],
  [/\b[a-z]+(\.[a-z_]+)+\b/g, 'an action or field id'],
  [/\b[0-9a-f]{32,}\b/g, 'a hash'],
];

// A run of ASCII words: letters, digits and the joiners of ids and paths.
const RUN = /[A-Za-z0-9_][A-Za-z0-9_.:/\-[\]]*(?:[ \t]+[A-Za-z0-9_][A-Za-z0-9_.:/\-[\]]*)*/g;

// Numbers, item numbers (2.2), dates, times, sizes, versions: fine.
function isNumeric(w) {
  return /^[-+]?[0-9][0-9.,:/\-]*(%|[A-Za-z]{0,3})?$/.test(w);
}

// The offending runs of text: [{run, why}].
//   opts.typed  words the test typed that this page may show
//   opts.codes  ids of the test's data (units, logins): flagged unless typed
function scanText(text, opts = {}) {
  const typed = new Set(opts.typed || []);
  const codes = new Set([...(opts.codes || []), ...ROLE_IDS, ...STATE_IDS, ...PHASE_IDS]);
  const found = [];
  // What the test typed may show as typed: blank it out first.
  for (const t of [...typed].sort((x, y) => y.length - x.length))
    if (t) text = text.split(t).join(' ');
  // The documents' verification code (核验码 SEQ-HHHHHHHH: the audit
  // head, issue 11 item 3) is printed for people to compare.
  text = text.replace(/(^|[^A-Za-z0-9_.-])\d+-[0-9a-f]{8}(?![A-Za-z0-9_])/g, '$1 ');
  for (const [re, why] of PATTERNS) {
    text = text.replace(re, (m) => {
      if (ALLOWED_WORDS.has(m)) return m;
      found.push({ run: m, why });
      return ' ';
    });
  }
  for (const m of text.matchAll(RUN)) {
    const words = m[0].split(/[ \t]+/);
    let english = false;
    for (const w of words) {
      if (ALLOWED_WORDS.has(w) || isNumeric(w)) continue;
      if (codes.has(w))
        found.push({ run: w, why: 'a raw code (a unit id, login, role or state)' });
      else if (/[A-Za-z]{2,}/.test(w))
        english = true;
    }
    if (english)
      found.push({ run: m[0], why: words.length > 1 ? 'English text' : 'an English word or code' });
  }
  // one line per distinct run
  const seen = new Set();
  return found.filter((f) => {
    const k = f.run + '\u0000' + f.why;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// What a person sees of a page: its title and the rendered text.
async function visibleText(page) {
  return (await page.title()) + '\n' + (await page.innerText('body'));
}

// A scanner for one journey: page() records, finish() throws.
function scanner(defaults = {}) {
  const failures = [];
  const known = [];
  let pages = 0;
  return {
    async page(page, label, opts = {}) {
      pages++;
      const text = await visibleText(page);
      const codes = [...(defaults.codes || []), ...(opts.codes || [])];
      const bad = scanText(text, {
        typed: [...(defaults.typed || []), ...(opts.typed || [])],
        codes,
      });
      const codeSet = new Set(codes);
      const where = `${label} (${new URL(page.url()).pathname})`;
      const line = (list) => `${where}: ` +
        list.map((b) => `${JSON.stringify(b.run)} ${b.why}`).join('; ');
      const isK = (b) => isKnown(label, b.run, b.why, codeSet);
      const k = bad.filter(isK), f = bad.filter((b) => !isK(b));
      if (k.length) known.push(line(k));
      if (f.length) failures.push(line(f));
      return f;
    },
    finish() {
      for (const k of known) console.log(`  scan, known (scan.KNOWN): ${k}`);
      console.log(`  scan: ${pages} pages, ${failures.length} failing, ${known.length} with known runs`);
      if (failures.length)
        throw new Error('pages show English or raw codes:\n  ' + failures.join('\n  '));
    },
  };
}

module.exports = { scanText, scanner, KNOWN, ALLOWED_WORDS };
