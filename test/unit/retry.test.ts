import {
	isRetryable,
	parseRetryAfter,
	retryDelay,
	RETRY_CAP_MS,
} from '../../nodes/FluxArtGenerator/transport/retry';
import type { CallKind, CallOutcome } from '../../nodes/FluxArtGenerator/transport/retry';

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

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-25T10:00:00Z');
	test.each<[string, unknown, number | undefined]>([
		['seconds', '3', 3_000],
		['fractional seconds', '1.5', 1_500],
		['an HTTP date', 'Wed, 25 Nov 2026 10:00:07 GMT', 7_000],
		['a date in the past', 'Wed, 25 Nov 2026 09:00:00 GMT', 0],
		['absent', undefined, undefined],
		['garbage', 'soon', undefined],
	])('%s', (_name, value, expected) => {
		expect(parseRetryAfter(value, now)).toBe(expected);
	});
});
