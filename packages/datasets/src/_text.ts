const FILTERED = new Set('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');

/**
 * Splits a review into words the way the Keras IMDB sequences were made (old Keras `text_to_word_sequence`):
 * A–Z lower-cased, every character of ``!"#$%&()*+,-./:;<=>?@[\]^_`{|}~``, tab and newline turned into a
 * space, the apostrophe kept, split on spaces, empty tokens dropped.
 */
export function textToWords(text: string): string[] {
  let cleaned = '';
  for (const ch of text) {
    if (FILTERED.has(ch)) cleaned += ' ';
    else if (ch >= 'A' && ch <= 'Z') cleaned += String.fromCharCode(ch.charCodeAt(0) + 32);
    else cleaned += ch;
  }
  return cleaned.split(' ').filter((w) => w.length > 0);
}
