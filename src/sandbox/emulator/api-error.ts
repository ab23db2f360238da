/**
 * A Bot API failure. Thrown anywhere inside a method handler and turned into
 * Telegram's exact error shape `{ok:false,error_code,description[,parameters]}`
 * by the router, so handlers read like the documentation's error list.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'ApiError';
  }

  /** The JSON body Telegram sends for this error. */
  toJSON(): object {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 "Bad Request: <detail>", the most common Bot API error. */
export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

/** A control API failure: `{ok:false,error}` with a 4xx status (CONTRACT.md). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
