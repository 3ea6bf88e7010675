import { describe, expect, it } from 'vitest';
import { portSet } from '../../src/products/catalog.js';
import { eiAnalytics } from '../../src/products/ei-analytics.js';
import { mi } from '../../src/products/mi.js';
import { offsetLaunch, placementOf, privateVariables } from '../../src/products/offset-launch.js';
import type { Product } from '../../src/products/product.js';
import { si } from '../../src/products/si.js';
import { siTooling } from '../../src/products/si-tooling.js';

const byName = (product: Product, offset: number) =>
  Object.fromEntries(portSet(product, offset).map((p) => [p.name, p.port]));

describe('Carbon 5 catalog', () => {
  it('gives an SI at its default offset 0 the shipped ports, store API included', () => {
    expect(byName(si, 0)).toEqual({
      http: 9090,
      https: 9443,
      thrift: 7611,
      'thrift-ssl': 7711,
      binary: 9611,
      'binary-ssl': 9711,
      'store-api': 7070,
      'store-api-https': 7443,
    });
    expect(portSet(si, 0).filter((p) => p.placement === 'fixed')).toHaveLength(2);
  });

  it('gives SI Tooling at its default 3 the editor on 9390 and the store API on 7370, and 9387 at offset 0', () => {
    expect(byName(siTooling, 3)).toMatchObject({ http: 9390, https: 9743, 'store-api': 7370, binary: 9614 });
    expect(byName(siTooling, 0)).toMatchObject({ http: 9387, https: 9740, 'store-api': 7367 });
  });

  it('gives EI Analytics 7.1 at its default 1 the ports MI publishes to (7612/7712) and 9091/9444', () => {
    expect(byName(eiAnalytics, 1)).toMatchObject({
      http: 9091,
      https: 9444,
      thrift: 7612,
      'thrift-ssl': 7712,
      binary: 9612,
      'store-api': 7070,
    });
  });

  it('moves the fixed store-API ports of an SI off its default offset, so two SIs never share them', () => {
    const first = portSet(si, 0).map((p) => p.port);
    const second = portSet(si, 1).map((p) => p.port);
    expect(first.filter((port) => second.includes(port))).toEqual([]);
    expect(portSet(si, 1).find((p) => p.name === 'store-api')).toMatchObject({
      port: 7071,
      placement: 'moved',
    });
  });

  it('sets the offset through WSO2_CARBON__PORTS_OFFSET, never -DportOffset, and moved ports by id and port', () => {
    expect(offsetLaunch(si, 0)).toEqual({ args: [], env: { WSO2_CARBON__PORTS_OFFSET: '0' } });
    expect(offsetLaunch(si, 2)).toEqual({
      args: [],
      env: {
        WSO2_CARBON__PORTS_OFFSET: '2',
        SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_ID: 'default',
        SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_PORT: '7072',
        SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_1_ID: 'msf4j-https',
        SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_1_PORT: '7445',
      },
    });
    expect(offsetLaunch(mi, 12)).toEqual({ args: ['-DportOffset=12'], env: {} });
  });

  it('says how each port got its number', () => {
    const [http, , , , , , store] = portSet(si, 2);
    expect(http && placementOf(si, http, 2)).toBe('WSO2_CARBON__PORTS_OFFSET=2');
    expect(store && placementOf(si, store, 2)).toBe(
      'moved from 7070: SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_ID=default SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_PORT=7072',
    );
    const [fixed] = portSet(si, 0).filter((p) => p.follows === 'fixed');
    expect(fixed && placementOf(si, fixed, 0)).toMatch(/^fixed/);
  });

  it('keeps inherited Carbon variables from an instance, and MI as it was', () => {
    const inherited = {
      PATH: '/bin',
      CARBON_HOME: '/x',
      RUNTIME: 'dashboard',
      RUNTIME_HOME: '/x/wso2/dashboard',
      JAVACMD: '/opt/java',
      WSO2_TRANSPORT_HTTP__LISTENERCONFIGURATIONS_0_PORT: '8000',
      WSO2_CARBON__PORTS_OFFSET: '4',
      SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_PORT: '1',
      JAVA_HOME: '/jdk',
    };
    expect(privateVariables(si, inherited).sort()).toEqual([
      'CARBON_HOME',
      'JAVACMD',
      'RUNTIME',
      'RUNTIME_HOME',
      'SIDDHI_STORES_QUERY_API__LISTENERCONFIGURATIONS_0_PORT',
      'WSO2_CARBON__PORTS_OFFSET',
      'WSO2_TRANSPORT_HTTP__LISTENERCONFIGURATIONS_0_PORT',
    ]);
    expect(privateVariables(mi, inherited)).toEqual([]);
  });

  it('recognises the ready line whatever the name and decimal mark, and the listener lines', () => {
    const line = (name: string, n: string) =>
      `[2020-03-20 20:18:52,261]  INFO {org.wso2.carbon.kernel.internal.CarbonStartupHandler} - ${name} started in ${n} sec`;
    for (const product of [si, siTooling, eiAnalytics]) {
      expect(product.readyLine.test(line('WSO2 Streaming Integrator', '44.893'))).toBe(true);
      expect(product.readyLine.test(line('WSO2 Integrator: SI', '1,044,893'))).toBe(true);
      expect(product.readyLine.test('WSO2 Carbon started in 41 sec')).toBe(false);
    }
    const listener =
      '[2024-01-01 10:00:00,000]  INFO {org.wso2.transport.http.netty.contractimpl.listener.ServerConnectorBootstrap$HttpServerConnector} - HTTP(S) Interface starting on host 0.0.0.0 and port 9443';
    expect(si.listenerLine?.exec(listener)?.[1]).toBe('9443');
  });

  it('expects a healthy body from /health on the HTTP listener', () => {
    expect(si.readiness).toMatchObject({ portBase: 9090, scheme: 'http', path: '/health' });
    expect(siTooling.readiness.portBase).toBe(9387);
    expect(si.readiness.body?.test('{"status":"healthy"}')).toBe(true);
    expect(si.readiness.body?.test('{"status":"unhealthy"}')).toBe(false);
  });
});
