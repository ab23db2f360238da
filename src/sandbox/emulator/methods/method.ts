import type { EmulatorCore } from '../core.js';
import type { Params } from '../params.js';

/** A Bot API method: returns the `result`, or throws ApiError. */
export type MethodHandler = (core: EmulatorCore, p: Params, signal: AbortSignal) => unknown;

export type MethodTable = Record<string, MethodHandler>;
