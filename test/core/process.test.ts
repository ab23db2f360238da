import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('process start-up', () => {
  it('when a variable is malformed, exits with code 1 and one readable line, no stack trace', () => {
    const result = runMain({ TIME_ZONE: 'Nowhere/Land', OPERATOR_KPP: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TIME_ZONE: must be an IANA time zone');
    expect(result.stderr).toContain('OPERATOR_KPP: must be 9 digits');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('when the database cannot be opened, exits with code 1 and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-bad-db-'));
    const notADatabase = join(dir, 'broken.db');
    writeFileSync(notADatabase, 'this is not an sqlite file '.repeat(100));
    const result = runMain({ DATABASE_URL: `sqlite:${notADatabase}` });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot open or migrate the database');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
