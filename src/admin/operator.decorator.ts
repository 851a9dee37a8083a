import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_OPERATOR, OPERATOR_HEADER } from './admin.constants';

/** Who made the request, for the audit columns: the `X-Operator` header (trimmed, 64 characters) or `admin`. */
export const Operator = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<Request>().headers[OPERATOR_HEADER];
  const name = (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 64);
  return name ? `${DEFAULT_OPERATOR}:${name}` : DEFAULT_OPERATOR;
});
