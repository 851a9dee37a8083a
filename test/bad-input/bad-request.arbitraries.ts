import fc from 'fast-check';

/** The part of a JSON schema (as zod's toJSONSchema writes it) that the generators understand. */
export interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** A value as raw JSON text, and where under the field the server should say the problem is ('' = the field). */
export interface BadValue {
  readonly json: string;
  readonly at: string;
}

const text = (value: unknown) => JSON.stringify(value);

/** Strings that look like numbers, booleans or nothing to a lax parser. */
export const NAN_ISH = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '1e400',
  '0x10',
  '1.5',
  ' 1',
  '+1',
  '',
  'null',
  'true',
];

/** Number tokens JSON.parse turns into ±Infinity. */
const INFINITE_TOKENS = ['1e400', '-1e400', '123456789012345678901234567890e300'];

const JSON_TYPES: Record<string, fc.Arbitrary<string>> = {
  string: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...NAN_ISH)).map(text),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map(text),
  boolean: fc.boolean().map(text),
  null: fc.constant('null'),
  array: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }).map(text),
  object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map(text),
};

function wrongType(type: string): fc.Arbitrary<string> {
  const accepted = type === 'integer' ? ['number'] : [type];
  return fc.oneof(
    ...Object.keys(JSON_TYPES)
      .filter((other) => !accepted.includes(other))
      .map((other) => JSON_TYPES[other]),
  );
}

/** A valid value for a node, when one can be written without knowing the domain (used for array items). */
export function sampleValue(node: JsonSchemaNode): unknown {
  if (node.enum?.length) return node.enum[0];
  if (node.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (node.type === 'boolean') return true;
  if (node.type === 'integer' || node.type === 'number') return node.minimum ?? 0;
  if (node.type === 'array' && node.items) return [sampleValue(node.items)];
  if (node.type === 'string' && node.pattern === undefined && node.format === undefined) return 'x';
  return undefined;
}

/**
 * Values that break the node's declared type or bounds, so the server must refuse them: wrong JSON types,
 * numbers out of range, fractions for integers, infinities, strings too long or short or off-pattern,
 * values outside an enum, arrays too short or too long or with a bad item.
 */
export function invalidValue(node: JsonSchemaNode): fc.Arbitrary<BadValue> {
  const at = (json: string): BadValue => ({ json, at: '' });
  const options: fc.Arbitrary<BadValue>[] = [];
  if (node.type === undefined) throw new Error(`no generator for a schema without a type: ${text(node)}`);
  options.push(wrongType(node.type).map(at));
  if (node.type === 'integer' || node.type === 'number') {
    if (node.minimum !== undefined)
      options.push(
        fc
          .oneof(fc.integer({ min: -(2 ** 31), max: node.minimum - 1 }), fc.constant(-1e308))
          .map(text)
          .map(at),
      );
    if (node.maximum !== undefined)
      options.push(
        fc
          .oneof(fc.integer({ min: node.maximum + 1, max: 2 ** 31 }), fc.constantFrom(1e308, 2 ** 53 + 2))
          .map(text)
          .map(at),
      );
    options.push(fc.constantFrom(...INFINITE_TOKENS).map(at));
    if (node.type === 'integer')
      options.push(
        fc
          .double({ min: node.minimum ?? -1e6, max: node.maximum ?? 1e6, noNaN: true })
          .filter((value) => !Number.isInteger(value))
          .map(text)
          .map(at),
      );
  }
  if (node.type === 'string') {
    if (node.maxLength !== undefined)
      options.push(
        fc.integer({ min: node.maxLength + 1, max: node.maxLength + 64 }).map((n) => at(text('a'.repeat(n)))),
      );
    if (node.minLength)
      options.push(fc.integer({ min: 0, max: node.minLength - 1 }).map((n) => at(text('a'.repeat(n)))));
    if (node.pattern !== undefined) {
      const pattern = new RegExp(node.pattern);
      options.push(
        fc
          .oneof(
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.constantFrom(...NAN_ISH, ...INJECTION_STRINGS),
          )
          .filter((value) => !pattern.test(value))
          .map((value) => at(text(value))),
      );
    }
    if (node.enum?.length) {
      const allowed = node.enum;
      options.push(
        fc
          .oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(...allowed.map((value) => String(value).toUpperCase())),
          )
          .filter((value) => !allowed.includes(value))
          .map((value) => at(text(value))),
      );
    }
  }
  if (node.type === 'array') {
    const item = node.items;
    if (node.minItems) options.push(fc.constant(at('[]')));
    if (item) {
      options.push(invalidValue(item).map((bad) => ({ json: `[${bad.json}]`, at: join('0', bad.at) })));
      const valid = sampleValue(item);
      if (node.maxItems !== undefined && valid !== undefined)
        options.push(fc.constant(at(text(Array.from({ length: node.maxItems + 1 }, () => valid)))));
    }
  }
  return fc.oneof(...options);
}

