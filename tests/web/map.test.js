// map.test.js - the province map: the districts drawn from daftar's own
// boundaries (no tile server) as of a chosen day, as many as the API gives
// polygons for, the rest listed; drill-down province -> division ->
// district by clicking the map and by keyboard, kept in the address.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startWeb } = require('./lib.js');

async function geo(w, day) {
  return (await fetch(`${w.url}/api/v1/org/geojson?kind=district&as_of=${day}`)).json();
}

async function setDay(page, day) {
  await page.fill('#home-as-of', day);
  await page.waitForSelector(`.map-count[data-day="${day}"]`, { timeout: 30000 });
  await page.waitForFunction(() => {
    const c = document.querySelector('.map-count');
    return c && document.querySelectorAll('path.daftar-district').length === Number(c.dataset.drawn);
  }, null, { timeout: 30000 });
}

test('the province map', async (t) => {
  const w = await startWeb();
  t.after(() => w.stop());
  const { page } = await w.newPage({ viewport: { width: 1280, height: 900 } });
  await w.login(page, 'cs');
  await page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
  const cs = await w.srv.login('cs');

  for (const day of ['2025-12-31', '2026-11-23']) {
    await t.test(`as of ${day}: every district the API has a boundary for is drawn`, async (t) => {
      await setDay(page, day);
      const g = await geo(w, day);
      const tree = (await cs.get(`/api/v1/org/tree?as_of=${day}`)).body;
      const drawn = await page.locator('path.daftar-district').count();
      const total = Number(await page.locator('.map-count').getAttribute('data-total'));
      t.diagnostic(`${day}: ${tree.counts.district} districts in the tree, ${g.features.length} with a boundary (drawn: ${drawn}), ${g.without_geometry.length} without`);
      assert.equal(drawn, g.features.length);
      assert.equal(total, g.features.length + g.without_geometry.length);
      assert.equal(total, tree.counts.district);
      const names = await page.locator('path.daftar-district').evaluateAll((ps) => ps.map((p) => p.dataset.name).sort());
      assert.deepEqual(names, g.features.map((f) => f.properties.name).sort());
      // no tile server: nothing but daftar's own boundaries
      assert.equal(await page.locator('.leaflet-tile').count(), 0);
      await w.shot(page, `map-province-${day}`);
    });
  }

  await t.test('drill down: province -> division -> district, and back', async () => {
    const g = await geo(w, '2026-11-23');
    const byParent = new Map();
    for (const f of g.features) byParent.set(f.properties.parent_id, [...(byParent.get(f.properties.parent_id) || []), f.properties]);
    const [divisionId, districts] = [...byParent.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const target = districts[0];
    const map = page.locator('.map');
    assert.equal(await map.getAttribute('data-level'), 'province');

    await page.locator(`path.daftar-district[data-id="${target.id}"]`).dispatchEvent('click');
    await page.waitForSelector(`.map[data-level=division][data-focus="${divisionId}"]`);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${target.parent_name} division`));
    assert.match(page.url(), new RegExp(`focus=division%3A${divisionId}|focus=division:${divisionId}`));
    // only that division's districts in the chart and the table
    const rows = await page.locator('table.report tbody tr').count();
    assert.equal(rows, [...g.features.map((f) => f.properties), ...g.without_geometry].filter((p) => p.parent_id === divisionId).length);
    assert.equal(await page.locator('path.daftar-district.in-focus').count(), districts.length);
    await w.shot(page, 'map-division');

    await page.locator(`path.daftar-district[data-id="${target.id}"]`).dispatchEvent('click');
    await page.waitForSelector(`.map[data-level=district][data-focus="${target.id}"]`);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${target.name} district`));
    assert.equal(await page.locator('.breadcrumb li').count(), 3);
    await page.waitForSelector('[data-vacant-posts], .card:has(#vacant-posts-title)');
    await w.shot(page, 'map-district');

    await page.goBack();
    await page.waitForSelector(`.map[data-level=division][data-focus="${divisionId}"]`);
    await page.locator('.breadcrumb button', { hasText: 'Balochistan' }).click();
    await page.waitForSelector('.map[data-level=province]');
  });

  await t.test('a slow link: the boundaries download shows its progress', async () => {
    const slow = await w.newPage({ serviceWorkers: 'block' });
    await w.login(slow.page, 'cs');
    await slow.page.waitForSelector('path.daftar-district', { state: 'attached', timeout: 30000 });
    const cdp = await slow.context.newCDPSession(slow.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 100, downloadThroughput: 256 * 1024, uploadThroughput: 64 * 1024 });
    await slow.page.fill('#home-as-of', '2025-12-31');
    const bar = slow.page.locator('.loading progress');
    await bar.waitFor({ timeout: 15000 });
    const max = Number(await bar.getAttribute('max'));
    assert.ok(max > 100000, `the size of the download is known (${max} bytes)`);
    await slow.page.waitForFunction(() => { const p = document.querySelector('.loading progress'); return p && p.value > 0; });
    await w.shot(slow.page, 'map-progress');
    await slow.page.waitForSelector('.map-count[data-day="2025-12-31"]', { timeout: 30000 });
    assert.deepEqual(slow.page.errors, []);
  });

  await t.test('drill down by keyboard', async () => {
    await page.locator('#drill-select').focus();
    const options = await page.locator('#drill-select option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    const [divId, divName] = options.find(([v]) => v);
    await page.selectOption('#drill-select', divId);
    await page.waitForSelector(`.map[data-level=division][data-focus="${divId}"]`);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${divName} division`));
    const [dId, dName] = (await page.locator('#drill-select option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]))).find(([v]) => v);
    await page.selectOption('#drill-select', dId);
    await page.waitForSelector(`.map[data-level=district][data-focus="${dId}"]`);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${dName} district`));
    assert.deepEqual(page.errors, []);
  });
});
