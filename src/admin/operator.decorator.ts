import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_OPERATOR, OPERATOR_HEADER } from './admin.constants';

const MAX_OPERATOR_LENGTH = 64;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Who made the request, for the audit columns: the `X-Operator` header (trimmed, 64 characters) or `admin`.
 * Node reads a header's bytes as latin1, while curl and most clients send UTF-8: "João" would be recorded as
 * "JoÃ£o". Bytes that are valid UTF-8 are read as UTF-8; any other value stays as Node read it.
 */
export const Operator = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers[OPERATOR_HEADER];
  const raw = Array.isArray(value) ? value[0] : value;
  // cut by characters, not UTF-16 units, so an emoji is never halved
  const name = Array.from(fromUtf8(raw ?? '').trim())
    .slice(0, MAX_OPERATOR_LENGTH)
    .join('');
  return name ? `${DEFAULT_OPERATOR}:${name}` : DEFAULT_OPERATOR;
});

function fromUtf8(latin1: string): string {
  try {
    return strictUtf8.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}
