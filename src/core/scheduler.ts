import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './db/index';
import type { Logger } from './logger';

/** What a job gets: the time of its run, and a signal that fires when the scheduler stops. */
export interface JobContext {
  now: Date;
  signal: AbortSignal;
}

export type Job = (context: JobContext) => Promise<void> | void;

export interface SchedulerOptions {
  /** Written to `job_locks.locked_by`; default `host:pid:random`. */
  id?: string;
  /** How often the loop looks at its jobs; default 1 s (the database is only asked when one is due). */
  tickMs?: number;
  /** Milliseconds since the epoch; injected so tests move time by hand. */
  /** Milliseconds since the epoch, from the app's one clock (src/core/clock.ts). */
  clock: () => number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

interface JobEntry {
  name: string;
  intervalMs: number;
  job: Job;
  /** Do not ask the database before this (we know another instance holds the lease). */
  nextCheckAt: number;
  ensured: boolean;
  running: Promise<void> | undefined;
}

const EPOCH = new Date(0).toISOString();
const ERROR_LIMIT = 500;
const noopLogger = { info() {}, warn() {}, error() {} };

/**
 * A tiny periodic-job scheduler for "every 10 minutes, see whether reminders are due". Several
 * bot instances may share one database: a run needs the job's lease row in `job_locks`, taken by
 * one conditional UPDATE (`locked_until <= now`), so each run happens on one instance only, at
 * most once per interval. The lease covers the interval and is renewed while a long run lasts, so
 * runs never overlap. A job that throws is logged and tried again next interval. Jobs should be
 * idempotent anyway (outbox dedupe keys make that easy): after a crash mid-run, the next run
 * starts when the lease expires.
 *
 * Time comes from each instance's clock; keep instances NTP-synced (skew well under an interval).
 */
export class Scheduler {
  readonly id: string;
  private readonly jobs = new Map<string, JobEntry>();
  private readonly tickMs: number;
  private readonly clock: () => number;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopSignal = new AbortController();
  private started = false;

  constructor(
    private readonly db: Db,
    options: SchedulerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.tickMs = options.tickMs ?? 1_000;
    this.clock = options.clock;
    this.logger = options.logger ?? noopLogger;
  }

  /** Registers a job to run every `intervalMs` across all instances. Names are global keys. */
  every(name: string, intervalMs: number, job: Job): this {
    if (this.jobs.has(name)) throw new Error(`scheduler: job ${name} is already registered`);
    if (!(intervalMs > 0)) throw new RangeError(`scheduler: bad interval for ${name}`);
    this.jobs.set(name, {
      name,
      intervalMs,
      job,
      nextCheckAt: 0,
      ensured: false,
      running: undefined,
    });
    return this;
  }

  /** Starts ticking; the first tick comes at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopSignal = new AbortController();
    const loop = () => {
      this.ticking = this.check(false)
        .catch((error: unknown) => this.logger.error({ err: error }, 'scheduler: tick failed'))
        .finally(() => {
          if (this.started) this.timer = setTimeout(loop, this.tickMs);
        });
    };
    loop();
  }

  /** Stops ticking and waits for running jobs (their signal is aborted: long jobs should bail). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearTimeout(this.timer);
    this.stopSignal.abort();
    await this.ticking;
    await Promise.all([...this.jobs.values()].map((entry) => entry.running));
  }

  /**
   * Runs every due job whose lease this instance wins, and waits for them. The loop calls the
   * same check without waiting; tests call this with a hand-moved clock.
   */
  async tick(): Promise<void> {
    await this.check(true);
  }

  private async check(wait: boolean): Promise<void> {
    const started: Promise<void>[] = [];
    for (const entry of this.jobs.values()) {
      const now = this.clock();
      if (entry.running) {
        await this.renew(entry, now);
        continue;
      }
      if (now < entry.nextCheckAt) continue;
      if (await this.acquire(entry, now)) {
        entry.running = this.runJob(entry, now).finally(() => {
          entry.running = undefined;
        });
        started.push(entry.running);
      }
    }
    if (wait) await Promise.all(started);
  }

  /** The atomic conditional UPDATE: whoever changes the row owns this run. */
  private async acquire(entry: JobEntry, now: number): Promise<boolean> {
    if (!entry.ensured) {
      await this.db('job_locks')
        .insert({ name: entry.name, locked_until: EPOCH })
        .onConflict('name')
        .ignore();
      entry.ensured = true;
    }
    const nowIso = new Date(now).toISOString();
    const won = await this.db('job_locks')
      .where('name', entry.name)
      .andWhere('locked_until', '<=', nowIso)
      .update({
        locked_until: new Date(now + entry.intervalMs).toISOString(),
        locked_by: this.id,
        last_started_at: nowIso,
      });
    if (won > 0) {
      entry.nextCheckAt = now + entry.intervalMs;
      return true;
    }
    const row = await this.db('job_locks')
      .where('name', entry.name)
      .first<{ locked_until: string } | undefined>('locked_until');
    const until = row ? Date.parse(row.locked_until) : now;
    // Someone else has it: come back when their lease ends (but at least a tick later).
    entry.nextCheckAt = Math.max(now + 1, Math.min(until, now + entry.intervalMs));
    return false;
  }

  /** A run that outlasts half its interval keeps the lease, so no other instance starts it. */
  private async renew(entry: JobEntry, now: number): Promise<void> {
    await this.db('job_locks')
      .where({ name: entry.name, locked_by: this.id })
      .andWhere('locked_until', '<', new Date(now + entry.intervalMs / 2).toISOString())
      .update({ locked_until: new Date(now + entry.intervalMs).toISOString() });
  }

  private async runJob(entry: JobEntry, now: number): Promise<void> {
    let failure: string | null = null;
    try {
      await entry.job({ now: new Date(now), signal: this.stopSignal.signal });
    } catch (error) {
      failure = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_LIMIT);
      this.logger.error({ err: error, job: entry.name }, 'scheduler: job failed');
    }
    await this.db('job_locks')
      .where({ name: entry.name, locked_by: this.id })
      .update({ last_finished_at: new Date(this.clock()).toISOString(), last_error: failure })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, job: entry.name }, 'scheduler: could not record the run'),
      );
  }
}
