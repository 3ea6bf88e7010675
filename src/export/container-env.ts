import type { ExportedInstance, NotCarried } from './model.js';

/**
 * Host paths mean nothing in a container image, which has its own JDK and home (scale-out.md §3.1):
 * `JAVA_HOME`, `JAVACMD` and `CARBON_HOME` are dropped (ports.md: an inherited `CARBON_HOME` points a runtime
 * at another home).
 */
const hostOnly = ['JAVA_HOME', 'JAVACMD', 'CARBON_HOME'] as const;

/** The memory variable the start scripts read; helm-mi's `JAVA_MEM_OPTS` is read by nothing (scale-out.md F2). */
const memoryVariable = 'JVM_MEM_OPTS';
const deadMemoryVariable = 'JAVA_MEM_OPTS';

export interface ContainerEnv {
  /** Name → value, without the secret-looking ones. */
  readonly plain: Readonly<Record<string, string>>;
  /** Secret-looking names, whose values come from elsewhere. */
  readonly secret: readonly string[];
  readonly notCarried: readonly NotCarried[];
}

/** The environment an instance's container gets, for Kubernetes and Compose alike. */
export function containerEnv(instance: ExportedInstance): ContainerEnv {
  const plain: Record<string, string> = {};
  const notCarried: NotCarried[] = [];
  for (const [name, value] of Object.entries(instance.env)) {
    if ((hostOnly as readonly string[]).includes(name)) {
      notCarried.push({
        instance: instance.name,
        what: `env ${name}`,
        why: 'a path on this host; the image has its own JDK and home',
      });
      continue;
    }
    if (instance.secretEnv.includes(name)) continue;
    if (name === deadMemoryVariable && !(memoryVariable in instance.env)) {
      plain[memoryVariable] = value;
      notCarried.push({
        instance: instance.name,
        what: `env ${deadMemoryVariable}`,
        why: `renamed ${memoryVariable}: the start scripts read only ${memoryVariable}`,
      });
      continue;
    }
    plain[name] = value;
  }
  return { plain, secret: instance.secretEnv, notCarried };
}
