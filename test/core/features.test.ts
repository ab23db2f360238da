import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const FEATURES = join(SRC, 'features');
/** A feature's insides: another feature asks its service (or its index module), never these. */
const PRIVATE_MODULES = new Set(['bot', 'conversations', 'repo']);
/** `app.ts` is the list of features and the core middleware; a wiring of its own grows back here. */
const APP_MAX_LINES = 320;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g))
    found.push(match[1] ?? '');
  return found;
}

/** The feature (folder under src/features) a path belongs to, or undefined outside features. */
function featureOf(path: string): string | undefined {
  const inside = relative(FEATURES, path);
  if (inside.startsWith('..')) return undefined;
  return inside.split(sep)[0];
}

/** Of one file's imports, those of another feature's bot, conversations or repo ("file -> module"). */
function crossFeatureReaches(file: string, specifiers: string[]): string[] {
  const own = featureOf(file);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier))
    .filter((target) => {
      const other = featureOf(target);
      const module = target.split(sep).at(-1)?.replace(/\.ts$/, '') ?? '';
      return other !== undefined && other !== own && PRIVATE_MODULES.has(module);
    })
    .map((target) => `${relative(SRC, file)} -> ${relative(SRC, target)}`);
}

describe('features register themselves', () => {
  it('when the features are scanned, then no feature imports another feature’s bot, conversations or repo', () => {
    const files = sourceFiles(FEATURES);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => crossFeatureReaches(file, importsOf(file)))).toEqual([]);
  });

  it('when a feature imports another one’s repo or bot, then the scan names it (its own and services pass)', () => {
    const file = join(FEATURES, 'balance', 'service.ts');
    const specifiers = [
      '../ledger/repo',
      '../ledger/service',
      './repo',
      '../help/bot',
      '../../core/db',
    ];
    expect(crossFeatureReaches(file, specifiers)).toEqual([
      `features${sep}balance${sep}service.ts -> features${sep}ledger${sep}repo`,
      `features${sep}balance${sep}service.ts -> features${sep}help${sep}bot`,
    ]);
  });

  it('when app.ts is read, then it is a short list of feature modules, with no conversation wired by hand', () => {
    const app = readFileSync(join(SRC, 'app.ts'), 'utf8');
    expect(app.split('\n').length).toBeLessThanOrEqual(APP_MAX_LINES);
    expect(app).not.toMatch(/createConversation\(/);
    const featureImports = importsOf(join(SRC, 'app.ts')).filter((s) => s.includes('/features/'));
    const wiring = featureImports.filter((s) => /\/(bot|conversations|repo)$/.test(s));
    expect(wiring).toEqual([]);
    expect(featureImports.filter((s) => s.endsWith('/index')).length).toBeGreaterThanOrEqual(13);
  });

  it('when every feature folder with a bot is listed, then each exports its module from index.ts', () => {
    const withBot = readdirSync(FEATURES).filter((name) => {
      try {
        return statSync(join(FEATURES, name, 'bot.ts')).isFile();
      } catch {
        return false;
      }
    });
    const app = readFileSync(join(SRC, 'app.ts'), 'utf8');
    for (const name of withBot) expect(app).toContain(`./features/${name}/index'`);
  });
});
