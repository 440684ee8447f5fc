// tests/e2e/rectify.js KAOHE SCREENS - the rectification loop with the
// unit in it and a unit's own view (issue 12 sections 3 and 4) in a
// browser: playwright-core drives Debian's chromium through `kaohe serve`.
//   1. admin publishes year 2025 on the year's page (the example college,
//      brought to review with the CLI), records a reminder talk with yx
//      (who talked, with whom) and two rectification items;
//   2. the bottom unit yx, on a 375x812 phone, sees its talk and its items
//      with labelled deadline colours on its home page and submits a
//      rectification report with evidence;
//   3. admin returns it with a reason; the unit sees the reason and
//      reports again; admin accepts: the item is closed (销号);
//   4. the unit's own view at 375x812: rank, score sheet with the
//      explanation, gaps, findings, claims, items; nothing wider than the
//      screen; another unit's view is 403;
//   5. admin records a good practice (unit picked by name): it is in the
//      notice and in the printable compilation.
// Screenshots of each step at 1280 px and 375 px under SCREENS.  Run from
// the repository root (tests/e2e/run.sh does).  Exits 1 on the first
// failed step, saying what was expected.
'use strict';
const lib = require('./lib');

const YEAR = 2025;
// A fixed clock for the server and the CLI: 2026-03-01 (China time).
const NOW = '1772323200';
const t = lib.harness('rectify', { env: { KAOHE_NOW: NOW } });
const { expect, cliAs: cli } = t;

// A full-page screenshot at the desk's width and at the phone's, or only
// at the page's own width (both false).
function shot(page, name, both = true) {
  return t.shot(page, name, both ? { widths: [1280, 375] } : {});
}

function login(user, width) {
  return t.login(user, { width, viaHome: true });
}

async function unitReport(unit, base, itemId, text, file) {
  await unit.goto(base + '/');
  const form = `#report-form-${itemId}`;
  expect(await unit.locator(form).count() === 1, `no report form for item ${itemId} on the unit's home page`);
  await unit.fill(`${form} textarea[name="text"]`, text);
  if (file) await unit.setInputFiles(`${form} input[type="file"]`, file);
  await Promise.all([
    unit.waitForURL((u) => u.searchParams.get('reported') === '1'),
    unit.click(`${form} button[type=submit]`),
  ]);
}

