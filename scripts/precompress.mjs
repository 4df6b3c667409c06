// Writes brotli (.br, quality 11) and gzip (.gz, level 9) siblings of the release bundle's text
// and WASM files, which the server sends to browsers that accept them (server/src/delivery.rs).
// Usage: node scripts/precompress.mjs target/site/pkg. Run after every `cargo leptos build
// --release`: a sibling older than its file would serve the old bundle, so stale ones are
// replaced, and scripts/serve.sh removes them before the development server rebuilds.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const directory = process.argv[2];
if (!directory) {
  console.error("usage: node scripts/precompress.mjs <directory>");
  process.exit(2);
}
const compressible = /\.(wasm|js|css|html|svg|json|map)$/;
let written = 0;
for (const name of readdirSync(directory)) {
  const path = join(directory, name);
  if (!compressible.test(name) || !statSync(path).isFile()) continue;
  const bytes = readFileSync(path);
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  console.log(`${name}: ${bytes.length} bytes, brotli ${br.length}`);
  written += 1;
}
console.log(`precompressed ${written} files in ${directory}`);
