import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditActionKey } from '../../src/core/audit';
import { TARIFF_ZONES, type ZoneRole, zoneNameKey } from '../../src/core/format';
import { LOCALES_DIR, SUPPORTED_LOCALES } from '../../src/core/i18n';
import { TARIFF_PLANS } from '../../src/demo/tariffs';
import { proofIsExample } from '../../src/features/accounts/rules';
import type { PasswordVerdict } from '../../src/features/auth/rules';
import type { CodeCheck } from '../../src/features/auth/service';
import type { EmailChangeResult, EmailChangeStarted } from '../../src/features/profile/service';
import type { ParseReadingFailure } from '../../src/features/readings/rules';
import type { HistoryItem } from '../../src/features/readings/service';
import { ACCOUNT_STATUSES } from '../../src/features/staff/lookup';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sandbox' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every literal message key the code passes to a translator: `ctx.t('key')`, `t('key', …)`,
 * `translate(locale, 'key')`, `this.t(locale, 'key')`.
 */
function literalKeys(): Map<string, string> {
  const found = new Map<string, string>();
  const call = /(?:\bt|\btranslate)\(\s*(?:[\w.]+,\s*)?'([a-z][a-z0-9]*(?:-[a-z0-9]+)+)'/g;
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    // A file's own shorthand that prefixes every key: `const t = (key) => ctx.t(\`receipt-${key}\`)`.
    const prefix = /const t = \(key: string\) => [\w.]+\(`([a-z0-9-]+-)\$\{key\}`/.exec(text)?.[1];
    for (const match of text.matchAll(call)) {
      const key = match[1];
      if (!key) continue;
      const bare = match[0].startsWith('t(') && text[(match.index ?? 0) - 1] !== '.';
      const full = prefix && bare ? `${prefix}${key}` : key;
      found.set(full, file.slice(SRC.length + 1));
    }
  }
  return found;
}

/** Every value of a union, listed once; the compiler fails when the union grows and this does not. */
function valuesOf<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

/** The keys with a text in a locale: `locales/<locale>.ftl` and `locales/<locale>/*.ftl`. */
function keysOf(locale: string): Set<string> {
  const files = [
    join(LOCALES_DIR, `${locale}.ftl`),
    ...readdirSync(join(LOCALES_DIR, locale))
      .filter((name) => name.endsWith('.ftl'))
      .map((name) => join(LOCALES_DIR, locale, name)),
  ];
  const keys = files
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .map((line) => /^([a-z][a-z0-9-]*)\s*=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
  return new Set(keys);
}

const TEXTS = new Map(SUPPORTED_LOCALES.map((locale) => [locale, keysOf(locale)]));

function missingIn(keys: Iterable<string>): string[] {
  const missing: string[] = [];
  for (const [locale, known] of TEXTS) {
    for (const key of keys) if (!known.has(key)) missing.push(`${locale}: ${key}`);
  }
  return missing;
}

describe('every text people can be shown', () => {
  it('when the code names a message key, then it has a text in Russian and in English', () => {
    const keys = literalKeys();
    expect(keys.size).toBeGreaterThan(200);
    expect(missingIn(keys.keys())).toEqual([]);
  });

  it('when an audited event is listed in /security or /mydata, then it has a text in both languages', () => {
    expect(missingIn(AUDIT_ACTIONS.map(auditActionKey))).toEqual([]);
  });

  it('when an enum value is shown to people, then every value has a text in both languages', () => {
    const roles = valuesOf<ZoneRole>({
      'all-day': true,
      day: true,
      night: true,
      peak: true,
      'half-peak': true,
    });
    const zoneKeys = [1, 2, 3].flatMap((zones) =>
      TARIFF_ZONES.slice(0, zones).map((zone) => zoneNameKey(zones, zone)),
    );
    const statuses = valuesOf<HistoryItem['status']>({
      accepted: true,
      billed: true,
      rejected: true,
      replaced: true,
    });
    const readingFailures = valuesOf<ParseReadingFailure>({
      empty: true,
      'not-a-number': true,
      negative: true,
      'too-many-digits': true,
      'too-many-decimals': true,
    });
    const weakPasswords = valuesOf<Extract<PasswordVerdict, { ok: false }>['reason']>({
      'too-short': true,
      'too-long': true,
      common: true,
      weak: true,
    });
    const codeChecks = valuesOf<Exclude<CodeCheck['kind'], 'ok'>>({
      wrong: true,
      expired: true,
      used: true,
      'too-many': true,
    });
    const emailStarts = valuesOf<Exclude<EmailChangeStarted['kind'], 'sent'>>({
      invalid: true,
      same: true,
      wait: true,
      limited: true,
    });
    const emailResults = valuesOf<Exclude<EmailChangeResult['kind'], 'ok'>>({
      wrong: true,
      expired: true,
      used: true,
      'too-many': true,
      taken: true,
    });
    expect(
      missingIn([
        ...roles.map((role) => `zone-${role}`),
        ...TARIFF_ZONES.map((zone) => `zone-code-${zone.toLowerCase()}`),
        ...TARIFF_PLANS.map((plan) => `tariff-plan-${plan}`),
        ...zoneKeys,
        ...statuses.map((status) => `readings-status-${status}`),
        ...readingFailures.map((reason) => `readings-bad-${reason}`),
        ...weakPasswords.map((reason) => `auth-password-${reason}`),
        ...codeChecks.map((kind) => `auth-code-${kind}`),
        ...emailStarts.map((kind) => `profile-email-${kind}`),
        ...emailResults.map((kind) => `profile-code-${kind}`),
        ...ACCOUNT_STATUSES.map((status) => `admin-find-status-${status}`),
      ]),
    ).toEqual([]);
  });

  it('when a flow can be left by typing a command, then it has its own words for that in both languages', () => {
    // Every conversation id (`*_CONVERSATION = '<id>'`); the exit path says `flow-left-<id>`.
    const ids = sources(join(SRC, 'features')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/_CONVERSATION = '([a-z-]+)'/g)].map((m) => m[1]),
    );
    expect(ids.length).toBeGreaterThanOrEqual(12);
    expect(missingIn(ids.map((id) => `flow-left-${id}`))).toEqual([]);
  });

  it('when a key has no text, then the check notices it (the check can fail)', () => {
    expect(missingIn(['no-such-key-anywhere'])).toEqual([
      'ru: no-such-key-anywhere',
      'en: no-such-key-anywhere',
    ]);
  });
});

describe('examples in texts', () => {
  it('when the link prompt gives an example amount, then it is the fictional one the service never accepts', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const text = readFileSync(join(LOCALES_DIR, locale, 'accounts.ftl'), 'utf8');
      const examples = [...text.matchAll(/(?:например|e\.g\.)\s+([\d\s\u00a0]+,\d\d)/g)].map(
        (m) => m[1] ?? '',
      );
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) expect(proofIsExample(example)).toBe(true);
    }
  });
});
