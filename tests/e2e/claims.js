// tests/e2e/claims.js KAOHE SCREENS - bonus claims and a department's grid
// in a browser (issue 12 section 2, docs/CLAIMS.md): playwright-core
// drives Debian's chromium through `kaohe serve` on a store prepared here.
//   1. the unit user of jd files two claims on /years/2025/claims (at
//      1280 px and on a 375 px phone);
//   2. the year moves to the inspection (CLI); admin approves the first
//      claim: points above the kind's ceiling are refused first, then 2
//      points are saved; admin rejects the second with a reason;
//   3. the unit user sees both decisions, and the approval is a bonus
//      record of jd;
//   4. the propaganda department's scorer fills its grid (3.3, 3.4's
//      文明创建, 4.2 of every unit) and saves it; the values are stored.
// A screenshot of each page at 1280 and 375 px wide under SCREENS.  Run
// from the repository root (tests/e2e/run.sh does).
'use strict';
const lib = require('./lib');

const YEAR = 2025;
const t = lib.harness('claims');
const { expect, cliAs: cli } = t;

// A screenshot at 1280 px and another at 375 px (the phone), same page.
function shots(page, name) {
  return t.shot(page, name, { widths: [1280, 375] });
}

async function fileClaim(page, kind, text) {
  await page.selectOption('#claim-add select[name=kind]', kind);
  await page.fill('#claim-add textarea[name=description]', text);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('done') === '1'),
    page.click('#claim-add button[type=submit]'),
  ]);
}

async function main() {
  cli('setup', 'init');
  cli('setup', 'rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('setup', 'year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  cli('setup', 'import', 'assessment', 'examples/college-2025.yaml');
  cli('setup', 'year', 'advance', String(YEAR));
  cli('setup', 'user', 'add', 'admin1', '--role', 'admin');
  cli('setup', 'user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
  cli('setup', 'user', 'add', 'xcb', '--role', 'department', '--provider', '党委宣传部');
  const base = await t.start();
  const C = `${base}/years/${YEAR}/claims`;

  // 1. the unit files two claims
  const unit = await t.login('jd1');
  await unit.goto(`${base}/years/${YEAR}`);
  await Promise.all([unit.waitForURL(C), unit.click('#nav-claims')]);
  expect(await unit.isVisible('#claim-add'), 'the unit has no filing form in the self-check');
  await fileClaim(unit, 'honour', '辅导员获市级优秀思政工作者表彰');
  await fileClaim(unit, 'article', '在省级期刊发表意识形态理论文章一篇');
  expect((await unit.locator('#claims tbody tr').count()) === 2, 'the unit does not see its two claims');
  await shots(unit, 'unit-filed');

  // 2. admin decides in the inspection
  cli('setup', 'year', 'advance', String(YEAR));
  const admin = await t.login('admin1');
  await admin.goto(C);
  await shots(admin, 'admin-claims');
  await admin.fill('#claim-approve-1 input[name=points]', '5.01');
  const [refused] = await Promise.all([
    admin.waitForNavigation(),
    admin.click('#claim-approve-1 button[type=submit]'),
  ]);
  expect(refused.status() === 422, `points over the ceiling: expected 422, got ${refused.status()}`);
  const errs = await admin.textContent('#errors');
  expect(errs.includes('points') && errs.includes('5'), `the refusal does not name the points: ${errs}`);
  await shots(admin, 'admin-over-ceiling');
  expect(!/\+5\.01/.test(cli('admin1', 'record', 'list', '--year', String(YEAR), '--unit', 'jd')),
    'a refused approval wrote a record');
  await admin.goto(C);
  await admin.fill('#claim-approve-1 input[name=points]', '2');
  await Promise.all([
    admin.waitForURL((u) => u.searchParams.get('done') === '1'),
    admin.click('#claim-approve-1 button[type=submit]'),
  ]);
  await admin.fill('#claim-reject-2 input[name=reason]', '期刊不在认定范围');
  await Promise.all([
    admin.waitForURL((u) => u.searchParams.get('done') === '1'),
    admin.click('#claim-reject-2 button[type=submit]'),
  ]);
  await shots(admin, 'admin-decided');

  // 3. the unit sees both decisions; the approval is a bonus record
  await unit.goto(C);
  const approved = await unit.textContent('#claim-1 .claim-state');
  const rejected = await unit.textContent('#claim-2 .claim-state');
  expect(approved.includes('+2'), `the unit does not see the approval: ${approved}`);
  expect(rejected.includes('期刊不在认定范围'), `the unit does not see the rejection: ${rejected}`);
  await shots(unit, 'unit-decisions');
  const recs = cli('admin1', 'record', 'list', '--year', String(YEAR), '--unit', 'jd');
  expect(/\+2 .*辅导员获市级优秀思政工作者表彰/.test(recs), `no bonus record for the approval:\n${recs}`);

  // 4. the department scores its grid
  const dept = await t.login('xcb');
  await dept.goto(`${base}/years/${YEAR}/dept`);
  expect(await dept.isVisible('#dept-grid'), 'the department has no grid');
  await dept.fill('input[name="v*jd*3.3*reports"]', '3');
  await dept.selectOption('select[name="v*jd*3.4*civility"]', 'false');
  await dept.fill('input[name="v*xx*4.2*rating"]', '4');
  await Promise.all([
    dept.waitForURL((u) => u.searchParams.get('done') === '1'),
    dept.click('#dept-save'),
  ]);
  await shots(dept, 'dept-grid');
  const e33 = cli('admin1', 'entry', 'list', '--year', String(YEAR), '--unit', 'jd', '--item', '3.3');
  expect(/"reports": *3/.test(e33), `the grid did not store jd's 3.3:\n${e33}`);
  const e34 = cli('admin1', 'entry', 'list', '--year', String(YEAR), '--unit', 'jd', '--item', '3.4');
  expect(/"civility": *false/.test(e34) && /"brand"/.test(e34), `jd's 3.4 after the grid:\n${e34}`);
  const resp = await dept.goto(`${base}/years/${YEAR}/units/jd/inspection`);
  expect(resp.status() === 403, `the department opened a unit's form: ${resp.status()}`);
}

lib.run(t, main);
