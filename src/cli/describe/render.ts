import { localTime } from '../local-time.js';
import { renderTable } from '../table.js';
import type { InstanceFacts } from './facts.js';

/** `describe`'s one screen: sections of `label  value` lines, then the port table and the history. */
export function renderFacts(facts: InstanceFacts, now: number): string {
  const lines: string[] = [];
  const field = (label: string, value: string | number | null | undefined) =>
    lines.push(
      `  ${label.padEnd(13)} ${value === null || value === undefined || value === '' ? '-' : value}`,
    );
  const section = (title: string) => lines.push('', title);
  const at = (ms: number | null) => (ms === null ? null : localTime(ms, now));

  lines.push(`${facts.name}: ${facts.product.name} (${facts.product.id})`);
  field(
    'supervisor',
    facts.supervised
      ? `pid ${facts.supervisorPid}`
      : "NOT RUNNING: the facts below are the manifest's and the last ones recorded",
  );
  field('state', `${facts.state}: ${facts.detail}`);
  field('home', facts.home);
  field('script', facts.script === null ? null : [facts.script, ...(facts.args ?? [])].join(' '));
  field('offset', `${facts.offset} (${facts.offsetWhy})`);

  section('Ports:');
  const rows = facts.ports.map((p) => [
    String(p.port),
    p.name,
    p.purpose,
    p.urls.join(' ') || (p.scheme === 'tcp' ? `localhost:${p.port}` : `${p.scheme}://localhost:${p.port}`),
    p.placement,
    p.state ?? '',
  ]);
  lines.push(indent(renderTable(['PORT', 'NAME', 'PURPOSE', 'URL', 'PLACEMENT', 'NOW'], rows)));

  section('Readiness and health:');
  const r = facts.readiness;
  field('ready line', r.readyLine === null ? null : `/${r.readyLine}/`);
  field(
    'probe',
    r.url ?? (r.ports ? `ports ${r.ports.join(' ')} accept connections` : 'the ready line alone'),
  );
  field(
    'liveness',
    r.liveness === null ? null : 'url' in r.liveness ? r.liveness.url : `ports ${r.liveness.ports.join(' ')}`,
  );
  if (r.waitingFor !== null) field('waiting', r.waitingFor);
  if (r.lastAnswer !== null) field('last answer', r.lastAnswer);
  const h = facts.health;
  field(
    'health',
    h === null
      ? 'not checked (not running)'
      : h.ok
        ? `ok since ${at(h.since)}${h.checkedAt ? `, checked ${at(h.checkedAt)}` : ''}`
        : `FAILING since ${at(h.since)}: ${h.error ?? 'no answer'}`,
  );

  section('Restarts:');
  const policy = facts.restart.policy;
  field(
    'policy',
    policy === null
      ? null
      : `${policy.policy}, at most ${policy.maxRestarts} in ${policy.windowSeconds} s; backoff ${policy.backoff.initialSeconds} s doubling to ${policy.backoff.maxSeconds} s`,
  );
  field(
    'restarts',
    `${facts.restart.restartsTotal} in all, ${facts.restart.restartsInWindow} in the current window`,
  );
  for (const exit of facts.restart.history.slice(-5).reverse())
    lines.push(`  ${''.padEnd(13)} ${at(exit.at)} ${exit.kind}: ${exit.reason}`);

  section('Processes:');
  const p = facts.pids;
  field('script', p.script);
  field('JVM', p.jvm);
  field('log writer', p.logWriter);
  field('launched', at(facts.launchedAt));
  field('ready since', at(facts.readySince));

  section('Logs:');
  field('captured', facts.logs.captured);
  field('Carbon', facts.logs.carbon);

  section('Environment (names only):');
  field('manifest', facts.environment.manifest.join(' '));
  field('supervisor', facts.environment.supervisor.join(' '));
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
