// tests/e2e/onsite.js KAOHE SCREENS - the on-site inspection end to end
// (issue 13): playwright-core drives Debian's chromium through `kaohe
// serve`.  Steps (a screenshot of each under SCREENS):
//   1. the inspector, on a phone (375 px), records on the visit's page a
//      symposium, a finding under 2.2 and an interview, choosing people
//      and the item by name; no page scrolls sideways;
//   2. the same pages at 1280 px for admin and the inspector, and the
//      visits table for admin (names, not logins);
//   3. on the inspection form the inspector keeps the questionnaire's
//      suggestion for 2.2 in one click and overrides the one for 4.1 with
//      a reason (a first try without a reason is refused, nothing saved);
//   4. the score sheet's explanation says which (kept / overridden and
//      why), for admin at 1280 and 375 px.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS onsite).
'use strict';
const path = require('path');
const fs = require('fs');
const lib = require('./lib');

const t = lib.harness('onsite');
const { expect, cli } = t;

// The entry form saves an item by itself once typing stops (kaohe.js).
// A value other than the questionnaire's suggestion is refused there
// (only an override with a reason may set it: kh_store_source_check);
// wait for that answer before deciding, and check it says so.
async function savedByScript(page, item) {
  await page.waitForFunction((id) => {
    const el = document.getElementById('status-' + id);
    return el && /已保存|有误/.test(el.textContent);
  }, item, { timeout: 15000 });
}

// Submits the form that holds the button sel and waits for the page.
async function submit(page, sel) {
  await Promise.all([page.waitForNavigation(), page.click(sel)]);
  const url = page.url();
  expect(url.includes('ok=1') || url.includes('saved='), `${sel}: not saved (${url})`);
}

