/**
 * Reads a `java` command line the way the real launcher and Carbon's bootstrap do: JVM options, then the main
 * class, then program arguments. System properties come from `-Dk=v` JVM options and, as Carbon's
 * `Main.processCmdLineArgs` does (wso2/micro-integrator `components/org.wso2.micro.integrator.server/.../Main.java`),
 * from every `-Dk=v` program argument too: that is how `sh bin/micro-integrator.sh -DportOffset=3` reaches the
 * server. A program argument `-Dk` without `=` means `true`; a JVM option `-Dk` means the empty string.
 */

export interface JavaCommandLine {
  /** Undefined when the command line names no class (java prints its usage and exits 1). */
  readonly mainClass: string | undefined;
  readonly systemProperties: ReadonlyMap<string, string>;
  readonly programArgs: readonly string[];
}

/** JVM options whose value is the next argument, as `java` reads them. */
const optionsWithValue = new Set([
  '-cp',
  '-classpath',
  '--class-path',
  '-p',
  '--module-path',
  '--add-opens',
  '--add-exports',
  '--add-reads',
  '--add-modules',
  '--enable-native-access',
]);

export function parseJavaCommandLine(argv: readonly string[]): JavaCommandLine {
  const properties = new Map<string, string>();
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] as string;
    if (!arg.startsWith('-')) break;
    if (arg.startsWith('-D')) {
      const [key, value] = splitProperty(arg.slice(2), '');
      properties.set(key, value);
    }
    index += optionsWithValue.has(arg) ? 2 : 1;
  }
  const mainClass = argv[index];
  const programArgs = argv.slice(index + 1);
  for (const arg of programArgs) {
    if (arg.startsWith('-D')) {
      const [key, value] = splitProperty(arg.slice(2), 'true');
      properties.set(key, value);
    }
  }
  return { mainClass, systemProperties: properties, programArgs };
}

function splitProperty(text: string, valueWhenBare: string): [string, string] {
  const eq = text.indexOf('=');
  return eq === -1 ? [text, valueWhenBare] : [text.slice(0, eq), text.slice(eq + 1)];
}
