import {
	readRateLimit,
	readStoredLimit,
	STORED_BASE_URLS,
	STORED_LIMIT_TTL_MS,
	storeLimit,
} from '../../nodes/FluxArtGenerator/transport/rate-limit';

const AT = Date.parse('2026-12-07T12:00:30Z');
const NOW = Date.parse('2026-12-07T12:00:00Z');

describe('readRateLimit: the headers of one answer', () => {
	test.each<[string, Record<string, unknown>, ReturnType<typeof readRateLimit>]>([
		[
			'both, the reset as ISO',
			{ 'x-rate-limit-remaining': '4', 'x-rate-limit-reset-at-utc': '2026-12-07T12:00:30Z' },
			{ remaining: 4, resetAt: AT },
		],
		[
			'the reset as epoch seconds',
			{ 'x-rate-limit-reset-at-utc': String(AT / 1000) },
			{ resetAt: AT },
		],
		[
			'the reset as epoch milliseconds',
			{ 'x-rate-limit-reset-at-utc': String(AT) },
			{ resetAt: AT },
		],
		[
			'the reset as an HTTP date',
			{ 'x-rate-limit-reset-at-utc': 'Mon, 07 Dec 2026 12:00:30 GMT' },
			{ resetAt: AT },
		],
		[
			'a zone-less date is UTC',
			{ 'x-rate-limit-reset-at-utc': '2026-12-07 12:00:30' },
			{ resetAt: AT },
		],
		['remaining 0', { 'x-rate-limit-remaining': '0' }, { remaining: 0 }],
		[
			'a repeated header counts by its last value',
			{ 'x-rate-limit-remaining': ['9', '3'] },
			{ remaining: 3 },
		],
		['none', {}, {}],
		['garbage', { 'x-rate-limit-remaining': 'many', 'x-rate-limit-reset-at-utc': 'soon' }, {}],
		['a negative or fractional count is not one', { 'x-rate-limit-remaining': '-1' }, {}],
		[
			"a Retry-After in seconds (not Segmind's own)",
			{ 'retry-after': '2' },
			{ retryAt: NOW + 2_000 },
		],
		[
			'a Retry-After as an HTTP date',
			{ 'retry-after': 'Mon, 07 Dec 2026 12:00:30 GMT' },
			{ retryAt: AT },
		],
	])('%s', (_name, headers, expected) => {
		expect(readRateLimit(headers, NOW)).toEqual(expected);
	});
});

describe('the limit remembered per Base URL in the static data', () => {
	const now = Date.parse('2026-12-07T12:00:00Z');

	test('stored, read back for its Base URL only', () => {
		const staticData = {};
		storeLimit(staticData, 'https://api.segmind.com', 5, now);
		expect(readStoredLimit(staticData, 'https://api.segmind.com', now + 1_000)).toBe(5);
		expect(readStoredLimit(staticData, 'https://gateway.example', now)).toBeUndefined();
	});

	test('a newer learning replaces the older one', () => {
		const staticData = {};
		storeLimit(staticData, 'https://api.segmind.com', 5, now);
		storeLimit(staticData, 'https://api.segmind.com', 50, now + 10);
		expect(readStoredLimit(staticData, 'https://api.segmind.com', now + 20)).toBe(50);
	});

	test('older than a day: learned again (a plan can change)', () => {
		const staticData = {};
		storeLimit(staticData, 'https://api.segmind.com', 5, now);
		expect(
			readStoredLimit(staticData, 'https://api.segmind.com', now + STORED_LIMIT_TTL_MS + 1),
		).toBeUndefined();
	});

	test(`bounded: the newest ${STORED_BASE_URLS} Base URLs are kept`, () => {
		const staticData = {};
		for (let i = 0; i < STORED_BASE_URLS + 3; i++)
			storeLimit(staticData, `https://p${i}.example`, 50, now + i);
		expect(readStoredLimit(staticData, 'https://p0.example', now)).toBeUndefined();
		expect(readStoredLimit(staticData, `https://p${STORED_BASE_URLS + 2}.example`, now)).toBe(50);
		expect(
			Object.keys((staticData as { rateLimitsPerMinute: object }).rateLimitsPerMinute),
		).toHaveLength(STORED_BASE_URLS);
	});

	test.each<[string, unknown]>([
		['a string', 'five'],
		['a list', [5]],
		['a zero', { 'https://api.segmind.com': { perMinute: 0, learnedAt: now } }],
		['a fraction', { 'https://api.segmind.com': { perMinute: 2.5, learnedAt: now } }],
		['no time', { 'https://api.segmind.com': { perMinute: 5 } }],
		['text', { 'https://api.segmind.com': { perMinute: '5', learnedAt: now } }],
	])(
		'a corrupt stored value (%s) is ignored, and replaced when one is learned',
		(_name, stored) => {
			const staticData = { rateLimitsPerMinute: stored };
			expect(readStoredLimit(staticData as never, 'https://api.segmind.com', now)).toBeUndefined();
			storeLimit(staticData as never, 'https://api.segmind.com', 5, now);
			expect(readStoredLimit(staticData as never, 'https://api.segmind.com', now)).toBe(5);
		},
	);
});
