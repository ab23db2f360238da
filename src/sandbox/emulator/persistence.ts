import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EmulatorLogger } from './core.js';
import type { SandboxState, Snapshot } from './state.js';

const SAVE_DELAY_MS = 500;

/**
 * Keeps the sandbox world in a JSON file so a restarted sandbox shows the
 * same chats: loaded on start, saved debounced after changes and on stop,
 * written atomically (temp file + rename).
 */
export class StatePersistence {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | undefined,
    private readonly state: SandboxState,
    private readonly logger: EmulatorLogger,
  ) {}

  async load(): Promise<void> {
    if (!this.file) return;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return; // first run
    }
    try {
      const snapshot = JSON.parse(text) as Snapshot;
      if (snapshot.version !== 1)
        throw new Error(`unknown state version ${String(snapshot.version)}`);
      this.state.restore(snapshot);
    } catch (err) {
      this.logger.warn({ err, file: this.file }, 'sandbox state file unreadable; starting empty');
    }
  }

  /** Schedules a save; many changes in a burst cost one write. */
  markDirty(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (!this.file) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const file = this.file;
    this.saving = this.saving.then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true });
        const tmp = `${file}.tmp`;
        await writeFile(tmp, JSON.stringify(this.state.snapshot()));
        await rename(tmp, file);
      } catch (err) {
        this.logger.warn({ err, file }, 'sandbox state save failed');
      }
    });
    await this.saving;
  }
}
