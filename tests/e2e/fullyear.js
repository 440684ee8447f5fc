// tests/e2e/fullyear.js KAOHE SCREENS - issue 12's one continuous year in
// a browser: every step through the web app, every person logging in on
// the login page.  The CLI only creates the store and the first admin, and
// does the two things the pages cannot: a department scorer (the user form
// has no provider) and people's display names.
//   1. admin imports the rubric, opens 2025, imports 7 units (a branch of
//      three offices), sets the dates, adds four unit users, an inspector,
//      an auditor, assigns the inspector to every unit, opens self-check;
//   2. unit A (jd) fills its whole self-check, submits with 5.3 missing
//      (refused, the list names it), completes it and submits with its
//      self-check report; admin returns it with a reason; A reads the
//      return in its inbox and submits again;
//   3. unit B (xx) files a bonus claim with an uploaded file; unit C
//      (dbgs) files another;
//   4. admin advances: the confirmation lists the incomplete units;
//   5. the inspector scores every unit (C lowest); the department scorer
//      saves its grid, one cell below full marks (refused without a note,
//      saved with one); admin approves B's claim with points and rejects
//      C's with a reason;
//   6. review; publish (the confirmation shows the frozen rankings); the
//      notice shows the approved bonus;
//   7. C, a bottom-three office, sees its talk and rectification item,
//      reports; admin returns it once, C reports again, admin accepts
//      (销号); C's own view on a 375x812 phone shows its sheet, rank, claim
//      decision and the closed item;
//      unit D reads on its phone the department's note behind its 4.2;
//   8. the auditor finds the claim decisions and the acceptance in the
//      audit log, in Chinese;
//   9. every unit's total from the JSON API equals `kaohe results`.
// Every page visited is scanned (scan.js) and shot at 1366 and 375 px
// under SCREENS.  Run from the repository root (tests/e2e/run.sh KAOHE
// SCREENS fullyear).
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const YEAR = 2025;
// 2026-01-01 08:00 in Beijing: self-check due in 9 days.
const NOW = '1767225600';
const t = lib.harness('fullyear', { env: { KAOHE_NOW: NOW }, chineseBrowser: true });
const { expect } = t;
const WIDTHS = [1366, 375];

const UNITS = [
  ['jd', '机电工程系', '系', 'jd', '机电工程系党支部'],
  ['xx', '信息工程系', '系', 'xx', '信息工程系党支部'],
  ['jg', '经济管理系', '系', 'jg', '经济管理系党支部'],
  ['dbgs', '党委办公室', '处室', 'admin-1', '机关第一党支部'],
  ['zzb', '党委组织部', '处室', 'admin-1', '机关第一党支部'],
  ['xcb', '党委宣传部', '处室', 'admin-1', '机关第一党支部'],
  ['jwc', '教务处', '处室', 'admin-2', '机关第二党支部'],
];
const NAME = Object.fromEntries(UNITS.map((u) => [u[0], u[1]]));
// login: [role, unit, display name]
const PEOPLE = {
  admin1: ['admin', '', '宣传部 周敏'],
  jd1: ['unit', 'jd', '机电工程系 李强'],
  xx1: ['unit', 'xx', '信息工程系 王静'],
  dbgs1: ['unit', 'dbgs', '党委办公室 陈刚'],
  jwc1: ['unit', 'jwc', '教务处 刘芳'],
  insp1: ['inspector', '', '考核组 张伟'],
  aud1: ['auditor', '', '纪委 孙丽'],
  dept1: ['department', '', '宣传部评分员 赵军'],
};
const CSV = path.join(t.tmp, 'units-2025.csv');
const DATES = ['2026-01-10', '2026-01-11', '2026-01-20', '2026-02-01', '2026-02-10'];

const seen = t.scanner({ codes: [...UNITS.map((u) => u[0]), 'admin-1', 'admin-2', ...Object.keys(PEOPLE)] });