export function join(field: string, at: string): string {
  return at === '' ? field : `${field}.${at}`;
}

/** A JSON object text from raw member texts: keys such as `__proto__` stay plain members. */
export function objectText(members: ReadonlyArray<readonly [string, string]>): string {
  return `{${members.map(([key, json]) => `${text(key)}:${json}`).join(',')}}`;
}

/** Field names a request does not have, including the ones that mean something to JavaScript objects. */
export function unknownFieldName(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'id', 'status'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    )
    .filter((name) => !known.includes(name));
}

/** Text that is not a JSON object or array: cut-off documents, stray characters, JavaScript that is not JSON. */
export const brokenJson: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .json()
      .filter((json) => json.length > 1)
      .chain((json) => fc.integer({ min: 1, max: json.length - 1 }).map((cut) => json.slice(0, cut))),
    fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          '"',
          "'",
          '\\',
          '\u0000',
          '\u0001',
          'NaN',
          'undefined',
          '/*',
        ),
      )
      .map(([json, position, insert]) => {
        const at = position % (json.length + 1);
        return json.slice(0, at) + insert + json.slice(at);
      }),
    fc.constantFrom(
      "{'lead_id': 1}",
      '{lead_id: 1}',
      '{"a": 1,}',
      '[1,]',
      '{"a": NaN}',
      '{"a": undefined}',
      '{"a": 0x10}',
      '{"a": .5}',
      '{"a": 01}',
      '{"a": "\\x41"}',
      '{"a": "\u0001"}',
      '{"a": 1} {"b": 2}',
      '{"a": 1}}',
      '{"a":',
      '{',
      'null',
      'true',
      '42',
      '"text"',
      '<script>alert(1)</script>',
      "'; DROP TABLE leads;--",
    ),
  )
  .filter((candidate) => candidate.trim() !== '' && !isJsonObjectOrArray(candidate));

function isJsonObjectOrArray(candidate: string): boolean {
  try {
    const value: unknown = JSON.parse(candidate);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/** Strings an attacker or a careless client sends wherever text is accepted. */
export const INJECTION_STRINGS: readonly string[] = [
  "'; DROP TABLE leads;--",
  '1 OR 1=1',
  "' OR '1'='1",
  '1; DELETE FROM fila_mensagens WHERE 1=1; --',
  '"); TRUNCATE jobs_agendados CASCADE; --',
  "'; SELECT pg_sleep(30); --",
  '$1::text',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}} ${7*7}',
  '../../etc/passwd',
  '\\',
  "\\'; --",
  'Olá, Dr. João — plantão às 19h ✅ 🩺',
  '中文 العربية עברית \u202eevil',
  'e\u0301\u200b\ufeff',
  ' leading and trailing spaces ',
  'a\u0000b',
  '\u0000',
  'lone \ud800 surrogate',
];
