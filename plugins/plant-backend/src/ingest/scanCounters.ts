/**
 * A counters reading in its usual form, read straight from a message's
 * bytes: most telemetry is counters, and JSON.parse plus the checks cost
 * more than the rest of a message's handling. `scanCounters` accepts a
 * subset of what `parseTelemetryEvent` accepts (a flat object, ASCII strings
 * without escapes, plain integers, `YYYY-MM-DDTHH:MM:SS[.sss]Z` times) and
 * gives the same values; anything else returns false and goes to the parser,
 * which decides and explains. `scanCounters.test.ts` holds it to that.
 */
export interface ScannedCounters {
  site: string;
  line: string;
  machine: string;
  /** sourceTimestamp in epoch ms. */
  at: number;
  total: number;
  good: number;
  reject: number;
  /** NaN when the reading has no startupReject. */
  startupReject: number;
}

// One bit per JSON key (named as in the message), to find repeated and missing ones.
const K = {
  schemaVersion: 1 << 0,
  type: 1 << 1,
  site: 1 << 2,
  line: 1 << 3,
  machine: 1 << 4,
  sourceTimestamp: 1 << 5,
  eventId: 1 << 6,
  total: 1 << 7,
  good: 1 << 8,
  reject: 1 << 9,
  startupReject: 1 << 10,
  productId: 1 << 11,
};
const REQUIRED =
  K.schemaVersion | K.type | K.site | K.line | K.machine | K.sourceTimestamp | K.total | K.good | K.reject;
const NUMERIC = K.schemaVersion | K.total | K.good | K.reject | K.startupReject;

// The JSON keys are K's own names.
const KEYS: [string, number][] = Object.entries(K);
const KEYS_BY_LENGTH: [string, number][][] = [];
for (const [name, k] of KEYS) (KEYS_BY_LENGTH[name.length] ??= []).push([name, k]);
const COUNTERS = 'counters';

const QUOTE = 0x22;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Whether b[from, from + text.length) holds the ASCII `text`. */
function bytesAre(b: Buffer, from: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[from + i] !== text.charCodeAt(i)) return false;
  return true;
}

function keyAt(b: Buffer, from: number, to: number): number {
  const candidates = KEYS_BY_LENGTH[to - from];
  if (candidates) for (const [name, k] of candidates) if (bytesAre(b, from, name)) return k;
  return 0;
}

/**
 * Ids as strings without decoding each message's copy: a site, line or
 * machine name repeats across messages, so it is looked up by a hash of its
 * bytes and checked byte by byte.
 */
class Interned {
  private readonly byHash = new Map<number, string>();

  get(b: Buffer, from: number, to: number): string {
    let h = to - from;
    for (let i = from; i < to; i++) h = (Math.imul(h, 31) + b[i]) | 0;
    const known = this.byHash.get(h);
    if (known !== undefined && known.length === to - from && bytesAre(b, from, known)) return known;
    const s = b.toString('latin1', from, to);
    // Bounded: a stream of ever new names (or colliding hashes) just stops being cached.
    if (known === undefined && this.byHash.size < 100_000) this.byHash.set(h, s);
    return s;
  }
}
const ids = new Interned();

/** The end of a JSON string whose content starts at `i`, or -1 unless it is plain printable ASCII. */
function stringEnd(b: Buffer, i: number): number {
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) return i;
    if (c === 0x5c /* \ */ || c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const DIGITS_MS = [...DIGITS, 20, 21, 22];

/** Epoch ms of `YYYY-MM-DDTHH:MM:SS[.sss]Z` in b[from, to), or NaN for any other form. */
function utcMillis(b: Buffer, from: number, to: number): number {
  const n = to - from;
  if (n !== 20 && n !== 24) return NaN;
  for (const i of n === 24 ? DIGITS_MS : DIGITS) {
    const c = b[from + i];
    if (c < 0x30 || c > 0x39) return NaN;
  }
  const d = (i: number) => b[from + i] - 48;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  const ms = n === 24 ? d(20) * 100 + d(21) * 10 + d(22) : 0;
  if (
    b[from + 4] !== 0x2d || b[from + 7] !== 0x2d || b[from + 10] !== 0x54 /* T */ ||
    b[from + 13] !== 0x3a || b[from + 16] !== 0x3a || b[to - 1] !== 0x5a /* Z */ ||
    (n === 24 && b[from + 19] !== 0x2e) ||
    // Date.UTC reads years below 100 as 19xx.
    year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59
  ) {
    return NaN;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month])) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * Reads a counters event from `b` into `out`. True when `b` holds one in the
 * usual form that `parseTelemetryEvent` accepts; false means "use the
 * parser" (`out` is then partly written), not "invalid".
 */
export function scanCounters(b: Buffer, out: ScannedCounters): boolean {
  let i = 0;
  while (i < b.length && isSpace(b[i])) i++;
  if (b[i++] !== 0x7b /* { */) return false;
  let seen = 0;
  let typeOk = false;
  let schemaVersion = 0;
  for (;;) {
    while (isSpace(b[i])) i++;
    if (b[i++] !== QUOTE) return false;
    const keyEnd = stringEnd(b, i);
    if (keyEnd < 0) return false;
    const k = keyAt(b, i, keyEnd);
    if (k === 0 || seen & k) return false; // unknown or repeated key
    seen |= k;
    i = keyEnd + 1;
    while (isSpace(b[i])) i++;
    if (b[i++] !== 0x3a /* : */) return false;
    while (isSpace(b[i])) i++;
    if (k & NUMERIC) {
      // A plain non-negative integer: 0, or 1-15 digits not starting with 0.
      const start = i;
      let v = 0;
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) v = v * 10 + (b[i++] - 48);
      const len = i - start;
      if (len === 0 || len > 15 || (len > 1 && b[start] === 0x30)) return false;
      const c = b[i];
      if (c === 0x2e || c === 0x65 || c === 0x45) return false; // fraction or exponent: the parser decides
      if (k === K.schemaVersion) schemaVersion = v;
      else if (k === K.total) out.total = v;
      else if (k === K.good) out.good = v;
      else if (k === K.reject) out.reject = v;
      else out.startupReject = v;
    } else {
      if (b[i++] !== QUOTE) return false;
      const end = stringEnd(b, i);
      // Ids are 1 to 200 characters (ASCII here, so bytes are characters).
      if (end < 0 || end === i || end - i > 200) return false;
      switch (k) {
        case K.type:
          typeOk = end - i === COUNTERS.length && bytesAre(b, i, COUNTERS);
          if (!typeOk) return false;
          break;
        case K.site: out.site = ids.get(b, i, end); break;
        case K.line: out.line = ids.get(b, i, end); break;
        case K.machine: out.machine = ids.get(b, i, end); break;
        case K.sourceTimestamp:
          out.at = utcMillis(b, i, end);
          if (Number.isNaN(out.at)) return false;
          break;
        default: break; // eventId, productId: valid ids, not needed for the rollups
      }
      i = end + 1;
    }
    while (isSpace(b[i])) i++;
    const c = b[i++];
    if (c === 0x2c /* , */) continue;
    if (c !== 0x7d /* } */) return false;
    break;
  }
  while (i < b.length && isSpace(b[i])) i++;
  if (i !== b.length || (seen & REQUIRED) !== REQUIRED || !typeOk || schemaVersion !== 1) return false;
  if (!(seen & K.startupReject)) out.startupReject = NaN;
  // The parser's cross-field rules; a reading that breaks them goes there to be explained.
  return out.good + out.reject <= out.total && !(out.startupReject > out.reject);
}
