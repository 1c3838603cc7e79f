// Timestamps in log schemas: the `timeFormat` of a `timestamp` field and the conversion of a raw value
// into a UTC RFC 3339 string. Times are kept as whole seconds plus the fraction digits exactly as the
// input wrote them, so microsecond and nanosecond inputs survive; a float would round them away.

/** Digits after the decimal point that each unix format's integer carries. */
const UNIX_FORMAT_SCALES = { unix: 0, unix_ms: 3, unix_us: 6, unix_ns: 9 } as const;
type UnixFormat = keyof typeof UNIX_FORMAT_SCALES;

export const NAMED_TIME_FORMATS = [...(Object.keys(UNIX_FORMAT_SCALES) as UnixFormat[]), "rfc3339"] as const;

const MAX_FRACTION_DIGITS = 9;
/** 9999-12-31T23:59:59Z: four-digit years only, as RFC 3339 and Postgres' timestamptz text agree on. */
const MAX_EPOCH_SECONDS = 253_402_300_799;
const SECONDS_PER_DAY = 86_400;
// Anything longer than this is out of range whatever its value, and BigInt() on a megabyte of digits
// from a hostile record would be slow for nothing.
const MAX_INTEGER_DIGITS = 30;

type Instant = { epochSeconds: number; fraction: string };

export type TimestampResult =
  | { ok: true; text: string; date: Date }
  | { ok: false; problem: "type" | "range" };

const isUnixFormat = (format: string): format is UnixFormat => Object.hasOwn(UNIX_FORMAT_SCALES, format);

// ---- strftime patterns ----------------------------------------------------------------------------

type Directive = "Y" | "m" | "d" | "H" | "M" | "S" | "f" | "z";
const DIRECTIVE_PATTERNS: Record<Directive, string> = {
  Y: "(\\d{4})",
  m: "(\\d{2})",
  d: "(\\d{2})",
  H: "(\\d{2})",
  M: "(\\d{2})",
  S: "(\\d{2})",
  f: "(\\d{1,9})",
  z: "(Z|[+-]\\d{2}:?\\d{2})",
};
const isDirective = (character: string): character is Directive => Object.hasOwn(DIRECTIVE_PATTERNS, character);

type CompiledPattern = { regex: RegExp; groups: Directive[] };

const compiledPatterns = new Map<string, CompiledPattern>();

function compilePattern(pattern: string): CompiledPattern | string {
  let source = "^";
  const groups: Directive[] = [];
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern.charAt(index);
    if (character !== "%") {
      source += character.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
      continue;
    }
    index += 1;
    const directive = pattern.charAt(index);
    if (directive === "%") {
      source += "%";
    } else if (isDirective(directive)) {
      if (groups.includes(directive)) return `%${directive} appears twice`;
      groups.push(directive);
      source += DIRECTIVE_PATTERNS[directive];
    } else {
      return directive === "" ? "ends with a lone %" : `unsupported directive %${directive} (use %Y %m %d %H %M %S %f %z %%)`;
    }
  }
  if (!groups.includes("Y") || !groups.includes("m") || !groups.includes("d")) return "needs at least %Y, %m and %d";
  return { regex: new RegExp(`${source}$`), groups };
}

function getCompiledPattern(pattern: string): CompiledPattern | string {
  const cached = compiledPatterns.get(pattern);
  if (cached) return cached;
  const compiled = compilePattern(pattern);
  if (typeof compiled !== "string") compiledPatterns.set(pattern, compiled);
  return compiled;
}

/** Why `format` is not a usable `timeFormat`, or null when it is. Checked when a schema is loaded. */
export function explainTimeFormatProblem(format: string): string | null {
  if (isUnixFormat(format) || format === "rfc3339") return null;
  if (!format.includes("%")) return `unknown timeFormat "${format}" (use ${NAMED_TIME_FORMATS.join(", ")} or a strftime pattern)`;
  const compiled = getCompiledPattern(format);
  return typeof compiled === "string" ? `timeFormat "${format}" ${compiled}` : null;
}

// ---- calendar arithmetic ----------------------------------------------------------------------------

// Date.UTC maps years 0–99 to 1900–1999, and a local time in 1969 can still be 1970 in UTC, so the
// day count is computed here (Howard Hinnant's days_from_civil) instead.
function countDaysSinceEpoch(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function countDaysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

type CivilTime = { year: number; month: number; day: number; hour: number; minute: number; second: number; fraction: string; offsetSeconds: number };

function convertCivilTime(time: CivilTime): Instant | "type" | "range" {
  const { year, month, day, hour, minute, second } = time;
  if (month < 1 || month > 12 || day < 1 || day > countDaysInMonth(year, month)) return "type";
  // No leap seconds: Date, Postgres and every consumer downstream would reject or shift a :60.
  if (hour > 23 || minute > 59 || second > 59) return "type";
  const epochSeconds = countDaysSinceEpoch(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - time.offsetSeconds;
  if (epochSeconds < 0 || epochSeconds > MAX_EPOCH_SECONDS) return "range";
  return { epochSeconds, fraction: time.fraction.slice(0, MAX_FRACTION_DIGITS) };
}

/** "+02:00", "-0530", "Z" → seconds east of UTC; null when the hours or minutes are impossible. */
function parseOffset(text: string): number | null {
  if (text === "Z" || text === "z") return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (hours > 23 || minutes > 59) return null;
  return (match[1] === "-" ? -1 : 1) * (hours * 3600 + minutes * 60);
}

// ---- parsers per format -----------------------------------------------------------------------------

// RFC 3339 §5.6 allows a lowercase t/z, and its note allows a space between date and time.
const RFC3339_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

function parseRfc3339(text: string): Instant | "type" | "range" {
  const match = RFC3339_PATTERN.exec(text);
  if (!match) return "type";
  const offsetSeconds = parseOffset(match[8] ?? "");
  if (offsetSeconds === null) return "type";
  return convertCivilTime({
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6]),
    fraction: match[7] ?? "",
    offsetSeconds,
  });
}

