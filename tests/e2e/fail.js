// tests/e2e/fail.js KAOHE SCREENS - the failure pages of issue 9 item 3
// in Debian's chromium through playwright-core, as unit jd on its
// self-check form (no JavaScript, so the form's own POST is what is
// shown), its claims page, and a respondent's questionnaire on a phone:
//   1. busy: another process holds SQLite's write lock (python3's
//      sqlite3, BEGIN IMMEDIATE): 保存全部, the claim and the answer come
//      back 503 with their form, the typed values and 系统繁忙; an
//      evidence upload shows the 503 page;
//   2. full: the store and its evidence sit on an 8 MiB tmpfs (mounting
//      needs root, as `make check` runs) filled by a file: 保存全部 comes
//      back 507 with the values and 服务器存储空间已满; the upload shows
//      the 507 page;
//   3. space again: the same save passes.
// Every page is shot at 1366 and 375 px (no sideways scrolling on the
// phone) and scanned for English and codes.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const lib = require('./lib');

const t = lib.harness('fail');
const { expect, cli } = t;
const mnt = path.join(t.tmp, 'mnt');
const NOTE = '本季度召开专题会议两次';
let locker = null;

// Another writer: python3's sqlite3 holding BEGIN IMMEDIATE until killed.
function holdLock() {
  return new Promise((resolve, reject) => {
    const py = 'import sqlite3,sys,time\n' +
      'c=sqlite3.connect(sys.argv[1],isolation_level=None,timeout=1)\n' +
      'c.execute("BEGIN IMMEDIATE")\nprint("locked",flush=True)\ntime.sleep(120)\n';
    locker = spawn('python3', ['-c', py, t.DB], { stdio: ['ignore', 'pipe', 'inherit'] });
    locker.stdout.on('data', (d) => { if (String(d).includes('locked')) resolve(); });
    locker.on('exit', (code) => reject(new Error(`lock holder ended (${code})`)));
  });
}

function releaseLock() {
  if (!locker) return;
  locker.removeAllListeners('exit');
  locker.kill('SIGTERM');
  locker = null;
}

// Every byte left on the tmpfs goes to a filler file.
function fillDisk() {
  const fd = fs.openSync(path.join(mnt, 'filler'), 'w');
  const block = Buffer.alloc(65536);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (e) {
    expect(e.code === 'ENOSPC', `filling the disk: ${e.message}`);
  }
  try {
    for (;;) fs.writeSync(fd, block, 0, 512);
  } catch (e) {
    /* the last bytes */
  }
  fs.closeSync(fd);
}

// The form of item 1.3 filled, then 保存全部; returns the response.
async function saveAll(page, meetings) {
  await page.goto(`${t.base}/years/2025/units/jd/self`);
  await page.fill('[name="in_meetings.1.3"]', String(meetings));
  await page.fill('[name="note.1.3"]', NOTE);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('#save-all')]);
  return resp;
}

async function upload(page, file) {
  await page.goto(`${t.base}/years/2025/units/jd/self`);
  await page.setInputFiles('form[id="evidence-1.3"] input[type=file]', file);
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click('form[id="evidence-1.3"] button[type=submit]'),
  ]);
  return resp;
}

const CLAIM = '辅导员获市级优秀思政工作者表彰';
async function claim(page) {
  await page.goto(`${t.base}/years/2025/claims`);
  await t.fill(page, '#claim-add', { kind: 'honour', description: CLAIM });
  return t.submit(page, '#claim-add');
}

// A respondent answers every question (the choices of the suite's
// questionnaire) with a text in q8.
const ANSWER = '希望多组织理论学习讲座';
async function answer(page, code) {
  await page.goto(`${t.base}/q/${code}`);
  await t.fill(page, '#qform', { q1: '5', q2: '4', q3: 'a', q4: '5', q5: 'a', q7: '3000', q8: ANSWER });
  await page.check('[name=q6][value=a]');
  await page.check('[name=q6][value=b]');
  return t.submit(page, '#qform');
}

async function look(page, name, status, text, ...typed) {
  const body = await page.textContent('body');
  expect(body.includes(text), `${name}: no ${text} on the page`);
  await t.shot(page, name, { widths: [1366, 375], fits: true });
  await t.look(page, name, ...typed);
  return status;
}

