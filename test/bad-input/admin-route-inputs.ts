import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { z } from 'zod';
import { ZodValidationPipe } from '../../src/admin/zod-validation.pipe';

/** What one route validates, read from its controller: the zod schema of its body, query and each path param. */
export interface RouteInputs {
  readonly method: string;
  readonly path: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** every `:param` of the path, with its schema when a ZodValidationPipe checks it */
  readonly params: Readonly<Record<string, z.ZodType | undefined>>;
}

// Nest's RouteParamtypes (not exported from the package root)
const BODY = 3;
const QUERY = 4;
const PARAM = 5;

interface RouteArgument {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/**
 * Every controller route of the booted app with the schemas that validate it, read from Nest's decorator
 * metadata, so a route or a field added later is fuzzed without editing the test.
 */
export function routeInputs(app: NestExpressApplication): RouteInputs[] {
  const routes: RouteInputs[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prefix = firstPath(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        if (typeof method !== 'number') continue;
        const path = joinPath(prefix, firstPath(Reflect.getMetadata(PATH_METADATA, handler)));
        routes.push({ method: RequestMethod[method], path, ...schemasOf(controller, name, path) });
      }
    }
  }
  return routes;
}

function schemasOf(controller: object, handlerName: string, path: string) {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const params: Record<string, z.ZodType | undefined> = Object.fromEntries(
    [...path.matchAll(/:(\w+)/g)].map((match) => [match[1], undefined]),
  );
  let body: z.ZodType | undefined;
  let query: z.ZodType | undefined;
  for (const [key, argument] of Object.entries(args)) {
    const type = Number(key.split(':')[0]);
    const schema = zodSchemaOf(argument.pipes ?? []);
    if (type === BODY && argument.data === undefined) body = schema;
    if (type === QUERY && argument.data === undefined) query = schema;
    if (type === PARAM && typeof argument.data === 'string') params[argument.data] = schema;
  }
  return { body, query, params };
}

function zodSchemaOf(pipes: unknown[]): z.ZodType | undefined {
  const pipe = pipes.find((candidate) => candidate instanceof ZodValidationPipe);
  return pipe === undefined ? undefined : (pipe as unknown as { schema: z.ZodType }).schema;
}

function firstPath(value: unknown): string {
  return Array.isArray(value) ? String(value[0] ?? '') : typeof value === 'string' ? value : '';
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}
