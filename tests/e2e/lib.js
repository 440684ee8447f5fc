// tests/e2e/lib.js - what every end-to-end browser test shares: a store in
// a temporary directory, the kaohe CLI on it, `kaohe serve` on a free
// loopback port, Debian's chromium through playwright-core, logins through
// the login page, numbered screenshots at given widths, form filling, the
// page scan (scan.js) and the JSON API with the page's CSRF token.
//
//   const lib = require('./lib');
//   const t = lib.harness('sched', { env: { KAOHE_NOW: NOW } });
//   lib.run(t, async () => {
//     t.cli('init');                       // as KAOHE_USER=setup
//     const base = await t.start();        // server + browser
//     const page = await t.login('xx1', { width: 375 });
//     await t.shot(page, 'unit-home', { widths: [1280, 375] });
//   });
//
// argv: node NAME.js KAOHE SCREENS (tests/e2e/run.sh passes both).  run()
// fails (exit 1) unless the journey reaches its end, stops the server
// (which must exit 0 on SIGTERM: the ASan build checks leaks there) and
// removes the temporary directory on success (kept on failure).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const scan = require('./scan');

const PW = 'e2e-password-2025';
const CHROMIUM = process.env.KH_CHROMIUM || '/usr/bin/chromium';
const SERVER_START_MS = 30000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
// harness(NAME, {chineseBrowser: true}): --lang=zh-CN and a Chinese
// LANGUAGE (chromium-l10n; headless chromium takes its UI language from
// the environment), so the browser's own controls (file and date pickers,
// validation bubbles) read as they do for the college's users.  Opt-in
// (e2e.fullyear, e2e.polish).
const CHINESE_ARGS = ['--lang=zh-CN'];
const CHINESE_ENV = { LANGUAGE: 'zh_CN', LANG: 'zh_CN.UTF-8' };

// Clicks sel, which submits a form answered by a redirect to a URL
// with param (?saved=, ?ok=), and waits for the new page.  The old page
// may already carry param (a second save), so waiting for the URL alone
// could read it: the old document is marked and a new one awaited.
async function submitAndReload(page, sel, param) {
  await page.evaluate(() => { window.khOldPage = true; });
  await page.click(sel);
  await page.waitForFunction((p) => !window.khOldPage &&
    new URL(location.href).searchParams.get(p) !== null &&
    document.readyState !== 'loading', param);
}

function fail(msg) {
  throw new Error(msg);
}
function expect(cond, msg) {
  if (!cond) fail(msg);
}

// A viewport for a width: a phone (<= 400 px) is 812 px high.
function viewport(width, height) {
  return { width, height: height || (width <= 400 ? 812 : 800) };
}