async function main() {
  // students: jd's q1 gives 66.67 % -> 2.5 for 4.1; staff: q4 100 % -> 4 for 2.2
  const staff = path.join(t.tmp, 'staff.csv');
  fs.writeFileSync(staff, '单位,q1,q2,q3,q4,q5,q6,q8,q9\n' +
    Array(5).fill('jd,a,5,12,5,a,4,4,4').join('\n') + '\n');
  cli('init');
  cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('year', 'open', '2025', '--rubric', 'ideology-2020');
  cli('import', 'assessment', 'examples/college-2025.yaml');
  cli('user', 'add', 'admin1', '--role', 'admin');
  cli('user', 'add', 'insp1', '--role', 'inspector');
  cli('user', 'add', 'insp2', '--role', 'inspector');
  cli('user', 'name', 'insp1', '李明');
  cli('user', 'name', 'insp2', '王芳');
  cli('user', 'assign', 'insp1', '--year', '2025', '--unit', 'jd');
  cli('user', 'assign', 'insp2', '--year', '2025', '--unit', 'jd');
  cli('visit', 'add', '--year', '2025', '--unit', 'jd', '--at', '2025-12-10 09:00',
    '--place', '机电楼301', '--lead', 'insp1', '--member', 'insp2', '--planned', 'symposium,interview,questionnaire');
  cli('year', 'advance', '2025');
  cli('year', 'advance', '2025');
  cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
  cli('questionnaire', 'import', 'questionnaires/ideology-2020-staff.yaml');
  cli('questionnaire', 'round', 'open', '--year', '2025', '--questionnaire', 'ideology-2020-students',
    '--audience', '学生', '--unit', 'jd,xx,jg', '--min', '2');
  cli('questionnaire', 'import-responses', 'tests/data/questionnaire/paper-suggest.csv', '--round', '1');
  cli('questionnaire', 'round', 'open', '--year', '2025', '--questionnaire', 'ideology-2020-staff',
    '--audience', '教职工', '--unit', 'jd', '--min', '2');
  cli('questionnaire', 'import-responses', staff, '--round', '2');

  const base = await t.start();
  const V = `${base}/years/2025/visits`;

  console.log('1. the inspector records on a phone');
  const phone = await t.login('insp1', { width: 375 });
  await phone.goto(`${V}/1`);
  await t.fitsPhone(phone, 'visit page');
  await t.shot(phone, 'phone-visit-empty');
  const s = '#symposium-add ';
  await phone.fill(s + 'input[name="date"]', '2025-12-10');
  await phone.fill(s + 'input[name="place"]', '第一会议室');
  await phone.fill(s + 'input[name="host"]', '张书记');
  await phone.fill(s + 'input[name="recorder"]', '王芳');
  await phone.fill(s + 'input[name="groups"]', '教师=12，学生=30');
  await phone.fill(s + 'textarea[name="outline"]', '一、理论学习；二、课堂管理');
  await phone.fill(s + 'textarea[name="minutes"]', '与会教师反映支部书记亲自部署意识形态工作。');
  await submit(phone, s + 'button');
  await t.fitsPhone(phone, 'visit page with a symposium');
  const f = '#finding-add ';
  await phone.selectOption(f + 'select[name="source"]', 'symposium');
  await phone.fill(f + 'input[name="record"]', '1');
  await phone.selectOption(f + 'select[name="item"]', '2.2');
  await phone.selectOption(f + 'select[name="direction"]', 'good');
  await phone.fill(f + 'textarea[name="text"]', '支部书记带头讲党课');
  await submit(phone, f + 'button');
  const i = '#interview-add ';
  await phone.fill(i + 'input[name="category"]', '学生');
  const people = await phone.$$eval(i + 'select[name="interviewer"] option', (o) => o.map((x) => x.textContent));
  expect(people.includes('李明') && people.includes('王芳') && !people.includes('insp1'),
    `interviewer picker shows names: ${people}`);
  await phone.selectOption(i + 'select[name="interviewer"]', 'insp1');
  await phone.selectOption(i + 'select[name="recorder"]', 'insp2');
  await phone.fill(i + 'input[name="start"]', '2025-12-10T10:00');
  await phone.fill(i + 'input[name="end"]', '2025-12-10T10:30');
  await phone.fill(i + 'input[name="place"]', '学生活动室');
  await phone.fill(i + 'textarea[name="summary"]', '学生认为课堂纪律良好。');
  await submit(phone, i + 'button');
  const rec = await phone.textContent('#records');
  expect(rec.includes('座谈会 #1：2025-12-10，第一会议室') && rec.includes('发现 #1（2.2 亮点）：支部书记带头讲党课') &&
    rec.includes('访谈人 李明，记录人 王芳'), `records: ${rec}`);
  await t.fitsPhone(phone, 'visit page with records');
  await t.shot(phone, 'phone-visit-records');

  console.log('2. the pages at 1280 px: admin and the inspector');
  const admin = await t.login('admin1');
  await admin.goto(V);
  expect((await admin.textContent('#visits')).includes('组长 李明；组员 王芳'), 'visits table by name');
  await t.shot(admin, 'admin-visits');
  await admin.goto(`${V}/1`);
  await admin.click('#corrections summary');
  await t.shot(admin, 'admin-visit-corrections');
  const desk = await t.login('insp1');
  await desk.goto(`${V}/1`);
  await t.shot(desk, 'inspector-visit');

  console.log('3. keep one suggestion, override another with a reason');
  const form = `${base}/years/2025/units/jd/inspection`;
  await desk.goto(form);
  const s22 = await desk.textContent('#suggest-2\\.2-rating');
  expect(s22.includes('问卷建议：4') && s22.includes('5 份答卷'), `2.2 suggestion: ${s22}`);
  await submit(desk, '#keep-2\\.2-rating');
  expect((await desk.textContent('#suggest-2\\.2-rating')).includes('已采用'), '2.2 kept');
  // 4.1: 2.5 suggested; without a reason the override is refused
  await desk.fill('input[name="in_rating.4.1"]', '3');
  await desk.fill('textarea[name="note.4.1"]', '问卷与座谈会所见略有出入');
  // the script's save of 3 (with its note) is refused beside the field
  await desk.waitForFunction(() => /问卷建议此处为 2\.5/.test(
    document.getElementById('item-4.1').textContent), null, { timeout: 15000 });
  await Promise.all([desk.waitForNavigation(), desk.click('#override-4\\.1-rating')]);
  expect((await desk.textContent('#errors')).includes('改判理由：改判必须填写理由'), 'reason required');
  await t.shot(desk, 'override-refused');
  expect(!cli('questionnaire', 'decisions', '--year', '2025').includes('4.1'), 'refused override wrote nothing');
  await desk.goto(form);
  await desk.fill('input[name="in_rating.4.1"]', '3');
  await desk.fill('textarea[name="note.4.1"]', '问卷与座谈会所见略有出入');
  await savedByScript(desk, '4.1');
  await desk.fill('#reason-4\\.1-rating', '座谈会上学生普遍反映课堂纪律良好');
  await submit(desk, '#override-4\\.1-rating');
  const s41 = await desk.textContent('#suggest-4\\.1-rating');
  expect(s41.includes('已改判为 3') && s41.includes('座谈会上学生普遍反映课堂纪律良好'), `4.1: ${s41}`);
  await t.shot(desk, 'item-2.2-kept', { locator: desk.locator('#item-2\\.2') });
  await t.shot(desk, 'item-4.1-overridden', { locator: desk.locator('#item-4\\.1') });
  const phoneForm = await t.login('insp1', { width: 375 });
  await phoneForm.goto(form + '#item-4.1');
  await t.fitsPhone(phoneForm, 'inspection form');
  await t.shot(phoneForm, 'phone-item-4.1', { locator: phoneForm.locator('#item-4\\.1') });

  console.log('4. the score sheet says which');
  await admin.goto(`${base}/years/2025/results/jd`);
  const ex = await admin.textContent('#explain');
  expect(ex.includes('问卷建议：第 2 轮，5 份答卷，建议 4，检查组采用'), `explain: kept (${ex})`);
  expect(ex.includes('检查组改判为 3，理由：座谈会上学生普遍反映课堂纪律良好'), 'explain: overridden with the reason');
  await t.shot(admin, 'admin-sheet-explain', { locator: admin.locator('#explain') });
  const adminPhone = await t.login('admin1', { width: 375 });
  await adminPhone.goto(`${base}/years/2025/results/jd`);
  await t.shot(adminPhone, 'phone-sheet');
  console.log('onsite e2e: ok');
}

lib.run(t, main);
