import * as z from 'zod/mini';
import { manifestSchema } from './schema.js';

/** The published JSON Schema, generated from the validator's own schema so the two never drift. */
export function manifestJsonSchema(): string {
  const schema = z.toJSONSchema(manifestSchema, { io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
