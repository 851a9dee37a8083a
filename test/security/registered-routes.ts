import type { NestExpressApplication } from '@nestjs/platform-express';

export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

interface ExpressLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

/** nestjs-pino mounts its request logger as an every-method route on this path: middleware, not an endpoint */
const MIDDLEWARE_PATHS = new Set(['{/*splat}']);

/**
 * Every endpoint the Express 5 router of a booted app serves (controllers, Swagger's document and UI
 * routes), read from the router stack, so a route added later is seen without editing any list.
 */
export function registeredRoutes(app: NestExpressApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as {
    router?: { stack: ExpressLayer[] };
    _router?: { stack: ExpressLayer[] };
  };
  const stack = (express.router ?? express._router)?.stack;
  if (stack === undefined) throw new Error('the Express router stack was not found');
  return stack.flatMap((layer) => {
    const route = layer.route;
    if (route === undefined || typeof route.path !== 'string' || MIDDLEWARE_PATHS.has(route.path)) return [];
    const path = route.path;
    return Object.keys(route.methods)
      .filter((method) => route.methods[method] && method !== '_all')
      .map((method) => ({ method: method.toUpperCase(), path }));
  });
}

/** A concrete URL for a route pattern: every `:param` filled with a value that names nothing. */
export function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) =>
    name === 'id' ? '00000000-0000-4000-8000-000000000000' : `no_such_${name}`,
  );
}
