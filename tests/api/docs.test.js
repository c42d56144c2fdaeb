// docs.test.js - docs/API.md must describe every route the server has:
// `daftar routes` prints the live table, and each "METHOD /path" must
// appear in the document (so the docs cannot drift from the code).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, ROOT } = require('./lib.js');

test('docs/API.md lists every route with its method', () => {
  const table = execFileSync(BIN, ['routes'], { cwd: ROOT }).toString().trim().split('\n');
  assert.ok(table.length > 20, 'the server has routes');
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'API.md'), 'utf8');
  const missing = table
    .map((line) => line.trim().split(/\s+/))
    .filter(([method, pattern]) => !doc.includes(`${method} ${pattern}`))
    .map(([method, pattern]) => `${method} ${pattern}`);
  assert.deepEqual(missing, [], `routes missing from docs/API.md:\n${missing.join('\n')}`);
});

test('daftar --help and --version answer', () => {
  assert.match(execFileSync(BIN, ['--version']).toString(), /^daftar \S+/);
  const help = execFileSync(BIN, ['--help']).toString();
  for (const cmd of ['serve', 'init', 'migrate', 'demo', 'backup', 'audit verify', 'routes']) assert.ok(help.includes(cmd), cmd);
});