async function main() {
  cli('setup', 'init');
  cli('setup', 'rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('setup', 'year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  cli('setup', 'import', 'assessment', 'examples/college-2025.yaml');
  for (let i = 0; i < 3; i++) cli('setup', 'year', 'advance', String(YEAR));
  cli('setup', 'user', 'add', 'admin1', '--role', 'admin');
  cli('setup', 'user', 'add', 'yx1', '--role', 'unit', '--unit', 'yx');
  cli('setup', 'user', 'add', 'jz1', '--role', 'unit', '--unit', 'jz');

  const base = await t.start();
  const desk = 1280;
  const phone = 375;

  // ---- 1. publication, the talk and the items
  console.log('1. admin publishes, records the talk and the items');
  const admin = await login('admin1', desk);
  await admin.goto(`${base}/admin/years/${YEAR}`);
  // advancing asks first (web_admin_year.c): the confirmation page
  await Promise.all([admin.waitForURL(/\/advance/), admin.click('#year-advance button[type=submit]')]);
  if (await admin.locator('#advance-confirm input[name="allow_missing"]').count())
    await admin.check('#advance-confirm input[name="allow_missing"]');
  await admin.fill('#advance-confirm input[name="reason"]', '2025年度考核结果经党委会审定后公布');
  await t.submitOk(admin, '#advance-confirm');
  expect((await admin.textContent('#year-state')).includes('已公布'), 'year not published');
  await admin.goto(`${base}/years/${YEAR}/followup`);
  await admin.selectOption('#talk-add select[name="unit"]', 'yx');
  await admin.fill('#talk-add input[name="date"]', '2026-02-20');
  await admin.fill('#talk-add input[name="by"]', '党委副书记 王五');
  await admin.fill('#talk-add input[name="to"]', '分管领导 李四、负责人 赵六');
  await admin.fill('#talk-add textarea[name="summary"]', '指出意识形态工作责任制落实中的薄弱环节，提出整改要求');
  await t.submitOk(admin, '#talk-add');
  for (const [text, deadline] of [['健全意识形态工作责任清单', '2026-03-10'],
    ['完善专题学习记录和佐证材料', '2026-06-30']]) {
    await admin.selectOption('#item-add select[name="unit"]', 'yx');
    await admin.fill('#item-add input[name="deadline"]', deadline);
    await admin.fill('#item-add textarea[name="text"]', text);
    await t.submitOk(admin, '#item-add');
  }
  await shot(admin, 'admin-followup-items');
  const fu = JSON.parse(cli('admin1', 'followup', 'list', '--year', String(YEAR), '--format', 'json'));
  const yx = fu.units.find((u) => u.unit === 'yx');
  expect(yx && yx.items.length === 2, 'yx should have two items');
  const item = yx.items[0];
  expect(item.colour === 'yellow' && item.text === '健全意识形态工作责任清单',
    `the item due in 9 days should come first, yellow (got ${item.text}, ${item.colour})`);

  // ---- 2. the unit's home page on a phone, its report
  console.log('2. unit yx sees its talk and items and reports');
  const unit = await login('yx1', phone);
  const home = await unit.textContent('#followup-2025');
  for (const want of ['党委副书记 王五', '分管领导 李四、负责人 赵六', '健全意识形态工作责任清单', '临近期限', '按期推进']) {
    expect(home.includes(want), `unit home page should show ${want}`);
  }
  await t.fitsPhone(unit, 'unit home');
  await shot(unit, 'unit-home-talk-items');
  await unitReport(unit, base, item.id, '已制定意识形态工作责任清单并经党总支会议审议通过', 'tests/evidence/data/整改报告.docx');
  expect((await unit.textContent(`#item-${item.id}`)).includes('待审核'), 'submitted report not waiting');
  expect(await unit.locator(`#report-form-${item.id}`).count() === 0, 'a second report is offered while one waits');
  await shot(unit, 'unit-report-submitted');

  // ---- 3. return with a reason, report again, accept
  console.log('3. admin returns, the unit reports again, admin accepts');
  await admin.goto(`${base}/years/${YEAR}/followup`);
  const ret = admin.locator('form[id^="report-return-"]');
  expect(await ret.count() === 1, 'one report should wait for a decision');
  await ret.locator('textarea[name="reason"]').fill('请补充党总支会议记录');
  await Promise.all([
    admin.waitForURL((u) => u.searchParams.get('ok') === '1'),
    ret.locator('button[type=submit]').click(),
  ]);
  await unit.goto(base + '/');
  expect((await unit.textContent(`#item-${item.id}`)).includes('请补充党总支会议记录'), 'the unit does not see the reason');
  await shot(unit, 'unit-report-returned');
  await unitReport(unit, base, item.id, '已补充党总支会议记录', null);
  await admin.goto(`${base}/years/${YEAR}/followup`);
  await shot(admin, 'admin-followup-report-waiting');
  const acc = admin.locator('form[id^="report-accept-"]');
  expect(await acc.count() === 1, 'the new report should wait for a decision');
  await Promise.all([
    admin.waitForURL((u) => u.searchParams.get('ok') === '1'),
    acc.locator('button[type=submit]').click(),
  ]);
  await unit.goto(base + '/');
  const closed = await unit.textContent(`#item-${item.id}`);
  expect(closed.includes('已销号'), 'accepted item not closed on the unit\'s page');
  expect(await unit.locator(`#report-form-${item.id}`).count() === 0, 'a closed item offers a report form');
  await shot(unit, 'unit-item-closed');

  // ---- 4. the unit's own view on a phone
  console.log('4. the unit\'s own view at 375x812');
  await Promise.all([unit.waitForURL(/\/view$/), unit.click('#link-view-2025')]);
  for (const id of ['rank', 'sheet', 'explain', 'gaps', 'findings', 'claims', 'followup-2025']) {
    expect(await unit.locator(`#${id}`).count() === 1, `own view has no #${id}`);
  }
  expect((await unit.textContent('#rank')).includes('第'), 'own view: no rank');
  await t.fitsPhone(unit, 'own view');
  await shot(unit, 'unit-own-view');
  await t.expectStatus(unit, `${base}/years/${YEAR}/units/jz/view`, 403, 'yx opens jz\'s view');
  const other = await login('jz1', phone);
  await t.expectStatus(other, `${base}/years/${YEAR}/units/yx/view`, 403, 'jz opens yx\'s view');
  await other.goto(base + '/');
  expect(!(await other.content()).includes('健全意识形态工作责任清单'), 'jz sees yx\'s item');

  // ---- 5. a good practice: notice and compilation
  console.log('5. a good practice in the notice and the compilation');
  await admin.goto(`${base}/years/${YEAR}/followup`);
  await admin.selectOption('#practice-add select[name="unit"]', { label: '机电工程系' });
  await admin.fill('#practice-add input[name="title"]', '“思政+专业”课程思政示范课');
  await admin.fill('#practice-add textarea[name="text"]', '每个专业建设一门课程思政示范课，党总支书记带头听课评课。');
  await t.submitOk(admin, '#practice-add');
  await admin.goto(`${base}/years/${YEAR}/notice`);
  expect((await admin.content()).includes('“思政+专业”课程思政示范课'), 'the notice does not name the practice');
  await Promise.all([admin.waitForURL(/\/compilation$/), admin.goto(`${base}/years/${YEAR}/compilation`)]);
  expect((await admin.textContent('body')).includes('每个专业建设一门课程思政示范课'), 'the compilation lacks the practice');
  await shot(admin, 'admin-compilation');
  console.log('ok: e2e rectify');
}

lib.run(t, main);
