// tests/e2e/admin.js KAOHE SCREENS - the administration of issue 11 items
// 4 and 5 in a browser: playwright-core drives Debian's chromium through
// `kaohe serve` on a store prepared here (units only: nobody has filled
// anything).  Steps, each page shot at 1280 and 375 px wide under SCREENS:
//   1. admin assigns inspectors through the unit x inspector grid (the
//      diff is shown; the grid shows the state after a reload; another
//      inspector keeps their units), adds one unit and renames it;
//   2. admin advances the year: the confirmation lists the units not
//      complete by name; confirmed by keyboard only;
//   3. in self_check the confirmation lists every unit 0 of N; confirmed
//      with a note; then admin reopens inspection -> self_check with a
//      reason;
//   4. admin resets jd1's password: jd1's open page is logged out;
//   5. the auditor reads the audit log (Chinese action names, Beijing
//      time, the reopen and its reason, the raw record behind one click),
//      filters by unit by name; the unit user sees its unit's name in the
//      header and gets 403 on the administration.
// Run from the repository root (tests/e2e/run.sh does).  Exits 1 on the
// first failed step, saying what was expected.
'use strict';
const lib = require('./lib');

const YEAR = 2025;
const t = lib.harness('admin');
const { expect, cliAs: cli } = t;

// The page at each width, full length; a page wider than the phone's
// screen must scroll inside its .wide boxes, not as a whole.
function shots(page, name) {
  return t.shot(page, name, { widths: [1280, 375], fits: 5 });
}

function login(base, user, password) {
  return t.login(user, { password });
}

async function done(page) {
  await page.waitForURL((u) => u.searchParams.get('ok') === '1');
  expect((await page.textContent('#msg')).includes('已完成'), 'no "done" message');
}

