// tests/e2e/print.js KAOHE SCREENS - the printable pages keep their layout
// in the web app (issue 11 item 3): playwright-core drives Debian's
// chromium through `kaohe serve` on a published year.
//   1. the result notice, one score sheet and the follow-up report, as
//      each role that may read them, at 1280 and 375 px wide: no style
//      refused by the Content-Security-Policy, table cells with borders,
//      the Chinese date (2026年12月6日) and a verification code;
//      a screenshot of each under SCREENS;
//   2. each page printed to PDF (page.pdf) and rendered by pdftoppm: the
//      image must hold long dark horizontal lines (the table borders);
//      the same page printed with /static/print.css blocked must hold
//      none, so the check fails when the styles do not apply;
//   3. the code printed on the page passes `kaohe audit verify --head`,
//      a changed one does not.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS print).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const lib = require('./lib');

const NOW = '1796558400';            // 2026-12-06 20:00 in Beijing
const DATE_CN = '2026年12月6日';
// A row of the rendered page counts as a border when a run of dark
// pixels covers this share of the page's width (text never does).
const LINE_SHARE = 0.5;

const t = lib.harness('print', { env: { KAOHE_NOW: NOW } });
const { expect, cli } = t;
const tmp = t.tmp;
const SCREENS = t.SCREENS;

// The CLI, throwing its own error (for a run expected to fail).
function run(args) {
  return execFileSync(t.KAOHE, [...args, '--db', t.DB], {
    env: { ...t.env, KAOHE_USER: 'setup' }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// A person at a width, the page's refused styles collected (cspErrors).
async function login(base, user, width) {
  const page = await t.newPage({ width, height: width < 500 ? 812 : 900, phone: width < 500 });
  page.cspErrors = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to apply/i.test(m.text())) page.cspErrors.push(m.text());
  });
  await page.goto(base + '/login');
  await t.loginOn(page, user);
  expect(page.url() === base + '/', `${user}: the login led to ${page.url()}`);
  return page;
}

// Dark horizontal lines of a PDF's first page: pdftoppm renders it in
// grey (PGM, 60 dpi); a row counts when one run of dark pixels covers
// LINE_SHARE of the width.
function borderRows(pdf) {
  const out = path.join(tmp, 'page');
  execFileSync('pdftoppm', ['-gray', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, out]);
  const img = fs.readFileSync(out + '.pgm');
  const head = img.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  expect(head, 'pdftoppm wrote no PGM');
  const [w, h] = [Number(head[1]), Number(head[2])];
  const px = img.subarray(head[0].length);
  let rows = 0;
  for (let y = 0; y < h; y++) {
    let run = 0, best = 0;
    for (let x = 0; x < w; x++) {
      run = px[y * w + x] < 128 ? run + 1 : 0;
      if (run > best) best = run;
    }
    if (best >= w * LINE_SHARE) rows++;
  }
  return rows;
}

async function printed(page, name, blocked) {
  const file = path.join(tmp, `${name}${blocked ? '-blocked' : ''}.pdf`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: file, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  if (!blocked) fs.copyFileSync(file, path.join(SCREENS, `${name}.pdf`));
  return file;
}

// One printable page as one role at one width.
async function check(base, user, width, url, name) {
  const page = await login(base, user, width);
  const resp = await page.goto(base + url);
  expect(resp.status() === 200, `${user} ${url}: expected 200, got ${resp.status()}`);
  expect(page.cspErrors.length === 0, `${user} ${url}: ${page.cspErrors.join('; ')}`);
  const border = await page.$eval('td', (td) => getComputedStyle(td).borderTopStyle);
  expect(border === 'solid', `${user} ${url}: table cells without borders (${border})`);
  const font = await page.$eval('body', (b) => getComputedStyle(b).fontFamily);
  expect(/SimSun|Songti|Noto Serif CJK/.test(font), `${user} ${url}: print font not applied (${font})`);
  const text = await page.textContent('body');
  expect(text.includes(DATE_CN), `${user} ${url}: no Chinese date ${DATE_CN}`);
  expect(!/\d{4}-\d{2}-\d{2}/.test(text), `${user} ${url}: an ISO date is shown`);
  const code = await page.textContent('.foot .code');
  expect(/^\d+-[0-9a-f]{8}$/.test(code), `${user} ${url}: verification code "${code}"`);
  expect(!/ideology-2020@|[0-9a-f]{64}/.test(text), `${user} ${url}: a hash is shown`);
  const shot = path.join(SCREENS, `${name}-${user}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`  ${user} ${url} at ${width}px: ok (${path.relative(process.cwd(), shot)})`);
  return { page, code };
}

async function pdfBorders(base, url, name) {
  const { page, code } = await check(base, 'admin1', 1280, url, name);
  const good = borderRows(await printed(page, name, false));
  expect(good >= 5, `${name}: the PDF shows ${good} table border lines, expected at least 5`);
  await page.route('**/static/print.css', (r) => r.abort());
  await page.reload();
  const bare = borderRows(await printed(page, name, true));
  expect(bare < 2, `${name}: the check sees ${bare} lines without the stylesheet`);
  const txt = execFileSync('pdftotext', [path.join(SCREENS, `${name}.pdf`), '-'], { encoding: 'utf8' });
  expect(txt.includes('核验码') && txt.includes(code), `${name}: PDF text lacks the code ${code}`);
  console.log(`  ${name}.pdf: ${good} border lines; ${bare} with the stylesheet blocked`);
  await page.context().close();
  return code;
}

async function main() {
  cli('init');
  cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('year', 'open', '2025', '--rubric', 'ideology-2020');
  cli('import', 'assessment', 'examples/college-2025.yaml');
  for (let i = 0; i < 4; i++) cli('year', 'advance', '2025');
  cli('user', 'add', 'admin1', '--role', 'admin');
  cli('user', 'add', 'aud1', '--role', 'auditor');
  cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');

  const base = await t.start();
  const pages = [
    ['/years/2025/notice', 'notice', ['admin1', 'aud1']],
    ['/years/2025/units/jd/sheet', 'sheet-jd', ['admin1', 'aud1', 'jd1']],
    ['/years/2025/followup/report', 'followup', ['admin1', 'aud1']],
  ];
  console.log('1. each page as each role, 1280 and 375 px');
  for (const [url, name, users] of pages)
    for (const user of users)
      for (const width of [1280, 375])
        await (await check(base, user, width, url, name)).page.context().close();

  console.log('2. printed to PDF: borders present, absent when the sheet is blocked');
  const codes = [];
  for (const [url, name] of pages) codes.push(await pdfBorders(base, url, name));

  console.log('3. the verification code checks out');
  run(['audit', 'verify', '--head', codes[0]]);
  const wrong = codes[0].replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  let refused = false;
  try {
    run(['audit', 'verify', '--head', wrong]);
  } catch (e) {
    refused = e.status === 1 && /rewritten/.test(e.stderr);
  }
  expect(refused, `a changed code ${wrong} passes kaohe audit verify`);
  console.log('print e2e: ok');
}

lib.run(t, main);
