// Builds what `npm start` runs: the bot and its render worker as JavaScript bundles in dist/
// (esbuild, ~0.2 s). Running compiled JavaScript instead of the sources through tsx saves the
// TypeScript loader's memory in the bot and in every render thread (issue 12: RSS after start).
// Packages stay in node_modules (`packages: 'external'`); code shared by the entries and code
// imported lazily (`await import(...)`: the sandbox, the billing exchange, ...) go to chunks of
// their own, loaded when first used. Files read at run time are found from the project root
// (src/paths.ts), not from the bundle's location. Tests and `npm run cli` run the sources.
// `--bench` adds the benchmark (dist/bench.js, `npm run bench`) and its RSS child
// (dist/bench-rss.js): the bot measured is the JavaScript `npm start` runs, sharing its chunks.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
/** A chunk no longer built is deleted only after this long: a bot started from it may still be
 * running and import it lazily (chunk names carry a hash of their content). */
const STALE_CHUNK_MS = 7 * 24 * 3600_000;

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/main.ts',
    'render-worker': 'src/core/render-pool/worker.ts',
    ...(process.argv.includes('--bench')
      ? { bench: 'bench/index.ts', 'bench-rss': 'bench/rss.ts' }
      : {}),
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const built = new Set(Object.keys(result.metafile.outputs).map((path) => join(root, path)));
const chunks = join(root, 'dist', 'chunks');
for (const name of readdirSync(chunks)) {
  const path = join(chunks, name);
  if (!built.has(path) && Date.now() - statSync(path).mtimeMs > STALE_CHUNK_MS) rmSync(path);
}
