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
// Every page a person reads is scanned (tests/e2e/scan.js: no English, no
// raw codes; this file adds nothing to scan.KNOWN), and the rounds, round
// and tally pages are shot at 1366 and 375 px for the admin and the
// inspector.
// Run from the repository root (tests/e2e/run.sh KAOHE SCREENS survey);
// the store, server, browser, logins and screenshots are tests/e2e/lib.js's.
'use strict';
const lib = require('./lib');

const t = lib.harness('survey');
const { expect } = t;
const RESPONDENTS = 30;

// The college's unit ids, the logins and the questionnaire's id are codes.
const seen = t.scanner({
  codes: ['jd', 'xx', 'jg', 'dbgs', 'admin1', 'insp1', 'jd1', 'ideology-2020-students'],
});

// A person at a desk (1366x768) or on a narrow window (375x768, not a
// phone's touch screen), logged in through the login page.
const login = (user, width = 1366) => t.login(user, { width, height: 768, phone: false });

// One respondent on a phone: answers every required question (i varies
// the answers), forgets q2 first when forget is set.
async function respond(base, link, i, forget) {
  const page = await t.newPage({ width: 375 });
  const resp = await page.goto(link);
  expect(resp.status() === 200, `respondent ${i}: form answered ${resp.status()}`);
  await t.fitsPhone(page, `respondent ${i} form`);
  if (i === 0) await t.shot(page, 'phone-form');
  if (i < 2) await seen.page(page, 'respondent: answer form');
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
    await seen.page(page, 'respondent: refused answers', { typed: [`建议 ${i} <b>多组织讨论</b>`] });
    await pick('q2', '4');
    await page.click('#submit');
  }
  await page.waitForURL(base + '/q/thanks');
  expect((await page.textContent('#note')).includes('感谢'), `respondent ${i}: thanks page`);
  if (i === 0) await t.shot(page, 'phone-thanks');
  if (i === 0) await seen.page(page, 'respondent: thanks');
  await page.context().close();
}

lib.run(t, async () => {
  t.cli('init');
  t.cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  t.cli('year', 'open', '2025', '--rubric', 'ideology-2020');
  t.cli('units', 'import', 'examples/units-2025.csv', '--year', '2025');
  t.cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
  t.cli('user', 'add', 'admin1', '--role', 'admin');
  t.cli('user', 'add', 'insp1', '--role', 'inspector');
  t.cli('user', 'assign', 'insp1', '--year', '2025', '--unit', 'jd');
  t.cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
  t.cli('user', 'name', 'admin1', '王老师');
  t.cli('user', 'name', 'insp1', '李明');
  t.cli('user', 'name', 'jd1', '张华');

  const base = await t.start();

  console.log('1. admin opens a round and prints 30 codes');
  const admin = await login('admin1');
  await admin.goto(`${base}/surveys`);
  await seen.page(admin, 'admin: rounds');
  await t.shot(admin, 'admin-rounds-1366');
  await admin.selectOption('#round-open select[name="questionnaire"]', 'ideology-2020-students');
  await admin.fill('#round-open input[name="audience"]', '学生');
  // No unit picked: refused, the place named, in Chinese.
  await Promise.all([admin.waitForNavigation(), admin.click('#round-open button')]);
  expect((await admin.textContent('#error-unit')).includes('请至少选择一个单位'), 'no unit refused');
  expect(await admin.inputValue('#round-open input[name="audience"]') === '学生', 'audience kept');
  await seen.page(admin, 'admin: round refused', { typed: ['学生'] });
  await t.shot(admin, 'admin-round-refused-1366');
  await admin.check('#round-open label.check:has-text("机电工程系") input');
  await Promise.all([admin.waitForURL(`${base}/surveys/1`), admin.click('#round-open button')]);
  await seen.page(admin, 'admin: round', { typed: ['学生'] });
  await t.shot(admin, 'admin-round-1366');
  await admin.selectOption('#codes-form select[name="unit"]', 'jd');
  await admin.fill('#codes-form input[name="count"]', String(RESPONDENTS));
  await Promise.all([admin.waitForNavigation(), admin.click('#codes-form button')]);
  const links = await admin.$$eval('.slip', (s) =>
    s.map((e) => (e.textContent.match(/http:\/\/\S+?\/q\/[0-9a-z]{16}/) || [''])[0]));
  expect(links.length === RESPONDENTS && links.every((l) => l), `${RESPONDENTS} slips with links`);
  expect(await admin.locator('.slip svg').count() === RESPONDENTS, 'a QR code per slip');
  await t.shot(admin, 'admin-slips');
  // The slips carry the link to type: the host, port and codes are for it.
  await seen.page(admin, 'admin: slips', { typed: [...links, ...links.map((l) => l.slice(-16))] });
  const adminPhone = await login('admin1', 375);
  for (const p of ['/surveys', '/surveys/1']) {
    await adminPhone.goto(base + p);
    await t.fitsPhone(adminPhone, `admin ${p} at 375 px`);
    await t.shot(adminPhone, `admin${p.replace(/\//g, '-')}-375`);
  }

  console.log(`2. ${RESPONDENTS} respondents on a phone`);
  for (let i = 0; i < RESPONDENTS; i++) await respond(base, links[i], i, i === 1);

  console.log('3. a used code is refused');
  const again = await t.newPage({ width: 375 });
  const resp = await again.goto(links[0]);
  expect(resp.status() === 410, `used code: expected 410, got ${resp.status()}`);
  expect((await again.textContent('#note')).includes('只能提交一次'), 'used code page says why');
  await t.shot(again, 'phone-used-code');
  await seen.page(again, 'respondent: used code');

  console.log('4. the inspector reads the tally');
  const insp = await login('insp1');
  await insp.goto(`${base}/surveys/1/tally`);
  const unit = await insp.textContent('#tally-jd');
  expect(unit.includes(`答卷 ${RESPONDENTS}`), `tally counts ${RESPONDENTS} responses`);
  expect(await insp.locator('#tally-jd ul.bars').count() >= 5, 'bar charts');
  const texts = await insp.textContent('#texts-jd-q8');
  expect(texts.includes('<b>多组织讨论</b>'), 'free text shown as text (escaped)');
  expect(await insp.locator('#texts-jd-q8 b').count() === 0, 'free text not markup');
  await t.shot(insp, 'inspector-tally');
  await seen.page(insp, 'inspector: tally', { typed: texts.split('\n') });
  const inspPhone = await login('insp1', 375);
  await inspPhone.goto(`${base}/surveys/1/tally`);
  await t.fitsPhone(inspPhone, 'inspector tally at 375 px');
  await t.shot(inspPhone, 'inspector-tally-375');
  await admin.goto(`${base}/surveys/1/tally`);
  await seen.page(admin, 'admin: tally', { typed: texts.split('\n') });
  await t.shot(admin, 'admin-tally-1366');
  await adminPhone.goto(`${base}/surveys/1/tally`);
  await t.fitsPhone(adminPhone, 'admin tally at 375 px');
  await t.shot(adminPhone, 'admin-tally-375');

  console.log('5. the unit user sees none of the answers');
  const jd = await login('jd1');
  for (const p of ['/surveys', '/surveys/1', '/surveys/1/tally']) {
    const r = await jd.goto(base + p);
    expect(r.status() === 403, `unit user ${p}: expected 403, got ${r.status()}`);
  }
  seen.finish();
});
