import type { Context, MiddlewareFn } from 'grammy';
import type { Locale } from './i18n';

/** The person behind an update, as handlers need them: their cabinet, if they are logged in. */
export interface Resident {
  telegramUserId: number;
  /** The cabinet's id (`users.id`). */
  id: number;
  fullName: string | null;
  email: string | null;
}

/** On every update's context: the resident, resolved at most once per update. */
export interface ResidentFlavor {
  /**
   * The logged-in resident of this update, or undefined for a guest (or an update with no sender).
   * The first call reads the database; later calls in the same update (handlers, the conversation
   * kit, i18n) reuse the answer. Services still check authorization themselves.
   */
  resident(): Promise<Resident | undefined>;
}

export interface ResidentLookups {
  /** The cabinet a Telegram user is logged in to (auth owns the query). */
  user(telegramUserId: number): Promise<Omit<Resident, 'telegramUserId'> | undefined>;
  /** The language the person chose with /language, if any (the language feature owns it). */
  locale(telegramUserId: number): Promise<Locale | undefined>;
}

interface InFlight {
  user?: Promise<Resident | undefined>;
  locale?: Promise<Locale | undefined>;
}

/**
 * "Who is this" once per update: one instance per app, shared by the middleware, the i18n locale
 * negotiators (outer and conversations') and the conversation kit. Updates of one chat are handled
 * in order (`sequentialize`), so an entry keyed by the Telegram user lives exactly as long as the
 * update being handled; it is removed when the update is done.
 */
export class Residents {
  private readonly inFlight = new Map<number, InFlight>();

  constructor(private readonly lookups: ResidentLookups) {}

  /** Installs `ctx.resident()` and keeps this update's answers until it is handled. */
  middleware<C extends Context & ResidentFlavor>(): MiddlewareFn<C> {
    return async (ctx, next) => {
      const id = ctx.from?.id;
      ctx.resident = () => (id === undefined ? Promise.resolve(undefined) : this.user(id));
      if (id === undefined) return next();
      const mine: InFlight = {};
      this.inFlight.set(id, mine);
      try {
        await next();
      } finally {
        if (this.inFlight.get(id) === mine) this.inFlight.delete(id);
      }
    };
  }

  /** The resident, memoised for the update in flight (read afresh outside one). */
  user(telegramUserId: number): Promise<Resident | undefined> {
    const entry = this.inFlight.get(telegramUserId);
    const read = async () => {
      const user = await this.lookups.user(telegramUserId);
      return user ? { ...user, telegramUserId } : undefined;
    };
    if (!entry) return read();
    entry.user ??= read();
    return entry.user;
  }

  /** The chosen language, memoised for the update in flight. */
  locale(telegramUserId: number): Promise<Locale | undefined> {
    const entry = this.inFlight.get(telegramUserId);
    if (!entry) return this.lookups.locale(telegramUserId);
    entry.locale ??= this.lookups.locale(telegramUserId);
    return entry.locale;
  }

  /**
   * Forgets this update's answers for the user: called when who they are changes mid-update
   * (logged in, logged out, erased, language chosen), so the menu that follows is right.
   */
  forget(telegramUserId: number): void {
    const entry = this.inFlight.get(telegramUserId);
    if (entry) {
      entry.user = undefined;
      entry.locale = undefined;
    }
  }
}
