import { describe, expect, it } from 'vitest';
import { apim } from '../../src/products/apim.js';
import { mi } from '../../src/products/mi.js';
import { isGracefulShutdown, lastOutputLine } from '../../src/supervisor/exit-verdict.js';

const at = (message: string) => `[2026-11-23 10:15:23,456]  INFO {CoreServerInitializer} - ${message}`;

describe('exit classifier', () => {
  it('calls an exit clean when the graceful-shutdown lines close the output', () => {
    const lines = [
      at('WSO2 Micro Integrator started in 4.21 seconds'),
      at('Gracefully shutting down WSO2 Micro Integrator...'),
      at('Micro Integrator Shutdown complete'),
    ];
    expect(isGracefulShutdown(mi, lines)).toBe(true);
  });

  it('calls an exit with no shutdown lines a crash (kill -9, crash banner)', () => {
    expect(isGracefulShutdown(mi, [at('WSO2 Micro Integrator started in 4.21 seconds'), 'Killed'])).toBe(
      false,
    );
    expect(isGracefulShutdown(apim, [])).toBe(false);
  });

  it('does not take the 121 restart path ("Halting JVM") for a shutdown when the new JVM then crashes', () => {
    const lines = [
      'INFO - CarbonServerManager Gracefully restarting WSO2 API Manager...',
      'INFO - CarbonServerManager Starting a new Carbon instance. Current instance will be shutdown',
      '[2026-11-23 10:15:24,000]  INFO {org.wso2.carbon.core.init.CarbonServerManager} - Halting JVM ',
      'INFO - PassThroughHttpListener Pass-through HTTP Listener started on 0.0.0.0:8280',
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
    ];
    expect(isGracefulShutdown(apim, lines)).toBe(false);
  });

  it('ignores a shutdown followed by a ready line (the server came back)', () => {
    const lines = [
      'INFO - CarbonServerManager Gracefully shutting down WSO2 API Manager...',
      'INFO - StartupFinalizerServiceComponent WSO2 Carbon started in 12 sec',
      'boom',
    ];
    expect(isGracefulShutdown(apim, lines)).toBe(false);
  });

  it('ignores a shutdown long before the exit', () => {
    const lines = [
      at('Gracefully shutting down WSO2 Micro Integrator...'),
      ...Array.from({ length: 40 }, (_, k) => `noise ${k}`),
    ];
    expect(isGracefulShutdown(mi, lines)).toBe(false);
  });

  it('gives the last non-empty output line for a reason text, cut to a sensible length', () => {
    expect(lastOutputLine(['a', 'Killed', '', '  '])).toBe('Killed');
    expect(lastOutputLine(['x'.repeat(500)])?.length).toBe(160);
    expect(lastOutputLine([])).toBeUndefined();
  });
});
