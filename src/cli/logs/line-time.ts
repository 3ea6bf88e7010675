/**
 * When a log line was written, as far as the line itself says. Captured output has no time of its own
 * (the log writer adds nothing to what the runtime prints), so only what is in the text counts:
 * - the product's log4j2 pattern `[yyyy-MM-dd HH:mm:ss,SSS]`, local time, at the line start (MI and API-M
 *   console; API-M's file pattern puts `TID: [..] [..]` before it: log4j2.properties of each product);
 * - the supervisor's markers, `[wso2-supervisor] <ISO time> name: ...` (supervisor/output-capture.ts);
 * - a pino JSON line's `"time"` (the supervisor's own log).
 */
const product =
  /^(?:TID: \[[^\]]*\] \[[^\]]*\] )?\[(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[,.](\d{1,3}))?\]/;
const marker = /^\[wso2-supervisor\] (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;
const pinoTime = /^\{.*"time":(?:"([^"]+)"|(\d{10,}))/;

/** Epoch ms of the time a line begins with, or undefined when it carries none. */
export function lineTime(line: string): number | undefined {
  const stamp = product.exec(line);
  if (stamp !== null) {
    const [, y, mo, d, h, mi, s, ms] = stamp.map(Number) as number[];
    const time = new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, Number.isNaN(ms) ? 0 : ms).getTime();
    return Number.isNaN(time) ? undefined : time;
  }
  const iso = marker.exec(line)?.[1];
  if (iso !== undefined) return valid(Date.parse(iso));
  const json = pinoTime.exec(line);
  if (json !== null) return valid(json[1] === undefined ? Number(json[2]) : Date.parse(json[1]));
  return undefined;
}

function valid(time: number): number | undefined {
  return Number.isNaN(time) ? undefined : time;
}
