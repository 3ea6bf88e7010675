import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProductId } from '../../src/products/product.js';

/**
 * The simulated server's log: each event goes to the console (stdout) in the product's console pattern and is
 * appended to the product's carbon log (`repository/logs/wso2carbon.log`, Carbon 5 `wso2/server/logs/carbon.log`)
 * in its file pattern, as log4j2 does in the real runtimes.
 * Patterns (log4j2.properties shipped with each product):
 * - MI console `[%d] %5p {%c{1}} - %m%ex%n`, file `[%d] %5p {%c} - %m%ex%n`
 *   (wso2/micro-integrator `distribution/src/conf/log4j2.properties`);
 * - API-M console `[%d{DEFAULT}] %5p - %c{1} %m%n`, file `TID: [%tenantId] [%appName] [%d] %5p {%c} - %m%ex%n`
 *   (wso2/product-apim `all-in-one-apim/.../conf/log4j2.properties`);
 * - Carbon 5 (SI, SI Tooling, EI Analytics) `[%d] %5p {%c} - %m%ex%n` on the console (conf/server/log4j2.xml,
 *   carbon5.md "Console"), the same in `wso2/server/logs/carbon.log`.
 * `%d` and `%d{DEFAULT}` are both `yyyy-MM-dd HH:mm:ss,SSS` in local time.
 */

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogEvent {
  readonly level: Level;
  /** Fully qualified logger (class) name: the file shows it whole, the console its last segment. */
  readonly logger: string;
  readonly message: string;
  /** Stack trace printed on the lines under the message, as log4j2 prints a throwable. */
  readonly exception?: string;
  /**
   * java.util.logging layout: Carbon's last shutdown lines are printed after log4j2 has stopped
   * (`[...]  INFO {full.class} - msg `, carbon-kernel `CarbonServerManager`).
   */
  readonly layout?: 'jul';
}

export const info = (logger: string, message: string): LogEvent => ({ level: 'INFO', logger, message });

type Layout = (event: LogEvent, timestamp: string) => string;

interface ProductLayouts {
  readonly console: Layout;
  readonly file: Layout;
}

const simpleName = (logger: string): string => logger.slice(logger.lastIndexOf('.') + 1);
const level = (event: LogEvent): string => event.level.padStart(5);
const throwable = (event: LogEvent): string => (event.exception === undefined ? '' : `\n${event.exception}`);
const jul: Layout = (e, ts) => `[${ts}] ${level(e)} {${e.logger}} - ${e.message} \n`;

const fullClassName: Layout = (e, ts) => `[${ts}] ${level(e)} {${e.logger}} - ${e.message}${throwable(e)}\n`;
const carbon5: ProductLayouts = { console: fullClassName, file: fullClassName };

const layouts: Record<ProductId, ProductLayouts> = {
  mi: {
    console: (e, ts) => `[${ts}] ${level(e)} {${simpleName(e.logger)}} - ${e.message}${throwable(e)}\n`,
    file: (e, ts) => `[${ts}] ${level(e)} {${e.logger}} - ${e.message}${throwable(e)}\n`,
  },
  apim: {
    console: (e, ts) => `[${ts}] ${level(e)} - ${simpleName(e.logger)} ${e.message}${throwable(e)}\n`,
    // -1234 is the super tenant's id; the app name is empty outside a web app.
    file: (e, ts) => `TID: [-1234] [] [${ts}] ${level(e)} {${e.logger}} - ${e.message}${throwable(e)}\n`,
  },
  si: carbon5,
  'si-tooling': carbon5,
  'ei-analytics': carbon5,
};

export function timestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`
  );
}

export class CarbonLog {
  private readonly layouts: ProductLayouts;
  private fileFd: number | undefined;

  constructor(product: ProductId, carbonLogPath: string) {
    this.layouts = layouts[product];
    try {
      mkdirSync(dirname(carbonLogPath), { recursive: true });
      this.fileFd = openSync(carbonLogPath, 'a');
    } catch (error) {
      // A real server whose log folder is unwritable still runs and logs to the console.
      this.console(`log4j2: cannot open ${carbonLogPath}: ${(error as Error).message}\n`);
    }
  }

  write(...events: readonly LogEvent[]): void {
    for (const event of events) {
      const ts = timestamp(new Date());
      // File first: whoever sees a line on the console can then find it in the carbon log.
      if (this.fileFd !== undefined) {
        writeSync(this.fileFd, event.layout === 'jul' ? jul(event, ts) : this.layouts.file(event, ts));
      }
      this.console(event.layout === 'jul' ? jul(event, ts) : this.layouts.console(event, ts));
    }
  }

  /**
   * Raw console text (no pattern). stdout to a pipe or a file is synchronous in Node on Linux, so a reader that
   * does not drain the pipe blocks the server, as it blocks a JVM's console appender.
   */
  console(text: string): void {
    process.stdout.write(text);
  }

  close(): void {
    if (this.fileFd !== undefined) closeSync(this.fileFd);
    this.fileFd = undefined;
  }
}