// Opens url (relative) as page, scans it and shoots it at both widths.
async function visit(page, url, label, ...typed) {
  const resp = await page.goto(t.base + url);
  expect(resp.status() === 200, `${label}: ${url} answered ${resp.status()}`);
  await here(page, label, ...typed);
  return resp;
}
// Scans the page as it is and shoots it, once per label (the year page
// before each advance looks alike).
const shotLabels = new Set();
async function here(page, label, ...typed) {
  await t.look(page, label, ...typed);
  if (shotLabels.has(label)) return;
  shotLabels.add(label);
  await t.shot(page, label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, ''), { widths: WIDTHS });
}

async function login(user, o = {}) {
  const page = await t.login(user, { width: 1366, height: 768, viaHome: true, ...o });
  const who = await page.textContent('#who');
  // a unit's user is shown as its unit; others by their name, or (today,
  // web_who) their login: the scan reports that
  const want = PEOPLE[user][0] === 'unit' ? [NAME[PEOPLE[user][1]]] : [PEOPLE[user][2], user];
  expect(want.some((w) => who.includes(w)), `${user}: the header should name ${want[0]}, says ${who}`);
  await here(page, `${user} home`);
  return page;
}

// The items of the entry form the page is on.
function itemsOf(page) {
  return page.$$eval('section.item[data-item]', (ss) => ss.map((s) => s.dataset.item));
}

// Fills every field of an entry form: level 'good' takes the first
// option, full marks and 2 of a count; 'poor' the last option, half
// marks and 0.  skip: items left empty.  A self-check item gets a note,
// and every item of a poor unit (marks lost need one).
async function fillEntry(page, level, skip = []) {
  const items = await itemsOf(page);
  let n = 0;
  for (const item of items) {
    if (skip.includes(item)) continue;
    const fields = await page.$$eval(`section[id="item-${item}"] .field[data-input]`, (fs) =>
      fs.map((f) => ({
        input: f.dataset.input,
        label: f.querySelector('label, .label').textContent,
        radios: Array.from(f.querySelectorAll('input[type=radio]')).map((r) => r.value),
        disabled: !!f.querySelector('input[disabled]'),
      })));
    for (const f of fields) {
      if (f.disabled) continue;
      const name = `in_${f.input}.${item}`;
      if (f.radios.length) {
        const v = level === 'good' ? f.radios[0] : f.radios[f.radios.length - 1];
        await page.check(`[name="${name}"][value="${v}"]`);
        continue;
      }
      const m = /0–([\d.]+)/.exec(f.label);   // a judgement: its full marks
      const v = m ? (level === 'good' ? m[1] : String(Math.floor(Number(m[1]) / 2))) :
        (level === 'good' ? '2' : '0');
      await page.fill(`[name="${name}"]`, v);
    }
    if (level === 'poor' || page.url().endsWith('/self'))   // a note where one is due
      await page.fill(`[name="note.${item}"]`, `${item} 项说明`);
    n++;
  }
  return n;
}

// 保存全部, and the form back with 已保存.
async function saveAll(page, what) {
  await lib.submitAndReload(page, '#save-all', 'saved');
  expect((await page.textContent('#msg')).includes('已保存'), `${what}: not saved`);
}

async function submitSelf(page, report) {
  await t.fill(page, '#selfcheck-submit', { report, confirm: true });
  await Promise.all([page.waitForNavigation(), page.click('#selfcheck-submit button')]);
}

let advances = 0;
// The admin's year page: advance through the confirmation page.
async function advance(admin, reason, check) {
  // in draft the units are listed by the codes the admin's file gave them
  const typed = advances === 0 ? UNITS.map((u) => u[0]) : [];
  await visit(admin, `/admin/years/${YEAR}`, 'admin year page', ...typed);
  await Promise.all([admin.waitForURL(/\/advance/), admin.click('#year-advance button[type=submit]')]);
  await here(admin, `admin advance confirmation ${++advances}`);
  if (check) await check();
  await admin.fill('#advance-confirm input[name="reason"]', reason);
  await t.submitOk(admin, '#advance-confirm');
  await here(admin, `admin year page after advance ${advances}`, reason);
}

