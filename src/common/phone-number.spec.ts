import { internationalPhoneDigits, isBrazilianNationalNumber } from './phone-number';

describe('internationalPhoneDigits', () => {
  it.each([
    ['(51) 98765-4321', '5551987654321'],
    ['51 98765 4321', '5551987654321'],
    ['51987654321', '5551987654321'],
    ['(11) 9 8765-4321', '5511987654321'],
    ['(11) 3333-4444', '551133334444'],
    ['55 98765.4321', '5555987654321'], // Santa Maria: DDD 55 without the country code
    ['51 98765–4321', '5551987654321'], // an en dash, as phones autocorrect it
  ])('puts 55 in front of the Brazilian national number %j', (written, digits) => {
    expect(internationalPhoneDigits(written)).toBe(digits);
  });

  it.each([
    ['+55 (51) 98765-4321', '5551987654321'],
    ['0055 51 98765 4321', '5551987654321'],
    ['5551987654321', '5551987654321'],
    ['+55 11 3333-4444', '551133334444'],
    ['+1 (212) 555-1234', '12125551234'],
    ['12125551234', '12125551234'], // 11 digits, no 9 after the "area code": a country code and a number
    ['+351 912 345 678', '351912345678'],
  ])('keeps the country code of %j', (written, digits) => {
    expect(internationalPhoneDigits(written)).toBe(digits);
  });

  it.each([
    [null],
    [''],
    ['   '],
    ['98765-4321'], // no area code
    ['(00) 98765-4321'], // not an area code, and a leading 0
    ['(051) 98765-4321'], // trunk 0
    ['+51 98765-4321'], // says Peru, laid out like Porto Alegre
    ['0051987654321'],
    ['51 98765-4321 ramal 2'],
    ['55119abc00001'],
    ['+55 11 98765-4321 / 11 3333-4444'], // two numbers
    ['1234567890123456'],
  ])('refuses %j', (written) => {
    expect(internationalPhoneDigits(written)).toBeNull();
  });
});

describe('isBrazilianNationalNumber', () => {
  it('is an area code and 8 digits, or an area code, a 9 and 8 digits', () => {
    expect(isBrazilianNationalNumber('5133334444')).toBe(true);
    expect(isBrazilianNationalNumber('5198765432')).toBe(true); // a mobile written before the 9
    expect(isBrazilianNationalNumber('51987654321')).toBe(true);
    expect(isBrazilianNationalNumber('11987654321')).toBe(true);
  });

  it('is not a number with a country code, nor one whose first two digits are no area code', () => {
    expect(isBrazilianNationalNumber('5551987654321')).toBe(false);
    expect(isBrazilianNationalNumber('551133334444')).toBe(false);
    expect(isBrazilianNationalNumber('12125551234')).toBe(false);
    expect(isBrazilianNationalNumber('2012345678')).toBe(false); // 20 is no area code
    expect(isBrazilianNationalNumber('519876543')).toBe(false);
    expect(isBrazilianNationalNumber('51 98765 4321')).toBe(false); // digits only
  });
});
