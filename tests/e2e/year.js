// tests/e2e/year.js KAOHE SCREENS - the end-to-end year of issue 4 item 7:
// playwright-core drives Debian's chromium through `kaohe serve` on a
// store prepared here.  Steps (a screenshot of each under SCREENS):
//   1. admin opens year 2025, uploads the example college's units, adds
//      the unit's user, assigns the inspector and starts the self-check,
//      all on the administration pages;
//   2. the unit user of jd fills its self-check (checkbox, choice, counts,
//      judgement below full marks: refused without a reason, saved with
//      one) and uploads evidence; it cannot open another unit's form (403);
//   3. the assigned inspector scores jd beside jd's self values (gaps
//      marked); an unassigned unit is refused;
//   4. admin publishes on the year's page; the results page marks the
//      bottom three of each ranking, the same units as `kaohe results`;
//   5. the unit user reads its own published score sheet and gets 403 on
//      another unit's sheet, form and on the whole results page.
// Every page visited is scanned (tests/e2e/scan.js): no English message
// and no raw code (unit id, login, role, state, data path, UTC time) the
// test did not type; the journey fails at its end listing every page
// that does, except the pages in scan.KNOWN.
// Only the bulk data of the other 27 units (their self-checks and the
// inspection file) is imported with the CLI: the pages have no
// whole-file import.  Run from the repository root (tests/e2e/run.sh
// does).  Exits 1 on the first failed step, saying what was expected.
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const YEAR = 2025;
// The items the people fill in the browser; the rest of the year comes
// from the example college's file, so that the year can be published.
const BROWSER_ITEMS = ['1.1', '1.2', '1.3', '2.2'];