// The people's pages, by who they are: admin, a, b, c (units A, B, C), insp,
// dept, aud.
const P = {};

// 1. The year, its units, dates and people.
async function setUpYear() {
  console.log('1. admin sets up the year');
  P.admin = await login('admin1');
  const admin = P.admin;
  await visit(admin, '/admin/rubrics', 'admin rubrics');
  await admin.setInputFiles('#rubric-import input[type="file"]', 'rubrics/ideology-2020.yaml');
  await t.submitOk(admin, '#rubric-import');
  await here(admin, 'admin rubric imported', 'ideology-2020.yaml');
  await visit(admin, '/admin/years', 'admin years');
  await t.fill(admin, '#year-open', { year: YEAR });
  await admin.selectOption('#year-open select[name="rubric"]', { index: 0 });
  await t.submitOk(admin, '#year-open');
  await visit(admin, `/admin/years/${YEAR}`, 'admin year in draft');
  await admin.setInputFiles('#units-import input[type="file"]', CSV);
  await t.submitOk(admin, '#units-import');
  expect(await admin.locator('#units tbody tr').count() === UNITS.length, 'units not all listed');
  await here(admin, 'admin units imported', ...UNITS.map((u) => u[0]), 'admin-1', 'admin-2');
  const dates = admin.locator('#year-dates input[type="date"]');
  expect(await dates.count() === DATES.length, 'the dates form has not five dates');
  for (let i = 0; i < DATES.length; i++) await dates.nth(i).fill(DATES[i]);
  await t.submitOk(admin, '#year-dates');
  await visit(admin, '/admin/users', 'admin users', 'admin1');
  for (const [who, [role, unit]] of Object.entries(PEOPLE)) {
    if (who === 'admin1' || role === 'department') continue;
    await t.fill(admin, '#user-add', { name: who, role, password: t.PW });
    if (unit) await admin.selectOption('#user-add select[name="unit"]', unit);
    await t.submitOk(admin, '#user-add');
  }
  // the pages cannot make a department scorer nor name a person
  t.cli('user', 'add', 'dept1', '--role', 'department', '--provider', '党委宣传部');
  for (const [who, p] of Object.entries(PEOPLE)) t.cli('user', 'name', who, p[2]);
  await visit(admin, '/admin/users', 'admin users added', ...Object.keys(PEOPLE));
  await visit(admin, `/admin/years/${YEAR}`, 'admin year assign', ...UNITS.map((u) => u[0]));
  for (const [u] of UNITS) await admin.check(`#assign-grid input[value="${u} insp1"]`);
  await Promise.all([admin.waitForURL(/\/assign$/), admin.click('#assign button[type=submit]')]);
  expect((await admin.textContent('#assign-added')).includes(NAME.jwc), 'assignment not listed');
  await here(admin, 'admin assignments saved');
  await advance(admin, '单位名单与日程已确认');
  expect((await admin.textContent('#year-state')).includes('自查'), 'year not in self-check');
}

