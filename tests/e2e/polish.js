// tests/e2e/polish.js KAOHE SCREENS - the pages e2e.fullyear does not
// visit, as each role at 1366 and 375 px, and the page rules of
// docs/DESIGN.md ("Pages on a phone") so they cannot regress:
//   1. a fresh store: the admin's home and rubrics pages say they are
//      empty (no bare table heads); the login page refuses a wrong
//      password in Chinese; the login form works by keyboard alone;
//   2. a published year (the example college, a visit, a questionnaire
//      round): results, a unit's result and sheet, the rubric, the
//      comparison and a unit's history, visits, questionnaires and their
//      tally, rosters, the rubric diff, the follow-up, the audit log,
//      the password page and an empty inbox, as admin, inspector,
//      auditor and unit;
//   3. on every page at 375 px: nothing wider than the screen (the A4
//      documents excepted), every button, header and nav link and
//      <summary> at least 40 px high, the page scan (scan.js);
//   4. keyboard: the skip link is the first Tab stop and moves the focus
//      to the content; on the forms below, Tab from the first field
//      reaches the submit button, and the focused control shows a
//      :focus-visible outline of at least 2 px.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS polish).
'use strict';
const lib = require('./lib');

const YEAR = 2025;
const NOW = '1767225600';           // 2026-01-01 08:00 in Beijing
const t = lib.harness('polish', { env: { KAOHE_NOW: NOW }, chineseBrowser: true });
const { expect } = t;
const WIDTHS = [1366, 375];
const PEOPLE = { admin1: ['admin', '周敏'], insp1: ['inspector', '张伟'],
  aud1: ['auditor', '孙丽'], jd1: ['unit', '李强'] };
const seen = t.scanner({ codes: ['jd', 'xx', 'jg', 'dbgs', 'zzb', 'xcb', 'jwc', 'xsc', 'tw',
  ...Object.keys(PEOPLE)] });
// Printed documents keep their A4 layout on a phone (lib/docs' stylesheet).
const A4 = /\/(notice|compilation|sheet|followup\/report|visits\/print)$/;
const problems = [];

// At 375 px: what is wider than the screen, and tap targets under 40 px.
async function phoneRules(page, label, url) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 375 && !A4.test(url)) problems.push(`${label}: ${wide}px wide at 375`);
  const small = await page.evaluate(() => [...document.querySelectorAll(
    'button, header.top a, nav a, summary')].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.height < 40 && getComputedStyle(el).visibility !== 'hidden';
  }).map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 12)}" ${Math.round(el.getBoundingClientRect().height)}px`));
  if (small.length && !A4.test(url)) problems.push(`${label}: tap targets under 40 px: ${small.join(', ')}`);
}

// Opens url, scans it, shoots it at both widths and checks it on a phone.
async function visit(page, url, label, ...typed) {
  const resp = await page.goto(t.base + url);
  expect(resp.status() === 200, `${label}: ${url} answered ${resp.status()}`);
  await here(page, url, label, ...typed);
}
// The same for the page as it is.
async function here(page, url, label, ...typed) {
  await seen.page(page, label, { typed });
  await t.shot(page, label.replace(/[^A-Za-z0-9]+/g, '-'), { widths: WIDTHS });
  const vp = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 812 });
  await phoneRules(page, label, url);
  await page.setViewportSize(vp);
}

// Tab from the first field of form sel reaches its submit button, every
// stop shows a focus outline.
async function tabToSubmit(page, sel, what) {
  const first = `${sel} input:not([type=hidden]), ${sel} select, ${sel} textarea`;
  await page.focus(first);
  for (let i = 0; i < 20; i++) {
    const st = await page.evaluate((s) => {
      const el = document.activeElement;
      const cs = getComputedStyle(el);
      return { submit: el.type === 'submit' && !!el.closest(s),
        ring: el.matches(':focus-visible') && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
        name: el.name || el.id || el.tagName };
    }, sel);
    expect(st.ring, `${what}: ${st.name} has no visible focus outline`);
    if (st.submit) return;
    await page.keyboard.press('Tab');
  }
  t.fail(`${what}: Tab from the first field does not reach the submit button`);
}

async function login(user, o = {}) {
  const page = await t.login(user, { width: 1366, height: 768, ...o });
  expect((await page.textContent('#who')).includes(PEOPLE[user][1]), `${user}: not logged in`);
  return page;
}

