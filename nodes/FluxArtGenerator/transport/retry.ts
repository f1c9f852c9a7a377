/**
 * How often a call may be tried, and how long to wait before the next try (whether it may be tried
 * at all is outcome.ts's rule); pure, so the timings are table-tested.
 */
import type { CallKind } from './outcome';

const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 30_000;
export const MAX_ATTEMPTS: Record<CallKind, number> = { submit: 4, poll: 8, credits: 4, image: 4 };

/** Exponential back-off with full jitter; the server's own wait wins when it is longer. */
export function retryDelay(attempt: number, random: number, retryAfterMs?: number): number {
	const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
	const jittered = Math.floor(random * ceiling);
	return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * How long the server asks us to wait: `Retry-After` (seconds or an HTTP date) or Segmind's
 * `x-rate-limit-reset-at-utc` (the absolute UTC time the limit resets: an ISO or HTTP date, or
 * epoch seconds or milliseconds), the later of the two; undefined when neither is readable.
 */
export function serverWaitMs(headers: Record<string, unknown>, now: number): number | undefined {
	const waits = [
		headerTime(headers['retry-after'], (seconds) => now + seconds * 1000),
		// Epoch seconds, or milliseconds when the number is that large.
		headerTime(headers['x-rate-limit-reset-at-utc'], (at) => (at < 1e11 ? at * 1000 : at)),
	].flatMap((at) => (Number.isNaN(at) ? [] : [Math.max(0, Math.round(at - now))]));
	return waits.length ? Math.max(...waits) : undefined;
}

/**
 * The time a header names, NaN when it names none: a number, read by `fromNumber`, or a date. Both
 * headers mean UTC (an HTTP date is GMT), so a date that ends in no zone name or offset is UTC.
 */
export function headerTime(value: unknown, fromNumber: (n: number) => number): number {
	const raw = Array.isArray(value) ? value[0] : value;
	const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (/^\d+(\.\d+)?$/.test(text)) return fromNumber(Number(text));
	return Date.parse(/([a-z]|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`);
}
