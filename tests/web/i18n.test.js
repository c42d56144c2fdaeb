// i18n.test.js - English and Urdu: switching at any time turns the page
// right-to-left with the Urdu catalogue and the Nastaliq font (shipped with
// the app), numbers and dates in Pakistan's formats; the choice is
// remembered; and no text in the catalogue is missing from either language.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startWeb, ROOT } = require('./lib.js');

test('one catalogue, two languages', () => {
  const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/src/i18n/en.json'), 'utf8'));
  const ur = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/src/i18n/ur.json'), 'utf8'));
  assert.deepEqual(Object.keys(ur).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(en)) {
    const params = (s) => (s.match(/\{\w+\}/g) || []).sort();
    assert.deepEqual(params(ur[k]), params(v), `the parameters of ${k}`);
  }
});

// every .js/.jsx file under web/src, for the source checks below
function sources(dir = path.join(ROOT, 'web/src')) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.jsx?$/.test(e.name) ? [p] : [];
  });
}

test('components hold no text of their own; every message they ask for exists', () => {
  const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/src/i18n/en.json'), 'utf8'));
  const files = sources();
  assert.ok(files.length > 20, `${files.length} source files`);
  const missing = [];
  const text = [];
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const rel = path.relative(ROOT, f);
    for (const m of src.matchAll(/\bt\(\s*'([^']+)'/g)) {
      if (!(m[1] in en) && !(`${m[1]}_other` in en)) missing.push(`${rel}: ${m[1]}`);
    }
    if (!f.endsWith('.jsx')) continue;
    // words between JSX tags, or in attributes people read
    for (const m of src.matchAll(/>([^<>{}]*[A-Za-z\u0600-\u06FF]{2,}[^<>{}]*)</g)) {
      if (!/=>|&&|\|\||\?|;|\breturn\b/.test(m[1])) text.push(`${rel}: ${m[1].trim()}`);
    }
    for (const m of src.matchAll(/\b(aria-label|title|placeholder|alt)="([^"]*[A-Za-z]{2,}[^"]*)"/g)) text.push(`${rel}: ${m[1]}="${m[2]}"`);
  }
  assert.deepEqual(missing, [], 'keys not in en.json');
  assert.deepEqual(text, [], 'text written into a component instead of the catalogue');
});

test('Urdu, right to left', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());

  await t.test('the public page switches at once and remembers it', async () => {
    const { page } = await w.newPage();
    const fonts = [];
    page.on('response', (r) => { if (/\.woff2$/.test(r.url())) fonts.push([r.url(), r.status()]); });
    await page.goto('/');
    await page.waitForSelector('table.report tfoot');
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(fonts.length, 0, 'no Urdu font for an English page');
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ur');
    assert.equal(await page.locator('#portal-title').innerText(), 'بلوچستان کا عوامی خدمات پورٹل');
    assert.equal(await page.locator('nav.menu a[href="/"]').innerText(), 'سرورق');
    assert.match(await page.locator('.stat dt').first().innerText(), /منظور شدہ/);
    assert.match(await page.title(), /دفتر/);
    // the Nastaliq face comes from daftar itself and is used
    await page.waitForFunction(() => document.fonts.check('16px "Noto Nastaliq Urdu"', 'دفتر'));
    await page.waitForFunction(() => [...document.fonts].some((f) => f.family.includes('Noto Nastaliq Urdu') && f.status === 'loaded'));
    assert.ok(fonts.length >= 1 && fonts.every(([u, s]) => u.startsWith(w.url) && s === 200), JSON.stringify(fonts));
    const family = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(family, /Noto Nastaliq Urdu/);
    // Urdu dates: the month by name in Urdu
    assert.match(await page.locator('.as-of').innerText(), /نومبر|دسمبر|جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر/);
    // right to left: the menu starts at the right edge
    const box = await page.locator('nav.menu li').first().boundingBox();
    assert.ok(box.x > 180, `the first menu item starts at x=${box.x}`);
    await w.shot(page, 'public-urdu');

    await page.reload();
    await page.waitForSelector('table.report tfoot');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.locator('nav.menu a[href="/"]').innerText(), 'سرورق');
    await page.click('[data-lang-switch=en]');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.equal(await page.locator('nav.menu a[href="/"]').innerText(), 'Home');
    assert.deepEqual(page.errors, []);
  });

  await t.test('a signed-in home in Urdu', async () => {
    const { page } = await w.newPage();
    await w.login(page, 'cs');
    await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    await page.click('[data-lang-switch=ur]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('h1').innerText(), 'صوبہ بلوچستان');
    assert.equal(await page.locator('#map-title').innerText(), 'نقشہ');
    // the map itself stays left to right inside the page
    assert.equal(await page.getAttribute('.map', 'dir'), 'ltr');
    await page.waitForSelector('#home-chart canvas[data-ready]');
    await page.waitForTimeout(300);
    await w.shot(page, 'home-cs-urdu');
    assert.deepEqual(page.errors, []);
  });
});