lib.run(t, async () => {
  fs.mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
  } catch (e) {
    lib.fail('cannot mount a tmpfs for the full disk (needs root, as make check runs)');
  }
  t.DB = path.join(mnt, 'e2e.db');
  const seen = t.scanner({ codes: ['jd', 'jd1'] });
  try {
    cli('init');
    cli('rubric', 'import', 'rubrics/ideology-2020.yaml');
    cli('year', 'open', '2025', '--rubric', 'ideology-2020');
    cli('units', 'import', 'examples/units-2025.csv', '--year', '2025');
    cli('year', 'advance', '2025');
    cli('entry', 'set', '--year', '2025', '--unit', 'jd', '--item', '1.3', '--phase', 'self',
      '--input', 'meetings=1', '--input', 'proofs=1');
    cli('questionnaire', 'import', 'questionnaires/ideology-2020-students.yaml');
    cli('questionnaire', 'round', 'open', '--year', '2025', '--questionnaire',
      'ideology-2020-students', '--audience', '学生', '--unit', 'jd');
    const code = cli('questionnaire', 'codes', '--round', '1', '--unit', 'jd', '--count', '1')
      .split('\n')[1].split(',')[0];
    cli('user', 'add', 'jd1', '--role', 'unit', '--unit', 'jd');
    await t.start();
    const pdf = path.join(t.tmp, '会议记录.pdf');
    fs.writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.4\n'),
      Buffer.alloc(200000, 'x'), Buffer.from('\n%%EOF\n')]));
    const page = await t.login('jd1', { width: 1366, javaScriptEnabled: false });

    console.log('1. busy: another process holds the write lock');
    await holdLock();
    let r = await saveAll(page, 7);
    expect(r.status() === 503, `保存全部 while busy: ${r.status()}, want 503`);
    expect(r.headers()['retry-after'], '503 without Retry-After');
    expect(await page.inputValue('[name="in_meetings.1.3"]') === '7', 'busy: the typed count is lost');
    expect(await page.inputValue('[name="note.1.3"]') === NOTE, 'busy: the typed note is lost');
    await look(page, 'busy-form', 503, '系统繁忙', NOTE);
    r = await upload(page, pdf);
    expect(r.status() === 503, `upload while busy: ${r.status()}, want 503`);
    await look(page, 'busy-upload', 503, '系统繁忙');
    r = await claim(page);
    expect(r.status() === 503, `claim while busy: ${r.status()}, want 503`);
    expect(await page.inputValue('#claim-add [name=description]') === CLAIM, 'busy: the claim is lost');
    await look(page, 'busy-claim', 503, '系统繁忙', CLAIM);
    const phone = await t.newPage({ width: 375 });
    r = await answer(phone, code);
    expect(r.status() === 503, `answer while busy: ${r.status()}, want 503`);
    expect(await phone.inputValue('[name=q8]') === ANSWER, 'busy: the answer is lost');
    expect(await phone.isChecked('[name=q6][value=b]'), 'busy: a choice is lost');
    await look(phone, 'busy-answer', 503, '系统繁忙', ANSWER);
    releaseLock();

    console.log('2. full: the disk under the store is full');
    fillDisk();
    r = await saveAll(page, 8);
    expect(r.status() === 507, `保存全部 on a full disk: ${r.status()}, want 507`);
    expect(await page.inputValue('[name="in_meetings.1.3"]') === '8', 'full: the typed count is lost');
    await look(page, 'full-form', 507, '服务器存储空间已满', NOTE);
    r = await upload(page, pdf);
    expect(r.status() === 507, `upload on a full disk: ${r.status()}, want 507`);
    await look(page, 'full-upload', 507, '服务器存储空间已满');

    console.log('3. space again: the same save passes');
    fs.unlinkSync(path.join(mnt, 'filler'));
    r = await saveAll(page, 8);
    expect(r.status() === 200 && page.url().includes('saved='), `save after space: ${r.status()} ${page.url()}`);
    await t.shot(page, 'saved', { widths: [1366, 375], fits: true });
    r = await claim(page);
    expect(r.status() === 200 && page.url().includes('done=1'), `claim after space: ${r.status()} ${page.url()}`);
    r = await answer(phone, code);
    expect(r.status() === 200 && phone.url().endsWith('/q/thanks'), `answer after space: ${r.status()} ${phone.url()}`);
    seen.finish();
    expect(await t.stop(), 'the server did not exit 0');
  } finally {
    releaseLock();
    if (t.browser) await t.browser.close().catch(() => {});
    if (t.server && t.server.exitCode === null) {
      t.server.kill('SIGKILL');
      await new Promise((res) => t.server.once('exit', res));
    }
    try {
      execFileSync('umount', [mnt]);
    } catch (e) {
      /* not mounted */
    }
  }
});