function parseWithPattern(text: string, pattern: string): Instant | "type" | "range" {
  const compiled = getCompiledPattern(pattern);
  if (typeof compiled === "string") return "type";
  const match = compiled.regex.exec(text);
  if (!match) return "type";
  const read = (directive: Directive): string | undefined => {
    const index = compiled.groups.indexOf(directive);
    return index === -1 ? undefined : match[index + 1];
  };
  const zone = read("z");
  const offsetSeconds = zone === undefined ? 0 : parseOffset(zone);
  if (offsetSeconds === null) return "type";
  return convertCivilTime({
    year: Number(read("Y")),
    month: Number(read("m")),
    day: Number(read("d")),
    hour: Number(read("H") ?? 0),
    minute: Number(read("M") ?? 0),
    second: Number(read("S") ?? 0),
    fraction: read("f") ?? "",
    offsetSeconds,
  });
}

type Decimal = { isNegative: boolean; integerDigits: string; fractionDigits: string };

/** A number's exact decimal digits, also for 1e+21 or 1.5e-7, which String() writes with an exponent. */
function splitNumber(value: number): Decimal | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) return null;
  const digits = `${match[2]}${match[3] ?? ""}`;
  const pointAt = (match[2] ?? "").length + Number(match[4] ?? 0);
  const padded = pointAt <= 0 ? `${"0".repeat(1 - pointAt)}${digits}` : digits.padEnd(pointAt, "0");
  const point = Math.max(pointAt, 1);
  return { isNegative: match[1] === "-", integerDigits: padded.slice(0, point), fractionDigits: padded.slice(point) };
}

function parseUnix(value: unknown, format: UnixFormat): Instant | "type" | "range" {
  let decimal: Decimal | null;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "type";
    decimal = splitNumber(value);
  } else if (typeof value === "string") {
    // Slack's team.integrationLogs sends `date` as a string of unix seconds ("1392163200").
    const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
    decimal = match ? { isNegative: false, integerDigits: match[1] ?? "", fractionDigits: match[2] ?? "" } : null;
  } else {
    return "type";
  }
  if (!decimal) return "type";
  const integerDigits = decimal.integerDigits.replace(/^0+(?=\d)/, "");
  if (decimal.isNegative && /[1-9]/.test(`${integerDigits}${decimal.fractionDigits}`)) return "range";
  if (integerDigits.length > MAX_INTEGER_DIGITS) return "range";
  const scale = UNIX_FORMAT_SCALES[format];
  const integer = BigInt(integerDigits);
  const unitsPerSecond = 10n ** BigInt(scale);
  const epochSeconds = integer / unitsPerSecond;
  if (epochSeconds > BigInt(MAX_EPOCH_SECONDS)) return "range";
  const subsecondDigits = scale === 0 ? "" : (integer % unitsPerSecond).toString().padStart(scale, "0");
  return { epochSeconds: Number(epochSeconds), fraction: `${subsecondDigits}${decimal.fractionDigits}`.slice(0, MAX_FRACTION_DIGITS) };
}

function formatInstant({ epochSeconds, fraction }: Instant): { text: string; date: Date } {
  const wholeSecond = new Date(epochSeconds * 1000);
  const milliseconds = fraction === "" ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  return {
    text: `${wholeSecond.toISOString().slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`,
    date: new Date(epochSeconds * 1000 + milliseconds),
  };
}

/**
 * A raw value as a UTC RFC 3339 string with exactly the fraction digits the input carried (at most 9),
 * and as a Date (millisecond precision). "type": the value does not have the shape `format` describes
 * (or names an impossible date); "range": it is before 1970-01-01 or after 9999-12-31.
 */
export function parseTimestamp(value: unknown, format: string): TimestampResult {
  let instant: Instant | "type" | "range";
  if (isUnixFormat(format)) instant = parseUnix(value, format);
  else if (typeof value !== "string") instant = "type";
  else if (format === "rfc3339") instant = parseRfc3339(value);
  else instant = parseWithPattern(value, format);
  if (typeof instant === "string") return { ok: false, problem: instant };
  return { ok: true, ...formatInstant(instant) };
}
