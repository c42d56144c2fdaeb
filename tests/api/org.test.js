// org.test.js - the effective-dated org tree over HTTP: the tree as of a day
// before and after the July 2026 restructuring of Balochistan, the public
// GeoJSON of boundaries, one unit with its history, departments, and change
// sets (only administrators may apply one; a valid one shows from its
// effective day and not before; an invalid one is 422 and leaves nothing).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib.js');

function assertProblem(res, status, detailPattern) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  if (detailPattern) assert.match(res.body.detail, detailPattern);
}

// child - the child of node named name (or undefined).
function child(node, name) {
  return (node.children || []).find((c) => c.name === name);
}

test('org tree', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const anon = srv.client();
  const cs = await srv.login('cs');

  await t.test('the tree of 2025 has 8 divisions and 36 districts', async () => {
    const res = await cs.get('/api/v1/org/tree?as_of=2025-12-31');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.as_of, '2025-12-31');
    assert.equal(res.body.tree.name, 'Balochistan');
    assert.equal(res.body.tree.kind, 'province');
    assert.equal(typeof res.body.tree.id, 'string');
    assert.equal(res.body.counts.division, 8);
    assert.equal(res.body.counts.district, 36);
    assert.equal(res.body.tree.children.length, 8);
    const names = res.body.tree.children.map((d) => d.name);
    assert.deepEqual(names, [...names].sort());
    const quetta = child(res.body.tree, 'Quetta');
    assert.ok(child(quetta, 'Quetta'), 'Quetta district under Quetta division');
    assert.ok(child(child(res.body.tree, 'Loralai'), 'Barkhan'));
  });

  await t.test('the tree of August 2026 has 11 divisions, Quetta East and West for Quetta', async () => {
    const res = await cs.get('/api/v1/org/tree?as_of=2026-08-01');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.counts.division, 11);
    assert.equal(res.body.counts.district, 41);
    const quetta = child(res.body.tree, 'Quetta');
    assert.ok(child(quetta, 'Quetta East'));
    assert.ok(child(quetta, 'Quetta West'));
    assert.equal(child(quetta, 'Quetta'), undefined);
    assert.ok(child(child(res.body.tree, 'Koh-e-Sulaiman'), 'Barkhan'));
    assert.ok(child(child(res.body.tree, 'Makuran'), 'Tump'));
    assert.equal(child(res.body.tree, 'Kalat'), undefined);
  });

  await t.test('as_of defaults to today and must be a date', async () => {
    const today = await cs.get('/api/v1/org/tree');
    assert.equal(today.status, 200);
    assert.match(today.body.as_of, /^\d{4}-\d{2}-\d{2}$/);
    for (const bad of ['2025-13-01', 'yesterday', '2025-02-30', '20250101']) {
      const res = await cs.get(`/api/v1/org/tree?as_of=${bad}`);
      assertProblem(res, 400, /as_of/);
      assert.equal(res.body.field, 'as_of');
    }
  });

  await t.test('the tree needs a sign-in', async () => {
    assertProblem(await anon.get('/api/v1/org/tree?as_of=2025-12-31'), 401);
  });

  await t.test('district boundaries are public GeoJSON', async () => {
    const res = await anon.get('/api/v1/org/geojson?kind=district&as_of=2025-12-31');
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type'), /^application\/geo\+json/);
    assert.equal(res.body.type, 'FeatureCollection');
    assert.ok(res.body.features.length >= 34, `${res.body.features.length} features`);
    assert.match(res.body.attribution, /OpenStreetMap/);
    const f = res.body.features.find((x) => x.properties.name === 'Kech');
    assert.equal(f.type, 'Feature');
    assert.equal(f.properties.kind, 'district');
    assert.equal(f.properties.parent_name, 'Mekran');
    assert.match(f.geometry.type, /Polygon$/);
    const without = res.body.without_geometry.map((u) => u.name).sort();
    assert.deepEqual(without, ['Hub', 'Usta Muhammad']);
  });

  await t.test('after the restructuring changed divisions have no polygon', async () => {
    const res = await anon.get('/api/v1/org/geojson?kind=division&as_of=2026-08-01');
    assert.equal(res.status, 200, res.text);
    const withPoly = res.body.features.map((x) => x.properties.name).sort();
    assert.deepEqual(withPoly, ['Makuran', 'Rakhshan', 'Zhob']);
    assert.equal(res.body.features.length + res.body.without_geometry.length, 11);
    assertProblem(await anon.get('/api/v1/org/geojson?kind=county'), 400, /kind/);
    assertProblem(await anon.get('/api/v1/org/geojson?as_of=nope'), 400, /as_of/);
  });

  await t.test('one unit with its history, parent and children', async () => {
    const tree = (await cs.get('/api/v1/org/tree?as_of=2026-08-01')).body.tree;
    const barkhan = child(child(tree, 'Koh-e-Sulaiman'), 'Barkhan');
    const res = await cs.get(`/api/v1/org/units/${barkhan.id}?as_of=2026-08-01`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Barkhan');
    assert.equal(res.body.parent.name, 'Koh-e-Sulaiman');
    assert.deepEqual(res.body.history.map((h) => h.parent_name), ['Loralai', 'Koh-e-Sulaiman']);
    assert.equal(res.body.history[0].valid_to, '2026-07-08');
    const before = await cs.get(`/api/v1/org/units/${barkhan.id}?as_of=2026-07-07`);
    assert.equal(before.body.parent.name, 'Loralai');
    const prov = await cs.get(`/api/v1/org/units/${tree.id}?as_of=2026-08-01`);
    assert.equal(prov.body.children.length, 11);
  });

  await t.test('a unit that does not exist (then) is 404', async () => {
    assertProblem(await cs.get('/api/v1/org/units/999999999'), 404);
    assertProblem(await cs.get('/api/v1/org/units/abc'), 404);
    const tree = (await cs.get('/api/v1/org/tree?as_of=2025-12-31')).body.tree;
    const quetta = child(child(tree, 'Quetta'), 'Quetta');
    assertProblem(await cs.get(`/api/v1/org/units/${quetta.id}?as_of=2026-08-01`), 404, /2026-07-08/);
  });

  await t.test('departments', async () => {
    const res = await cs.get('/api/v1/org/departments');
    assert.equal(res.status, 200, res.text);
    const codes = res.body.departments.map((d) => d.code);
    for (const c of ['SGAD', 'PND', 'EDU', 'HEALTH', 'PHE', 'IRRIGATION', 'CW', 'MINES', 'REVENUE', 'LG', 'HOME', 'FINANCE']) {
      assert.ok(codes.includes(c), c);
    }
    assert.ok(res.body.departments.every((d) => d.name_ur && d.name));
  });

  await t.test('the reference change sets are listed with their items', async () => {
    const res = await cs.get('/api/v1/org/changes');
    assert.equal(res.status, 200, res.text);
    const july = res.body.changes.find((c) => c.reference === 'balochistan-changes-2022-2026.csv#2026-07-08');
    assert.equal(july.effective, '2026-07-08');
    assert.ok(july);
    const barkhan = july.items.find((i) => i.unit.name === 'Barkhan');
    assert.equal(barkhan.action, 'move');
    assert.equal(barkhan.from.name, 'Loralai');
    assert.equal(barkhan.to.name, 'Koh-e-Sulaiman');
    const one = await cs.get(`/api/v1/org/changes/${july.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.items.length, july.items.length);
  });

  const office = {
    effective: '2026-12-01',
    title: 'API test: a new office',
    reference: 'TEST/ORG/1',
    items: [{ action: 'create', kind: 'office', unit: 'Test Facilitation Centre', to: 'Quetta East', to_kind: 'district' }],
  };

  await t.test('only administrators may restructure', async () => {
    assertProblem(await cs.post('/api/v1/org/changes', office), 403);
    assertProblem(await anon.post('/api/v1/org/changes', office), 401);
  });

  await t.test('a valid change set is 201 and shows from its day, not before', async () => {
    const admin = await srv.login('admin');
    const res = await admin.post('/api/v1/org/changes', office);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.effective, '2026-12-01');
    assert.equal(res.body.reference, 'TEST/ORG/1');
    assert.match(res.headers.get('location'), new RegExp(`/api/v1/org/changes/${res.body.id}$`));
    const id = res.body.items[0].unit.id;
    assert.equal(res.body.items[0].to.name, 'Quetta East');
    const on = await cs.get(`/api/v1/org/units/${id}?as_of=2026-12-01`);
    assert.equal(on.status, 200, on.text);
    assert.equal(on.body.kind, 'office');
    assert.equal(on.body.parent.name, 'Quetta East');
    assertProblem(await cs.get(`/api/v1/org/units/${id}?as_of=2026-11-30`), 404);
    // the same office again that day is refused: the name is taken under that parent
    assertProblem(await admin.post('/api/v1/org/changes', office), 422, /already exists/);
  });

  await t.test('an invalid change set is 422 and leaves nothing behind', async () => {
    const admin = await srv.login('admin');
    const before = (await cs.get('/api/v1/org/changes')).body.changes.length;
    const bad = [
      [{ effective: '2026-12-01', title: 't', items: [{ action: 'move', kind: 'district', unit: 'Atlantis', to: 'Zhob' }] }, /Atlantis/],
      [{ effective: '2026-12-01', title: 't', items: [{ action: 'abolish', kind: 'division', unit: 'Zhob' }] }, /still lies/],
      [{ effective: '2026-12-01', title: 't', items: [{ action: 'explode', kind: 'district', unit: 'Zhob' }] }, /explode/],
      [{ effective: '2026-02-30', title: 't', items: [{ action: 'abolish', kind: 'district', unit: 'Zhob' }] }, /effective/],
      [{ effective: '2026-12-01', title: 't', items: [] }, /items/],
    ];
    for (const [body, pattern] of bad) {
      assertProblem(await admin.post('/api/v1/org/changes', body), 422, pattern);
    }
    assert.equal((await cs.get('/api/v1/org/changes')).body.changes.length, before);
    const tree = await cs.get('/api/v1/org/tree?as_of=2026-12-01');
    assert.equal(tree.body.counts.division, 11);
    assert.ok(child(tree.body.tree, 'Zhob'));
  });

  await t.test('the tree of a day reflects a change set applied after it was first asked for', async () => {
    // the server keeps recent trees in memory; a rename (a new version) and
    // an abolition (a version closed, nothing new) must both show at once
    const admin = await srv.login('admin');
    const names = (tree) => {
      const out = [];
      const walk = (n) => { out.push(n.name); (n.children || []).forEach(walk); };
      walk(tree.body.tree);
      return out;
    };
    const before = await cs.get('/api/v1/org/tree?as_of=2027-01-15');
    assert.ok(names(before).includes('Test Facilitation Centre'));
    const rename = await admin.post('/api/v1/org/changes', {
      effective: '2027-01-10', title: 'API test: rename', reference: 'TEST/ORG/CACHE/1',
      items: [{ action: 'rename', kind: 'office', unit: 'Citizen Facilitation Centre', from: 'Test Facilitation Centre' }],
    });
    assert.equal(rename.status, 201, rename.text);
    const renamed = names(await cs.get('/api/v1/org/tree?as_of=2027-01-15'));
    assert.ok(renamed.includes('Citizen Facilitation Centre'));
    assert.ok(!renamed.includes('Test Facilitation Centre'));
    const abolish = await admin.post('/api/v1/org/changes', {
      effective: '2027-01-12', title: 'API test: abolish', reference: 'TEST/ORG/CACHE/2',
      items: [{ action: 'abolish', kind: 'office', unit: 'Citizen Facilitation Centre' }],
    });
    assert.equal(abolish.status, 201, abolish.text);
    assert.ok(!names(await cs.get('/api/v1/org/tree?as_of=2027-01-15')).includes('Citizen Facilitation Centre'));
    // and the days before keep their tree
    assert.ok(names(await cs.get('/api/v1/org/tree?as_of=2027-01-11')).includes('Citizen Facilitation Centre'));
  });
});
