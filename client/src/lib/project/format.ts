const yuan = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });

/** An amount in fen as yuan: `¥1,234.50`. */
export function formatYuan(fen: number): string {
  return yuan.format(fen / 100);
}

const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Asia/Shanghai, the boards' time zone, as `YYYY-MM-DD`. */
export function todayInShanghai(now: Date = new Date()): string {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    shanghaiDate.formatToParts(now).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