// 2. Unit A: the whole self-check, a refusal, a return.
async function selfCheckOfA() {
  const { admin } = P;
  console.log('2. unit A fills, submits, is returned, submits again');
  P.a = await login('jd1');
  const a = P.a;
  expect((await a.textContent(`#dates-${YEAR}`)).includes('还有 9 天'), 'unit home: no days left');
  const formA = `/years/${YEAR}/units/jd/self`;
  await visit(a, formA, 'unit A self-check empty');
  const filled = await fillEntry(a, 'good', ['5.3']);
  expect(filled === 24, `unit A filled ${filled} items`);
  await saveAll(a, 'unit A');
  await submitSelf(a, '本单位自查报告：各项工作已落实。');
  const missing = await a.textContent('#errors');
  expect(missing.includes('考核要点 5.3') && !missing.includes('考核要点 5.2'), `missing list: ${missing}`);
  await here(a, 'unit A submit refused', '本单位自查报告：各项工作已落实。');
  await a.goto(t.base + formA);
  await fillEntry(a, 'good', (await itemsOf(a)).filter((i) => i !== '5.3'));
  await saveAll(a, 'unit A 5.3');
  expect((await a.textContent('#filled-n')).trim() === (await a.textContent('#applicable-n')).trim(),
    'unit A: not every item filled');
  await submitSelf(a, '本单位自查报告：25项均已自查，佐证材料齐全。');
  expect((await a.textContent('#selfcheck-state')).includes('已提交'), 'unit A not submitted');
  await here(a, 'unit A submitted', '本单位自查报告：25项均已自查，佐证材料齐全。');
  await visit(admin, formA, 'admin unit A self-check');
  await t.fill(admin, '#selfcheck-return', { reason: '请补充意识形态专题会议记录' });
  await Promise.all([admin.waitForNavigation(), admin.click('#selfcheck-return button')]);
  expect((await admin.textContent('#selfcheck-state')).includes('请补充意识形态专题会议记录'), 'return not shown');
  await here(admin, 'admin returned unit A');
  await visit(a, '/', 'unit A home after return');
  expect((await a.textContent('#unread')).trim() !== '0', 'unit A: no unread count');
  await Promise.all([a.waitForNavigation(), a.click('#nav-inbox')]);
  expect((await a.textContent('#inbox')).includes('请补充意识形态专题会议记录'), 'the return is not in the inbox');
  await here(a, 'unit A inbox');
  await visit(a, formA, 'unit A returned form');
  await submitSelf(a, '已补充意识形态专题会议记录。');
  expect((await a.textContent('#selfcheck-state')).includes('已提交'), 'unit A not submitted again');
  await here(a, 'unit A submitted again');
}

// 3. Claims of B and C.
async function claimsOfBAndC() {
  console.log('3. units B and C file bonus claims');
  P.b = await login('xx1');
  const b = P.b;
  await visit(b, `/years/${YEAR}/units/xx/self`, 'unit B self-check');
  await fillEntry(b, 'good', (await itemsOf(b)).filter((i) => !['1.1', '1.2', '1.3'].includes(i)));
  await saveAll(b, 'unit B');
  await visit(b, `/years/${YEAR}/claims`, 'unit B claims');
  await t.fill(b, '#claim-add', { kind: 'honour', description: '辅导员获省级优秀思政工作者表彰',
    file: ['tests/evidence/data/现场照片.png'] });
  await Promise.all([b.waitForURL((u) => u.searchParams.get('done') === '1'), b.click('#claim-add button[type=submit]')]);
  const files = await b.textContent('#claims ul.claim-files');
  expect(files.includes('现场照片.png'), `B's claim does not list its file: ${files}`);
  const link = await b.getAttribute('#claims ul.claim-files a', 'href');
  expect((await b.request.get(t.base + link)).status() === 200, `B cannot open its claim's file ${link}`);
  await here(b, 'unit B claim filed', '辅导员获省级优秀思政工作者表彰', '现场照片.png');
  P.c = await login('dbgs1');
  const c = P.c;
  await visit(c, `/years/${YEAR}/claims`, 'unit C claims');
  await t.fill(c, '#claim-add', { kind: 'article', description: '在内部刊物发表理论文章一篇' });
  await Promise.all([c.waitForURL((u) => u.searchParams.get('done') === '1'), c.click('#claim-add button[type=submit]')]);
  await here(c, 'unit C claim filed', '在内部刊物发表理论文章一篇');
}

// 4. To the inspection: the incomplete units are listed.
async function toInspection() {
  const { admin } = P;
  console.log('4. admin advances to the inspection');
  await advance(admin, '自查阶段结束', async () => {
    const inc = await admin.textContent('#incomplete');
    expect(inc.includes(NAME.xx) && inc.includes(NAME.jwc) && !inc.includes(NAME.jd),
      `incomplete units: ${inc}`);
  });
  expect((await admin.textContent('#year-state')).includes('实地检查'), 'year not in inspection');
}