async function main() {
  cli('setup', 'init');
  cli('setup', 'rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('setup', 'year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  cli('setup', 'units', 'import', 'examples/units-2025.csv', '--year', String(YEAR));
  for (const [u, role] of [['admin1', 'admin'], ['insp1', 'inspector'], ['insp2', 'inspector'], ['aud1', 'auditor']])
    cli('setup', 'user', 'add', u, '--role', role);
  cli('setup', 'user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
  cli('setup', 'user', 'assign', 'insp2', '--year', String(YEAR), '--unit', 'xx');
  const base = await t.start();
  const yearUrl = `${base}/admin/years/${YEAR}`;

  // ---- 1. the grid, one unit added and renamed
  console.log('1. grid, unit add and rename');
  const admin = await login(base, 'admin1');
  await admin.goto(yearUrl);
  expect(await admin.isChecked('#assign-grid input[value="xx insp2"]'), 'grid does not show insp2 on xx');
  await shots(admin, 'admin-year-draft');
  await admin.check('#assign-grid input[value="jd insp1"]');
  await admin.check('#assign-grid input[value="jg insp1"]');
  await Promise.all([admin.waitForURL(/\/assign$/), admin.click('#assign button[type=submit]')]);
  const added = await admin.textContent('#assign-added');
  expect(added.includes('insp1 — 机电工程系') && added.includes('insp1 — 经济管理系'), `diff: ${added}`);
  await shots(admin, 'admin-assign-diff');
  await admin.goto(yearUrl);
  expect(await admin.isChecked('#assign-grid input[value="jd insp1"]'), 'grid lost insp1 on jd');
  await admin.uncheck('#assign-grid input[value="jg insp1"]');
  await Promise.all([admin.waitForURL(/\/assign$/), admin.click('#assign button[type=submit]')]);
  expect((await admin.textContent('#assign-removed')).includes('经济管理系'), 'removal not shown');
  const users = cli('admin1', 'user', 'list');
  expect(/insp1 +2025[:：] ?jd\n/.test(users) && /insp2 +2025[:：] ?xx\n/.test(users), `assignments after the grid:\n${users}`);
  await admin.goto(yearUrl);
  await admin.fill('#unit-add input[name="name"]', '共青团工作部');
  await admin.fill('#unit-add input[name="id"]', 'gqt');
  await admin.selectOption('#unit-add select[name="kind"]', 'office');
  await Promise.all([done(admin), admin.click('#unit-add button[type=submit]')]);
  await admin.selectOption('#unit-rename select[name="id"]', 'gqt');
  await admin.fill('#unit-rename input[name="name"]', '团委工作部');
  await Promise.all([done(admin), admin.click('#unit-rename button[type=submit]')]);
  expect((await admin.textContent('#units')).includes('团委工作部'), 'renamed unit not listed');
  // a taken name is refused beside its field's label, nothing added
  await admin.fill('#unit-add input[name="name"]', '机电工程系');
  await admin.fill('#unit-add input[name="id"]', 'dup');
  await admin.click('#unit-add button[type=submit]');
  await admin.waitForSelector('#errors');
  expect((await admin.textContent('#errors')).includes('名称'), 'taken name not located');
  await shots(admin, 'admin-unit-add-refused');
  expect(!cli('admin1', 'units', 'list', '--year', String(YEAR)).includes('dup'), 'refused unit added');

  // ---- 2. advance: confirmation, keyboard only
  console.log('2. advance draft -> self_check by keyboard');
  await admin.goto(yearUrl);
  await admin.focus('#year-advance button');
  await Promise.all([admin.waitForURL(/\/advance/), admin.keyboard.press('Enter')]);
  expect(await admin.locator('#advance-confirm').count() === 1, 'no confirmation page');
  await shots(admin, 'admin-advance-confirm-draft');
  expect(cli('admin1', 'year', 'list', String(YEAR)).includes('draft'), 'the confirmation page moved the year');
  await admin.focus('#advance-confirm input[name="reason"]');
  await admin.keyboard.type('单位名单已确认');
  await admin.keyboard.press('Tab');
  expect(await admin.evaluate(() => document.activeElement.id) === 'advance-yes', 'Tab does not reach the confirm button');
  await Promise.all([done(admin), admin.keyboard.press('Enter')]);
  expect((await admin.textContent('#year-state')).includes('自查'), 'year not in self_check');

  // ---- 3. self_check -> inspection lists every unit; reopen with a reason
  console.log('3. incomplete units listed; reopen');
  await Promise.all([admin.waitForURL(/\/advance/), admin.click('#year-advance button')]);
  const inc = await admin.textContent('#incomplete');
  expect(inc.includes('机电工程系') && inc.includes('团委工作部') && /0 \/ \d+/.test(inc), `incomplete units: ${inc.slice(0, 200)}`);
  expect(!/\bjd\b/.test(inc), 'the incomplete list shows a unit code');
  await shots(admin, 'admin-advance-confirm-incomplete');
  await admin.fill('#advance-confirm input[name="reason"]', '自查期限已到');
  await Promise.all([done(admin), admin.click('#advance-yes')]);
  expect((await admin.textContent('#year-state')).includes('实地检查'), 'year not in inspection');
  await shots(admin, 'admin-year-inspection');
  await admin.fill('#year-reopen textarea[name="reason"]', '部分单位自查材料需补充');
  await Promise.all([done(admin), admin.click('#year-reopen button')]);
  expect((await admin.textContent('#year-state')).includes('自查'), 'reopen did not go back to self_check');

  // ---- 4. password reset ends the user's session
  console.log('4. password reset');
  const unit = await login(base, 'jd1');
  const who = await unit.textContent('#who');
  expect(who.includes('机电工程系') && !who.includes('jd1'), `header: ${who}`);
  await shots(unit, 'unit-home-header');
  let resp = await unit.goto(yearUrl);
  expect(resp.status() === 403, `unit opens the admin year page: ${resp.status()}`);
  await admin.goto(`${base}/admin/users`);
  await shots(admin, 'admin-users');
  await admin.click('#user-jd1 details:has(#user-pw-jd1) summary');   // open its <details>
  await admin.fill('#user-pw-jd1 input[name="password"]', 'new-password-2025');
  await Promise.all([done(admin), admin.click('#user-pw-jd1 button')]);
  await unit.goto(`${base}/`);
  expect(unit.url().includes('/login'), `jd1 still logged in after the reset: ${unit.url()}`);
  await login(base, 'jd1', 'new-password-2025');

  // ---- 5. the auditor reads the log
  console.log('5. the audit log as the auditor');
  const aud = await login(base, 'aud1');
  resp = await aud.goto(yearUrl);
  expect(resp.status() === 403, `auditor opens the admin year page: ${resp.status()}`);
  await aud.goto(`${base}/audit`);
  const table = await aud.textContent('#audit');
  for (const want of ['年度退回上一阶段', '部分单位自查材料需补充', '实地检查 → 自查', '分配考核组成员负责单位', '设置密码'])
    expect(table.includes(want), `audit log lacks ${want}`);
  expect(/\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/.test(table), 'no Beijing time');
  expect(!/\d\dT\d\d:\d\d:\d\dZ/.test(await aud.innerText('#audit')), 'a UTC time shows without a click');
  await shots(aud, 'auditor-audit');
  await aud.click('#audit tbody tr:first-child details summary');
  expect(await aud.isVisible('#audit tbody tr:first-child details dl'), 'raw record not shown on click');
  await shots(aud, 'auditor-audit-raw');
  await aud.selectOption('#audit-filter select[name="unit"]', { label: '团委工作部' });
  await Promise.all([aud.waitForURL(/unit=gqt/), aud.click('#audit-filter button')]);
  const only = await aud.textContent('#audit tbody');
  expect(only.includes('添加单位') && only.includes('修改单位') && !only.includes('机电工程系'), 'unit filter');
  await shots(aud, 'auditor-audit-unit');
  const insp = await login(base, 'insp1');
  resp = await insp.goto(`${base}/audit`);
  expect(resp.status() === 403, `inspector opens the audit log: ${resp.status()}`);
  await shots(insp, 'inspector-audit-403');
  console.log('ok: e2e admin');
}

lib.run(t, main);
