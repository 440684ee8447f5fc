// tests/e2e/phone.js KAOHE SCREENS - the last pages that failed on a
// phone, as each role at 1366 and 375 px (docs/DESIGN.md, "Pages on a
// phone and by keyboard"):
//   1. the A4 documents (notice, compilation, score sheet, follow-up
//      report, visit timetable) are no wider than a 375 px screen, offer
//      their PDF and Word files on screen, and still print as A4 (the
//      print media keeps the page at its A4 type width, the PDF is A4);
//   2. the questionnaire tally at 375 px: every option's count and
//      percentage is in the text (not only in the drawing), no bar or
//      label is wider than the screen, labels do not overlap;
//   3. the rubric diff of two versions names every change in Chinese:
//      no file key (max, terms, weight, title, ...), items by number and
//      text, scores as 2.50 分;
//   4. a unit user's own pages show no store numbers: no row ids,
//      versions, hashes, logins or UTC time stamps.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS phone).
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const YEAR = 2025;
const NOW = '1767225600';           // 2026-01-01 08:00 in Beijing
const t = lib.harness('phone', { env: { KAOHE_NOW: NOW }, chineseBrowser: true });
const { expect } = t;
const WIDTHS = [1366, 375];
const PEOPLE = { admin1: ['admin', '周敏'], insp1: ['inspector', '张伟'],
  aud1: ['auditor', '孙丽'], jd1: ['unit', '李强', 'jd'], wlzx1: ['unit', '王芳', 'wlzx'] };
const problems = [];
const note = (p) => { problems.push(p); console.log(`  problem: ${p}`); };

// The page at 375 px: its width, and whether any element sticks out.
async function phoneWidth(page, label) {
  const vp = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  if (w > 375) {
    const out = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > 376)
      .slice(0, 4).map((el) => `${el.tagName.toLowerCase()}.${el.className}`).join(', '));
    note(`${label}: ${w}px wide at 375 (${out})`);
  }
  await page.setViewportSize(vp);
}

async function shoot(page, label) {
  await t.shot(page, label.replace(/[^A-Za-z0-9]+/g, '-'), { widths: WIDTHS });
}

// 1. An A4 document: fits the phone, links its files, prints as A4.
async function a4(page, url, label, files) {
  const resp = await page.goto(t.base + url);
  expect(resp.status() === 200, `${label}: ${url} answered ${resp.status()}`);
  await shoot(page, label);
  await phoneWidth(page, label);
  for (const ext of files) {
    const n = await page.locator(`a[href="${url}.${ext}"]`).count();
    if (n !== 1) note(`${label}: no link to its .${ext} file on the page`);
  }
  // print, from the phone: the A4 sheet's rules (10.5 pt body, the
  // notice's category columns, fixed score sheet columns), not the
  // phone's, and the bar of downloads is not printed.  e2e.print checks
  // the printed PDF itself.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.emulateMedia({ media: 'print' });
  const pr = await page.evaluate(() => {
    const shown = (sel) => [...document.querySelectorAll(sel)].filter((el) => getComputedStyle(el).display !== 'none').length;
    const sheet = document.querySelector('table.sheet');
    return { font: getComputedStyle(document.body).fontSize,
      bar: shown('nav.files'), cat: document.querySelectorAll('.cat').length - shown('.cat'),
      layout: sheet ? getComputedStyle(sheet).tableLayout : 'fixed' };
  });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1366, height: 768 });
  if (Math.abs(parseFloat(pr.font) - 14.3) > 0.5) note(`${label}: printed in ${pr.font}, not the A4 sheet's 10.5-11 pt`);
  if (pr.bar) note(`${label}: the download links are printed`);
  if (pr.cat) note(`${label}: ${pr.cat} category cells left out of the print`);
  if (pr.layout !== 'fixed') note(`${label}: the score sheet prints without its fixed columns`);
  // on the phone the notice leaves the category columns out (as its 公文)
  if (files.length) {
    await page.setViewportSize({ width: 375, height: 812 });
    const hidden = await page.evaluate(() => [...document.querySelectorAll('.cat')].filter((el) => getComputedStyle(el).display === 'none').length);
    const cats = await page.evaluate(() => document.querySelectorAll('.cat').length);
    await page.setViewportSize({ width: 1366, height: 768 });
    if (hidden !== cats) note(`${label}: ${cats - hidden} category cells shown on a phone`);
  }
}

