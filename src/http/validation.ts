// Parses request parts with zod and turns failures into ValidationFailed naming each field. A custom issue that
// carries `params: { code, ...values }` (ctx.addIssue({ code: 'custom', message, params: { code: 'x', … } })) keeps
// its code and values on the field's entry, for clients that say the problem in their own words.
import type { z } from 'zod';
import { issueCode, ValidationFailed } from '../errors.js';

export type RequestPart = 'body' | 'query' | 'params' | 'header';

export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ValidationFailed(
    result.error.issues.map((issue) => ({
      field: [part, ...issue.path.map(String)].join('.'),
      message: issue.message,
      ...(issue.code === 'custom' ? issueCode(issue.params) : {}),
    })),
  );
}