// 5. The inspector, the department, the claims.
async function scoring() {
  const { admin } = P;
  console.log('5. the inspector scores, the department saves its grid, admin decides the claims');
  // without the page script: no save per field, one 保存全部 per unit
  P.insp = await login('insp1', { javaScriptEnabled: false });
  const insp = P.insp;
  await visit(insp, `/years/${YEAR}/progress`, 'inspector progress');
  for (const [u] of UNITS) {
    await insp.goto(`${t.base}/years/${YEAR}/units/${u}/inspection`);
    await fillEntry(insp, u === 'dbgs' ? 'poor' : 'good');
    await saveAll(insp, `inspection of ${u}`);
    const [n, of] = [await insp.textContent('#filled-n'), await insp.textContent('#applicable-n')];
    expect(n.trim() === of.trim(), `inspection of ${u}: ${n} of ${of} items saved`);
    if (u === 'jd' || u === 'dbgs') await here(insp, `inspector scored ${u}`);
  }
  P.dept = await login('dept1');
  const dept = P.dept;
  await visit(dept, `/years/${YEAR}/dept`, 'department grid');
  // one cell below full marks: refused without a note, beside the cell;
  // saved with one
  await dept.fill('input[name="v*jd*3.3*reports"]', '3');
  await dept.fill('input[name="v*jwc*4.2*rating"]', '3.5');
  const [bad] = await Promise.all([dept.waitForNavigation(), dept.click('#dept-save')]);
  expect(bad.status() === 422, `grid below full marks without a note: ${bad.status()}`);
  const err = await dept.textContent('[id="grid-err-jwc-4.2"]');
  expect(err.includes(NAME.jwc) && err.includes('4.2'), `the refusal beside jwc's 4.2: ${err}`);
  expect(await dept.inputValue('input[name="v*jd*3.3*reports"]') === '3', 'typed grid value lost');
  await here(dept, 'department grid refused');
  const note = '审批手续个别环节补签';
  await dept.fill('input[name="v*jwc*4.2*rating"]', '3.5');
  await dept.fill('textarea[name="n*jwc*4.2"]', note);
  await Promise.all([dept.waitForURL((u) => u.searchParams.get('done') === '1'), dept.click('#dept-save')]);
  await here(dept, 'department grid saved', note);
  const e42 = await t.api(P.admin, 'GET', `/api/v1/years/${YEAR}/entries/jwc/4.2/inspection`);
  expect(e42.status === 200 && e42.json.inputs.rating === 3.5 && e42.json.note === note,
    `jwc 4.2 after the grid: ${JSON.stringify(e42)}`);
  await visit(admin, `/years/${YEAR}/claims`, 'admin claims');
  await t.fill(admin, '#claim-approve-1', { points: '2' });
  await Promise.all([admin.waitForURL((u) => u.searchParams.get('done') === '1'), admin.click('#claim-approve-1 button[type=submit]')]);
  await t.fill(admin, '#claim-reject-2', { reason: '内部刊物不在认定范围' });
  await Promise.all([admin.waitForURL((u) => u.searchParams.get('done') === '1'), admin.click('#claim-reject-2 button[type=submit]')]);
  await here(admin, 'admin claims decided');
}

// 6. Review, publication, the notice.
async function publication() {
  const { admin } = P;
  console.log('6. review and publication');
  await advance(admin, '实地检查结束');
  expect((await admin.textContent('#year-state')).includes('复核'), 'year not in review');
  await advance(admin, '2025年度考核结果经党委会审定后公布', async () => {
    const freeze = await admin.textContent('#freeze');
    expect(freeze.includes(NAME.jd) && freeze.includes(NAME.dbgs), `frozen lists: ${freeze.slice(0, 300)}`);
  });
  expect((await admin.textContent('#year-state')).includes('已公布'), 'year not published');
  await visit(admin, `/years/${YEAR}/notice`, 'admin notice');
  // the approved claim is B's bonus (加分) in its ranking row
  const table = admin.locator('table:has(td:text-is("信息工程系党支部"))');
  const heads = (await table.locator('th').allTextContents()).map((h) => h.replace(/\s/g, ''));
  const rowB = await table.locator('tr:has(td:text-is("信息工程系党支部")) td').allTextContents();
  expect(rowB[heads.indexOf('加分')] === '2.00', `the notice does not show B's 2 bonus points: ${rowB}`);
}

