import { describe, expect, it } from 'vitest';
import { apim } from '../../src/products/apim.js';
import { catalog, maxOffset, portSet } from '../../src/products/catalog.js';
import { mi } from '../../src/products/mi.js';

const ports = (product: typeof mi, offset: number) => portSet(product, offset).map((p) => p.port);

describe('product catalog', () => {
  it('gives MI at offset 3 the ports of the docs example: 8283, 8246, 9157', () => {
    expect(ports(mi, 3)).toEqual(expect.arrayContaining([8283, 8246, 9157]));
  });

  it('gives MI at its internal default offset 10 the ports it shows by default: 8290, 8253, 9164, 9201', () => {
    expect(mi.defaultOffset).toBe(10);
    expect(ports(mi, mi.defaultOffset).sort()).toEqual([8253, 8290, 9164, 9201]);
  });

  it('gives API-M at offset 1: 9444, 9764, 8281, 8244', () => {
    expect(apim.defaultOffset).toBe(0);
    expect(ports(apim, 1)).toEqual(expect.arrayContaining([9444, 9764, 8281, 8244]));
  });

  it('sees that an MI and an API-M at offset 0 both want 8280 and 8243', () => {
    const shared = ports(mi, 0).filter((port) => ports(apim, 0).includes(port));
    expect(shared.sort()).toEqual([8243, 8280]);
  });

  it('puts the readiness probe on a port of the product own set', () => {
    for (const product of Object.values(catalog)) {
      const bases = product.ports.map((p) => p.base);
      expect(bases).toContain(product.readiness.portBase);
      expect(bases).toContain(product.liveness.portBase);
      expect(new Set(bases).size).toBe(bases.length);
    }
  });

  it('keeps every port at or below 65535 up to maxOffset, and not one step further', () => {
    for (const product of Object.values(catalog)) {
      expect(Math.max(...ports(product, maxOffset(product)))).toBe(65535);
    }
  });

  it('recognises the ready lines as the products print them', () => {
    expect(
      mi.readyLine.test(
        '[2024-05-02 10:15:23,456]  INFO {StartupFinalizer} - WSO2 Micro Integrator started in 4.21 seconds',
      ),
    ).toBe(true);
    expect(mi.readyLine.test('WSO2 Micro Integrator started in 4,21 seconds')).toBe(true);
    expect(apim.readyLine.test('INFO - StartupFinalizerServiceComponent WSO2 Carbon started in 41 sec')).toBe(
      true,
    );
  });
});
