/**
 * The simulated "JVM": what the fake JDK's `java` runs (`node dist/scripts/sim/jvm.js <java arguments>`), so
 * its pid is the java pid a supervisor sees under the start script. It reads the command line as `java` and
 * Carbon's bootstrap do, picks the product by main class (and, for Carbon 5's shared launcher, the home's
 * `deployment.yaml`: flavours.ts), and runs a simulated Carbon server (server.ts), the idle diagnostics tool
 * the MI / API-M 4.3+ start scripts launch beside the server, or Carbon 5's install-jars tool.
 */
import { join } from 'node:path';
import { stampLifecycle } from './faults.js';
import { diagnosticsMainClass, flavourForLaunch, toolExecutorMainClass } from './flavours.js';
import { parseJavaCommandLine } from './java-args.js';
import { KnobError, type Knobs, readKnobs } from './knobs.js';
import { SimulatedServer } from './server.js';

// A JVM's console going away (the reader died) does not stop it: System.out swallows write errors.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

const command = parseJavaCommandLine(process.argv.slice(2));

if (command.mainClass === undefined) {
  process.stderr.write('Usage: java [options] <mainclass> [args...]\n');
  process.exit(1);
}

if (command.mainClass === diagnosticsMainClass) {
  // The real tool watches the server's logs and pid; the simulator's only needs to live until the start
  // script's EXIT/INT trap kills it (SIGTERM's default action ends this process).
  setInterval(() => {}, 1 << 30);
} else if (command.mainClass === toolExecutorMainClass) {
  // install-jars turns <HOME>/.jars and .bundles into OSGi bundles; a simulated home has none to convert.
  process.exit(0);
} else {
  const props = command.systemProperties;
  const carbonHome = props.get('carbon.home') ?? process.cwd();
  const flavour = flavourForLaunch(command.mainClass, carbonHome, props);
  if (flavour === undefined) {
    process.stderr.write(
      `Error: Could not find or load main class ${command.mainClass}\n` +
        `Caused by: java.lang.ClassNotFoundException: ${command.mainClass}\n`,
    );
    process.exit(1);
  }
  let knobs: Knobs;
  try {
    knobs = readKnobs(process.env);
    stampLifecycle(knobs.lifecycleStamp, 'start');
  } catch (error) {
    if (!(error instanceof KnobError)) throw error;
    process.stderr.write(`wso2-sim: ${error.message}\n`);
    process.exit(1);
  }
  const server = new SimulatedServer({
    flavour,
    knobs,
    carbonHome,
    tmpDir: props.get('java.io.tmpdir') ?? join(carbonHome, 'tmp'),
    properties: props,
    env: process.env,
  });
  // Keep the process alive whatever is bound, as a JVM's non-daemon threads do.
  setInterval(() => {}, 1 << 30);
  await server.start();
}