async function main() {
  t.cli('init');
  t.cli('user', 'add', 'admin1', '--role', 'admin', '--display-name', '宣传部 周敏');
  const base = await t.start();

  console.log('1. a fresh store: empty states, the login page');
  const anon = await t.newPage({ width: 1366 });
  await anon.goto(`${base}/login`);
  await anon.fill('#user', 'admin1');
  await anon.fill('#password', 'wrong-password-1');
  await Promise.all([anon.waitForNavigation(), anon.click('#login-submit')]);
  await here(anon, '/login', 'login refused', 'admin1');
  expect(/密码/.test(await anon.textContent('main')), 'the refused login says nothing in Chinese');
  // the login form by keyboard alone: type, Tab, type, Enter
  await anon.goto(`${base}/login`);
  await tabToSubmit(anon, 'form.login', 'login form');
  await anon.focus('#user');
  await anon.keyboard.type('admin1');
  await anon.keyboard.press('Tab');
  await anon.keyboard.type(t.PW);
  await Promise.all([anon.waitForNavigation(), anon.keyboard.press('Enter')]);
  expect(await anon.locator('#who').count() === 1, 'the keyboard login did not log in');
  const admin = anon;
  await visit(admin, '/', 'admin home without a year');
  expect((await admin.textContent('#years')).includes('还没有考核年度'), 'empty years list says nothing');
  await visit(admin, '/admin/rubrics', 'rubrics without a rubric');
  expect((await admin.textContent('#rubrics')).includes('还没有评分标准'), 'empty rubrics list says nothing');
  // the skip link: first Tab stop, Enter moves the focus to the content
  await admin.goto(`${base}/admin/users`);
  await admin.keyboard.press('Tab');
  expect(await admin.evaluate(() => document.activeElement.className) === 'skip', 'the skip link is not the first Tab stop');
  const skipVisible = await admin.evaluate(() => document.activeElement.getBoundingClientRect().top >= 0);
  expect(skipVisible, 'the focused skip link is off screen');
  await t.shot(admin, 'skip-link-focused');
  await admin.keyboard.press('Enter');
  expect(await admin.evaluate(() => document.activeElement.id) === 'content', 'the skip link does not move the focus to the content');
  await tabToSubmit(admin, '#user-add', 'user form');

  console.log('2. a published year');
  t.cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  t.cli('year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  t.cli('import', 'assessment', 'examples/college-2025.yaml');
  for (const [u, [role, name]] of Object.entries(PEOPLE)) {
    if (u === 'admin1') continue;
    t.cli('user', 'add', u, '--role', role, ...(role === 'unit' ? ['--unit', 'jd'] : []),
      '--display-name', name);
  }
  t.cli('user', 'assign', 'insp1', '--year', String(YEAR), '--unit', 'jd');
  t.cli('visit', 'add', '--year', String(YEAR), '--unit', 'jd', '--at', '2025-12-10 09:00',
    '--place', '机电楼301', '--lead', 'insp1', '--planned', 'symposium,interview');
  t.cli('year', 'advance', String(YEAR));
  t.cli('year', 'advance', String(YEAR));
  t.cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
  t.cli('questionnaire', 'round', 'open', '--year', String(YEAR), '--questionnaire',
    'ideology-2020-students', '--audience', '学生', '--unit', 'jd,xx,jg', '--min', '2');
  t.cli('questionnaire', 'import-responses', 'tests/data/questionnaire/paper-suggest.csv', '--round', '1');
  t.cli('year', 'advance', String(YEAR));
  t.cli('year', 'advance', String(YEAR), '--allow-missing');

  const Y = `/years/${YEAR}`;
  const LOGINS = Object.keys(PEOPLE);
  for (const [url, label, ...typed] of [
    ['/admin/years', 'admin years'],
    [`/admin/years/${YEAR}`, 'admin year published'],
    [`/admin/years/${YEAR}/rosters`, 'admin rosters'],
    ['/admin/rubrics/diff?a=ideology-2020&b=ideology-2020', 'admin rubric diff'],
    ['/admin/users', 'admin users', ...LOGINS],      // the login column
    [`${Y}/results`, 'admin results'],
    [`${Y}/results/jd`, 'admin result of jd'],
    [`${Y}/rubric`, 'admin rubric'],
    [`${Y}/followup`, 'admin followup'],
    [`${Y}/claims`, 'admin claims none'],
    [`${Y}/visits`, 'admin visits'],
    ['/surveys', 'admin surveys'],
    ['/surveys/1', 'admin survey round'],
    ['/surveys/1/tally', 'admin survey tally'],
    ['/compare', 'admin compare'],
    ['/units/jd/history', 'admin history of jd'],
    // users added by login; the CLI's --as name 'setup' is no user
    ['/audit', 'admin audit log', 'setup', ...LOGINS],
    ['/password', 'admin password page'],
    ['/inbox', 'admin inbox'],
  ]) await visit(admin, url, label, ...typed);
  // a table of many columns is one card per row on a phone, each value
  // named by its column (kaohe.js labels table.cards)
  await admin.setViewportSize({ width: 375, height: 812 });
  await admin.goto(`${base}${Y}/visits`);
  const card = await admin.evaluate(() => {
    const td = document.querySelector('#visits tbody td');
    return { display: getComputedStyle(td).display, label: td.getAttribute('data-label') };
  });
  expect(card.display === 'block' && card.label === '时间', `visits on a phone are not cards: ${JSON.stringify(card)}`);
  await admin.setViewportSize({ width: 1366, height: 768 });
  await admin.goto(`${base}/admin/years`);
  await tabToSubmit(admin, '#year-open', 'year form');

  const insp = await login('insp1');
  for (const [url, label] of [
    [`${Y}/visits/1`, 'inspector visit'],
    [`${Y}/units/jd/inspection`, 'inspector form published'],
    [`${Y}/progress`, 'inspector progress'],
  ]) await visit(insp, url, label);

  const aud = await login('aud1');
  for (const [url, label, ...typed] of [
    ['/', 'auditor home'],
    [`${Y}/results`, 'auditor results'],
    ['/audit', 'auditor audit log', 'setup', ...LOGINS],
  ]) await visit(aud, url, label, ...typed);
  await tabToSubmit(aud, '#audit-filter', 'audit filter');

  const unit = await login('jd1', { width: 375, height: 812 });
  for (const [url, label] of [
    ['/', 'unit home published'],
    [`${Y}/units/jd/view`, 'unit own view'],
    [`${Y}/units/jd/self`, 'unit self form published'],
    ['/inbox', 'unit inbox'],
  ]) await visit(unit, url, label);

  try {
    seen.finish();
  } catch (e) {
    problems.push(e.message);
  }
  for (const p of problems) console.log(`  page rule: ${p}`);
  expect(!problems.length, `pages break the rules of docs/DESIGN.md ("Pages on a phone"):\n${problems.join('\n')}`);
}

lib.run(t, main);
