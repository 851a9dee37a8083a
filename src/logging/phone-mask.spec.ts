import { maskPhone, maskPhonesDeep, maskPhonesInSerialized, maskPhonesInText } from './phone-mask';

describe('maskPhone', () => {
  it('keeps only the last 4 digits', () => {
    expect(maskPhone('5511987654321')).toBe('*********4321');
    expect(maskPhone('11987654321')).toBe('*******4321');
  });

  it('drops the formatting of a written number', () => {
    expect(maskPhone('+55 (11) 98765-4321')).toBe('*********4321');
  });

  it('hides a value too short to keep 4 digits of', () => {
    expect(maskPhone('1234')).toBe('****');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe('');
    expect(maskPhone(undefined)).toBe('');
  });
});

describe('maskPhonesInText', () => {
  it.each([
    ['sent to 5511987654321', 'sent to *********4321'],
    ['sent to +5511987654321.', 'sent to *********4321.'],
    ['jid 5511987654321@s.whatsapp.net', 'jid *********4321@s.whatsapp.net'],
    ['phone=1198765432,next', 'phone=******5432,next'],
    ['call +55 (11) 98765-4321 now', 'call *********4321 now'],
    ['call 55 11 98765 4321 now', 'call *********4321 now'],
    ['landline (11) 3333-4444', 'landline ******4444'],
    ['url /leads/5511987654321/history', 'url /leads/*********4321/history'],
    ['15 digits 123456789012345', '15 digits ***********2345'],
    ['poster +55 11 9 8765-4321 did not answer', 'poster *********4321 did not answer'],
    ['poster (11) 9 8765-4321', 'poster *******4321'],
    ['poster 55 (11) 9 8765 4321', 'poster *********4321'],
    ['poster 11.9.8765.4321', 'poster *******4321'],
    ['landline with the trunk 0 (011) 3333-4444', 'landline with the trunk 0 *******4444'],
    ['mobile 011 98765-4321', 'mobile ********4321'],
    ['lead +1 (415) 555-2671 abroad', 'lead *******2671 abroad'],
    ['lead +351 912 345 678 abroad', 'lead ********5678 abroad'],
    ['lead +44 20 7946 0958 abroad', 'lead ********0958 abroad'],
    ['lead +1-415-555-2671', 'lead *******2671'],
  ])('masks %j', (input, expected) => {
    expect(maskPhonesInText(input)).toBe(expected);
  });

  it.each([
    ['a short number 123456789 stays'],
    ['a 16-digit token 1234567890123456 is not a phone'],
    ['hex id a1234567890b stays'],
    ['execution 0f8fad5b-d9cb-469f-a165-708677289501 stays'],
    ['uuid with a digits-only tail 550e8400-e29b-41d4-a716-446655440000 stays'],
    ['at 2026-11-29T23:58:19.123Z'],
    ['took 1234 ms for 12 items'],
    ['applied 1 migration(s): 20261129235819_init'],
    ['at 2026-11-29 23:58:19.123 after 9 retries'],
    ['window 2026-11-29T23:00:00-03:00 to 2026-11-30T08:00:00-03:00'],
    ['retried 3 times in 1234 ms, 9 5678 bytes'],
    ['offset +03:00 at 2026-11-29 23:58:19 +0000'],
    ['took 1234 ms (+12 ms, +3 retries) for 2026-11-29'],
    ['group 120363025246125888@g.us'],
    [''],
  ])('leaves %j alone', (input) => {
    expect(maskPhonesInText(input)).toBe(input);
  });

  it.each([
    ['/admin/dead-letters?telefone=%2B5511987654321', '/admin/dead-letters?telefone=*********4321'],
    [
      '/admin/dead-letters?telefone=%2b5511987654321&limit=5',
      '/admin/dead-letters?telefone=*********4321&limit=5',
    ],
    ['/admin/dead-letters?telefone=%2B55%20(11)%2098765-4321', '/admin/dead-letters?telefone=*********4321'],
    [
      '/admin/dead-letters?telefone=%2B55%20%2811%29%2098765-4321',
      '/admin/dead-letters?telefone=*********4321',
    ],
    ['/admin/dead-letters?telefone=55+11+98765+4321', '/admin/dead-letters?telefone=*********4321'],
    [
      '/leads/%2B5511987654321/history?at=2026-11-29T23%3A58%3A19Z',
      '/leads/*********4321/history?at=2026-11-29T23:58:19Z',
    ],
  ])('masks a URL-encoded number in %j (decoded)', (input, expected) => {
    expect(maskPhonesInText(input)).toBe(expected);
  });

  it.each([
    ['/admin/jobs/process_queue/history?since=2026-11-29T23%3A58%3A19.123%2B00%3A00'],
    ['/admin/jobs?execution=0f8fad5b-d9cb-469f-a165-708677289501&name=fila%20worker'],
    ['/admin/dead-letters?q=plant%C3%A3o+noturno&limit=50'],
    ['malformed escape %E0%A4%A 1234 ms'],
    ['took 1234+5678 ms'],
  ])('leaves the URL-encoded %j as it was written', (input) => {
    expect(maskPhonesInText(input)).toBe(input);
  });

  it('keeps a plain +55 number masked as written when the text has other escapes', () => {
    expect(maskPhonesInText('sent to +5511987654321 (50%25 of 1+1)')).toBe(
      'sent to *********4321 (50%25 of 1+1)',
    );
  });

  it('masks several numbers in one text', () => {
    expect(maskPhonesInText('from 5511987654321 to 5521912345678')).toBe(
      'from *********4321 to *********5678',
    );
  });
});

