import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../src/manifest/json-schema.js';

describe('instances.schema.json', () => {
  it('is exactly what the validator schema generates (run `npm run build` after changing the schema)', async () => {
    const committed = await readFile(new URL('../../instances.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(manifestJsonSchema());
  });

  it('forbids unknown keys so editors flag typos such as dependOn', () => {
    const schema = JSON.parse(manifestJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.instances.items.additionalProperties).toBe(false);
    expect(schema.properties.instances.items.properties.dependsOn).toBeDefined();
  });
});
