// `npm start`: the demo. Creates simulated WSO2 homes and a fake JDK for instances.example.json on first use
// (in the git-ignored .demo/ folder), then runs `wso2-supervisor -f instances.example.json up` in the
// foreground. Ctrl-C stops every instance and frees every port.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { supervisorStatus } from '../src/daemon/control-client.js';
import type { ProductId } from '../src/products/product.js';
import { makeHome, makeJdk } from './make-home.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifestFile = path.join(root, 'instances.example.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
  stateDir: string;
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
// The Carbon 5 scripts (SI) run a short install-jars step on plain `java` from PATH.
process.env.PATH = `${jdk.javaHome}/bin:${process.env.PATH}`;
process.argv = [
  process.argv[0] as string,
  'wso2-supervisor',
  '-f',
  manifestFile,
  'up',
  ...process.argv.slice(2),
];
tellWhatToTry(
  path.resolve(root, manifest.stateDir),
  manifest.instances.map((i) => i.name),
);
// Runs the supervisor in this process until it is stopped.
await import('../src/cli/main.js');

/** Once every instance has settled, says on stderr (stdout is the supervisor's log) what to try next. */
function tellWhatToTry(stateDir: string, names: readonly string[]): void {
  const settled = new Set(['running', 'failed', 'exited']);
  const timer = setInterval(async () => {
    const status = await supervisorStatus(stateDir).catch(() => undefined);
    const states = names.map((name) => status?.instances[name]?.machine.state);
    if (status === undefined || !states.every((state) => state && settled.has(state))) return;
    clearInterval(timer);
    const cli = 'npx wso2-supervisor -f instances.example.json';
    process.stderr.write(
      [
        '',
        `demo: the fleet is up. In another terminal, in ${root}:`,
        `  ${cli} status           # every instance, its offset, ports and what it waits for`,
        `  ${cli} logs -f           # their output, interleaved`,
        `  ${cli} describe ${names[0]}   # everything about one instance`,
        `  ${cli} stop ${names.at(-1)}      # stop one (start, restart too); Ctrl-C here stops them all`,
        '',
      ].join('\n'),
    );
  }, 500);
  timer.unref();
}
