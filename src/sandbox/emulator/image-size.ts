/**
 * Reads width/height from PNG, JPEG, GIF or WebP headers so PhotoSize carries
 * real dimensions; anything else gets a nominal 800×600.
 */
export function imageSize(buf: Buffer): { width: number; height: number } {
  const nominal = { width: 800, height: 600 };
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47) {
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 10 && buf.toString('ascii', 0, 3) === 'GIF') {
    return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  }
  if (
    buf.length >= 30 &&
    buf.toString('ascii', 0, 4) === 'RIFF' &&
    buf.toString('ascii', 8, 12) === 'WEBP'
  ) {
    const chunk = buf.toString('ascii', 12, 16);
    if (chunk === 'VP8X')
      return { width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3) };
    return nominal;
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let pos = 2;
    while (pos + 9 < buf.length) {
      if (buf[pos] !== 0xff) return nominal;
      const marker = buf[pos + 1] ?? 0;
      const len = buf.readUInt16BE(pos + 2);
      const isSof =
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { width: buf.readUInt16BE(pos + 7), height: buf.readUInt16BE(pos + 5) };
      pos += 2 + len;
    }
  }
  return nominal;
}

/** A file extension for a MIME type, for Telegram-like `file_path`s. */
export function extensionFor(mime: string, filename?: string): string {
  const fromName = filename ? /\.([a-zA-Z0-9]{1,8})$/.exec(filename)?.[1] : undefined;
  if (fromName) return fromName.toLowerCase();
  const map: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'application/pdf': 'pdf',
    'text/csv': 'csv',
    'text/plain': 'txt',
  };
  return map[mime] ?? 'dat';
}

/** A MIME type guessed from a file name, since grammY uploads as octet-stream. */
export function mimeFor(filename: string, fallback: string): string {
  const ext = /\.([a-zA-Z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  const map: Record<string, string> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    webp: 'image/webp',
    pdf: 'application/pdf',
    csv: 'text/csv',
    txt: 'text/plain',
    json: 'application/json',
    zip: 'application/zip',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
  return (ext && map[ext]) || fallback;
}
