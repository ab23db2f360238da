import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from '../config';
import { AuditLog } from '../core/audit';
import { systemClock } from '../core/clock';
import { createDatabase, type Db, migrateDownAll, migrateLatest } from '../core/db/index';
import { formatDateTime, formatMoney } from '../core/format';
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
import { isStaffRole, STAFF_ROLES, StaffService } from '../features/staff/service';

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
  staff add|remove|list [TELEGRAM_ID] [--role operator|admin]
                                         who may act in the admin chat (operators answer
                                         appeals and review readings; admins also broadcast)
  start                                  run the bot (mode from the environment; sandbox without a token)
  help                                   this text

The database comes from DATABASE_URL (default sqlite:data/abonent.db); see .env.example.
File formats: docs/billing-exchange.md.
`;

/** A mistake in the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function withDatabase<T>(io: CliIo, run: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
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

async function migrate(args: string[], io: CliIo): Promise<void> {
  const { values } = parseArgs({ args, options: { down: { type: 'boolean', default: false } } });
  await withDatabase(io, async (db) => {
    if (values.down) {
      await migrateDownAll(db);
      io.stdout.write('All migrations rolled back.\n');
      return;
    }
    const applied = await migrateLatest(db);
    io.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n',
    );
  });
}

async function seed(args: string[], io: CliIo): Promise<void> {
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
  await withDatabase(io, async (db) => {
    await migrateLatest(db);
    const started = performance.now();
    let lastShown = 0;
    const result = await seedDemo(db, {
      now: systemClock(),
      accounts,
      seed: seedValue,
      onProgress: (done, total) => {
        if (done - lastShown >= 10_000 || done === total) {
          lastShown = done;
          io.stderr.write(`  ${done} / ${total} accounts\n`);
        }
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.stdout.write(
      `Seeded ${result.accounts} accounts, ${result.meters} meters, ${result.readings} readings, ${result.ledgerRows} ledger rows in ${seconds} s.\n\nDemo accounts (number; meter serial or the last charge prove ownership):\n`,
    );
    for (const account of result.showcase) {
      io.stdout.write(
        `  ${account.number}  meter ${account.meterSerial}  last charge ${formatMoney(account.lastChargeKopecks)}  ${account.note}\n`,
      );
    }
  });
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  const [kind, file, ...extra] = positionals;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`import needs a kind: ${IMPORT_KINDS.join(', ')} (got "${kind ?? ''}")`);
  }
  if (!file || extra.length) throw new UsageError('import needs exactly one FILE.csv');
  const report = await withDatabase(io, (db) =>
    importFile(db, kind as ImportKind, file, { clock: systemClock }),
  );
  for (const run of report.interrupted) {
    io.stdout.write(
      `Note: an earlier import of ${report.kind} (${run.fileName ?? 'a file'}, started ${run.startedAt}) ` +
        (run.partial
          ? 'was interrupted while it was being applied, so part of it is in; import that file again (re-importing is safe).\n'
          : 'was interrupted and nothing of it was applied; import that file again.\n'),
    );
  }
  const counts = `${report.rows} rows read`;
  if (report.applied) {
    io.stdout.write(
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
  io.stdout.write(
    `Rejected ${report.kind} from ${report.fileName}: ${counts}, ${report.errorCount} bad; ` +
      `nothing was applied.\n${lines}${more > 0 ? `  … and ${more} more\n` : ''}`,
  );
  return 1;
}

async function exportCommand(args: string[], io: CliIo): Promise<void> {
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
  const report = await withDatabase(io, async (db) => {
    try {
      return await exportData(db, kind as ExportKind, {
        period,
        out: values.out ?? io.stdout,
        all: values.all,
        clock: systemClock,
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
    `${report.kind === 'readings' ? `; ${report.markedBilled} marked as taken into billing` : ''}` +
    `${report.heldForReview > 0 ? `; ${report.heldForReview} flagged readings left out until staff review them` : ''}.\n`;
  (values.out ? io.stdout : io.stderr).write(summary);
}

async function staffCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { role: { type: 'string' } },
    allowPositionals: true,
  });
  const [action, id, ...extra] = positionals;
  if (extra.length) throw new UsageError('staff takes one Telegram id');
  const telegramId = (): number => {
    const parsed = Number(id);
    if (!id || !Number.isSafeInteger(parsed) || parsed <= 0) {
      throw new UsageError(`staff ${action} needs a Telegram user id (got "${id ?? ''}")`);
    }
    return parsed;
  };
  await withDatabase(io, async (db) => {
    const staff = new StaffService(db, new AuditLog(db, systemClock), systemClock);
    switch (action) {
      case 'add': {
        const role = values.role ?? 'operator';
        if (!isStaffRole(role)) {
          throw new UsageError(`--role must be ${STAFF_ROLES.join(' or ')} (got "${role}")`);
        }
        const member = await staff.add(telegramId(), role);
        io.stdout.write(`Staff: ${member.telegramUserId} is ${member.role}.\n`);
        return;
      }
      case 'remove': {
        const removed = await staff.remove(telegramId());
        io.stdout.write(removed ? `Removed ${id} from staff.\n` : `${id} was not staff.\n`);
        return;
      }
      case 'list': {
        const members = await staff.list();
        if (members.length === 0) io.stdout.write('No staff yet: abonent staff add ID.\n');
        // When they were added, in the local time zone and in words («24 ноября 2026, 14:05»);
        // the name is the one they go by in Telegram, seen when they last acted in the admin chat.
        const { timeZone } = loadConfig(io.env);
        for (const m of members) {
          const added = formatDateTime(m.addedAt, timeZone);
          io.stdout.write(`${m.telegramUserId}\t${m.role}\t${added}\t${m.name ?? ''}\n`);
        }
        return;
      }
      default:
        throw new UsageError(`staff needs add, remove or list (got "${action ?? ''}")`);
    }
  });
}

/** Where a CLI run reads its environment and writes its output (a test passes its own). */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs one `abonent` command. Returns the exit code (0 ok, 1 failed or rejected, 2 usage), or -1
 * when the command started the bot, which keeps the process alive.
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  if (io.env === process.env) loadDotenv({ quiet: true });
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'migrate':
        await migrate(rest, io);
        return 0;
      case 'seed':
        await seed(rest, io);
        return 0;
      case 'import':
        return await importCommand(rest, io);
      case 'export':
        await exportCommand(rest, io);
        return 0;
      case 'staff':
        await staffCommand(rest, io);
        return 0;
      case 'start':
      case 'sandbox':
        await import('../main');
        return -1;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.stderr.write(`abonent: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`abonent: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(
      `abonent: ${scrubSecrets(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  }
}
