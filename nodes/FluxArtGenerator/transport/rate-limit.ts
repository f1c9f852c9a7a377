/**
 * What Segmind says of its rate limit, and what the node remembers of it: pure, table-tested.
 * Segmind limits requests per account and minute (about 5 on the free plan, 50 on Pro); its
 * answers may carry `x-rate-limit-remaining` and `x-rate-limit-reset-at-utc`, on every answer or
 * on 429s only, or nothing at all.
 */
import type { IDataObject } from 'n8n-workflow';

import { headerTime } from './retry';

export interface RateLimitReading {
	/** Requests the account may still send before `resetAt` (x-rate-limit-remaining). */
	remaining?: number;
	/** When the window resets, on the clock of Date.now() (x-rate-limit-reset-at-utc). */
	resetAt?: number;
	/**
	 * When a `Retry-After` asks to come back. Segmind's own 429s carry none (its docs): one is a
	 * proxy's or a passing throttle's, honoured but not taken as the account's limit.
	 */
	retryAt?: number;
}

/** The rate-limit headers of one answer; each may be absent or unreadable. */
export function readRateLimit(headers: Record<string, unknown>, now: number): RateLimitReading {
	const raw = headers['x-rate-limit-remaining'];
	const text = String(Array.isArray(raw) ? raw[raw.length - 1] : (raw ?? '')).trim();
	const remaining = /^\d+$/.test(text) ? Number(text) : undefined;
	// Epoch seconds, or milliseconds when the number is that large.
	const at = headerTime(headers['x-rate-limit-reset-at-utc'], (n) => (n < 1e11 ? n * 1000 : n));
	const retryAt = headerTime(headers['retry-after'], (seconds) => now + seconds * 1000);
	return {
		...(remaining !== undefined && { remaining }),
		...(!Number.isNaN(at) && { resetAt: at }),
		...(!Number.isNaN(retryAt) && { retryAt }),
	};
}

const STATIC_DATA_KEY = 'rateLimitsPerMinute';
/** Base URLs remembered (newest kept): one per account or proxy a workflow talks to. */
export const STORED_BASE_URLS = 10;
/** A plan can change (an upgrade): a limit learned longer ago than this is learned again. */
export const STORED_LIMIT_TTL_MS = 24 * 60 * 60 * 1000;

interface StoredLimit {
	perMinute: number;
	learnedAt: number;
}

const isStoredLimit = (value: unknown): value is StoredLimit => {
	const { perMinute, learnedAt } = (value ?? {}) as Partial<StoredLimit>;
	return (
		Number.isInteger(perMinute) &&
		(perMinute as number) > 0 &&
		typeof learnedAt === 'number' &&
		Number.isFinite(learnedAt)
	);
};

/**
 * The requests per minute learned for `baseUrl` by an earlier execution, from the node's workflow
 * static data; anything malformed or too old is ignored, not trusted.
 */
export function readStoredLimit(
	staticData: IDataObject,
	baseUrl: string,
	now: number,
): number | undefined {
	const stored = (staticData[STATIC_DATA_KEY] as IDataObject | undefined)?.[baseUrl];
	if (!isStoredLimit(stored) || now - stored.learnedAt > STORED_LIMIT_TTL_MS) return undefined;
	return stored.perMinute;
}

/** Remembers the limit learned for `baseUrl`, keeping the newest STORED_BASE_URLS entries. */
export function storeLimit(
	staticData: IDataObject,
	baseUrl: string,
	perMinute: number,
	now: number,
): void {
	const stored = staticData[STATIC_DATA_KEY];
	const entries = Object.entries(
		stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {},
	).filter(([url, value]) => url !== baseUrl && isStoredLimit(value));
	entries.push([baseUrl, { perMinute, learnedAt: now }]);
	entries.sort(([, a], [, b]) => (a as StoredLimit).learnedAt - (b as StoredLimit).learnedAt);
	staticData[STATIC_DATA_KEY] = Object.fromEntries(entries.slice(-STORED_BASE_URLS));
}
