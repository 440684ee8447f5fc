// tests/e2e/ctlnames.js KAOHE SCREENS - names with control characters in
// a browser (docs/DESIGN.md, "Names"), each page shot at 1366 and 375 px
// under SCREENS:
//   1. admin adds a unit named with U+202E and names a user with a tab:
//      the error page names the field (名称, 姓名) and the character, and
//      nothing is added;
//   2. a unit's user saves a note with U+0007 on the entry form (no
//      script: 保存全部 posts the whole form): the form
//      comes back with the note kept and the message beside the item;
//   3. names an older version stored (a newline, markup, U+202E, written
//      here with SQL) show escaped, the override as U+FFFD, on the
//      admin's year and users pages and in the unit's and inspector's
//      headers.
// Run from the repository root (tests/e2e/run.sh does).
'use strict';
const { execFileSync } = require('child_process');
const lib = require('./lib');

const YEAR = 2025;
const t = lib.harness('ctlnames');
const { expect } = t;
const RLO = '\u202e';

function shots(page, name) {
  return t.shot(page, name, { widths: [1366, 375], fits: 5 });
}

// The page's visible text holds no raw override and shows what it must.
async function safe(page, what, ...wants) {
  const text = await page.innerText('body');
  expect(!text.includes(RLO), `${what}: a raw U+202E on the page`);
  expect(!/<b>工程<\/b>|<i>x<\/i>/.test(await page.content()), `${what}: stored markup is live`);
  for (const w of wants)
    expect(text.includes(w), `${what}: no ${w} in ${text.slice(0, 300)}`);
}

async function main() {
  t.cli('init');
  t.cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  t.cli('year', 'open', String(YEAR), '--rubric', 'ideology-2020');
  t.cli('units', 'import', 'examples/units-2025.csv', '--year', String(YEAR));
  for (const [u, role] of [['admin1', 'admin'], ['insp1', 'inspector']])
    t.cli('user', 'add', u, '--role', role);
  t.cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
  t.cli('user', 'add', 'xx1', '--role', 'unit', '--unit', 'xx');
  // What an older version let in, straight into the store.
  execFileSync('sqlite3', [t.DB,
    `UPDATE unit SET name = '信息<b>工程</b>\n系${RLO}abc' WHERE id = 'xx';` +
    `UPDATE app_user SET display_name = '李${RLO}明<i>x</i>' WHERE name = 'insp1';`]);
  const base = await t.start();
  const yearUrl = `${base}/admin/years/${YEAR}`;

  console.log('1. a unit and a user name refused');
  const admin = await t.login('admin1');
  await admin.goto(yearUrl);
  await t.fill(admin, '#unit-add', { id: 'tw', name: `团${RLO}委`, kind: 'office' });
  let resp = await t.submit(admin, '#unit-add');
  expect(resp.status() === 422, `unit add with U+202E: ${resp.status()}`);
  await safe(admin, 'unit add refused', '名称：含有文字方向控制符 U+202E（第 2 个字符）');
  await shots(admin, 'admin-unit-add-refused');
  await admin.goto(`${base}/admin/users`);
  await t.fill(admin, '#user-add', { name: 'insp9', role: 'inspector', password: 'password456',
                                     display_name: '张\t伟' });
  resp = await t.submit(admin, '#user-add');
  expect(resp.status() === 422, `user add with a tab: ${resp.status()}`);
  await safe(admin, 'user add refused', '姓名：含有控制字符 U+0009（第 2 个字符');
  await shots(admin, 'admin-user-add-refused');
  const units = t.cli('units', 'list', '--year', String(YEAR));
  expect(!units.includes('tw '), `a refused unit was added:\n${units}`);
  expect(!t.cli('user', 'list').includes('insp9'), 'a refused user was added');

  console.log('2. an entry note refused, kept');
  t.cli('year', 'advance', String(YEAR));
  // Without the page script: 保存全部 posts the whole form.
  const jd = await t.newPage({ javaScriptEnabled: false });
  await jd.goto(`${base}/login`);
  await t.loginOn(jd, 'jd1');
  await jd.goto(`${base}/years/${YEAR}/units/jd/self`);
  await t.fill(jd, '#item-1\\.3', { 'in_meetings.1.3': '3', 'in_proofs.1.3': '2',
                                    'note.1.3': '会议\u0007记录' });
  [resp] = await Promise.all([jd.waitForNavigation(), jd.click('#save-all')]);
  expect(resp.status() === 422, `a note with U+0007: ${resp.status()}`);
  expect((await jd.inputValue('[name="note.1.3"]')) === '会议记录', 'the typed note is not kept');
  await safe(jd, 'entry form refused', '考核要点 1.3「备注」：含有控制字符 U+0007（第 3 个字符');
  await shots(jd, 'unit-entry-note-refused');
  await t.shot(jd, 'unit-entry-note-item', { widths: [1366, 375], locator: jd.locator('#item-1\\.3') });
  expect(!t.cli('entry', 'list', '--year', String(YEAR), '--unit', 'jd').includes('1.3'),
         'a refused note was stored');

  console.log('3. old names shown escaped');
  await admin.goto(yearUrl);
  await safe(admin, 'the year page', '信息<b>工程</b>');
  await shots(admin, 'admin-year-old-name');
  await admin.goto(`${base}/admin/users`);
  await safe(admin, 'the users page', '李\ufffd明<i>x</i>');
  await shots(admin, 'admin-users-old-name');
  const xx = await t.login('xx1');
  await safe(xx, 'xx1 home', '信息<b>工程</b>');
  await shots(xx, 'unit-home-old-name');
  const insp = await t.login('insp1');
  await safe(insp, 'insp1 home', '李\ufffd明<i>x</i>');
  await shots(insp, 'inspector-home-old-name');
  console.log('ok: e2e ctlnames');
}

lib.run(t, main);
