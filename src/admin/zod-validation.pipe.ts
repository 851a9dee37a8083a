import { ArgumentMetadata, BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  reason: string;
}

// Only JSON bodies are parsed: a form (what `curl -d` sends without -H) or no body at all arrives undefined.
const NOT_JSON: FieldProblem = {
  field: '(body)',
  reason: 'must be a JSON object sent with Content-Type: application/json',
};

/** Validates a body, query or parameter with a zod schema; a bad value is 400 naming each field and why. */
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  constructor(private readonly schema: Schema) {}

  transform(value: unknown, metadata?: ArgumentMetadata): z.output<Schema> {
    if (metadata?.type === 'body' && value === undefined) throw badRequest([NOT_JSON]);
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw badRequest(
      result.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              field: [...issue.path, key].join('.'),
              reason: 'is not a known field',
            }))
          : [
              {
                field: issue.path.length ? issue.path.join('.') : wholeValue(metadata),
                reason: issue.message,
              },
            ],
      ),
    );
  }
}

function badRequest(errors: FieldProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: errors.map((problem) => `${problem.field}: ${problem.reason}`).join('; '),
    errors,
  });
}

/** The name of a value that failed as a whole: a path parameter by its name, else the part of the request. */
function wholeValue(metadata: ArgumentMetadata | undefined): string {
  if (metadata?.type === 'param' && metadata.data) return metadata.data;
  return metadata?.type === 'query' ? '(query)' : '(body)';
}
