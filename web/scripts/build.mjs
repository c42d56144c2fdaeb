// build.mjs - `npm run build`: the web app into web/dist, ready for daftar
// to serve (server.web_root=web/dist).
//   1. vite build: index.html, content-hashed /assets/ (scripts, styles, fonts)
//   2. the PNG icons (scripts/icons.mjs)
//   3. sw.js with this build's version and the list of files to precache
//   4. FILE.gz beside every text file (daftar sends it to clients that accept gzip)
//   5. the size report: what the public first page downloads, compressed;
//      the build fails if it is over the budget (200 KB)
import { build } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { drawIcon } from './icons.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const BUDGET_KB = 200;
const TEXT = /\.(html|js|mjs|css|svg|json|webmanifest|txt|map)$/;
const NOT_PRECACHED = /\.(woff2?|ttf|gz)$/; // fonts: cached when first used (Urdu only)

const kb = (n) => (n / 1024).toFixed(1);
const gz = (buf) => zlib.gzipSync(buf, { level: 9 });

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
const rel = (p) => `/${path.relative(DIST, p).split(path.sep).join('/')}`;

// 1. vite
await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.js'), logLevel: 'warn' });
const manifestFile = path.join(DIST, '.vite', 'manifest.json');
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
fs.rmSync(path.join(DIST, '.vite'), { recursive: true, force: true }); // not served

// 2. icons
fs.mkdirSync(path.join(DIST, 'icons'), { recursive: true });
for (const [name, size, opts] of [['icon-192.png', 192], ['icon-512.png', 512], ['icon-180.png', 180], ['icon-maskable-512.png', 512, { maskable: true }]]) {
  fs.writeFileSync(path.join(DIST, 'icons', name), drawIcon(size, opts));
}

// 3. the service worker
const files = walk(DIST).filter((p) => !NOT_PRECACHED.test(p) && !p.endsWith('sw.js'));
const precache = files.map(rel).filter((u) => u !== '/robots.txt').sort();
const version = crypto.createHash('sha256');
for (const f of files.sort()) version.update(rel(f)).update(fs.readFileSync(f));
const sw = fs.readFileSync(path.join(ROOT, 'sw', 'sw.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version.digest('hex').slice(0, 12)))
  .replace('__PRECACHE__', JSON.stringify(precache, null, 0));
fs.writeFileSync(path.join(DIST, 'sw.js'), sw);

// 4. .gz beside text files (only when it is smaller)
let gzCount = 0;
for (const f of walk(DIST)) {
  if (!TEXT.test(f)) continue;
  const data = fs.readFileSync(f);
  const z = gz(data);
  if (z.length < data.length) { fs.writeFileSync(`${f}.gz`, z); gzCount++; }
}

// 5. sizes: the public first page is index.html, the entry chunk with its
// static imports and CSS, and the chart chunk it loads at once; the map,
// the homes of signed-in users, the Urdu catalogue and font are not in it.
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const firstPage = new Set(['/index.html', '/manifest.webmanifest', '/icons/icon.svg']);
const addChunk = (key) => {
  const c = manifest[key];
  if (!c || firstPage.has(`/${c.file}`)) return;
  firstPage.add(`/${c.file}`);
  for (const css of c.css || []) firstPage.add(`/${css}`);
  for (const imp of c.imports || []) addChunk(imp);
};
addChunk(entryKey);
const chartKey = Object.keys(manifest).find((k) => k.endsWith('components/chartjs.js'));
if (chartKey) addChunk(chartKey);

const sizeOf = (u) => {
  const p = path.join(DIST, u);
  const raw = fs.statSync(p).size;
  const z = fs.existsSync(`${p}.gz`) ? fs.statSync(`${p}.gz`).size : raw;
  return { raw, z };
};
const rows = [];
let firstRaw = 0;
let firstGz = 0;
for (const u of [...firstPage].sort()) {
  const s = sizeOf(u);
  firstRaw += s.raw;
  firstGz += s.z;
  rows.push([u, s.raw, s.z]);
}
const lazy = [];
for (const [key, c] of Object.entries(manifest)) {
  const u = `/${c.file}`;
  if (firstPage.has(u)) continue;
  const s = sizeOf(u);
  let css = 0;
  for (const x of c.css || []) if (!firstPage.has(`/${x}`)) css += sizeOf(`/${x}`).z;
  lazy.push([key.replace(/^.*node_modules\//, ''), u, s.z + css]);
}
let total = 0;
for (const f of walk(DIST)) if (!f.endsWith('.gz')) total += fs.existsSync(`${f}.gz`) ? fs.statSync(`${f}.gz`).size : fs.statSync(f).size;

console.log('\ndaftar web build: web/dist');
console.log('  first page (public vacancy report), as sent with gzip:');
for (const [u, raw, z] of rows) console.log(`    ${u.padEnd(48)} ${kb(raw).padStart(7)} KB  ${kb(z).padStart(7)} KB gz`);
console.log(`    ${'total'.padEnd(48)} ${kb(firstRaw).padStart(7)} KB  ${kb(firstGz).padStart(7)} KB gz  (budget ${BUDGET_KB} KB; + the report's JSON from the API)`);
console.log('  loaded on demand (gz, with their CSS):');
for (const [k, u, z] of lazy.sort((a, b) => b[2] - a[2])) console.log(`    ${k.padEnd(48)} ${kb(z).padStart(7)} KB gz  ${u}`);
console.log(`  everything in dist (gz where a .gz exists): ${kb(total)} KB; ${gzCount} .gz files; ${precache.length} files precached by sw.js`);
console.log(`FIRST_PAGE_GZ_KB=${kb(firstGz)}`);
if (firstGz > BUDGET_KB * 1024) {
  console.error(`build: the first page is ${kb(firstGz)} KB compressed, over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
