// Parses request parts with zod and turns failures into ValidationFailed naming each field.
import type { z } from 'zod';
import { ValidationFailed } from '../errors.js';

export type RequestPart = 'body' | 'query' | 'params' | 'header';

export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ValidationFailed(
    result.error.issues.map((issue) => ({
      field: [part, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}
