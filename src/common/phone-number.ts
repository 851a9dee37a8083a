/**
 * `leads.telefone` holds digits, country code first (CONTRACT §4): the number WhatsApp is asked to send to.
 * People in Brazilian WhatsApp groups write numbers without the country code — "(51) 98765-4321" — and
 * those bare digits read as another country's number (51 987 654 321 is a Peruvian mobile).
 */

/** Brazilian area codes (DDD) in use, per Anatel's numbering plan. */
const BRAZILIAN_AREA_CODES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46,
  47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85,
  86, 87, 88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
]);

const BRAZIL = '55';

/**
 * A Brazilian number written without the country code: an area code then 8 digits (a landline, or a
 * mobile in the form before the 9 was added) or a 9 and 8 digits (a mobile). An 11-digit number whose
 * third digit is not 9 is not one: it is read as a country code and a number (1 + 212 555 1234).
 */
export function isBrazilianNationalNumber(digits: string): boolean {
  if (!/^\d{10,11}$/.test(digits) || !BRAZILIAN_AREA_CODES.has(Number(digits.slice(0, 2)))) return false;
  return digits.length === 10 || digits[2] === '9';
}

/**
 * A phone number as a person wrote it, as `leads.telefone` digits: separators go, a Brazilian national
 * number gets 55 in front. null when it cannot be made into 10–15 digits, country code first: letters,
 * too few or too many digits, a leading trunk 0, or a national-looking number after an explicit `+` or
 * `00` (`+51 98765-4321` says Peru but is laid out like Porto Alegre: either guess could reach a stranger).
 */
export function internationalPhoneDigits(written: string | null | undefined): string | null {
  const compact = (written ?? '').replace(/[\s().\-/\u2010-\u2015]/g, '');
  const international = /^(?:\+|00)/.exec(compact);
  const digits = international ? compact.slice(international[0].length) : compact;
  if (!/^[1-9]\d*$/.test(digits)) return null;
  if (isBrazilianNationalNumber(digits)) return international ? null : BRAZIL + digits;
  return digits.length >= 10 && digits.length <= 15 ? digits : null;
}
