import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigOffset } from '../../src/manifest/config-offset.js';
import { mi } from '../../src/products/mi.js';
import { siTooling } from '../../src/products/si-tooling.js';

const dir = mkdtempSync(path.join(tmpdir(), 'config-offset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};
const yaml = (offset: string) =>
  `wso2.carbon:\n  type: wso2-carbon\n  id: tooling\n  name: WSO2 Streaming Integrator Tooling\n  ports:\n    # a comment\n    offset: ${offset}\n`;

describe('offset pinned in a home config file', () => {
  it('takes a deployment.yaml offset other than the shipped default as the user pin', async () => {
    expect(await readConfigOffset(siTooling, file('a.yaml', yaml('7')), '$.x', 1000)).toEqual({ offset: 7 });
    expect(await readConfigOffset(siTooling, file('b.yaml', yaml('0')), '$.x', 1000)).toEqual({ offset: 0 });
  });

  it('does not take the shipped default as a pin, nor a placeholder, nor a file without the key', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a carbon-config placeholder, not a template.
    const placeholder = file('p.yaml', yaml('"${env:SI_PORT_OFFSET,0}"'));
    expect(await readConfigOffset(siTooling, placeholder, '$.x', 1000)).toEqual({});
    expect(await readConfigOffset(siTooling, file('c.yaml', yaml('3')), '$.x', 1000)).toEqual({});
    expect(await readConfigOffset(siTooling, file('d.yaml', 'wso2.carbon:\n  id: x\n'), '$.x', 1000)).toEqual(
      {},
    );
    expect(await readConfigOffset(siTooling, path.join(dir, 'missing.yaml'), '$.x', 1000)).toEqual({});
  });

  it('names the file, the key and what to do for a bad value or bad YAML', async () => {
    const bad = await readConfigOffset(siTooling, file('e.yaml', yaml('three')), '$.instances[0].home', 1000);
    expect(bad).toMatchObject({
      problem: {
        path: '$.instances[0].home',
        message: expect.stringContaining('sets wso2.carbon.ports.offset = three, not a whole number'),
        hint: expect.stringContaining('Set it back to 3'),
      },
    });
    const broken = await readConfigOffset(siTooling, file('f.yaml', 'a: [1,\n'), '$.x', 1000);
    expect(broken).toMatchObject({ problem: { message: expect.stringContaining('is not valid YAML') } });
  });

  it('still takes any [server] offset of a deployment.toml as a pin', async () => {
    expect(await readConfigOffset(mi, file('g.toml', '[server]\noffset = 10\n'), '$.x', 1000)).toEqual({
      offset: 10,
    });
  });
});