const t = lib.harness('year', { screens: process.argv[3] || 'e2e-screens' });
const { expect, cliAs: cli } = t;
const tmp = t.tmp;
// The page scan: the college's unit ids and the logins are codes.
const UNIT_IDS = [...fs.readFileSync('examples/college-2025.yaml', 'utf8')
  .matchAll(/^ {2}- \{?id: ([A-Za-z0-9_.-]+)/gm)].map((m) => m[1]);
const seen = t.scanner({ codes: [...UNIT_IDS, 'admin1', 'insp1', 'jd1'] });
// Scans the page the person is on; typed: what this test typed there.
function look(page, label, ...typed) {
  return t.look(page, label, ...typed);
}

// Parts of examples/college-2025.yaml: its header (branches and units)
// and the entries of one phase, minus the ones filled in the browser.
function collegeParts() {
  const lines = fs.readFileSync('examples/college-2025.yaml', 'utf8').split('\n');
  const at = (key) => lines.findIndex((l) => l.startsWith(key + ':'));
  const head = lines.slice(0, at('entries'));
  const units = lines.slice(at('branches'), at('entries'));
  const tail = lines.slice(at('rosters'));
  const inBrowser = (l) => BROWSER_ITEMS.some((i) => l.includes(`{unit: jd, item: "${i}",`));
  const entries = (phase) =>
    lines.filter((l) => /^  - \{unit: /.test(l) && l.includes(`phase: ${phase}`) && !inBrowser(l));
  return {
    units: units.join('\n') + '\n',
    self: [...head, 'entries:', ...entries('self')].join('\n') + '\n',
    inspection: [...head, 'entries:', ...entries('inspection'), ...tail].join('\n') + '\n',
  };
}

function shot(page, name) {
  return t.shot(page, name);
}

// What the header shows for each login (display names set below).
const HEADER = { admin1: '王芳（管理员）', insp1: '李明（考核组成员）', jd1: '赵强（机电工程系）' };

async function login(base, user) {
  const page = await t.newPage({ width: 1366, height: 768 });
  await page.goto(base + '/');
  expect(page.url().endsWith('/login'), `anonymous / should lead to /login, got ${page.url()}`);
  await look(page, 'login page');
  await t.loginOn(page, user);
  expect(page.url() === base + '/', `${user}: the login led to ${page.url()}`);
  // the header names the person (display name), a unit's user with its
  // unit, someone without a display name by the role; never the login
  const who = await page.textContent('#who');
  const shown = HEADER[user];
  expect(who.includes(shown) && !who.includes(user), `header should name ${shown}, says ${who}`);
  await look(page, `${user}: home`);
  return page;
}

// Submits an administration form and expects its "done" page.
async function adminSubmit(page, form, ...typed) {
  await t.submitOk(page, form);
  await look(page, `admin: ${new URL(page.url()).pathname} after ${form}`, ...typed);
}

// Advances the year through its confirmation page (the note, if any,
// goes on that page) and expects the year page back.
async function adminAdvance(page, note) {
  await Promise.all([page.waitForURL(/\/advance/), page.click('#year-advance button[type=submit]')]);
  if (note)
    await page.fill('#advance-confirm input[name="reason"]', note);
  await adminSubmit(page, '#advance-confirm');
}

async function expectStatus(page, url, want, what) {
  await t.expectStatus(page, url, want, what);
  await look(page, `${what} (${want})`);
}

// Saves one item's form and waits for the page it redirects to.
// Saves the form (保存全部; the page script may have saved the item
// already: then nothing is left to save and the page says so all the same).
async function saveItem(page, item) {
  await lib.submitAndReload(page, '#save-all', 'saved');
  const msg = await page.textContent('#msg');
  expect(msg.includes('已保存'), `saving ${item}: no confirmation (${msg})`);
}

async function main() {
  // ---- the store, people and their roles
  cli('setup', 'init');
  cli('setup', 'rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('setup', 'user', 'add', 'admin1', '--role', 'admin', '--display-name', '王芳');
  cli('setup', 'user', 'add', 'insp1', '--role', 'inspector');
  cli('setup', 'user', 'name', 'insp1', '李明');   // named after creation
  const parts = collegeParts();
  for (const [k, v] of Object.entries(parts)) fs.writeFileSync(path.join(tmp, `${k}.yaml`), v);

  const base = await t.start();

  // ---- 1. admin opens the year, imports the units, adds the unit's
  // user, assigns the inspector, starts the self-check
  console.log('1. admin opens the year and imports units');
  const admin = await login(base, 'admin1');
  await admin.goto(`${base}/admin/years`);
  await look(admin, 'admin: years');
  await admin.fill('#year-open input[name="year"]', String(YEAR));
  await admin.selectOption('#year-open select[name="rubric"]', { index: 0 });
  await adminSubmit(admin, '#year-open');
  expect(await admin.locator(`#admin-year-${YEAR}`).count() === 1, 'year not listed after opening');
  await admin.goto(`${base}/admin/years/${YEAR}`);
  expect((await admin.textContent('#year-state')).includes('草稿'), 'new year not in draft');
  await look(admin, 'admin: year page in draft');
  await admin.setInputFiles('#units-import input[type="file"]', path.join(tmp, 'units.yaml'));
  await adminSubmit(admin, '#units-import', ...UNIT_IDS);   // codes of the uploaded file
  expect(await admin.locator('#units tbody tr').count() === 28, 'units page should list 28 units');
  await shot(admin, 'admin-year-units-imported');
  await admin.goto(`${base}/admin/users`);
  await look(admin, 'admin: users', 'admin1', 'insp1');
  await admin.fill('#user-add input[name="display_name"]', '赵强');
  await admin.fill('#user-add input[name="name"]', 'jd1');
  await admin.selectOption('#user-add select[name="role"]', 'unit');
  await admin.selectOption('#user-add select[name="unit"]', 'jd');
  await admin.fill('#user-add input[name="password"]', t.PW);
  await adminSubmit(admin, '#user-add', 'admin1', 'insp1', 'jd1');
  expect(await admin.locator('#user-jd1').count() === 1, 'user jd1 not listed');
  expect((await admin.textContent('#user-jd1')).includes('赵强'), 'user jd1 listed without the name typed');
  // the inspector's name, set with the CLI, names them on the grid
  await admin.goto(`${base}/admin/years/${YEAR}`);
  expect((await admin.textContent('#assign-grid thead')).includes('李明'), 'grid does not name the inspector');
  await admin.check('#assign-grid input[value="jd insp1"]');
  await Promise.all([admin.waitForURL(/\/assign$/), admin.click('#assign button[type=submit]')]);
  const added = await admin.textContent('#assign-added');
  expect(added.includes('李明') && added.includes('机电工程系'), `assignment not listed by names (${added})`);
  await look(admin, 'admin: assignments saved');
  await admin.goto(`${base}/admin/years/${YEAR}`);
  await adminAdvance(admin);
  expect((await admin.textContent('#year-state')).includes('自查'), 'year not in self_check');
  await shot(admin, 'admin-year-self-check');
  // the other units' self-checks, as their files
  cli('admin1', 'import', 'assessment', path.join(tmp, 'self.yaml'));
  await admin.goto(`${base}/`);
  expect((await admin.textContent('#year-' + YEAR)).includes('自查'), 'dashboard: year not in self_check');
  await look(admin, 'admin: home in self-check');
  await shot(admin, 'admin-dashboard');

  // ---- 2. the unit fills its self-check
  console.log('2. unit jd fills its self-check');
  const unit = await login(base, 'jd1');
  await unit.goto(`${base}/years/${YEAR}`);
  expect(await unit.locator('#progress tbody tr').count() === 1, 'unit sees other units in progress');
  await look(unit, 'unit: year page');
  await Promise.all([unit.waitForURL(/\/units\/jd\/self$/), unit.click('#unit-jd a[href$="/self"]')]);
  await shot(unit, 'unit-self-form-empty');
  await look(unit, 'unit: self-check form');
  // checkbox
  await unit.check('section[id="item-1.1"] [name="in_documents.1.1"][value="true"]');
  await saveItem(unit, '1.1');
  // option buttons
  await unit.check('section[id="item-1.2"] [name="in_report.1.2"][value="late"]');
  await unit.fill('section[id="item-1.2"] [name="note.1.2"]', '上半年书面汇报迟报');
  await saveItem(unit, '1.2');
  // counts
  await unit.fill('section[id="item-1.3"] [name="in_meetings.1.3"]', '3');
  await unit.fill('section[id="item-1.3"] [name="in_proofs.1.3"]', '2');
  await saveItem(unit, '1.3');
  // judgement below full marks: refused without a reason, saved with one
  await unit.fill('section[id="item-2.2"] [name="in_rating.2.2"]', '3.5');
  await unit.fill('section[id="item-2.2"] [name="note.2.2"]', '');
  const bad = await Promise.all([
    unit.waitForNavigation(),
    unit.click('#save-all'),
  ]);
  expect(bad[0].status() === 422, `judgement below full marks without a reason: expected 422, got ${bad[0].status()}`);
  expect(await unit.locator('section[id="item-2.2"] .field-error').count() >= 1, 'the 422 form shows no error beside 2.2');
  await shot(unit, 'unit-judgement-without-reason-refused');
  await look(unit, 'unit: refused judgement without a reason');
  await unit.goto(`${base}/years/${YEAR}/units/jd/self`);
  await unit.fill('section[id="item-2.2"] [name="in_rating.2.2"]', '3.5');
  await unit.fill('section[id="item-2.2"] [name="note.2.2"]', '支部书记履责报告对批评错误观点着墨不多');
  await saveItem(unit, '2.2');
  // evidence: a picture of the form, uploaded on item 1.3
  const evidence = path.join(tmp, 'meeting-minutes.png');
  await unit.screenshot({ path: evidence });
  await unit.setInputFiles('form[id="evidence-1.3"] input[type="file"]', evidence);
  await Promise.all([
    unit.waitForURL((u) => u.searchParams.get('evidence') === '1'),
    unit.click('form[id="evidence-1.3"] button[type=submit]'),
  ]);
  expect((await unit.textContent('#msg')).includes('已上传'), 'evidence upload not confirmed');
  const link = unit.locator('.evidence-block:has(form[id="evidence-1.3"]) a.evidence');
  expect(await link.count() === 1, 'uploaded evidence not listed on item 1.3');
  await unit.goto(`${base}/years/${YEAR}`);
  expect((await unit.textContent('#unit-jd .evidence-count')).trim() === '1', 'progress does not count the evidence');
  await unit.goto(`${base}/years/${YEAR}/units/jd/self`);
  const ev = JSON.parse(cli('admin1', 'evidence', 'list', '--year', String(YEAR), '--unit', 'jd', '--format', 'json'));
  expect(JSON.stringify(ev).includes('1.3'), 'evidence of jd 1.3 not in the store');
  // the form shows what was saved
  expect(await unit.isChecked('section[id="item-1.1"] [name="in_documents.1.1"][value="true"]'), '1.1 not checked after save');
  expect(await unit.isChecked('section[id="item-1.2"] input[value="late"]'), '1.2 option not kept');
  expect(await unit.inputValue('section[id="item-1.3"] [name="in_meetings.1.3"]') === '3', '1.3 count not kept');
  expect(await unit.inputValue('section[id="item-2.2"] [name="in_rating.2.2"]') === '3.5', '2.2 rating not kept');
  await shot(unit, 'unit-self-form-filled');
  await look(unit, 'unit: self-check form filled', 'meeting-minutes.png');
  // another unit's form: refused
  await expectStatus(unit, `${base}/years/${YEAR}/units/xx/self`, 403, 'unit opens another unit\'s self-check');
  await shot(unit, 'unit-other-unit-403');

  // ---- 3. the inspector scores
  console.log('3. the inspector scores jd');
  await admin.goto(`${base}/admin/years/${YEAR}`);
  await adminAdvance(admin);
  expect((await admin.textContent('#year-state')).includes('实地检查'), 'year not in inspection');
  // the inspection file of the other units, the rosters, bonus and negative
  cli('admin1', 'import', 'assessment', path.join(tmp, 'inspection.yaml'));
  const insp = await login(base, 'insp1');
  await insp.goto(`${base}/years/${YEAR}`);
  await look(insp, 'inspector: year page');
  await Promise.all([insp.waitForURL(/\/units\/jd\/inspection$/), insp.click('#unit-jd a[href$="/inspection"]')]);
  const selfShown = await insp.textContent('section[id="item-1.3"] .self');
  expect(selfShown.includes('3'), `inspection form does not show jd's self value for 1.3 (${selfShown})`);
  await insp.check('section[id="item-1.1"] [name="in_documents.1.1"][value="true"]');
  await saveItem(insp, '1.1');
  await insp.check('section[id="item-1.2"] [name="in_report.1.2"][value="late"]');
  await insp.fill('section[id="item-1.2"] [name="note.1.2"]', '上半年书面汇报6月下旬才报送，迟报');
  await saveItem(insp, '1.2');
  await insp.fill('section[id="item-1.3"] [name="in_meetings.1.3"]', '2');
  await insp.fill('section[id="item-1.3"] [name="in_proofs.1.3"]', '2');
  await insp.fill('section[id="item-1.3"] [name="note.1.3"]', '专题会议记录2份，印证材料2份');
  await saveItem(insp, '1.3');
  await insp.fill('section[id="item-2.2"] [name="in_rating.2.2"]', '3.5');
  await insp.fill('section[id="item-2.2"] [name="note.2.2"]', '支部书记履责报告对批评错误观点着墨不多');
  await saveItem(insp, '2.2');
  // the gap between jd's 3 meetings and the inspector's 2 is highlighted
  expect(await insp.locator('section[id="item-1.3"] .field.gap').count() >= 1, 'no gap marked on 1.3');
  await insp.locator('section[id="item-1.3"]').scrollIntoViewIfNeeded();
  await shot(insp, 'inspector-form-gap');
  // the unit's evidence, by the name it was uploaded under
  await look(insp, 'inspector: inspection form', 'meeting-minutes.png', 'meeting-', 'minutes.png');
  await expectStatus(insp, `${base}/years/${YEAR}/units/xx/inspection`, 403, 'inspector opens an unassigned unit');

  // ---- 4. admin publishes; the results page marks the bottom three
  console.log('4. admin publishes');
  await admin.goto(`${base}/admin/years/${YEAR}`);
  await adminAdvance(admin); // -> review
  expect((await admin.textContent('#year-state')).includes('复核'), 'year not in review');
  await admin.goto(`${base}/years/${YEAR}/results`);
  await shot(admin, 'admin-results-review');
  await look(admin, 'admin: results in review');
  await admin.goto(`${base}/admin/years/${YEAR}`);
  await adminAdvance(admin, '2025年度考核结果经党委会审定后公布'); // -> published
  await shot(admin, 'admin-year-published');
  await admin.goto(`${base}/years/${YEAR}`);
  expect((await admin.textContent('#year-state')).includes('已公布'), 'year not published');
  await look(admin, 'admin: year page published');
  await Promise.all([admin.waitForURL(/\/results$/), admin.click('#nav-results')]);
  const json = JSON.parse(cli('admin1', 'results', '--year', String(YEAR), '--format', 'json'));
  const ids = Object.keys(json.rankings || {});
  expect(ids.length === 2, `results JSON should have two rankings, has ${ids.length}`);
  for (const id of ids) {
    const want = json.rankings[id].filter((r) => r.bottom).map((r) => r.name);
    // three, or more when the third place is shared (SCORING.md)
    expect(want.length >= 3, `ranking ${id}: JSON marks ${want.length} bottom units`);
    const table = admin.locator(`table[id="ranking-${id}"]`);
    expect(await table.locator('tbody tr').count() === json.rankings[id].length,
      `ranking ${id}: page and JSON list different numbers of rows`);
    const got = await table.locator('tr.bottom td:nth-child(2)').allTextContents();
    expect(JSON.stringify(got) === JSON.stringify(want),
      `ranking ${id}: page marks ${JSON.stringify(got)} as bottom three, JSON ${JSON.stringify(want)}`);
    const marks = await table.locator('tr.bottom td.mark').allTextContents();
    expect(marks.length === want.length && marks.every((m) => m.includes('后三位')), `ranking ${id}: bottom rows not labelled`);
  }
  expect(await admin.locator('svg#chart-totals rect').count() === 28, 'chart should have 28 bars');
  await shot(admin, 'admin-results-published-bottom-three');
  await look(admin, 'admin: results published');

  // ---- 5. the unit reads its own published sheet, nothing else
  console.log('5. unit jd after publication');
  await expectStatus(unit, `${base}/years/${YEAR}/results/jd`, 200, 'unit opens its own published sheet');
  const jd = json.units.find((u) => u.id === 'jd');
  const shown = (await unit.textContent('#sheet tr:has(th:text-is("总分")) td.score')).trim();
  expect(Number(shown) === jd.total, `own sheet shows total ${shown}, the results ${jd.total}`);
  expect((await unit.textContent('#explain')).includes('1.3'), 'own sheet has no derivation of 1.3');
  await shot(unit, 'unit-own-sheet');
  await look(unit, 'unit: own score sheet');
  await expectStatus(unit, `${base}/years/${YEAR}/results/xx`, 403, 'unit opens another unit\'s sheet');
  await shot(unit, 'unit-other-sheet-403');
  await expectStatus(unit, `${base}/years/${YEAR}/units/xx/self`, 403, 'unit opens another unit\'s form');
  await expectStatus(unit, `${base}/years/${YEAR}/results`, 403, 'unit opens the whole results page');

  // every refusal above is in the audit log
  const audit = cli('admin1', 'audit', 'log');
  expect((audit.match(/web\.refused/g) || []).length >= 5, 'refusals missing from the audit log');
  seen.finish();
}

lib.run(t, main);
