import { createHash } from 'node:crypto';

/** The receipt's file name: `kvitanciya-<account>-<YYYY-MM>.pdf` (letters, digits and `-` only). */
export function receiptFileName(accountNumber: string, period: string): string {
  return `kvitanciya-${accountNumber.replace(/[^\dA-Za-z-]/g, '')}-${period}.pdf`;
}

/**
 * A digest of everything printed on a receipt (and the language it is printed in): the same
 * digest means the same document, so the PDF already sent can be re-sent by its `file_id`.
 */
export function receiptDigest(content: unknown, locale: string): string {
  return createHash('sha256').update(JSON.stringify({ content, locale })).digest('hex');
}

/** Receipts cover the last 12 months with charges. */
export const RECEIPT_PERIODS = 12;
