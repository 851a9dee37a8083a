import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from './env.schema';

// CONTRACT §3: `.env.example` lists every variable, so a new user finds each one there.
describe('.env.example', () => {
  const example = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));

  it.each(Object.keys(envSchema.shape))('lists %s', (variable) => {
    expect(listed).toContain(variable);
  });
});
