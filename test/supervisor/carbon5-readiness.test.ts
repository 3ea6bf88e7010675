import { describe, expect, it } from 'vitest';
import type { InstanceConfig } from '../../src/manifest/instance-config.js';
import { mi } from '../../src/products/mi.js';
import { si } from '../../src/products/si.js';
import { isReadyAnswer, readinessPlan } from '../../src/supervisor/readiness-plan.js';
import { judgeStartLine } from '../../src/supervisor/start-line.js';
import { describeWait } from '../../src/supervisor/wait.js';

const config = (product: InstanceConfig['product'], readiness?: InstanceConfig['readiness']) =>
  ({ product, ...(readiness && { readiness }) }) as InstanceConfig;

describe('Carbon 5 readiness', () => {
  it('asks for the ready line, a listener line per netty port and a healthy /health on the HTTP listener', () => {
    const plan = readinessPlan(config('si'), 1);
    expect(plan).toMatchObject({ url: 'http://127.0.0.1:9091/health', listeners: [9091, 9444] });
    expect(plan.line?.source).toBe(si.readyLine.source);
  });

  it('keeps the listener lines under a ports or http override, not under a log override', () => {
    expect(readinessPlan(config('si', { ports: true }), 0).listeners).toEqual([9090, 9443]);
    expect(readinessPlan(config('si', { log: 'up' }), 0).listeners).toBeUndefined();
    expect(readinessPlan(config('mi'), 10).listeners).toBeUndefined();
  });

  it('takes a 200 as ready only with the healthy body', () => {
    const plan = readinessPlan(config('si'), 0);
    expect(isReadyAnswer({ status: 200, body: '{"status":"healthy"}' }, plan)).toBe(true);
    expect(isReadyAnswer({ status: 200, body: '<html>nginx</html>' }, plan)).toBe(false);
    expect(isReadyAnswer({ status: 200, body: 'anything' }, readinessPlan(config('mi'), 10))).toBe(true);
  });

  it('reads a listener line as the port it bound, and not as a ready line', () => {
    const plan = readinessPlan(config('si'), 0);
    const line =
      '[2024-01-01 10:00:00,000]  INFO {org.wso2.transport.http.netty.contractimpl.listener.ServerConnectorBootstrap$HttpServerConnector} - HTTP(S) Interface starting on host 0.0.0.0 and port 9443';
    expect(judgeStartLine(line, si, plan)).toEqual({ kind: 'listener', port: 9443 });
    expect(judgeStartLine(line, mi, readinessPlan(config('mi'), 10))).toEqual({ kind: 'nothing' });
  });

  it('says which listener it waits for', () => {
    expect(describeWait({ kind: 'listeners', since: 0, ports: [9443] }, 5000)).toBe(
      'ready line seen, health answers; waiting since 5 s ago for the listener on port 9443 to say it is bound',
    );
  });
});
