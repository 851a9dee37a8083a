import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';

/**
 * `Authorization: Bearer $ADMIN_TOKEN` on every admin route; without ADMIN_TOKEN the API is disabled
 * (every request is 401). Both sides are hashed first so the comparison takes the same time whatever
 * the length or content of the guess.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    // HTTP drops the spaces around a header value, so a token ending in a newline (a secret made from a
    // file, `echo token > file`) could never be presented: the ends do not count, as in the header
    this.expected = config.ADMIN_TOKEN === undefined ? null : digest(config.ADMIN_TOKEN.trim());
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === null)
      throw new UnauthorizedException('the admin API is disabled: ADMIN_TOKEN is not set');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header.trim());
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    throw new UnauthorizedException('missing or wrong bearer token');
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
