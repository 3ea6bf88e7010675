import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knobNames } from './knobs.js';

/**
 * A fake JDK: `<dir>/bin/java`, a sh script. `java -version` answers like OpenJDK (the version from
 * WSO2_SIM_JAVA_VERSION, default 17) without starting Node, since the start scripts call it on every start;
 * anything else execs Node on the simulated JVM (dist/scripts/sim/jvm.js), so the "java" process a start
 * script waits for is the simulated server itself, with the java pid.
 */
export interface FakeJdk {
  /** What JAVA_HOME should be set to. */
  readonly javaHome: string;
  readonly java: string;
}

export interface FakeJdkOptions {
  /** The compiled simulated JVM; default: dist/scripts/sim/jvm.js of this repository. */
  readonly jvmScript?: string;
  /** The Node.js binary; default: the one running this code. */
  readonly node?: string;
}

export function makeJdk(dir: string, options: FakeJdkOptions = {}): FakeJdk {
  const javaHome = resolve(dir);
  const jvmScript = resolve(options.jvmScript ?? defaultJvmScript());
  if (!existsSync(jvmScript)) {
    throw new Error(
      `the simulated JVM is not built: ${jvmScript} is missing (run \`npm run build\` or \`npx tsc -p .\`)`,
    );
  }
  const java = join(javaHome, 'bin', 'java');
  mkdirSync(dirname(java), { recursive: true });
  writeFileSync(java, javaScript(resolve(options.node ?? process.execPath), jvmScript));
  chmodSync(java, 0o755);
  return { javaHome, java };
}

/** `jvm.js` beside this file when running compiled, else the repository's dist/ (running from source). */
function defaultJvmScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const sibling = join(here, 'jvm.js');
  if (existsSync(sibling)) return sibling;
  let dir = here;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'scripts', 'sim', 'jvm.js');
}

const shQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

function javaScript(node: string, jvmScript: string): string {
  return `#!/bin/sh
# Fake JDK of wso2-supervisor's simulated WSO2 runtimes (scripts/sim/fake-jdk.ts).
# Version shapes: 17 -> "17.0.2", 8 -> "1.8.0_412", 21.0.4 as given.
version=\${${knobNames.javaVersion}:-17}
case $version in
  *.*) full=$version ;;
  [1-8]) full=1.$version.0_412 ;;
  *) full=$version.0.2 ;;
esac
case $1 in
  -version)
    echo "openjdk version \\"$full\\" 2024-04-16" >&2
    echo "OpenJDK Runtime Environment (build $full+7-simulated)" >&2
    echo "OpenJDK 64-Bit Server VM (build $full+7-simulated, mixed mode, sharing)" >&2
    exit 0
    ;;
  --version)
    echo "openjdk $full 2024-04-16"
    echo "OpenJDK Runtime Environment (build $full+7-simulated)"
    echo "OpenJDK 64-Bit Server VM (build $full+7-simulated, mixed mode, sharing)"
    exit 0
    ;;
esac
exec ${shQuote(node)} ${shQuote(jvmScript)} "$@"
`;
}
