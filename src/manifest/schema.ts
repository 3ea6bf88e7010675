import { z } from 'zod';
import { catalog, maxOffset } from '../products/catalog.js';
import { type ProductId, productIds } from '../products/product.js';
import { instanceNameMaxLength, instanceNamePattern } from './instance-name.js';

/**
 * The manifest's schema: the single source of the validator, the TypeScript types and the published
 * `instances.schema.json`. Messages here are the "what was wrong" half of a problem; `problems.ts` adds
 * the path, what was found and what to do.
 */

/** A week: far beyond any sane timeout, and well inside what a timer can wait (24.8 days). */
const maxSeconds = 7 * 24 * 3600;

const seconds = (what: string) =>
  z
    .number({ error: `${what} must be a number of seconds` })
    .min(0, { error: `${what} cannot be negative` })
    .max(maxSeconds, { error: `${what} is more than a week (${maxSeconds} seconds)` });

const restart = z
  .strictObject({
    policy: z
      .enum(['always', 'on-failure', 'never'], {
        error: 'restart policy must be "always", "on-failure" or "never"',
      })
      .optional(),
    maxRestarts: z
      .int({ error: 'maxRestarts must be a whole number' })
      .min(0, { error: 'maxRestarts cannot be negative' })
      .optional()
      .meta({ description: 'More restarts than this inside windowSeconds: the instance is marked failed.' }),
    windowSeconds: seconds('windowSeconds')
      .optional()
      .meta({ description: 'Restart-count window; backoff resets after the instance is ready this long.' }),
    backoff: z
      .strictObject({
        initialSeconds: seconds('initialSeconds').optional(),
        maxSeconds: seconds('maxSeconds').optional(),
      })
      .optional()
      .meta({
        description: 'Delay before a restart: doubles from initialSeconds up to maxSeconds, with jitter.',
      }),
  })
  .meta({ description: 'What to do when the instance exits without being asked to.' });

const readiness = z
  .union(
    [
      z.strictObject({
        log: z.string().meta({ description: 'Regular expression matched against the output.' }),
      }),
      z.strictObject({
        ports: z.literal(true).meta({ description: 'Every planned port accepts connections.' }),
      }),
      z.strictObject({
        http: z.string().meta({ description: 'URL answering 200 when ready; {port:BASE} is BASE + offset.' }),
      }),
    ],
    { error: 'readiness must be one of {"log": "regex"}, {"ports": true} or {"http": "URL"}' },
  )
  .meta({ description: "Overrides the product's own ready signal." });

const logs = z
  .strictObject({
    maxBytes: z
      .int({ error: 'logs.maxBytes must be a whole number of bytes' })
      .min(4096, { error: 'logs.maxBytes must be at least 4096' })
      .optional(),
    files: z
      .int({ error: 'logs.files must be a whole number' })
      .min(1, { error: 'logs.files must be at least 1' })
      .max(100, { error: 'logs.files must be at most 100' })
      .optional(),
  })
  .meta({ description: 'Size-based rotation of the captured output (by rename, never copy-and-truncate).' });

const env = z.record(z.string(), z.string({ error: 'environment values must be strings' }));

/** Settings an instance can take from `defaults`. */
const sharedSettings = {
  restart: restart.optional(),
  startTimeoutSeconds: seconds('startTimeoutSeconds')
    .optional()
    .meta({ description: 'Not ready by then: a failed start.' }),
  stopTimeoutSeconds: seconds('stopTimeoutSeconds')
    .optional()
    .meta({ description: 'After SIGTERM, wait this long for the process tree and its ports, then SIGKILL.' }),
  env: env.optional().meta({ description: 'Extra environment for the start script (e.g. JAVA_HOME).' }),
  autostart: z.boolean({ error: 'autostart must be true or false' }).optional(),
  unhealthyAfterSeconds: seconds('unhealthyAfterSeconds')
    .optional()
    .meta({ description: 'A running instance failing its health check this long is treated as crashed.' }),
  logs: logs.optional(),
};

export const instanceSchema = z
  .strictObject({
    name: z
      .string({ error: 'name must be a string' })
      .max(instanceNameMaxLength, { error: `name is longer than ${instanceNameMaxLength} characters` })
      .regex(instanceNamePattern, { error: 'name may hold only lowercase letters, digits, "-" and "_"' })
      .meta({ description: 'Unique; names log and state files: [a-z0-9][a-z0-9_-]*, at most 48.' }),
    product: z.enum(productIds, { error: `product must be one of ${productIds.join(', ')}` }),
    home: z
      .string({ error: 'home must be a path' })
      .min(1, { error: 'home is empty' })
      .meta({ description: "The product's home folder (holds bin/); relative to the manifest's folder." }),
    script: z
      .string({ error: 'script must be a path' })
      .min(1, { error: 'script is empty' })
      .optional()
      .meta({ description: "Start script overriding the product's own, relative to home." }),
    offset: z
      .union([z.int().min(0), z.literal('auto')], {
        error: 'offset must be a whole number from 0 up, or "auto"',
      })
      .optional()
      .meta({
        description:
          'Pinned port offset, or "auto" (default) to let the planner choose. It reaches MI and API-M as -DportOffset=N, the Carbon 5 runtimes (si, si-tooling, ei-analytics) as WSO2_CARBON__PORTS_OFFSET=N.',
      }),
    dependsOn: z
      .array(z.string({ error: 'dependsOn entries must be instance names' }), {
        error: 'dependsOn must be a list of instance names',
      })
      .optional()
      .meta({ description: 'Start after these are ready; stop before them.' }),
    args: z
      .array(z.string({ error: 'args entries must be strings' }), { error: 'args must be a list of strings' })
      .optional()
      .meta({ description: 'Extra arguments for the start script.' }),
    readiness: readiness.optional(),
    ...sharedSettings,
  })
  .superRefine((instance, ctx) => {
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
  });

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
    $schema: z.string().optional(),
    stateDir: z
      .string({ error: 'stateDir must be a path' })
      .min(1, { error: 'stateDir is empty' })
      .optional()
      .meta({ description: 'Sockets, state and logs; default .wso2-supervisor next to the manifest.' }),
    offsets: z
      .strictObject({
        min: z.int({ error: 'offsets.min must be a whole number' }).min(0).max(65535).optional(),
        max: z.int({ error: 'offsets.max must be a whole number' }).min(0).max(65535).optional(),
      })
      .refine((range) => (range.min ?? 0) <= (range.max ?? 1000), {
        error: 'offsets.min is above offsets.max',
        params: { hint: 'Swap them, or widen the range.' },
      })
      .optional()
      .meta({ description: 'Range searched for automatic offsets (default 0 to 1000).' }),
    defaults: z.strictObject(sharedSettings).optional().meta({ description: 'Merged into every instance.' }),
    instances: z
      .array(instanceSchema, { error: 'instances must be a list' })
      .min(1, { error: 'instances is empty' }),
  })
  .meta({ title: 'wso2-supervisor instances manifest' });

export type ManifestInput = z.infer<typeof manifestSchema>;
export type InstanceInput = z.infer<typeof instanceSchema>;
export type RestartPolicy = NonNullable<NonNullable<InstanceInput['restart']>['policy']>;
export type ReadinessOverride = NonNullable<InstanceInput['readiness']>;
