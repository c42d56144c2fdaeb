// icons.mjs - the app's PNG icons, drawn here (a register page on green,
// the same picture as public/icons/icon.svg) so that no binary is kept in
// the repository.  A tiny PNG encoder: RGBA, filter 0, zlib from node.
import zlib from 'node:zlib';

const GREEN = [0x0b, 0x5d, 0x3b];
const WHITE = [0xff, 0xff, 0xff];

function crc32(buf) {
  let c;
  const table = crc32.table || (crc32.table = Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  }));
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

// draw - the icon at size px; maskable: full-bleed background, the picture
// inside the 80 % safe zone.
export function drawIcon(size, { maskable = false } = {}) {
  const px = Buffer.alloc(size * size * 4);
  const s = maskable ? 0.8 : 1;
  const g = (v) => 0.5 + (v - 0.5) * s; // scale the picture about the centre
  const lines = [[0.32, 0.32, 0.68], [0.43, 0.32, 0.68], [0.54, 0.32, 0.68], [0.65, 0.32, 0.54]];
  const colourAt = (x, y) => {
    const bg = maskable ? true : inRoundRect(x, y, 0, 0, 1, 1, 0.18);
    if (!bg) return null;
    if (inRoundRect(x, y, g(0.24), g(0.2), g(0.76), g(0.8), 0.04 * s)) {
      for (const [ly, lx0, lx1] of lines) if (x >= g(lx0) && x <= g(lx1) && y >= g(ly) && y <= g(ly + 0.045)) return GREEN;
      return WHITE;
    }
    return GREEN;
  };
  const N = 4; // 4x4 samples a pixel
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let r = 0, gg = 0, b = 0, a = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const c = colourAt((pxl + (sx + 0.5) / N) / size, (py + (sy + 0.5) / N) / size);
          if (c) { r += c[0]; gg += c[1]; b += c[2]; a += 1; }
        }
      }
      const o = (py * size + pxl) * 4;
      if (a) { px[o] = Math.round(r / a); px[o + 1] = Math.round(gg / a); px[o + 2] = Math.round(b / a); }
      px[o + 3] = Math.round((a / (N * N)) * 255);
    }
  }
  return encodePng(size, size, px);
}
