import { todayInShanghai } from '../project/format';

/** Time ranges the trail can be narrowed to, in Asia/Shanghai days (DESIGN.md §2: times are shown there). */
export const RANGE_PRESETS = ['all', 'today', 'week', 'month', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** A half-open range [from, to) of ISO datetimes; null is open. */
export interface TimeRange {
  from: string | null;
  to: string | null;
}

/** Shanghai keeps +08:00 all year (no daylight saving), so a day starts at a fixed offset. */
const OFFSET = '+08:00';

/** The start of a Shanghai day (`YYYY-MM-DD`) as an ISO datetime with its offset. */
export function startOfDay(day: string): string {
  return `${day}T00:00:00${OFFSET}`;
}

/** `YYYY-MM-DD` plus `days` days. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The range of a preset on `now`'s day: today; the last 7 or 30 days, today included; or custom
 * dates, both included (either may be left empty; when they are the wrong way round, swapped).
 */
export function rangeOf(
  preset: RangePreset,
  now: Date,
  custom: { from: string; to: string } = { from: '', to: '' },
): TimeRange {
  const today = todayInShanghai(now);
  switch (preset) {
    case 'all':
      return { from: null, to: null };
    case 'today':
      return { from: startOfDay(today), to: null };
    case 'week':
      return { from: startOfDay(addDays(today, -6)), to: null };
    case 'month':
      return { from: startOfDay(addDays(today, -29)), to: null };
    case 'custom': {
      let from = DAY.test(custom.from) ? custom.from : null;
      let to = DAY.test(custom.to) ? custom.to : null;
      if (from !== null && to !== null && from > to) [from, to] = [to, from];
      return { from: from === null ? null : startOfDay(from), to: to === null ? null : startOfDay(addDays(to, 1)) };
    }
  }
}

const shanghaiTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The Shanghai day of an ISO datetime, `YYYY-MM-DD`. */
export function shanghaiDay(at: string): string {
  return todayInShanghai(new Date(at));
}

/** The Shanghai wall-clock time of an ISO datetime, `HH:mm`. */
export function timeOfDay(at: string): string {
  return shanghaiTime.format(new Date(at));
}

/** Records (newest first) in runs of one Shanghai day each. */
export function groupByDay<T extends { at: string }>(records: readonly T[]): { day: string; records: T[] }[] {
  const days: { day: string; records: T[] }[] = [];
  for (const record of records) {
    const day = shanghaiDay(record.at);
    const last = days.at(-1);
    if (last?.day === day) last.records.push(record);
    else days.push({ day, records: [record] });
  }
  return days;
}

/**
 * A day's heading: 今天 / 昨天 (given as `today`, `yesterday`), else the date in the UI
 * language, with its year only when it isn't this one.
 */
export function dayHeading(
  day: string,
  now: Date,
  language: string,
  words: { today: string; yesterday: string },
): string {
  const today = todayInShanghai(now);
  if (day === today) return words.today;
  if (day === addDays(today, -1)) return words.yesterday;
  const format = new Intl.DateTimeFormat(language, {
    timeZone: 'UTC',
    year: day.slice(0, 4) === today.slice(0, 4) ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
  });
  return format.format(new Date(`${day}T00:00:00Z`));
}
