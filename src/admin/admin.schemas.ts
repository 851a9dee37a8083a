import { z } from 'zod';
import { isStorableText } from '../common/storable-text';
import { HandoffStatus } from '../workers/handoff/handoff.constants';
import { MAX_TEXT_LENGTH } from '../workers/fila/fila.constants';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  MAX_REDRIVE_IDS,
  RUN_NOW_DEFAULT_WAIT_S,
  RUN_NOW_MAX_WAIT_S,
} from './admin.constants';

const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .optional()
    .transform((value) => value ?? fallback);

const UNSTORABLE_REASON = 'must not contain NUL characters or unpaired surrogates';

export const pageQuery = z.strictObject({
  page: wholeNumber(1, 1_000_000, 1),
  per_page: wholeNumber(1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
});
export type PageQuery = z.output<typeof pageQuery>;

export const runNowQuery = z.strictObject({
  wait: wholeNumber(0, RUN_NOW_MAX_WAIT_S, RUN_NOW_DEFAULT_WAIT_S),
});

/**
 * Any 8-4-4-4-12 hex id, as PostgreSQL's uuid type takes it: rows inserted by other services or by hand may
 * carry ids whose version and variant bits are not RFC 4122's, which z.uuid() refuses.
 */
const uuid = (message: string) => z.guid(message);

export const uuidParam = uuid('must be a UUID');

export const redriveBody = z.strictObject({
  ids: z
    .array(uuid('must be a UUID'), 'must be a list of fila_mensagens ids')
    .min(1, 'must name at least one message')
    .max(MAX_REDRIVE_IDS, `must name at most ${MAX_REDRIVE_IDS} messages`),
});

export const enqueueBody = z.strictObject({
  lead_id: uuid('must be the UUID of a lead'),
  conteudo: z
    .string('must be the message text')
    .max(MAX_TEXT_LENGTH, `must be 1 to ${MAX_TEXT_LENGTH} characters`)
    .refine((text) => text.trim().length > 0, `must be 1 to ${MAX_TEXT_LENGTH} characters, not blank`)
    .refine(isStorableText, UNSTORABLE_REASON),
  tipo: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a short lower-case word such as manual or resposta')
    .default('manual'),
  prioridade: z.number().int('must be a whole number').min(0).max(10, 'must be 0 to 10').default(5),
  agendar_para: z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 date-time, e.g. 2026-03-02T11:00:00-03:00' })
    // the format allows year 0000, which the database refuses (an invalid date is already reported above)
    .refine(
      (value) => !(new Date(value).getUTCFullYear() < 1),
      'must be an ISO-8601 date-time from year 0001 on',
    )
    .transform((value) => new Date(value))
    .optional(),
  chave_idempotencia: z
    .string()
    .min(1)
    .max(200, 'must be at most 200 characters')
    .refine(isStorableText, UNSTORABLE_REASON)
    .optional(),
});
export type EnqueueBody = z.output<typeof enqueueBody>;

export const pilotBody = z.strictObject({
  pilot_mode: z.boolean('must be true or false'),
  motivo: z
    .string()
    .max(500, 'must be at most 500 characters')
    .refine(isStorableText, UNSTORABLE_REASON)
    .optional(),
});

export const handoffAnswerBody = z.strictObject({
  answer: z.enum([HandoffStatus.confirmed, HandoffStatus.notConfirmed], {
    error: `must be ${HandoffStatus.confirmed} or ${HandoffStatus.notConfirmed}`,
  }),
});

/** The JSON schema of a request, for the OpenAPI document: the zod schema stays the one source. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}