// 2. The tally at 375 px: the numbers in the text, nothing overlapping.
async function tallyChecks(page, label) {
  await page.setViewportSize({ width: 375, height: 812 });
  const r = await page.evaluate(() => {
    const text = document.querySelector('main').innerText;
    const boxes = [...document.querySelectorAll('main svg text, main .bar-label, main .bar-num')]
      .map((el) => el.getBoundingClientRect()).filter((b) => b.width > 0);
    let overlap = 0;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlap++;
      }
    const svgText = [...document.querySelectorAll('main svg text')].map((el) => el.textContent);
    return { text, overlap, svgText, pct: (text.match(/\d+(\.\d+)?%/g) || []).length };
  });
  await page.setViewportSize({ width: 1366, height: 768 });
  if (r.overlap) note(`${label}: ${r.overlap} pairs of chart labels overlap at 375 px`);
  if (!r.pct) note(`${label}: no percentage in the page's text`);
  // every number the drawing shows is in the text too
  const missing = r.svgText.filter((s) => /\d/.test(s) && !r.text.replace(/\s+/g, ' ').includes(s.trim()));
  if (missing.length) note(`${label}: numbers only in the drawing: ${missing.slice(0, 5).join(', ')}`);
}

// 3. The rubric diff: Chinese only, items by number and text, scores in 分.
const KEYS = /\b(max|terms|weight|title|kinds?|category|start|standard|text|points|per|cap|step|roster|below|options|level|base_max|bonus_max|bottom_n|not_applicable|prorate|raw|name|id|document|changed|removed|added|order)\b/;