describe('maskPhonesDeep', () => {
  it('masks strings at any depth and leaves numbers, booleans and null alone', () => {
    const input = {
      telefone: '5511987654321',
      duration_ms: 1234567890123,
      ok: true,
      none: null,
      lead: { contatos: ['5521912345678', 42], nested: { deeper: 'to 5511987654321' } },
    };
    expect(maskPhonesDeep(input)).toEqual({
      telefone: '*********4321',
      duration_ms: 1234567890123,
      ok: true,
      none: null,
      lead: { contatos: ['*********5678', 42], nested: { deeper: 'to *********4321' } },
    });
  });

  it('does not touch the caller’s object', () => {
    const input = { telefone: '5511987654321' };
    maskPhonesDeep(input);
    expect(input.telefone).toBe('5511987654321');
  });

  it('masks an object each time it appears, not only the first', () => {
    const lead = { telefone: '5511987654321' };
    const list = ['5521912345678'];
    expect(maskPhonesDeep({ lead, previous: lead, a: list, b: list })).toEqual({
      lead: { telefone: '*********4321' },
      previous: { telefone: '*********4321' },
      a: ['*********5678'],
      b: ['*********5678'],
    });
  });

  it('writes a cycle’s way back as [Circular] rather than the unmasked object', () => {
    const lead: Record<string, unknown> = { telefone: '5511987654321' };
    lead.self = lead;
    expect(JSON.stringify(maskPhonesDeep({ lead }))).not.toContain('5511987654321');
    expect(maskPhonesDeep({ lead })).toEqual({ lead: { telefone: '*********4321', self: '[Circular]' } });
  });

  it('leaves class instances to the serializers and survives cycles', () => {
    const error = new Error('failed for 5511987654321');
    const cyclic: Record<string, unknown> = { telefone: '5511987654321' };
    cyclic.self = cyclic;
    const masked = maskPhonesDeep({ err: error, cyclic });
    expect(masked.err).toBe(error);
    expect((masked.cyclic as Record<string, unknown>).telefone).toBe('*********4321');
  });
});

describe('maskPhonesInSerialized', () => {
  it('walks objects with a custom prototype, as pino serializers produce', () => {
    const serialized = Object.assign(Object.create({ kind: 'proto' }) as object, {
      message: 'failed for 5511987654321',
      cause: Object.assign(Object.create(null) as object, { message: 'lead 5521912345678' }),
    });
    expect(maskPhonesInSerialized(serialized)).toEqual({
      message: 'failed for *********4321',
      cause: { message: 'lead *********5678' },
    });
  });
});
