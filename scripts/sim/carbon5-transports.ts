import type { EffectivePort } from '../../src/products/catalog.js';
import type { Opener, RuntimeConfig } from './flavour.js';
import { info, type LogEvent } from './log.js';

/**
 * How a Carbon 5 runtime opens its ports and what it says about each (carbon5.md, "Ready signal" and "Busy
 * ports"; the loggers are the real classes, the messages their words):
 * - the netty listeners (`wso2.transport.http`) print `HTTP(S) Interface starting on host H and port P` only once
 *   bound; a taken one is stored, never logged (transport-http `ServerConnectorBootstrap`,
 *   `HttpWsServerConnectorFuture.notifyPortBindingError`), and the server carries on to its ready line;
 * - the Store Query API's runner logs the interface line, then, when the port is taken, msf4j's
 *   `HttpConnectorPortBindingListener` ERROR with the BindException (wso2/api-manager#1566), and in any case
 *   `Microservices server started in <n>ms` (`MicroservicesRunner.start`);
 * - the databridge receivers bind SSL first: a taken SSL port logs an ERROR and leaves the TCP port closed
 *   (carbon-analytics-common `BinaryDataReceiver`, `ThriftDataReceiver`).
 */
const nettyConnector =
  'org.wso2.transport.http.netty.contractimpl.listener.ServerConnectorBootstrap$HttpServerConnector';
const binaryReceiver = 'org.wso2.carbon.databridge.receiver.binary.internal.BinaryDataReceiver';
const thriftReceiver = 'org.wso2.carbon.databridge.receiver.thrift.ThriftDataReceiver';
const bindException = [
  'java.net.BindException: Address already in use',
  '\tat sun.nio.ch.Net.bind0(Native Method) ~[?:?]',
  '\tat sun.nio.ch.Net.bind(Net.java:555) ~[?:?]',
].join('\n');

const interfaceLine = (port: EffectivePort): LogEvent =>
  info(nettyConnector, `HTTP(S) Interface starting on host 0.0.0.0 and port ${port.port}`);

export const isStorePort = (port: EffectivePort) => port.follows === 'fixed';
export const isNettyPort = (port: EffectivePort) => port.announced === true;

/** Store Query API and databridge receivers: both start while the OSGi framework comes up. */
export async function openEarly(config: RuntimeConfig, open: Opener): Promise<void> {
  const store = config.ports.filter(isStorePort);
  const started = performance.now();
  for (const [index, port] of store.entries()) {
    const last = index === store.length - 1;
    const opened = await open(port, (outcome) => [
      interfaceLine(port),
      ...(outcome === 'busy'
        ? [
            {
              level: 'ERROR',
              logger: 'org.wso2.msf4j.internal.HttpConnectorPortBindingListener',
              message: 'Error in http server connector',
              exception: bindException,
            } as const,
          ]
        : []),
      ...(last
        ? [
            info(
              'org.wso2.msf4j.MicroservicesRunner',
              `Microservices server started in ${Math.round(performance.now() - started)}ms`,
            ),
          ]
        : []),
    ]);
    if (opened === 'stopped') return;
  }
  const named = (name: string) => config.ports.find((p) => p.name === name);
  await openSslFirst(named('thrift-ssl'), named('thrift'), open, {
    ssl: (p) => info(thriftReceiver, `Thrift SSL port : ${p.port}`),
    tcp: (p) => [
      info(thriftReceiver, `Thrift port : ${p.port}`),
      info(thriftReceiver, 'Thrift Server started at 0.0.0.0'),
    ],
    busy: (p) => ({
      level: 'ERROR',
      logger: thriftReceiver,
      message: `Cannot start agent server on port ${p.port}`,
      exception: `org.apache.thrift.transport.TTransportException: Could not create ServerSocket on address 0.0.0.0/0.0.0.0:${p.port}.\nCaused by: ${bindException}`,
    }),
  });
  await openSslFirst(named('binary-ssl'), named('binary'), open, {
    ssl: (p) => info(binaryReceiver, `Started Binary SSL Transport on port : ${p.port}`),
    tcp: (p) => [info(binaryReceiver, `Started Binary TCP Transport on port : ${p.port}`)],
    busy: () => ({
      level: 'ERROR',
      logger: binaryReceiver,
      message: 'Error while starting binary data receiver',
      exception: bindException,
    }),
  });
}

interface ReceiverLines {
  ssl(port: EffectivePort): LogEvent;
  tcp(port: EffectivePort): LogEvent[];
  busy(port: EffectivePort): LogEvent;
}

async function openSslFirst(
  ssl: EffectivePort | undefined,
  tcp: EffectivePort | undefined,
  open: Opener,
  lines: ReceiverLines,
): Promise<void> {
  if (ssl !== undefined) {
    const opened = await open(ssl, (outcome) => [outcome === 'bound' ? lines.ssl(ssl) : lines.busy(ssl)]);
    if (opened !== 'bound') return;
  }
  if (tcp !== undefined)
    await open(tcp, (outcome) => (outcome === 'bound' ? lines.tcp(tcp) : [lines.busy(tcp)]));
}

/**
 * The netty listeners, where `/health` answers: silent when taken. Tooling's editor announces itself once the
 * HTTP listener is up (carbon-analytics `siddhi.editor.core` `StartupComponent`).
 */
export async function openNetty(config: RuntimeConfig, open: Opener, editor: boolean): Promise<void> {
  for (const port of config.ports.filter(isNettyPort)) {
    const opened = await open(port, (outcome) =>
      outcome === 'busy'
        ? []
        : [
            interfaceLine(port),
            ...(editor && port.scheme === 'http'
              ? [
                  info(
                    'org.wso2.carbon.siddhi.editor.core.internal.StartupComponent',
                    `Editor Started on : http://127.0.0.1:${port.port}/editor`,
                  ),
                ]
              : []),
          ],
    );
    if (opened === 'stopped') return;
  }
}
