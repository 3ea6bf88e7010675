// Writes instances.schema.json from the manifest's zod schema (run by `npm run build`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema } from '../src/manifest/json-schema.js';

const target = fileURLToPath(new URL('../../instances.schema.json', import.meta.url));
writeFileSync(target, manifestJsonSchema());
