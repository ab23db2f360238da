/**
 * The words a person types to give up, without the button or /cancel: «отмена», «Отменить»,
 * «cancel». Inside a flow they leave it exactly like «✖️ Отмена»; they are never taken as an
 * answer, not even as a password (none is that short).
 */
const CANCEL_WORDS = new Set(['отмена', 'отменить', 'отмени', 'cancel', 'stop', 'стоп']);

/** Whether `text` is a plain cancel word (any case, surrounding spaces and a final dot ignored). */
export function isCancelWord(text: string): boolean {
  return CANCEL_WORDS.has(
    text
      .trim()
      .replace(/[.!]+$/, '')
      .toLowerCase(),
  );
}
