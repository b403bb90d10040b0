/**
 * A fast `Date.prototype.toISOString`. Formatting timestamps was most of the cost of making a
 * record (about 380 ns each with `toISOString`, up to five per record); this does the same in
 * about 60-150 ns by caching the date part and padding from a table. Output is identical.
 */

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) =>
  String(i).padStart(2, '0'),
);
const DAY_MS = 86_400_000;
// Outside 4-digit years toISOString writes ±YYYYYY; leave those rare cases to it.
const MIN_FAST_MS = Date.UTC(1000, 0, 1);
const MAX_FAST_MS = Date.UTC(10000, 0, 1);

// Consecutive records mostly share a day, so one cached day prefix saves the calendar math.
let cachedDay = Number.NaN;
let cachedPrefix = '';

/** `YYYY-MM-DDT` of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days). */
function datePrefix(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
}

/** The ISO-8601 UTC text of `ms` (an integer number of milliseconds), exactly as `new Date(ms).toISOString()`. */
export function formatIsoTime(ms: number): string {
  if (!(ms >= MIN_FAST_MS && ms < MAX_FAST_MS) || !Number.isInteger(ms))
    return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedPrefix = datePrefix(day);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const millisText = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`;
  return `${cachedPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${millisText}Z`;
}