// 7. Rectification of C, a bottom-three office.
async function rectificationOfC() {
  const { admin, c } = P;
  console.log('7. rectification of unit C');
  const results = JSON.parse(t.cliAs('admin1', 'results', '--year', String(YEAR), '--format', 'json'));
  const offices = results.rankings.office;
  expect(offices.find((r) => r.bottom && r.name === NAME.dbgs), 'unit C is not in the bottom three');
  await visit(admin, `/years/${YEAR}/followup`, 'admin followup');
  await t.fill(admin, '#talk-add', { unit: 'dbgs', date: '2026-01-01', by: '党委副书记 王五',
    to: '分管领导 李四、负责人 赵六', summary: '指出意识形态工作责任制落实中的薄弱环节' });
  await t.submitOk(admin, '#talk-add');
  await t.fill(admin, '#item-add', { unit: 'dbgs', deadline: '2026-03-31', text: '健全意识形态工作责任清单' });
  await t.submitOk(admin, '#item-add');
  await here(admin, 'admin followup talk and item');
  await visit(c, '/', 'unit C home with its item');
  const home = await c.textContent(`#followup-${YEAR}`);
  expect(home.includes('党委副书记 王五') && home.includes('健全意识形态工作责任清单'), `unit C home: ${home}`);
  const form = c.locator('form[id^="report-form-"]');
  expect(await form.count() === 1, 'unit C has no report form');
  const fid = await form.getAttribute('id');
  await t.fill(c, `#${fid}`, { text: '已制定责任清单', file: 'tests/evidence/data/整改报告.docx' });
  await Promise.all([c.waitForURL((u) => u.searchParams.get('reported') === '1'), c.click(`#${fid} button[type=submit]`)]);
  await here(c, 'unit C reported');
  await visit(admin, `/years/${YEAR}/followup`, 'admin followup report waiting');
  const ret = admin.locator('form[id^="report-return-"]');
  await ret.locator('textarea[name="reason"]').fill('请补充党支部会议记录');
  await Promise.all([admin.waitForURL((u) => u.searchParams.get('ok') === '1'), ret.locator('button[type=submit]').click()]);
  await visit(c, '/', 'unit C home after return');
  expect((await c.textContent(`#followup-${YEAR}`)).includes('请补充党支部会议记录'), 'unit C does not see the reason');
  await t.fill(c, `#${fid}`, { text: '已补充党支部会议记录' });
  await Promise.all([c.waitForURL((u) => u.searchParams.get('reported') === '1'), c.click(`#${fid} button[type=submit]`)]);
  await visit(admin, `/years/${YEAR}/followup`, 'admin followup report again');
  await Promise.all([admin.waitForURL((u) => u.searchParams.get('ok') === '1'),
    admin.locator('form[id^="report-accept-"] button[type=submit]').click()]);
  await here(admin, 'admin accepted the report');
  const phone = await t.login('dbgs1', { width: 375 });
  await Promise.all([phone.waitForURL(/\/view$/), phone.click(`#link-view-${YEAR}`)]);
  await t.look(phone, 'unit C own view on a phone');
  await t.fitsPhone(phone, 'unit C own view');
  await t.shot(phone, 'unit-C-own-view-phone');
  const view = await phone.textContent('body');
  const cTotal = results.units.find((u) => u.id === 'dbgs').total;
  for (const want of ['第', '内部刊物不在认定范围', '已销号', '健全意识形态工作责任清单'])
    expect(view.includes(want), `unit C own view lacks ${want}`);
  expect((await phone.textContent('#rank')).includes('第'), 'own view: no rank');
  expect(view.includes(String(cTotal)), `own view lacks the total ${cTotal}`);
}

