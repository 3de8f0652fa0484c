// Writes x.gz beside every compressible file of dist/ so that `hfviz serve`
// can send the precompressed twin to clients that accept gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;
let files = 0, raw = 0, packed = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (!compressible.test(name)) continue;
    const body = readFileSync(path);
    const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    writeFileSync(path + '.gz', gz);
    files++; raw += body.length; packed += gz.length;
  }
};
walk(root);
console.log(`gzip: ${files} files, ${(raw / 1024).toFixed(0)} KiB -> ${(packed / 1024).toFixed(0)} KiB`);
