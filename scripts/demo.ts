// `npm start`: the demo. Creates simulated WSO2 homes and a fake JDK for instances.example.json on first use
// (in the git-ignored .demo/ folder), then runs `wso2-supervisor -f instances.example.json up` in the
// foreground. Ctrl-C stops every instance and frees every port.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProductId } from '../src/products/product.js';
import { makeHome, makeJdk } from './make-home.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifestFile = path.join(root, 'instances.example.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
  instances: { name: string; product: ProductId; home: string }[];
};

const jdk = makeJdk(path.join(root, '.demo', 'jdk'));
for (const instance of manifest.instances) {
  const home = path.resolve(root, instance.home);
  if (!existsSync(home)) console.error(`demo: creating a simulated ${instance.product} home at ${home}`);
  await makeHome({ product: instance.product, home });
}

// The start scripts find java through JAVA_HOME, inherited by every instance from the supervisor.
process.env.JAVA_HOME = jdk.javaHome;
process.argv = [
  process.argv[0] as string,
  'wso2-supervisor',
  '-f',
  manifestFile,
  'up',
  ...process.argv.slice(2),
];
await import('../src/cli/main.js');
