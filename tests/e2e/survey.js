// tests/e2e/survey.js KAOHE SCREENS - the questionnaire end to end (issue
// 13 section 4): playwright-core drives Debian's chromium through `kaohe
// serve`.  Steps (a screenshot of each under SCREENS):
//   1. admin opens a round of the students' questionnaire for jd on
//      /surveys and prints 30 codes (the A4 slips with QR codes);
//   2. 30 respondents, each in a fresh 375x812 context (a phone), open
//      their link, answer (one first forgets a required question and gets
//      the form back with the message beside it), submit and see the
//      thank-you page; no page scrolls sideways;
//   3. one of them opens a used code again and is refused (410);
//   4. the assigned inspector reads the tally: 30 responses, the bar
//      charts, the free text;
//   5. the unit user of jd sees none of it (403).
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS survey).
'use strict';
const lib = require('./lib');

const RESPONDENTS = 30;
const t = lib.harness('survey');
const { expect, cli } = t;

// One respondent on a phone: answers every required question (i varies
// the answers), forgets q2 first when forget is set.
async function respond(base, link, i, forget) {
  const page = await t.newPage({ width: 375 });
  const ctx = page.context();
  const resp = await page.goto(link);
  expect(resp.status() === 200, `respondent ${i}: form answered ${resp.status()}`);
  await t.fitsPhone(page, `respondent ${i} form`);
  if (i === 0) await t.shot(page, 'phone-form');
  const pick = (q, v) => page.check(`input[name="${q}"][value="${v}"]`);
  await pick('q1', String(5 - (i % 2)));
  if (!forget) await pick('q2', String(4 + (i % 2)));
  await pick('q3', ['a', 'b', 'c'][i % 3]);
  await pick('q4', '4');
  await pick('q6', 'a');
  if (i % 2) await pick('q6', 'c');
  await page.fill('textarea[name="q8"]', `建议 ${i} <b>多组织讨论</b>`);
  await page.click('#submit');
  if (forget) {
    await page.waitForSelector('#error-q2');
    expect((await page.textContent('#error-q2')).includes('必答'), 'q2 message beside q2');
    expect(await page.isChecked(`input[name="q1"][value="${5 - (i % 2)}"]`), 'kept answer of q1');
    await t.fitsPhone(page, 'form with messages');
    await t.shot(page, 'phone-form-422');
    await pick('q2', '4');
    await page.click('#submit');
  }
  await page.waitForURL(base + '/q/thanks');
  expect((await page.textContent('#note')).includes('感谢'), `respondent ${i}: thanks page`);
  if (i === 0) await t.shot(page, 'phone-thanks');
  await ctx.close();
}

async function main() {
  cli('init');
  cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('year', 'open', '2025', '--rubric', 'ideology-2020');
  cli('units', 'import', 'examples/units-2025.csv', '--year', '2025');
  cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
  cli('user', 'add', 'admin1', '--role', 'admin');
  cli('user', 'add', 'insp1', '--role', 'inspector');
  cli('user', 'assign', 'insp1', '--year', '2025', '--unit', 'jd');
  cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');

  const base = await t.start();

  console.log('1. admin opens a round and prints 30 codes');
  const admin = await t.login('admin1', { width: 1366, height: 768 });
  await admin.goto(`${base}/surveys`);
  await admin.fill('#round-open input[name="year"]', '2025');
  await admin.fill('#round-open input[name="questionnaire"]', 'ideology-2020-students');
  await admin.fill('#round-open input[name="audience"]', '学生');
  await admin.fill('#round-open input[name="units"]', 'jd');
  await Promise.all([admin.waitForURL(`${base}/surveys/1`), admin.click('#round-open button')]);
  await admin.selectOption('#codes-form select[name="unit"]', 'jd');
  await admin.fill('#codes-form input[name="count"]', String(RESPONDENTS));
  await Promise.all([admin.waitForNavigation(), admin.click('#codes-form button')]);
  const links = await admin.$$eval('.slip', (s) =>
    s.map((e) => (e.textContent.match(/http:\/\/\S+?\/q\/[0-9a-z]{16}/) || [''])[0]));
  expect(links.length === RESPONDENTS && links.every((l) => l), `${RESPONDENTS} slips with links`);
  expect(await admin.locator('.slip svg').count() === RESPONDENTS, 'a QR code per slip');
  await t.shot(admin, 'admin-slips');

  console.log(`2. ${RESPONDENTS} respondents on a phone`);
  for (let i = 0; i < RESPONDENTS; i++) await respond(base, links[i], i, i === 1);

  console.log('3. a used code is refused');
  const again = await t.newPage({ width: 375 });
  const resp = await again.goto(links[0]);
  expect(resp.status() === 410, `used code: expected 410, got ${resp.status()}`);
  expect((await again.textContent('#note')).includes('只能提交一次'), 'used code page says why');
  await t.shot(again, 'phone-used-code');

  console.log('4. the inspector reads the tally');
  const insp = await t.login('insp1', { width: 1366, height: 768 });
  await insp.goto(`${base}/surveys/1/tally`);
  const unit = await insp.textContent('#tally-jd');
  expect(unit.includes(`答卷 ${RESPONDENTS}`), `tally counts ${RESPONDENTS} responses`);
  expect(await insp.locator('#tally-jd svg.chart').count() >= 5, 'bar charts');
  const texts = await insp.textContent('#texts-jd-q8');
  expect(texts.includes('<b>多组织讨论</b>'), 'free text shown as text (escaped)');
  expect(await insp.locator('#texts-jd-q8 b').count() === 0, 'free text not markup');
  await t.shot(insp, 'inspector-tally');

  console.log('5. the unit user sees none of the answers');
  const jd = await t.login('jd1', { width: 1366, height: 768 });
  for (const p of ['/surveys', '/surveys/1', '/surveys/1/tally']) {
    const r = await jd.goto(base + p);
    expect(r.status() === 403, `unit user ${p}: expected 403, got ${r.status()}`);
  }
  console.log('survey e2e: ok');
}

lib.run(t, main);
