import { badRequest } from './api-error.js';
import type { UploadedFile } from './multipart.js';

/**
 * Typed access to Bot API parameters. Form bodies carry everything as strings
 * (numbers, booleans, JSON-encoded objects), JSON bodies carry native values;
 * Telegram accepts both, so every getter accepts both.
 */
export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly files: Map<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null && v !== '';
  }

  /** A string parameter; numbers are stringified as Telegram does. */
  string(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw badRequest(`field "${name}" must be of type String`);
  }

  requireString(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw badRequest(`${name} is empty`);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
    if (!Number.isInteger(n)) throw badRequest(`field "${name}" must be of type Integer`);
    return n;
  }

  requireInt(name: string, missing = `${name} is empty`): number {
    const v = this.int(name);
    if (v === undefined) throw badRequest(missing);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === '1' || v === 1) return true;
    if (v === 'false' || v === '0' || v === 0) return false;
    throw badRequest(`field "${name}" must be of type Boolean`);
  }

  /** An object/array parameter, decoding the JSON string form bodies send. */
  json(name: string): unknown {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
}

/** Narrows unknown to a plain record. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
