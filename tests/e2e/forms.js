// tests/e2e/forms.js KAOHE SCREENS - the entry form that keeps everything
// (issue 11 item 1) in Debian's chromium through playwright-core:
//   1. without JavaScript, unit jd fills its whole self-check top to
//      bottom and saves once (保存全部): every item is in the store,
//      checked through the JSON API;
//   2. with the page script, unit xx: an item saves itself (已保存 HH:MM,
//      the progress bar counts it); values typed while the server cannot
//      be reached survive a reload (the draft) and are then saved;
//   3. the login expires mid-form (serve --session-idle 20): the page
//      says so, the user logs in again, lands back on the form with the
//      draft restored and saved;
//   4. a refused value: the Chinese message beside the field, naming the
//      item and the field, the other values kept; a version conflict
//      (someone else saved the item) beside the item, the value kept;
//   5. the phone viewport (375x812): no sideways scrolling, the progress
//      bar stays on screen;
//   6. keyboard only through one item, with a visible focus ring.
// Screenshots of each step, and of the form as each role at 1280 and
// 375 px, under SCREENS.  Exits 1 on the first failed step.
'use strict';
const lib = require('./lib');

const IDLE = 20; // seconds: serve --session-idle
const t = lib.harness('forms', { serveArgs: ['--session-idle', String(IDLE)] });
const { expect, cli } = t;

// The visible part of the page (a long form's top).
function shot(page, name) {
  return t.shot(page, name, { fullPage: false });
}

// A person; opts as playwright's context options (viewport,
// javaScriptEnabled): the desk is 1280x900.
function login(base, user, opts = {}) {
  const vp = opts.viewport || { width: 1280, height: 900 };
  return t.login(user, { ...opts, width: vp.width, height: vp.height, phone: !!opts.isMobile });
}

function loginOn(page, base, user) {
  return t.loginOn(page, user);
}

// The stored entry of an item through the JSON API, with the page's login.
async function entry(page, base, unit, item) {
  const r = await page.request.get(`${base}/api/v1/years/2025/entries/${unit}/${item}/self`);
  expect(r.ok(), `GET entry ${unit}/${item}: ${r.status()}`);
  return r.json();
}

// Fills every field of the form with a valid value; returns what it typed
// by item: {item: {input: value}}.
async function fillAll(page) {
  const typed = {};
  const items = await page.$$eval('section.item[data-item]', (ss) => ss.map((s) => s.dataset.item));
  for (const item of items) {
    typed[item] = {};
    const fieldsOf = await page.$$eval(`section[id="item-${item}"] .field[data-input]`, (fs) =>
      fs.map((f) => ({
        input: f.dataset.input,
        label: f.querySelector('label, .label').textContent,
        radios: Array.from(f.querySelectorAll('input[type=radio]')).map((r) => r.value),
      })));
    for (const f of fieldsOf) {
      const name = `in_${f.input}.${item}`;
      if (f.radios.length) {
        const v = f.radios[0];
        await page.check(`[name="${name}"][value="${v}"]`);
        typed[item][f.input] = v;
      } else {
        const m = /0–([\d.]+)/.exec(f.label);   // a judgement: full marks
        const v = m ? m[1] : '1';
        await page.fill(`[name="${name}"]`, v);
        typed[item][f.input] = v;
      }
    }
    await page.fill(`[name="note.${item}"]`, `第 ${item} 项的说明`);
  }
  return typed;
}

async function statusOf(page, item) {
  return page.getAttribute(`[id="status-${item}"]`, 'class');
}

async function waitSaved(page, item) {
  await page.waitForSelector(`[id="status-${item}"].saved`, { timeout: 15000 });
}

