// lib.js - the browser-test harness: a real daftar (tests/api/lib.js's
// startServer, demo database, test clock) serving the built web app
// (server.web_root = web/dist), and headless Chromium from Debian
// (/usr/bin/chromium) driven by playwright-core.
//
//   const { startWeb } = require('./lib.js');
//   const w = await startWeb();                // server + browser
//   const { page } = await w.newPage();        // 360 x 780 by default (a cheap phone)
//   await w.login(page, 'cs');                 // through the login page
//   await w.shot(page, 'home-cs');             // build-web/screenshots/home-cs.png
//   await w.stop();
//
// Build the app first (cd web && npm ci && npm run build).  Environment:
// DAFTAR_WEB_DIST (default web/dist), DAFTAR_WEB_OUT (default build-web),
// CHROMIUM (default /usr/bin/chromium), plus tests/api/lib.js's DAFTAR_BIN.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startServer, ROOT, DEMO, totp } = require('../api/lib.js');

const WEB_DIST = process.env.DAFTAR_WEB_DIST || path.join(ROOT, 'web', 'dist');
const OUT = process.env.DAFTAR_WEB_OUT || path.join(ROOT, 'build-web');
const SHOTS = path.join(OUT, 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function playwright() {
  try {
    return require(path.join(ROOT, 'web', 'node_modules', 'playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed: cd web && npm ci (${e.message})`);
  }
}

async function startWeb(opts = {}) {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST}/index.html is missing: cd web && npm ci && npm run build`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  fs.mkdirSync(SHOTS, { recursive: true });
  const srv = await startServer({ ...opts, set: [`server.web_root=${WEB_DIST}`, ...(opts.set || [])] });
  let browser;
  try {
    browser = await playwright().chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
  } catch (e) {
    await srv.stop();
    throw e;
  }
  const contexts = [];
  const w = {
    srv,
    browser,
    url: srv.url,
    // newPage - a fresh browser profile (own cookies, storage, service
    // worker); errors on the page are collected in page.errors.
    async newPage(ctxOpts = {}) {
      const context = await browser.newContext({
        baseURL: srv.url,
        viewport: { width: 360, height: 780 },
        deviceScaleFactor: 1,
        locale: 'en-GB',
        timezoneId: 'Asia/Karachi',
        ...ctxOpts,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED|status of 401/.test(m.text())) page.errors.push(`console: ${m.text()}`);
      });
      page.setDefaultTimeout(15000);
      return { context, page };
    },
    // login - sign in through the login page and wait for the home.
    async login(page, username, { next } = {}) {
      await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
      await page.fill('#login-username', username);
      await page.fill('#login-password', DEMO.password);
      await page.click('button[type=submit]');
      if (username === 'admin') {
        await page.waitForSelector('#login-otp');
        await page.fill('#login-otp', totp(DEMO.totpSecret, await srv.clockMs()));
        await page.click('button[type=submit]');
      }
      await page.waitForSelector('[data-user]');
    },
    // offlineReady - wait until the service worker controls page and has
    // cached the shell (what a user gets a moment after the first visit).
    async offlineReady(page) {
      await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true), null, { timeout: 15000 });
      if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
        await page.reload();
        await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15000 });
      }
      await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('daftar-shell-')), null, { timeout: 15000 });
    },
    // shot - a full-page screenshot under build-web/screenshots/.
    async shot(page, name) {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await srv.stop();
    },
  };
  return w;
}

module.exports = { startWeb, WEB_DIST, OUT, SHOTS, DEMO, totp, ROOT };