// One test's world.  opts: env (added to the server's and the CLI's),
// chineseBrowser (chromium in Chinese, below),
// serveArgs (more `kaohe serve` options), screens (default argv[3]).
function harness(name, opts = {}) {
  const t = {
    name,
    PW,
    KAOHE: path.resolve(process.argv[2] || ''),
    SCREENS: path.resolve(opts.screens || process.argv[3] || `e2e-screens-${name}`),
    tmp: fs.mkdtempSync(path.join(os.tmpdir(), `kaohe-e2e-${name}-`)),
    env: { ...process.env, ...(opts.env || {}) },
    server: null,
    browser: null,
    base: null,
    step: 0,
    expect,
    fail,
  };
  t.DB = path.join(t.tmp, 'e2e.db');

  // The CLI as the named person (KAOHE_USER, recorded in the audit log);
  // `user add` reads the password from standard input.
  t.cliAs = (who, ...args) => {
    try {
      return execFileSync(t.KAOHE, [...args, '--db', t.DB], {
        env: { ...t.env, KAOHE_USER: who },
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        input: args[0] === 'user' && args[1] === 'add' ? PW + '\n' : '',
      });
    } catch (e) {
      fail(`kaohe ${args.join(' ')}: exit ${e.status}\n${e.stderr}${e.stdout}`);
    }
  };
  t.cli = (...args) => t.cliAs('setup', ...args);

  // The screenshot folder, emptied of an earlier run's pictures.
  t.prepare = () => {
    expect(fs.existsSync(t.KAOHE), `no kaohe binary at ${t.KAOHE}`);
    expect(fs.existsSync(CHROMIUM), `no chromium at ${CHROMIUM} (apt-get install chromium)`);
    fs.mkdirSync(t.SCREENS, { recursive: true });
    for (const f of fs.readdirSync(t.SCREENS))
      if (f.endsWith('.png')) fs.unlinkSync(path.join(t.SCREENS, f));
  };

  // kaohe serve on 127.0.0.1:0 and chromium; resolves to the base URL.
  t.start = async () => {
    t.base = await startServer(t, opts.serveArgs || []);
    console.log(`server at ${t.base}`);
    // launch() gives chromium a fresh temporary user-data-dir of its own
    // (removed at close); each person gets an isolated context.
    const zh = !!opts.chineseBrowser;
    t.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
      args: [...CHROMIUM_ARGS, ...(zh ? CHINESE_ARGS : [])],
      env: { ...process.env, ...(zh ? CHINESE_ENV : {}) } });
    return t.base;
  };

  // A fresh context (one person) and its page.  o: width, height, phone
  // (isMobile + touch; default for widths <= 400), javaScriptEnabled.
  t.newPage = async (o = {}) => {
    const width = o.width || 1280;
    const phone = o.phone !== undefined ? o.phone : width <= 400;
    const ctx = await t.browser.newContext({
      viewport: viewport(width, o.height), locale: 'zh-CN',
      ...(phone ? { isMobile: true, hasTouch: true } : {}),
      ...(o.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
    });
    return ctx.newPage();
  };

  // Types the login form of the page it is on and waits for what follows.
  t.loginOn = async (page, user, password = PW) => {
    await page.fill('#user', user);
    await page.fill('#password', password);
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
  };

  // A person logged in through the login page, on their home page.
  // o: as newPage, plus password and viaHome (open / first: it must lead
  // to the login page).
  t.login = async (user, o = {}) => {
    const page = await t.newPage(o);
    if (o.viaHome) {
      await page.goto(t.base + '/');
      expect(page.url().endsWith('/login'), `anonymous / should lead to /login, got ${page.url()}`);
    } else {
      await page.goto(t.base + '/login');
    }
    await page.fill('#user', user);
    await page.fill('#password', o.password || PW);
    await Promise.all([page.waitForURL(t.base + '/'), page.click('#login-submit')]);
    return page;
  };

  // Numbered screenshots of the page: one at its own width, or one per
  // width in o.widths (then the viewport is put back).  o.fullPage
  // (default true), o.locator (one element instead of the page),
  // o.fits (at widths <= 400: fail when the page scrolls sideways).
  t.shot = async (page, name, o = {}) => {
    t.step++;
    const tag = `${String(t.step).padStart(2, '0')}-${name}`;
    const take = async (file) => {
      const where = path.join(t.SCREENS, file);
      if (o.locator) await o.locator.screenshot({ path: where });
      else await page.screenshot({ path: where, fullPage: o.fullPage !== false });
      console.log(`  screenshot ${path.relative(process.cwd(), where)}`);
    };
    if (!o.widths) return take(`${tag}.png`);
    const vp = page.viewportSize();
    for (const w of o.widths) {
      await page.setViewportSize(viewport(w));
      await take(`${tag}-${w}.png`);
      if (o.fits && w <= 400) await t.fitsPhone(page, name, o.fits === true ? 0 : o.fits);
    }
    await page.setViewportSize(vp);
  };

  // The page is no wider than a phone's screen (slack: px allowed).
  t.fitsPhone = async (page, what, slack = 0) => {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    const max = page.viewportSize().width + slack;
    expect(w <= max, `${what}: the page is ${w}px wide on a ${page.viewportSize().width}px screen`);
  };

  // Opens url and expects its status.
  t.expectStatus = async (page, url, want, what) => {
    const resp = await page.goto(url.startsWith('http') ? url : t.base + url);
    expect(resp.status() === want, `${what}: expected ${want}, got ${resp.status()} for ${url}`);
    return resp;
  };

  // Fills a form's fields by name: {name: value}.  A text field or a
  // textarea is filled, a select selected (value, or {label}), a checkbox
  // or radio checked (value true, or the radio's value), a file field
  // given its path(s).
  t.fill = async (page, form, fields) => {
    for (const [name, value] of Object.entries(fields)) {
      const sel = `${form} [name="${name}"]`;
      const el = page.locator(sel).first();
      expect(await el.count() === 1, `${form}: no field ${name}`);
      const tag = await el.evaluate((x) => x.tagName.toLowerCase());
      const type = (await el.getAttribute('type')) || '';
      if (tag === 'select') await page.selectOption(sel, value);
      else if (type === 'file') await page.setInputFiles(sel, value);
      else if (type === 'radio') await page.check(`${sel}[value="${value}"]`);
      else if (type === 'checkbox') await (value ? el.check() : el.uncheck());
      else await el.fill(String(value));
    }
  };

  // Submits a form through its submit button and waits for the page it
  // leads to; returns the response.
  t.submit = async (page, form) => {
    const [resp] = await Promise.all([
      page.waitForNavigation(),
      page.click(`${form} button[type=submit]`),
    ]);
    return resp;
  };

  // Submits an administration form and expects its "done" page (?ok=1,
  // 已完成).
  t.submitOk = async (page, form) => {
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('ok') === '1'),
      page.click(`${form} button[type=submit]`),
    ]);
    const msg = await page.textContent('#msg');
    expect(msg.includes('已完成'), `${form}: not confirmed (${msg})`);
  };

  // The JSON API with the login of the page and its CSRF token (from the
  // header's logout form of the page it is on).  Returns {status, json}.
  t.api = async (page, method, url, data) => {
    const headers = {};
    if (method !== 'GET')
      headers['X-CSRF-Token'] = await page.inputValue('#logout input[name=csrf]');
    const r = await page.request.fetch(t.base + url, { method, headers, data });
    let json = null;
    try {
      json = await r.json();
    } catch (e) {
      json = null;
    }
    return { status: r.status(), json };
  };

  // The page scan of issue 11 (scan.js) for this journey: look() scans the
  // page, finish() fails listing every page that showed English or a code.
  t.scanner = (defaults) => {
    const seen = scan.scanner(defaults);
    t.look = (page, label, ...typed) => seen.page(page, label, { typed });
    return seen;
  };

  // Stops chromium and the server; false when the server did not exit 0.
  t.stop = async () => {
    if (t.browser) await t.browser.close().catch(() => {});
    const s = t.server;
    if (!s || s.exitCode !== null) return true;
    s.removeAllListeners('exit');
    const done = new Promise((r) => s.once('exit', (code, sig) => r([code, sig])));
    s.kill('SIGTERM');
    const [code, sig] = await done;
    if (code === 0) return true;
    console.error(`server ended with ${code ?? sig} after SIGTERM`);
    return false;
  };
  return t;
}

