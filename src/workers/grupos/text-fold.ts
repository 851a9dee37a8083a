/**
 * Lower-cases and strips accents one UTF-16 unit at a time, so the folded text has the same length as
 * the original and a match found in the folded text can be cut from the original (keeping its accents).
 */
export function foldText(text: string): string {
  let folded = '';
  for (const unit of text) {
    if (unit.length !== 1) {
      folded += unit; // astral characters (emojis) keep their two units
      continue;
    }
    const base = unit.normalize('NFD')[0].toLowerCase();
    folded += base.length === 1 ? base : unit;
  }
  return folded;
}

/** Folded text with emojis, punctuation and extra spaces removed: what the classifier's words see. */
export function classificationText(text: string): string {
  return foldText(text)
    .replace(/r\$/g, ' rs ')
    .replace(/[^a-z0-9\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