// 7b. Unit D reads, on its phone, why the department took half a point.
async function unitD() {
  console.log('7b. unit D reads the department\'s note on its own view');
  const d = await t.login('jwc1', { width: 375 });
  await Promise.all([d.waitForURL(/\/view$/), d.click(`#link-view-${YEAR}`)]);
  await t.look(d, 'unit D own view on a phone');
  await t.fitsPhone(d, 'unit D own view');
  await t.shot(d, 'unit-D-own-view-phone');
  const sheet = await d.textContent('#explain');
  expect(sheet.includes('审批手续个别环节补签'), 'unit D\'s sheet does not say why 4.2 lost half a point');
}

// 8. The auditor.
async function auditor() {
  console.log('8. the auditor reads the audit log');
  P.aud = await login('aud1');
  const aud = P.aud;
  await visit(aud, '/audit', 'auditor audit log');
  const cols = await aud.locator('#audit thead th').allInnerTexts();
  const col = (name) => cols.findIndex((h) => h.trim() === name);
  const [act, unit, change, why] = ['操作', '单位', '变更内容', '理由'].map(col);
  const rows = await aud.locator('#audit tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.cells).map((td) => td.innerText.trim())));
  const approve = rows.find((r) => r[unit].includes(NAME.xx) && /申报通过|approve/.test(r[act]));
  const reject = rows.find((r) => r[why].includes('内部刊物不在认定范围'));
  const accept = rows.find((r) => r[unit].includes(NAME.dbgs) && /销号|accept/.test(r[act]));
  expect(approve && reject && accept, `audit log: claim approval ${!!approve}, rejection ${!!reject}, ` +
    `report acceptance ${!!accept}`);
  for (const [what, r] of [['claim approval', approve], ['claim rejection', reject], ['acceptance', accept]])
    language(/^[^A-Za-z]*[\u4e00-\u9fff][^A-Za-z]*$/.test(r[act] + r[change]),
      `audit log: the ${what} reads "${r[act]}: ${r[change]}", not Chinese`);
}

// 9. Totals: the JSON API against `kaohe results`.
async function totals() {
  const { admin } = P;
  console.log('9. the JSON API against kaohe results');
  const results = JSON.parse(t.cliAs('admin1', 'results', '--year', String(YEAR), '--format', 'json'));
  const api = await t.api(admin, 'GET', `/api/v1/years/${YEAR}/results`);
  expect(api.status === 200, `results API: ${api.status}`);
  for (const u of results.units) {
    const got = api.json.units.find((x) => x.id === u.id);
    expect(got && got.total === u.total, `${u.id}: API total ${got && got.total}, CLI ${u.total}`);
  }
  expect(results.units.find((u) => u.id === 'xx').bonus === 2, 'B has not its 2 bonus points');
}

async function main() {
  fs.writeFileSync(CSV, '编号,名称,类别,支部编号,支部名称\n' + UNITS.map((u) => u.join(',')).join('\n') + '\n');
  t.cli('init');
  t.cli('user', 'add', 'admin1', '--role', 'admin');
  t.cli('user', 'name', 'admin1', PEOPLE.admin1[2]);
  await t.start();
  for (const step of [setUpYear, selfCheckOfA, claimsOfBAndC, toInspection, scoring, publication,
    rectificationOfC, unitD, auditor, totals]) {
    await step();
  }
  finish();
}

// What a person reads that is not Chinese (the page scan and the checks
// above): the year fails on it (KH_E2E_SCAN=lenient only lists it, for a
// run that looks at something else).
const words = [];
function language(ok, msg) {
  if (!ok) words.push(msg);
}
function finish() {
  try {
    seen.finish();
  } catch (e) {
    words.push(e.message);
  }
  for (const w of words) console.log(`  language: ${w}`);
  if (!words.length) return;
  if (process.env.KH_E2E_SCAN !== 'lenient')
    t.fail(`the year shows English or codes:\n${words.join('\n')}`);
  console.log(`  (KH_E2E_SCAN=lenient: ${words.length} findings above not failed)`);
}

lib.run(t, main);
