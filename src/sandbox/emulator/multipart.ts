/**
 * A small multipart/form-data parser. Hand-written rather than undici's
 * `Response.formData()` because grammY writes headers as
 * `content-disposition:form-data;name="x";filename=x.bin` (no space, unquoted
 * filename), which stricter parsers reject; Telegram accepts it, so must we.
 */

/** One uploaded file part. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartResult {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

/** Extracts the boundary from a Content-Type header, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2])?.trim() : undefined;
}

function headerParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of value.matchAll(/;\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    const key = match[1]?.toLowerCase();
    if (key) params[key] = (match[2] ?? match[3] ?? '').trim();
  }
  return params;
}

/** Parses a complete multipart body; throws on a malformed one. */
export function parseMultipart(body: Buffer, boundary: string): MultipartResult {
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1));
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part not terminated');
    const data = body.subarray(headerEnd + 4, next);
    const disposition = headerParams(
      `;${(headers.get('content-disposition') ?? '').replace(/^\s*form-data\s*;?/i, '')}`,
    );
    const name = disposition.name;
    if (name !== undefined) {
      if (disposition.filename !== undefined) {
        files.set(name, {
          filename: disposition.filename,
          contentType: headers.get('content-type')?.trim() || 'application/octet-stream',
          data: Buffer.from(data),
        });
      } else {
        fields[name] = data.toString('utf8');
      }
    }
    pos = next + 2;
  }
  return { fields, files };
}
