// tests/e2e/sched.js KAOHE SCREENS - the self-check on a schedule in a
// browser (issue 12 section 1): playwright-core drives Debian's chromium
// through `kaohe serve`.  Steps (a screenshot of each under SCREENS, at
// 1280 px and, for the unit, 375 px wide):
//   1. the unit's home page shows the year's dates with the days left;
//   2. the unit submits with item 1.3 missing: refused, the list names it;
//   3. it fills 1.3 and submits: the form says submitted and locked;
//   4. the admin sees the progress page and returns the self-check with a
//      reason;
//   5. the unit finds the reason in its inbox (unread count in the header),
//      marks it read, and submits again;
//   6. the auditor and the inspector read the progress page.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS sched).
'use strict';
const lib = require('./lib');

// 2026-01-01 08:00 in Beijing: the self-check is due in 3 days
const NOW = '1767225600';
const t = lib.harness('sched', { env: { KAOHE_NOW: NOW } });
const { expect, cli } = t;

// Both widths of one page for a user: the wide one returned.
async function both(base, user, url, name) {
  const phone = await t.login(user, { width: 375 });
  await phone.goto(base + url);
  await t.fitsPhone(phone, `${user} ${url}`);
  await t.shot(phone, `${name}-375`);
  await phone.context().close();
}

async function submit(page, report) {
  await page.fill('#selfcheck-submit textarea[name="report"]', report);
  await page.check('#selfcheck-submit input[name="confirm"]');
  await Promise.all([page.waitForNavigation(), page.click('#selfcheck-submit button')]);
}

async function main() {
  cli('init');
  cli('rubric', 'import', 'tests/store/data/mini-rubric.yaml');
  cli('year', 'open', '2025', '--rubric', 'mini-2025');
  cli('import', 'assessment', 'tests/store/data/mini-2025.yaml');
  cli('year', 'advance', '2025');
  cli('year', 'dates', '2025', '--selfcheck-due', '2026-01-04', '--inspect-from', '2026-01-05',
    '--inspect-to', '2026-01-20', '--review-due', '2026-02-01', '--publish', '2026-02-10');
  // xx fills every item but 1.3
  for (const [item, input] of [['1.1', 'plan=true'], ['1.2', 'report=on_time'],
    ['1.4', 'lectures=true'], ['2.1', 'study=4'], ['2.2', 'events=2']]) {
    cli('entry', 'set', '--year', '2025', '--unit', 'xx', '--item', item, '--phase', 'self',
      '--input', input);
  }
  cli('user', 'add', 'admin1', '--role', 'admin');
  cli('user', 'add', 'aud1', '--role', 'auditor');
  cli('user', 'add', 'insp1', '--role', 'inspector');
  cli('user', 'assign', 'insp1', '--year', '2025', '--unit', 'xx');
  cli('user', 'add', 'xx1', '--role', 'unit', '--unit', 'xx');

  const base = await t.start();
  const form = `/years/2025/units/xx/self`;

  console.log('1. the unit sees the dates on its home page');
  const unit = await t.login('xx1');
  const dates = await unit.textContent('#dates-2025');
  expect(dates.includes('自查截止') && dates.includes('还有 3 天'), `home dates: ${dates}`);
  await t.shot(unit, 'unit-home');
  await both(base, 'xx1', '/', 'unit-home');

  console.log('2. submitting with item 1.3 missing is refused with the list');
  await unit.goto(base + form);
  await t.shot(unit, 'unit-form');
  await submit(unit, '本单位自查报告：各项已落实。');
  const errors = await unit.textContent('#errors');
  expect(errors.includes('考核要点 1.3「专题会议」尚未填写'), `missing list: ${errors}`);
  expect(!errors.includes('1.1'), 'a filled item listed as missing');
  await t.shot(unit, 'unit-submit-refused');

  console.log('3. the unit fills 1.3 and submits');
  await unit.goto(base + form);
  await unit.fill('input[name="in_meetings.1.3"]', '3');
  await Promise.all([unit.waitForNavigation(), unit.click('#save-all')]);
  await submit(unit, '本单位自查报告：各项已落实。');
  let state = await unit.textContent('#selfcheck-state');
  expect(state.includes('已提交'), `state after submit: ${state}`);
  expect(await unit.locator('#selfcheck-submit').count() === 0, 'submit form after submit');
  await t.shot(unit, 'unit-submitted');
  await both(base, 'xx1', form, 'unit-submitted');

  console.log('4. the admin reads the progress and returns it with a reason');
  const admin = await t.login('admin1');
  await admin.goto(`${base}/years/2025/progress`);
  const row = await admin.textContent('#p-xx');
  expect(row.includes('信息工程系') && row.includes('已提交'), `progress row: ${row}`);
  await t.shot(admin, 'admin-progress');
  await both(base, 'admin1', '/years/2025/progress', 'admin-progress');
  await admin.goto(`${base}/admin/years/2025`);
  expect(await admin.inputValue('#year-dates input[name="review_due"]') === '2026-02-01', 'dates form');
  await t.shot(admin, 'admin-year-dates');
  await admin.goto(base + form);
  await admin.fill('#selfcheck-return textarea[name="reason"]', '请补充专题会议记录的佐证材料');
  await Promise.all([admin.waitForNavigation(), admin.click('#selfcheck-return button')]);
  state = await admin.textContent('#selfcheck-state');
  expect(state.includes('退回') && state.includes('请补充专题会议记录'), `state after return: ${state}`);
  await t.shot(admin, 'admin-returned');

  console.log('5. the unit reads the reason in its inbox and submits again');
  await unit.goto(base + '/');
  expect((await unit.textContent('#unread')).trim() !== '0', 'unread count in the header');
  await Promise.all([unit.waitForNavigation(), unit.click('#nav-inbox')]);
  const inbox = await unit.textContent('#inbox');
  expect(inbox.includes('请补充专题会议记录的佐证材料'), `inbox: ${inbox}`);
  await t.shot(unit, 'unit-inbox');
  await both(base, 'xx1', '/inbox', 'unit-inbox');
  const unread = await unit.locator('#inbox li.unread').count();
  await Promise.all([unit.waitForNavigation(), unit.click('#inbox li.unread button >> nth=0')]);
  expect(await unit.locator('#inbox li.unread').count() === unread - 1, 'one message marked read');
  await unit.goto(base + form);
  await submit(unit, '已补充专题会议记录。');
  state = await unit.textContent('#selfcheck-state');
  expect(state.includes('已提交'), `state after the second submission: ${state}`);

  console.log('6. the auditor and the inspector read the progress');
  const aud = await t.login('aud1');
  await aud.goto(`${base}/years/2025/progress?sort=late`);
  expect((await aud.textContent('#progress-list')).includes('机电工程系'), 'auditor sees every unit');
  await t.shot(aud, 'auditor-progress');
  const insp = await t.login('insp1');
  await insp.goto(`${base}/years/2025/progress`);
  const list = await insp.textContent('#progress-list');
  expect(list.includes('信息工程系') && !list.includes('机电工程系'), `inspector list: ${list}`);
  await t.shot(insp, 'inspector-progress');
  await both(base, 'insp1', '/years/2025/progress', 'inspector-progress');
  const r = await unit.goto(`${base}/years/2025/progress`);
  expect(r.status() === 403, `unit progress page: ${r.status()}`);
  console.log('sched e2e: ok');
}

lib.run(t, main);