async function main() {
  cli('init');
  cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
  cli('year', 'open', '2025', '--rubric', 'ideology-2020');
  cli('units', 'import', 'examples/units-2025.csv', '--year', '2025');
  cli('year', 'advance', '2025');
  cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
  cli('user', 'add', 'xx1', '--role', 'unit', '--unit', 'xx');
  cli('user', 'add', 'admin1', '--role', 'admin');
  cli('user', 'add', 'insp1', '--role', 'inspector');
  cli('user', 'add', 'aud1', '--role', 'auditor');
  cli('user', 'assign', 'insp1', '--year', '2025', '--unit', 'jd');
  const base = await t.start();

  // ---- 1. no JavaScript: the whole self-check, one 保存全部
  console.log('1. jd fills its whole self-check without JavaScript and saves once');
  const nojs = await login(base, 'jd1', { javaScriptEnabled: false });
  await nojs.goto(`${base}/years/2025/units/jd/self`);
  await shot(nojs, 'nojs-empty');
  const typed = await fillAll(nojs);
  const res = await Promise.all([nojs.waitForNavigation(), nojs.click('#save-all')]);
  expect(res[0].status() === 200 && nojs.url().includes('saved=25'),
    `保存全部: expected the form with saved=25, got ${res[0].status()} ${nojs.url()}`);
  expect((await nojs.textContent('#filled-n')).trim() === '25', 'progress does not say 25 filled');
  expect(await nojs.locator('p.status.saved').count() === 25, 'not every item says 已保存');
  for (const [item, vals] of Object.entries(typed)) {
    const e = await entry(nojs, base, 'jd', item);
    expect(e.version === 1, `jd ${item}: version ${e.version}`);
    expect(e.note === `第 ${item} 项的说明`, `jd ${item}: note lost (${e.note})`);
    for (const [k, v] of Object.entries(vals))
      expect(String(e.inputs[k]) === v, `jd ${item}.${k}: typed ${v}, stored ${e.inputs[k]}`);
  }
  await shot(nojs, 'nojs-saved');

  // ---- 2. the script: an item saves itself; a draft survives a reload
  console.log('2. xx: autosave, then a draft across a reload');
  const page = await login(base, 'xx1');
  const form = `${base}/years/2025/units/xx/self`;
  await page.goto(form);
  expect(await statusOf(page, '1.1') === 'status empty', '1.1 should start 未填');
  await page.check('[name="in_documents.1.1"][value="false"]');   // a saved 否
  await waitSaved(page, '1.1');
  expect(/已保存 \d\d:\d\d/.test(await page.textContent('[id="status-1.1"]')), 'no 已保存 HH:MM');
  expect(await statusOf(page, '1.2') === 'status empty', 'untouched 1.2 not 未填');
  expect((await page.textContent('#filled-n')).trim() === '1', 'progress does not count 1.1');
  expect(!(await page.textContent('#missing')).includes('1.1'), '1.1 still listed as missing');
  expect((await entry(page, base, 'xx', '1.1')).inputs.documents === false, '1.1 否 not stored');
  await shot(page, 'autosave-1.1-no');
  // the server out of reach: what is typed stays in the browser
  await page.route('**/api/v1/years/*/entries/**', (r) => r.abort());
  await page.fill('[name="in_meetings.1.3"]', '4');
  await page.fill('[name="note.1.3"]', '断网时填写');
  await page.press('[name="note.1.3"]', 'Tab');
  await page.waitForSelector('[id="status-1.3"].draft');
  await page.waitForFunction(() => document.getElementById('err-1.3').textContent.length > 0);
  await shot(page, 'offline-draft');
  await page.unroute('**/api/v1/years/*/entries/**');
  await page.reload();
  expect(await page.inputValue('[name="in_meetings.1.3"]') === '4', 'draft 1.3 not restored after reload');
  expect(await page.inputValue('[name="note.1.3"]') === '断网时填写', 'draft note not restored');
  await waitSaved(page, '1.3');
  const e13 = await entry(page, base, 'xx', '1.3');
  expect(String(e13.inputs.meetings) === '4' && e13.note === '断网时填写', 'restored draft not saved');
  await shot(page, 'reload-draft-restored');

  // ---- 3. the login expires mid-form
  console.log('3. the login expires mid-form');
  await page.route('**/api/v1/years/*/entries/**', (r) => r.abort());
  await page.check('[name="in_plan.1.4"][value="true"]');
  await page.fill('[name="note.1.4"]', '超时前填写');
  await page.waitForSelector('[id="status-1.4"].draft');
  await page.unroute('**/api/v1/years/*/entries/**');
  await page.waitForSelector('#session-msg:not([hidden])', { timeout: (IDLE * 2 + 15) * 1000 });
  await page.waitForSelector('#relogin', { timeout: (IDLE * 2 + 15) * 1000 });
  await shot(page, 'session-expired');
  await Promise.all([page.waitForNavigation(), page.click('#relogin')]);
  expect(page.url().includes('/login'), `relogin link went to ${page.url()}`);
  expect((await page.textContent('#msg')).includes('登录已超时，请重新登录'), 'no 登录已超时 on the login page');
  await shot(page, 'login-expired');
  await loginOn(page, base, 'xx1');
  expect(page.url() === form, `after login: expected the form, got ${page.url()}`);
  expect(await page.isChecked('[name="in_plan.1.4"][value="true"]'), 'draft 1.4 not restored after login');
  expect(await page.inputValue('[name="note.1.4"]') === '超时前填写', 'draft note 1.4 lost');
  await waitSaved(page, '1.4');
  expect((await entry(page, base, 'xx', '1.4')).inputs.plan === true, 'restored 1.4 not stored');

  // ---- 4. a refused value
  console.log('4. a refused value');
  await page.fill('[name="in_rating.2.2"]', '3.3');
  await page.press('[name="in_rating.2.2"]', 'Tab');
  await page.waitForSelector('section[id="item-2.2"] .field-error');
  const msg = await page.textContent('section[id="item-2.2"] .field[data-input="rating"] .field-error');
  expect(msg.startsWith('考核要点 2.2「第一责任人履责情况」：'), `message does not name the field: ${msg}`);
  expect(/[\u4e00-\u9fff]/.test(msg) && !/entries|inputs\.|"xx"|judgement/.test(msg), `not a Chinese message: ${msg}`);
  expect(await statusOf(page, '2.2') === 'status error', '2.2 not marked 有误');
  expect(await page.inputValue('[name="in_rating.2.2"]') === '3.3', 'refused value not kept');
  expect(await page.inputValue('[name="in_meetings.1.3"]') === '4', 'other value lost');
  expect((await entry(page, base, 'xx', '2.2')).version === 0, 'refused 2.2 stored');
  await page.locator('section[id="item-2.2"]').scrollIntoViewIfNeeded();
  await shot(page, 'refused-value');
  // a correction clears the message
  await page.fill('[name="in_rating.2.2"]', '4');
  await page.press('[name="in_rating.2.2"]', 'Tab');
  await waitSaved(page, '2.2');
  expect(await page.locator('section[id="item-2.2"] .field-error').count() === 0, 'message stays after the correction');

  // someone else saves 1.2 after the page was opened: a conflict beside
  // the item, the typed choice kept, their value not replaced
  const put = await page.request.put(`${base}/api/v1/years/2025/entries/xx/1.2/self`, {
    headers: { 'X-CSRF-Token': await page.inputValue('#entry input[name=csrf]') },
    data: { inputs: { report: 'on_time' }, note: '他人填写', version: 0 },
  });
  expect(put.ok(), `the other save: ${put.status()}`);
  await page.check('[name="in_report.1.2"][value="none"]');
  await page.waitForFunction(() => document.getElementById('err-1.2').textContent.includes('已被他人修改'));
  expect(await statusOf(page, '1.2') === 'status error', '1.2 conflict not marked 有误');
  expect(await page.isChecked('[name="in_report.1.2"][value="none"]'), 'typed choice lost on a conflict');
  expect((await entry(page, base, 'xx', '1.2')).inputs.report === 'on_time', 'the conflict replaced their value');
  await page.locator('section[id="item-1.2"]').scrollIntoViewIfNeeded();
  await shot(page, 'conflict-1.2');
  // changing the item again replaces theirs, knowingly
  await page.waitForFunction(() => document.querySelector('section[id="item-1.2"]').dataset.version !== '0');
  await page.check('[name="in_report.1.2"][value="late"]');
  await waitSaved(page, '1.2');
  expect((await entry(page, base, 'xx', '1.2')).inputs.report === 'late', 'a change after the conflict not saved');
  expect((await page.textContent('[id="err-1.2"]')) === '', 'the conflict message stays after the save');

  // ---- 5. the phone
  console.log('5. the phone viewport');
  const phone = await login(base, 'xx1', { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  await phone.goto(form);
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
  expect(wide <= 375, `the form scrolls sideways on a phone (${wide} px)`);
  await shot(phone, 'phone-top');
  await phone.locator('section[id="item-3.2"]').scrollIntoViewIfNeeded();
  const top = await phone.evaluate(() => document.getElementById('form-progress').getBoundingClientRect().top);
  expect(top >= 0 && top < 5, `progress bar not kept on screen (top ${top})`);
  await shot(phone, 'phone-scrolled');

  // ---- 6. keyboard only through item 1.5
  console.log('6. keyboard only through item 1.5');
  await page.goto(form);
  await page.focus('#home');
  let found = false;
  for (let i = 0; i < 80 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement.getAttribute('href') === '#item-1.5');
  }
  expect(found, 'the missing-item link of 1.5 is not reachable by Tab');
  await page.keyboard.press('Enter');
  const names = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    names.push(await page.evaluate(() => document.activeElement.name));
    await page.keyboard.press('Space');
  }
  expect(names.join() === 'in_meetings.1.5,in_report.1.5,in_on_time.1.5', `Tab order in 1.5: ${names}`);
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
  expect(ring, 'no visible focus ring');
  await page.keyboard.press('Tab');
  await page.keyboard.type('键盘填写');
  await shot(page, 'keyboard-1.5');
  await page.keyboard.press('Tab');
  await waitSaved(page, '1.5');
  const e15 = await entry(page, base, 'xx', '1.5');
  expect(e15.inputs.meetings === true && e15.inputs.on_time === true && e15.note === '键盘填写',
    `keyboard entry not stored: ${JSON.stringify(e15)}`);
  // the red button's focus ring
  await page.focus('#save-all');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const btn = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(btn !== 'none', '保存全部 shows no focus ring');
  await shot(page, 'focus-save-all');

  // ---- the form as each role, at both widths
  console.log('7. the form as each role');
  for (const [user, url] of [['admin1', '/years/2025/units/jd/self'],
    ['insp1', '/years/2025/units/jd/inspection'], ['aud1', '/years/2025/units/jd/self'],
    ['jd1', '/years/2025/units/jd/self']]) {
    for (const width of [1280, 375]) {
      const p = await login(base, user, { viewport: { width, height: 900 } });
      const r = await p.goto(base + url);
      expect(r.status() === 200, `${user} ${url}: ${r.status()}`);
      await shot(p, `role-${user}-${width}`);
      await p.context().close();
    }
  }
  console.log('ok');
}

lib.run(t, main);
