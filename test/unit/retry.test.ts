import { isRetryable } from '../../nodes/FluxArtGenerator/transport/outcome';
import type { CallKind, CallOutcome } from '../../nodes/FluxArtGenerator/transport/outcome';
import {
	serverWaitMs,
	retryDelay,
	RETRY_CAP_MS,
} from '../../nodes/FluxArtGenerator/transport/retry';

const http = (status: number, body = ''): CallOutcome => ({ kind: 'http', status, body });
const net = (code: string): CallOutcome => ({ kind: 'network', code });

describe('isRetryable', () => {
	test.each<[string, CallKind, CallOutcome, boolean]>([
		['429 on a submit (Segmind did not take it)', 'submit', http(429), true],
		['connection refused on a submit (nothing sent)', 'submit', net('ECONNREFUSED'), true],
		['reset on a submit: outcome unknown, never resent', 'submit', net('ECONNRESET'), false],
		['socket timeout on a submit: outcome unknown', 'submit', net('ETIMEDOUT'), false],
		['503 with no body on a submit', 'submit', http(503, ''), true],
		['500 whose body names no job', 'submit', http(500, '{"error":"Internal error"}'), true],
		['500 whose body names a request', 'submit', http(500, '{"request_id":"abc"}'), false],
		['502 on a submit: a gateway may have passed it on', 'submit', http(502, '<html>'), false],
		['504 on a submit', 'submit', http(504), false],
		['401 on a submit', 'submit', http(401), false],
		['402 on a submit', 'submit', http(402), false],
		['422 on a submit', 'submit', http(422), false],
		['429 on a poll', 'poll', http(429), true],
		['500 on a poll', 'poll', http(500), true],
		['502 on a poll', 'poll', http(502), true],
		['reset on a poll', 'poll', net('ECONNRESET'), true],
		['socket timeout on a poll', 'poll', net('ECONNABORTED'), true],
		['404 on a poll', 'poll', http(404), false],
		['401 on a poll', 'poll', http(401), false],
		['an unknown network error on a poll', 'poll', net('UNKNOWN_NETWORK_ERROR'), false],
		['5xx on the credits call', 'credits', http(503), true],
	])('%s', (_name, call, outcome, expected) => {
		expect(isRetryable(call, outcome)).toBe(expected);
	});
});

describe('retryDelay', () => {
	test('full jitter: anywhere from 0 to the exponential ceiling', () => {
		expect(retryDelay(0, 0)).toBe(0);
		expect(retryDelay(0, 0.999)).toBeLessThan(1_000);
		expect(retryDelay(3, 0.5)).toBe(4_000);
	});

	test('the ceiling is capped', () => {
		expect(retryDelay(20, 0.999)).toBeLessThan(RETRY_CAP_MS);
	});

	test("a server's Retry-After is honoured when longer", () => {
		expect(retryDelay(0, 0.1, 5_000)).toBe(5_000);
		expect(retryDelay(5, 0.9, 1_000)).toBeGreaterThan(1_000);
	});
});

describe('serverWaitMs: Retry-After and x-rate-limit-reset-at-utc', () => {
	const now = Date.parse('2026-11-25T10:00:00Z');
	test.each<[string, Record<string, unknown>, number | undefined]>([
		['Retry-After in seconds', { 'retry-after': '3' }, 3_000],
		['Retry-After in fractional seconds', { 'retry-after': '1.5' }, 1_500],
		['Retry-After as an HTTP date', { 'retry-after': 'Wed, 25 Nov 2026 10:00:07 GMT' }, 7_000],
		['Retry-After in the past', { 'retry-after': 'Wed, 25 Nov 2026 09:00:00 GMT' }, 0],
		['Retry-After as an asctime date (GMT)', { 'retry-after': 'Wed Nov 25 10:00:07 2026' }, 7_000],
		[
			'Retry-After as a date in a named zone',
			{ 'retry-after': 'Wed, 25 Nov 2026 05:00:07 EST' },
			7_000,
		],
		['reset at an ISO time', { 'x-rate-limit-reset-at-utc': '2026-11-25T10:00:12Z' }, 12_000],
		[
			'reset at a UTC time written without a zone',
			{ 'x-rate-limit-reset-at-utc': '2026-11-25T10:00:12' },
			12_000,
		],
		[
			'reset at an ISO time with milliseconds',
			{ 'x-rate-limit-reset-at-utc': '2026-11-25T10:00:01.250Z' },
			1_250,
		],
		[
			'reset at an HTTP date',
			{ 'x-rate-limit-reset-at-utc': 'Wed, 25 Nov 2026 10:00:04 GMT' },
			4_000,
		],
		['reset at epoch seconds', { 'x-rate-limit-reset-at-utc': String(now / 1000 + 9) }, 9_000],
		['reset at epoch milliseconds', { 'x-rate-limit-reset-at-utc': now + 2_500 }, 2_500],
		['reset in the past', { 'x-rate-limit-reset-at-utc': '2026-11-25T09:59:00Z' }, 0],
		[
			'both: the later wins',
			{ 'retry-after': '2', 'x-rate-limit-reset-at-utc': '2026-11-25T10:00:05Z' },
			5_000,
		],
		[
			'both: the later wins (Retry-After)',
			{ 'retry-after': '8', 'x-rate-limit-reset-at-utc': '2026-11-25T10:00:05Z' },
			8_000,
		],
		[
			'a repeated header: the first',
			{ 'x-rate-limit-reset-at-utc': ['2026-11-25T10:00:03Z', 'x'] },
			3_000,
		],
		['neither', {}, undefined],
		['garbage', { 'retry-after': 'soon', 'x-rate-limit-reset-at-utc': 'later' }, undefined],
	])('%s', (_name, headers, expected) => {
		expect(serverWaitMs(headers, now)).toBe(expected);
	});
});
