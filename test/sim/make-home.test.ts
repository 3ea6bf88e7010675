import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeHome, makeJdk } from '../../scripts/make-home.js';
import { carbon5Layout, homeLayout } from '../../scripts/sim/home-layout.js';
import { productOf } from '../../src/products/catalog.js';
import type { ProductId } from '../../src/products/product.js';
import { builtJvm, commandLine, waitFor } from './harness.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'wso2-sim-home-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;
const serverTable = (file: string) =>
  (parse(readFileSync(file, 'utf8')).server ?? {}) as Record<string, unknown>;

describe('makeHome', () => {
  it.each([
    ['mi', 'bin/micro-integrator.sh', 'conf/deployment.toml', '# offset  = 10'],
    ['apim', 'bin/api-manager.sh', 'repository/conf/deployment.toml', '#offset=0'],
  ] as [ProductId, string, string, string][])(
    'lays out a %s home: start script (755), .bat stub, deployment.toml, logs, tmp, diagnostics tool, certificate',
    async (product, script, toml, shippedOffsetLine) => {
      const made = await makeHome({ product, home: join(root, product) });
      expect(made.script).toBe(join(root, product, script));
      expect(productOf(product).startScript.sh).toBe(script);
      expect(mode(made.script)).toBe(0o755);
      expect(readFileSync(made.script, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
      expect(readFileSync(made.script.replace(/\.sh$/, '.bat'), 'utf8')).toContain('@echo off');
      expect(mode(join(made.home, homeLayout.diagnostics))).toBe(0o755);
      expect(statSync(join(made.home, 'repository/logs')).isDirectory()).toBe(true);
      expect(statSync(join(made.home, 'tmp')).isDirectory()).toBe(true);

      expect(made.configFile).toBe(join(made.home, toml));
      const text = readFileSync(made.configFile, 'utf8');
      expect(text).toContain(`[server]\nhostname = "localhost"\n${shippedOffsetLine}\n`);
      expect(serverTable(made.configFile).offset).toBeUndefined();
    },
  );

  it.each([
    ['si', 'bin/server.sh', 0, 'WSO2 Streaming Integrator', [9090, 9443], [7070, 7443]],
    ['si-tooling', 'bin/tooling.sh', 3, 'WSO2 Streaming Integrator Tooling', [9387, 9740], [7370]],
    ['ei-analytics', 'bin/server.sh', 1, 'WSO2 Streaming Integrator', [9090, 9443], [7070, 7443]],
  ] as [ProductId, string, number, string, number[], number[]][])(
    'lays out a %s home: %s, carbon.sh (755), deployment.yaml with the shipped offset and listeners, certificate',
    async (product, script, shippedOffset, name, netty, store) => {
      const made = await makeHome({ product, home: join(root, product) });
      expect(made.script).toBe(join(root, product, script));
      expect(mode(made.script)).toBe(0o755);
      expect(mode(join(made.home, carbon5Layout.carbonScript))).toBe(0o755);
      expect(readFileSync(made.script.replace(/\.sh$/, '.bat'), 'utf8')).toContain('@echo off');
      expect(made.configFile).toBe(join(made.home, 'conf/server/deployment.yaml'));
      const yaml = parseYaml(readFileSync(made.configFile, 'utf8'));
      expect(yaml['wso2.carbon']).toMatchObject({ name, ports: { offset: shippedOffset } });
      const ports = (namespace: string) =>
        yaml[namespace].listenerConfigurations.map((l: { id: string; port: number }) => [l.id, l.port]);
      expect(ports('wso2.transport.http')).toEqual([
        ['default', netty[0]],
        ['msf4j-https', netty[1]],
      ]);
      expect(ports('siddhi.stores.query.api')).toEqual(
        store.map((port, index) => [index === 0 ? 'default' : 'msf4j-https', port]),
      );
      expect(existsSync(join(made.home, carbon5Layout.cert))).toBe(true);
      expect(statSync(join(made.home, 'wso2/server/logs')).isDirectory()).toBe(true);

      const pinned = await makeHome({ product, home: join(root, `${product}-pinned`), offset: 12 });
      expect(parseYaml(readFileSync(pinned.configFile, 'utf8'))['wso2.carbon'].ports.offset).toBe(12);
    },
  );

  it('sets [server] offset when asked', async () => {
    const made = await makeHome({ product: 'apim', home: join(root, 'apim-offset'), offset: 12 });
    expect(serverTable(made.configFile).offset).toBe(12);
  });

  it('generates a self-signed certificate for localhost with its key (owner-only), kept when the home is remade', async () => {
    const home = join(root, 'cert');
    await makeHome({ product: 'apim', home });
    const certPem = readFileSync(join(home, homeLayout.cert), 'utf8');
    const keyPem = readFileSync(join(home, homeLayout.key), 'utf8');
    const cert = new X509Certificate(certPem);
    expect(cert.subject).toContain('CN=localhost');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(mode(join(home, homeLayout.key))).toBe(0o600);

    await makeHome({ product: 'apim', home });
    expect(readFileSync(join(home, homeLayout.cert), 'utf8')).toBe(certPem);
  });
});

describe('makeJdk', () => {
  const jdk = makeJdk(join(root, 'jdk'));

  it('answers java -version on stderr like OpenJDK, with the version from WSO2_SIM_JAVA_VERSION', async () => {
    const version = async (value?: string) => {
      const { WSO2_SIM_JAVA_VERSION: _inherited, ...inherited } = process.env;
      const env = value === undefined ? inherited : { ...inherited, WSO2_SIM_JAVA_VERSION: value };
      const { stdout, stderr } = await run(jdk.java, ['-version'], { env });
      expect(stdout).toBe('');
      return stderr.split('\n')[0];
    };
    expect(await version()).toBe('openjdk version "17.0.2" 2024-04-16');
    expect(await version('21')).toBe('openjdk version "21.0.2" 2024-04-16');
    expect(await version('8')).toBe('openjdk version "1.8.0_412" 2024-04-16');
    expect(await version('11.0.22')).toBe('openjdk version "11.0.22" 2024-04-16');
  });

  it('execs the simulated JVM in the java process itself, and fails like java on an unknown main class', async () => {
    await expect(run(jdk.java, ['-cp', 'x.jar', 'com.example.Missing'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Error: Could not find or load main class com.example.Missing'),
    });
    const child = execFile(jdk.java, ['-Xmx64m', 'org.wso2.diagnostics.DiagnosticsApp']);
    try {
      const pid = child.pid as number;
      // Same pid, now running Node on the simulated JVM.
      await waitFor('the exec', () => commandLine(pid).includes(builtJvm));
      expect(commandLine(pid)[0]).toBe(process.execPath);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('make-home command', () => {
  it('makes a home and a fake JDK from the command line', async () => {
    const cli = fileURLToPath(new URL('../../dist/scripts/make-home.js', import.meta.url));
    const home = join(root, 'cli-home');
    const jdkDir = join(root, 'cli-jdk');
    const { stdout } = await run(process.execPath, [
      cli,
      '--product',
      'mi',
      '--home',
      home,
      '--offset',
      '5',
      '--jdk',
      jdkDir,
    ]);
    expect(stdout).toContain(`start script: ${join(home, 'bin/micro-integrator.sh')}`);
    expect(stdout).toContain(`JAVA_HOME=${jdkDir}`);
    expect(serverTable(join(home, 'conf/deployment.toml')).offset).toBe(5);
    expect(mode(join(jdkDir, 'bin/java'))).toBe(0o755);
    await expect(run(process.execPath, [cli, '--product', 'esb', '--home', home])).rejects.toMatchObject({
      code: 2,
    });
  });
});
