import { withoutQuotedRow, withoutQuotedRowDetail } from './quoted-row';

describe('withoutQuotedRow', () => {
  it('keeps the sentence and leaves the quoted row out, over several lines too', () => {
    expect(withoutQuotedRow('Failing row contains (1, Oi Dra.\nAna (tem vaga?), null).')).toBe(
      'Failing row contains (row not logged).',
    );
  });

  it('leaves other texts alone', () => {
    expect(withoutQuotedRow('Key (lead_id)=(42) is not present in table "leads".')).toBe(
      'Key (lead_id)=(42) is not present in table "leads".',
    );
  });
});

describe('withoutQuotedRowDetail', () => {
  it('drops a NOT NULL or CHECK violation’s detail in any language, by its SQLSTATE', () => {
    const translated = { code: '23502', detail: 'A linha que falhou contém (1, Oi Dra. Ana, null).' };
    expect(withoutQuotedRowDetail(translated)).toEqual({
      code: '23502',
      detail: 'Failing row contains (row not logged).',
    });
  });

  it('keeps the detail of other errors', () => {
    const unique = { code: '23505', detail: 'Key (chave_idempotencia)=(retomada:1) already exists.' };
    expect(withoutQuotedRowDetail(unique)).toBe(unique);
  });
});
