/**
 * The simulated "JVM": what the fake JDK's `java` runs (`node dist/scripts/sim/jvm.js <java arguments>`), so
 * its pid is the java pid a supervisor sees under the start script. It reads the command line as `java` and
 * Carbon's bootstrap do, picks the product by main class, and runs a simulated Carbon server (server.ts), or
 * the idle diagnostics tool the 4.3+ start scripts launch beside the server.
 */
import { join } from 'node:path';
import { stampLifecycle } from './faults.js';
import { diagnosticsMainClass, flavourByMainClass } from './flavours.js';
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
} else {
  const flavour = flavourByMainClass(command.mainClass);
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
  const props = command.systemProperties;
  const carbonHome = props.get('carbon.home') ?? process.cwd();
  const server = new SimulatedServer({
    flavour,
    knobs,
    carbonHome,
    tmpDir: props.get('java.io.tmpdir') ?? join(carbonHome, 'tmp'),
    portOffset: props.get('portOffset'),
  });
  // Keep the process alive whatever is bound, as a JVM's non-daemon threads do.
  setInterval(() => {}, 1 << 30);
  await server.start();
}
