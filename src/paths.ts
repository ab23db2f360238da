import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether this process runs the TypeScript sources (tsx, vitest, `npm run cli`) rather than the
 * JavaScript bundle in `dist/` that `npm start` builds (scripts/build.mjs) and runs. Decided by
 * this module's own file name, which the bundle rewrites into a `.js` chunk.
 */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * The project's root directory (the one with package.json): `src/..` from the sources,
 * `dist/..` from the bundle. Files the code reads at run time (locales, the consent texts, the
 * sandbox page) are found from here, so one path works from both.
 */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. `fromRoot('locales')`. */
export function fromRoot(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