function startServer(t, args) {
  return new Promise((resolve, reject) => {
    const s = spawn(t.KAOHE, ['serve', '--db', t.DB, '--listen', '127.0.0.1:0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], env: t.env,
    });
    t.server = s;
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + err)), SERVER_START_MS);
    s.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    s.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    s.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${err}`));
    });
  });
}

// On a failure: every open page as it is, for the reader of the log.
async function failShots(t) {
  if (!t.browser) return;
  let n = 0;
  for (const ctx of t.browser.contexts()) {
    for (const page of ctx.pages()) {
      const file = path.join(t.SCREENS, `FAIL-${++n}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.error(`  page ${n}: ${page.url()} (${file})`);
    }
  }
}

// Runs the journey: prepare, main, stop.  Failing unless the journey
// reaches its end (node exiting early on an empty event loop must not
// pass).
function run(t, main) {
  process.exitCode = 1;
  (async () => {
    t.prepare();
    await main();
  })().then(
    async () => {
      const ok = await t.stop();
      if (!ok) process.exit(1);
      fs.rmSync(t.tmp, { recursive: true, force: true });
      process.exitCode = 0;
      console.log(`ok: e2e ${t.name} (${t.step} screenshots in ${t.SCREENS})`);
    },
    async (e) => {
      console.error('FAIL: ' + (e && e.message ? e.message : e));
      await failShots(t);
      await t.stop();
      console.error(`(store and logs kept in ${t.tmp})`);
      process.exit(1);
    },
  );
}

module.exports = { harness, run, expect, fail, submitAndReload, PW, CHROMIUM };
