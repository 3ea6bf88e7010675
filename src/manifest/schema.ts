import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { catalog, maxOffset } from '../products/catalog.js';
import { type ProductId, productIds } from '../products/product.js';
import { instanceNameMaxLength, instanceNamePattern } from './instance-name.js';

/**
 * The manifest's schema: the single source of the validator, the TypeScript types and the published
 * `instances.schema.json`. Messages here are the "what was wrong" half of a problem; `problems.ts` adds
 * the path, what was found and what to do.
 */

// Unlike classic zod, zod/mini loads no locale: without this every built-in message reads "Invalid input".
z.config(en());

/** Adds a description to the published JSON Schema (classic zod's `.meta({ description })`). */
function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

/** A week: far beyond any sane timeout, and well inside what a timer can wait (24.8 days). */
const maxSeconds = 7 * 24 * 3600;

const seconds = (what: string) =>
  z
    .number({ error: `${what} must be a number of seconds` })
    .check(
      z.minimum(0, { error: `${what} cannot be negative` }),
      z.maximum(maxSeconds, { error: `${what} is more than a week (${maxSeconds} seconds)` }),
    );

const restart = described(
  z.strictObject({
    policy: z.optional(
      z.enum(['always', 'on-failure', 'never'], {
        error: 'restart policy must be "always", "on-failure" or "never"',
      }),
    ),
    maxRestarts: described(
      z.optional(
        z
          .int({ error: 'maxRestarts must be a whole number' })
          .check(z.minimum(0, { error: 'maxRestarts cannot be negative' })),
      ),
      'More restarts than this inside windowSeconds: the instance is marked failed.',
    ),
    windowSeconds: described(
      z.optional(seconds('windowSeconds')),
      'Restart-count window; backoff resets after the instance is ready this long.',
    ),
    backoff: described(
      z.optional(
        z.strictObject({
          initialSeconds: z.optional(seconds('initialSeconds')),
          maxSeconds: z.optional(seconds('maxSeconds')),
        }),
      ),
      'Delay before a restart: doubles from initialSeconds up to maxSeconds, with jitter.',
    ),
  }),
  'What to do when the instance exits without being asked to.',
);

const readiness = described(
  z.union(
    [
      z.strictObject({
        log: described(z.string(), 'Regular expression matched against the output.'),
      }),
      z.strictObject({
        ports: described(z.literal(true), 'Every planned port accepts connections.'),
      }),
      z.strictObject({
        http: described(z.string(), 'URL answering 200 when ready; {port:BASE} is BASE + offset.'),
      }),
    ],
    { error: 'readiness must be one of {"log": "regex"}, {"ports": true} or {"http": "URL"}' },
  ),
  "Overrides the product's own ready signal.",
);

const logs = described(
  z.strictObject({
    maxBytes: z.optional(
      z
        .int({ error: 'logs.maxBytes must be a whole number of bytes' })
        .check(z.minimum(4096, { error: 'logs.maxBytes must be at least 4096' })),
    ),
    files: z.optional(
      z
        .int({ error: 'logs.files must be a whole number' })
        .check(
          z.minimum(1, { error: 'logs.files must be at least 1' }),
          z.maximum(100, { error: 'logs.files must be at most 100' }),
        ),
    ),
  }),
  'Size-based rotation of the captured output (by rename, never copy-and-truncate).',
);

const env = z.record(z.string(), z.string({ error: 'environment values must be strings' }));

/** Settings an instance can take from `defaults`. */
const sharedSettings = {
  restart: z.optional(restart),
  startTimeoutSeconds: described(
    z.optional(seconds('startTimeoutSeconds')),
    'Not ready by then: a failed start.',
  ),
  stopTimeoutSeconds: described(
    z.optional(seconds('stopTimeoutSeconds')),
    'After SIGTERM, wait this long for the process tree and its ports, then SIGKILL.',
  ),
  env: described(z.optional(env), 'Extra environment for the start script (e.g. JAVA_HOME).'),
  autostart: z.optional(z.boolean({ error: 'autostart must be true or false' })),
  unhealthyAfterSeconds: described(
    z.optional(seconds('unhealthyAfterSeconds')),
    'A running instance failing its health check this long is treated as crashed.',
  ),
  logs: z.optional(logs),
};

