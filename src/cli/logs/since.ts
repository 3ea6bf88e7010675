import { UsageError } from '../../errors.js';

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a duration back from `now` (`30s`, `10m`, `2h`, `1d`, or `1h30m`), or a date and time:
 * ISO 8601 (`2025-06-01T14:00:00Z`), or a local `2025-06-01 14:00[:ss]`, or a local time today (`14:00`).
 */
export function parseSince(text: string, now: number): number {
  const trimmed = text.trim();
  if (/^(\d+(\.\d+)?[smhd])+$/i.test(trimmed)) {
    let ms = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/gi))
      ms += Number(amount) * (units[(unit ?? 's').toLowerCase()] ?? 0);
    return now - ms;
  }
  const clock = /^(\d\d?):(\d\d)(?::(\d\d))?$/.exec(trimmed);
  if (clock !== null) {
    const today = new Date(now);
    today.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    if (!Number.isNaN(today.getTime())) return today.getTime();
  }
  // `2025-06-01 14:00` is local time: Date.parse reads it so once the space is a T (and no zone is given).
  const time = Date.parse(/^\d{4}-\d\d-\d\d \d/.test(trimmed) ? trimmed.replace(' ', 'T') : trimmed);
  if (/^\d{4}-\d\d-\d\d/.test(trimmed) && !Number.isNaN(time)) return time;
  throw new UsageError(
    `--since takes a duration (30s, 10m, 2h, 1d) or a date and time (2025-06-01 14:00, or ISO 8601), not "${text}".`,
  );
}
