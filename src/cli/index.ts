import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from '../config';
import { createDatabase, type Db, migrateDownAll, migrateLatest } from '../core/db/index';
import { formatMoney } from '../core/format';
import { scrubSecrets } from '../core/logger';
import { seedDemo } from '../demo/seed';
import { BadPeriodError, exportData } from '../features/billing/exchange/export';
import {
  EXPORT_KINDS,
  type ExportKind,
  IMPORT_KINDS,
  type ImportKind,
} from '../features/billing/exchange/formats';
import { importFile } from '../features/billing/exchange/import';

const USAGE = `Usage: abonent <command> [options]

Commands:
  migrate [--down]                       apply pending migrations (or roll all back)
  seed --demo [--accounts N] [--seed S]  fill the database with a fictional supplier
  import <kind> FILE.csv                 load billing data, all or nothing (exit 1 and a
                                         report of bad lines); kind: accounts, meters,
                                         tariffs, charges, payments
  export readings|payments --period YYYY-MM [--out FILE] [--all]
                                         CSV for billing (stdout without --out); exported
                                         readings become "taken into billing"
  start                                  run the bot (mode from the environment; sandbox without a token)
  help                                   this text

The database comes from DATABASE_URL (default sqlite:data/abonent.db); see .env.example.
File formats: docs/billing-exchange.md.
`;

/** A mistake in the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function withDatabase<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createDatabase(config.databaseUrl);
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new UsageError(`--${name} must be a whole number above zero (got "${value}")`);
  }
  return parsed;
}

async function migrate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { down: { type: 'boolean', default: false } } });
  await withDatabase(async (db) => {
    if (values.down) {
      await migrateDownAll(db);
      process.stdout.write('All migrations rolled back.\n');
      return;
    }
    const applied = await migrateLatest(db);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
  });
}

async function seed(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      demo: { type: 'boolean', default: false },
      accounts: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!values.demo) throw new UsageError('only demo data can be seeded: abonent seed --demo');
  const accounts = positiveInt('accounts', values.accounts, 300);
  const seedValue = positiveInt('seed', values.seed, 1);
  await withDatabase(async (db) => {
    await migrateLatest(db);
    const started = Date.now();
    let lastShown = 0;
    const result = await seedDemo(db, {
      accounts,
      seed: seedValue,
      onProgress: (done, total) => {
        if (done - lastShown >= 10_000 || done === total) {
          lastShown = done;
          process.stderr.write(`  ${done} / ${total} accounts\n`);
        }
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Seeded ${result.accounts} accounts, ${result.meters} meters, ${result.readings} readings, ${result.ledgerRows} ledger rows in ${seconds} s.\n\nDemo accounts (number; meter serial or the last charge prove ownership):\n`,
    );
    for (const account of result.showcase) {
      process.stdout.write(
        `  ${account.number}  meter ${account.meterSerial}  last charge ${formatMoney(account.lastChargeKopecks, 'en')}  ${account.note}\n`,
      );
    }
  });
}

async function importCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [kind, file, ...extra] = positionals;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`import needs a kind: ${IMPORT_KINDS.join(', ')} (got "${kind ?? ''}")`);
  }
  if (!file || extra.length) throw new UsageError('import needs exactly one FILE.csv');
  const report = await withDatabase((db) => importFile(db, kind as ImportKind, file));
  const counts = `${report.rows} rows read`;
  if (report.applied) {
    process.stdout.write(
      `Imported ${report.kind} from ${report.fileName}: ${counts}, ${report.inserted} inserted, ` +
        `${report.updated} updated, ${report.unchanged} unchanged.\n` +
        report.warnings
          .map((warning) => `  warning, line ${warning.line}: ${warning.message}\n`)
          .join(''),
    );
    return 0;
  }
  const lines = report.errors.map((error) => `  line ${error.line}: ${error.message}\n`).join('');
  const more = report.errorCount - report.errors.length;
  process.stdout.write(
    `Rejected ${report.kind} from ${report.fileName}: ${counts}, ${report.errorCount} bad; ` +
      `nothing was applied.\n${lines}${more > 0 ? `  … and ${more} more\n` : ''}`,
  );
  return 1;
}

async function exportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      period: { type: 'string' },
      out: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const [kind, ...extra] = positionals;
  if (!kind || !(EXPORT_KINDS as readonly string[]).includes(kind) || extra.length) {
    throw new UsageError(`export needs a kind: ${EXPORT_KINDS.join(' or ')} (got "${kind ?? ''}")`);
  }
  if (!values.period) throw new UsageError('export needs --period YYYY-MM');
  if (values.all && kind !== 'readings') throw new UsageError('--all applies to readings only');
  const period = values.period;
  const report = await withDatabase(async (db) => {
    try {
      return await exportData(db, kind as ExportKind, {
        period,
        out: values.out ?? process.stdout,
        all: values.all,
      });
    } catch (error) {
      if (error instanceof BadPeriodError) throw new UsageError(error.message);
      throw error;
    }
  });
  // With no --out the CSV is on stdout, so the summary goes to stderr.
  const summary =
    `Exported ${report.rows} ${report.kind} for ${report.period}` +
    `${report.fileName ? ` to ${values.out}` : ''}` +
    `${report.kind === 'readings' ? `; ${report.markedBilled} marked as taken into billing` : ''}.\n`;
  (values.out ? process.stdout : process.stderr).write(summary);
}

async function main(argv: string[]): Promise<number> {
  loadDotenv({ quiet: true });
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'migrate':
        await migrate(rest);
        return 0;
      case 'seed':
        await seed(rest);
        return 0;
      case 'import':
        return await importCommand(rest);
      case 'export':
        await exportCommand(rest);
        return 0;
      case 'start':
      case 'sandbox':
        await import('../main');
        return -1;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`abonent: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`abonent: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(
      `abonent: ${scrubSecrets(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