export const instanceSchema = z
  .strictObject({
    name: described(
      z.string({ error: 'name must be a string' }).check(
        z.maxLength(instanceNameMaxLength, {
          error: `name is longer than ${instanceNameMaxLength} characters`,
        }),
        z.regex(instanceNamePattern, {
          error: 'name may hold only lowercase letters, digits, "-" and "_"',
        }),
      ),
      'Unique; names log and state files: [a-z0-9][a-z0-9_-]*, at most 48.',
    ),
    product: z.enum(productIds, { error: `product must be one of ${productIds.join(', ')}` }),
    home: described(
      z.string({ error: 'home must be a path' }).check(z.minLength(1, { error: 'home is empty' })),
      "The product's home folder (holds bin/); relative to the manifest's folder.",
    ),
    script: described(
      z.optional(
        z.string({ error: 'script must be a path' }).check(z.minLength(1, { error: 'script is empty' })),
      ),
      "Start script overriding the product's own, relative to home.",
    ),
    offset: described(
      z.optional(
        z.union([z.int().check(z.minimum(0)), z.literal('auto')], {
          error: 'offset must be a whole number from 0 up, or "auto"',
        }),
      ),
      'Pinned port offset, or "auto" (default) to let the planner choose. It reaches MI and API-M as -DportOffset=N, the Carbon 5 runtimes (si, si-tooling, ei-analytics) as WSO2_CARBON__PORTS_OFFSET=N.',
    ),
    dependsOn: described(
      z.optional(
        z.array(z.string({ error: 'dependsOn entries must be instance names' }), {
          error: 'dependsOn must be a list of instance names',
        }),
      ),
      'Start after these are ready; stop before them.',
    ),
    args: described(
      z.optional(
        z.array(z.string({ error: 'args entries must be strings' }), {
          error: 'args must be a list of strings',
        }),
      ),
      'Extra arguments for the start script.',
    ),
    readiness: z.optional(readiness),
    ...sharedSettings,
  })
  .check(
    z.superRefine((instance, ctx) => {
      const limit = maxOffset(catalog[instance.product]);
      if (typeof instance.offset === 'number' && instance.offset > limit) {
        ctx.addIssue({
          code: 'custom',
          path: ['offset'],
          message: `offset ${instance.offset} puts ports above 65535`,
          params: { hint: `Use an offset from 0 to ${limit} for ${instance.product}.` },
        });
      }
      for (const problem of offsetSetByHand(instance.product, instance.args ?? [], instance.env ?? {}))
        ctx.addIssue({ code: 'custom', ...problem });
      const pattern = instance.readiness && 'log' in instance.readiness ? instance.readiness.log : undefined;
      if (pattern !== undefined && !isRegExp(pattern)) {
        ctx.addIssue({
          code: 'custom',
          path: ['readiness', 'log'],
          message: `not a valid regular expression: ${JSON.stringify(pattern)}`,
          params: { hint: 'Fix the pattern (JavaScript syntax; escape backslashes in JSON).' },
        });
      }
      const url = instance.readiness && 'http' in instance.readiness ? instance.readiness.http : undefined;
      if (url !== undefined && !isHttpUrl(url.replace(/\{port:(\d+)\}/g, '$1'))) {
        ctx.addIssue({
          code: 'custom',
          path: ['readiness', 'http'],
          message: `not an http(s) URL: ${JSON.stringify(url)}`,
          params: {
            hint: 'Use e.g. "http://127.0.0.1:{port:9191}/healthz" ({port:BASE} becomes BASE + offset).',
          },
        });
      }
    }),
  );

/** An argument or variable that would set the offset or move a port behind the planner's back. */
function offsetSetByHand(product: ProductId, args: readonly string[], env: Readonly<Record<string, string>>) {
  const { offsetSetting, fixedPortOverride } = catalog[product];
  const hint = 'Remove it: set "offset" instead, and the supervisor passes it on with every port it plans.';
  const problems = [];
  const property = offsetSetting.kind === 'argument' ? `-D${offsetSetting.property}` : undefined;
  const argument = property === undefined ? -1 : args.findIndex((a) => a.split('=')[0] === property);
  if (argument >= 0)
    problems.push({ path: ['args', argument], message: `args sets ${property}`, params: { hint } });
  const owned = [
    ...(offsetSetting.kind === 'environment' ? [offsetSetting.variable] : []),
    ...(fixedPortOverride ? [`${fixedPortOverride.prefix}_`] : []),
  ];
  for (const name of Object.keys(env).filter((n) => owned.some((o) => n === o || n.startsWith(o))))
    problems.push({ path: ['env', name], message: `env sets ${name}`, params: { hint } });
  return problems;
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//.test(url) && URL.canParse(url);
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const manifestSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    stateDir: described(
      z.optional(
        z.string({ error: 'stateDir must be a path' }).check(z.minLength(1, { error: 'stateDir is empty' })),
      ),
      'Sockets, state and logs; default .wso2-supervisor next to the manifest.',
    ),
    offsets: described(
      z.optional(
        z
          .strictObject({
            min: z.optional(
              z.int({ error: 'offsets.min must be a whole number' }).check(z.minimum(0), z.maximum(65535)),
            ),
            max: z.optional(
              z.int({ error: 'offsets.max must be a whole number' }).check(z.minimum(0), z.maximum(65535)),
            ),
          })
          .check(
            z.refine((range) => (range.min ?? 0) <= (range.max ?? 1000), {
              error: 'offsets.min is above offsets.max',
              params: { hint: 'Swap them, or widen the range.' },
            }),
          ),
      ),
      'Range searched for automatic offsets (default 0 to 1000).',
    ),
    defaults: described(z.optional(z.strictObject(sharedSettings)), 'Merged into every instance.'),
    instances: z
      .array(instanceSchema, { error: 'instances must be a list' })
      .check(z.minLength(1, { error: 'instances is empty' })),
  })
  .register(z.globalRegistry, { title: 'wso2-supervisor instances manifest' });

export type ManifestInput = z.infer<typeof manifestSchema>;
export type InstanceInput = z.infer<typeof instanceSchema>;
export type RestartPolicy = NonNullable<NonNullable<InstanceInput['restart']>['policy']>;
export type ReadinessOverride = NonNullable<InstanceInput['readiness']>;