// 4. Store numbers a unit user must not see.
const STORE_NUMBERS = [
  [/\b[0-9a-f]{12,64}\b/, 'a hash'],
  [/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z?/, 'a UTC time stamp'],
  [/(版本|version|v)\s*#?\d+/i, 'a version number'],
  [/#\d+/, 'a row number'],
  [/\d{4}-\d\d-\d\d/, 'a date as the store keeps it'],
  [/\b(jd1|wlzx1)\b/, 'a login'],
  [/\b(jd|wlzx)\b/, 'a unit code'],
  [/\b(praised|article|project)\b/, 'a bonus kind\'s code'],
];

async function storeNumbers(page, url, label) {
  const resp = await page.goto(t.base + url);
  expect(resp.status() === 200, `${label}: ${url} answered ${resp.status()}`);
  await shoot(page, label);
  await phoneWidth(page, label);
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  for (const [re, what] of STORE_NUMBERS) {
    const m = text.match(re);
    if (m) note(`${label}: shows ${what}: "${text.slice(Math.max(0, m.index - 20), m.index + m[0].length + 10).replace(/\s+/g, ' ')}"`);
  }
}

async function login(user, o = {}) {
  const page = await t.login(user, { width: 1366, height: 768, ...o });
  expect((await page.textContent('#who')).includes(PEOPLE[user][1]), `${user}: not logged in`);
  return page;
}

// A second version of the rubric: a title, a max, a term's points, the
// bottom count, the proration and a kind's name changed.
function changedRubric() {
  const src = fs.readFileSync('rubrics/ideology-2020.yaml', 'utf8');
  const out = src
    .replace('title: 意识形态工作责任制考核评分体系（试行）', 'title: 意识形态工作责任制考核评分体系（2026年修订）')
    .replace('bottom_n: 3 ', 'bottom_n: 2 ')
    .replace('not_applicable: prorate', 'not_applicable: raw')
    .replace('{id: office, name: 处室}', '{id: office, name: 职能部门}')
    .replace('{input: documents, kind: check, label: 印证文件, points: 3}',
      '{input: documents, kind: check, label: 印证文件, points: 2.5}')
    .replace(/(id: "1\.1"[\s\S]*?max: )3/, '$12.5')
    .replace(/(id: "1\.2"[\s\S]*?max: )2/, '$12.5');
  expect(out !== src, 'the rubric copy did not change');
  const f = path.join(t.tmp, 'ideology-2026.yaml');
  fs.writeFileSync(f, out);
  return f;
}

async function main() {
  t.cli('init');
  t.cli('user', 'add', 'admin1', '--role', 'admin', '--display-name', '宣传部 周敏');
  t.cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  t.cli('year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  t.cli('import', 'assessment', 'examples/college-2025.yaml');
  for (const [u, [role, name, unit]] of Object.entries(PEOPLE)) {
    if (u === 'admin1') continue;
    t.cli('user', 'add', u, '--role', role, ...(unit ? ['--unit', unit] : []),
      '--display-name', name);
  }
  t.cli('user', 'assign', 'insp1', '--year', String(YEAR), '--unit', 'jd');
  t.cli('visit', 'add', '--year', String(YEAR), '--unit', 'jd', '--at', '2025-12-10 09:00',
    '--place', '机电楼301', '--lead', 'insp1', '--planned', 'symposium,interview');
  t.cli('year', 'advance', String(YEAR));
  // a bottom office (wlzx) files a bonus claim, approved in inspection
  t.cliAs('wlzx1', 'claim', 'add', '--year', String(YEAR), '--unit', 'wlzx', '--kind', 'article',
    '--description', '在《思想教育研究》发表理论文章一篇');
  t.cli('year', 'advance', String(YEAR));
  t.cliAs('admin1', 'claim', 'decide', '--year', String(YEAR), '--id', '1', '--approve',
    '--points', '1', '--reason', '文章已核实');
  t.cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
  t.cli('questionnaire', 'round', 'open', '--year', String(YEAR), '--questionnaire',
    'ideology-2020-students', '--audience', '学生', '--unit', 'jd,xx,jg', '--min', '2');
  t.cli('questionnaire', 'import-responses', 'tests/data/questionnaire/paper-suggest.csv', '--round', '1');
  t.cli('year', 'advance', String(YEAR));
  t.cli('year', 'advance', String(YEAR), '--allow-missing');
  t.cli('rubric', 'import', changedRubric());
  // its reminder talk, a rectification item and its report
  t.cliAs('admin1', 'followup', 'talk', 'add', '--year', String(YEAR), '--unit', 'wlzx',
    '--date', '2025-12-28', '--by', '党委副书记 刘涛', '--to', '处长 陈刚', '--summary', '指出宣传栏管理薄弱');
  t.cliAs('admin1', 'followup', 'item', 'add', '--year', String(YEAR), '--unit', 'wlzx',
    '--text', '完善宣传栏审批制度', '--deadline', '2026-03-31');
  t.cliAs('wlzx1', 'followup', 'report', 'add', '1', '--year', String(YEAR), '--unit', 'wlzx',
    '--text', '已制定宣传栏审批办法');
  const base = await t.start();
  void base;

  const Y = `/years/${YEAR}`;
  console.log('1. the A4 documents at 375 px, their files, their print');
  const admin = await login('admin1');
  for (const [url, label, files] of [
    [`${Y}/notice`, 'admin notice', ['pdf', 'docx']],
    [`${Y}/compilation`, 'admin compilation', ['pdf', 'docx']],
    [`${Y}/units/jd/sheet`, 'admin sheet of jd', ['pdf', 'docx']],
    [`${Y}/followup/report`, 'admin followup report', ['pdf', 'docx']],
    [`${Y}/visits/print`, 'admin visit timetable', []],
  ]) await a4(admin, url, label, files);
  const aud = await login('aud1');
  await a4(aud, `${Y}/notice`, 'auditor notice', ['pdf', 'docx']);

  console.log('2. the questionnaire tally at 375 px');
  for (const [page, who] of [[admin, 'admin'], [aud, 'auditor']]) {
    const resp = await page.goto(`${t.base}/surveys/1/tally`);
    expect(resp.status() === 200, `${who} tally: ${resp.status()}`);
    await shoot(page, `${who} tally`);
    await phoneWidth(page, `${who} tally`);
    await tallyChecks(page, `${who} tally`);
  }
  const insp = await login('insp1');
  await insp.goto(`${t.base}/surveys/1/tally`);
  await shoot(insp, 'inspector tally');
  await phoneWidth(insp, 'inspector tally');
  await tallyChecks(insp, 'inspector tally');

  console.log('3. the rubric diff in Chinese');
  await admin.goto(`${t.base}/admin/rubrics`);
  const refs = await admin.$$eval('select[name=a] option', (os) => os.map((o) => o.value));
  expect(refs.length === 2, `two rubric versions expected, got ${refs.length}`);
  await admin.goto(`${t.base}/admin/rubrics/diff?a=${encodeURIComponent(refs[0])}&b=${encodeURIComponent(refs[1])}`);
  await shoot(admin, 'admin rubric diff');
  await phoneWidth(admin, 'admin rubric diff');
  const diff = await admin.evaluate(() => document.querySelector('main').innerText);
  const key = diff.match(KEYS);
  if (key) note(`rubric diff: English key "${key[0]}" on the page`);
  for (const want of ['满分', '标题', '考核要点 1.1', '2.50 分', '3.00 分', '职能部门'])
    if (!diff.includes(want)) note(`rubric diff: "${want}" missing`);
  if (/\b250\b/.test(diff)) note('rubric diff: a score in hundredths (250)');

  console.log('4. store numbers on the unit\'s own pages');
  const unit = await login('jd1', { width: 375, height: 812 });
  for (const [url, label] of [
    ['/', 'unit home'],
    [Y, 'unit year page'],
    [`${Y}/rubric`, 'unit rubric'],
    [`${Y}/visits`, 'unit visits'],
    [`${Y}/units/jd/view`, 'unit own view'],
    [`${Y}/results/jd`, 'unit result'],
    [`${Y}/units/jd/self`, 'unit self form'],
    [`${Y}/claims`, 'unit claims'],
    ['/inbox', 'unit inbox'],
  ]) await storeNumbers(unit, url, label);
  await a4(unit, `${Y}/units/jd/sheet`, 'unit sheet', ['pdf', 'docx']);
  const bottom = await login('wlzx1', { width: 375, height: 812 });
  for (const [url, label] of [
    ['/', 'bottom unit home'],
    [`${Y}/units/wlzx/view`, 'bottom unit own view'],
    [`${Y}/claims`, 'bottom unit claims'],
    [`${Y}/results/wlzx`, 'bottom unit result'],
  ]) await storeNumbers(bottom, url, label);

  for (const p of problems) console.log(`  phone rule: ${p}`);
  expect(!problems.length, `pages break the phone rules:\n${problems.join('\n')}`);
}

lib.run(t, main);
