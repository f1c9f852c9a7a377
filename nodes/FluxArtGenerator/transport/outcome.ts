/**
 * What one call ended with, and every rule that reads it: which network faults mean nothing was
 * sent, which are transient, and whether a call may be repeated. The submit is the one paid,
 * non-idempotent call: it is repeated only when Segmind provably did not take the job, since a
 * second submit of an accepted job is billed twice. Pure, so the rules are table-tested.
 */
import { isObject } from '../segmind/responses';

/** What one HTTP call ended with, when it did not end with an answer the caller can use. */
export type CallOutcome =
	| { kind: 'http'; status: number; body: string; retryAfterMs?: number; location?: string }
	| { kind: 'network'; code: string };

export type HttpOutcome = Extract<CallOutcome, { kind: 'http' }>;

export type CallKind = 'submit' | 'poll' | 'credits' | 'image';

/** Errors that happen before the request leaves this machine: nothing reached Segmind. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
export const isNetworkCodeNotSent = (code: string) => NOT_SENT.has(code);

/** Errors where the request may or may not have reached Segmind. */
const TRANSIENT = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	'EPROTO',
]);

/** Whether the outcome may be retried at all for this kind of call. */
export function isRetryable(call: CallKind, outcome: CallOutcome): boolean {
	if (outcome.kind === 'network') {
		if (isNetworkCodeNotSent(outcome.code)) return true;
		return call !== 'submit' && TRANSIENT.has(outcome.code);
	}
	const { status } = outcome;
	if (status === 429) return true;
	if (status < 500) return false;
	if (call !== 'submit') return true;
	// A 5xx to a submit is safe to repeat only when it came from Segmind itself before any job was
	// made: a 500 or 503 whose body names no request. A 502 or 504 comes from a gateway in front of
	// Segmind, which may have passed the prompt on before it gave up, so the outcome is unknown.
	return (status === 500 || status === 503) && !/request_id|poll_url/i.test(outcome.body);
}

export const isOutcome = (value: unknown): value is CallOutcome =>
	isObject(value) && (value.kind === 'http' || value.kind === 'network');

/**
 * The socket-level reason of a failed request. n8n's wrapper (NodeApiError) keeps it in
 * `httpCode` and the original texts in `messages`, not in `cause`; a bare axios error has `code`.
 */
export function networkCode(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (isObject(current) && !seen.has(current)) {
		seen.add(current);
		const { code, httpCode, message, messages } = current;
		const known = [code, httpCode].map(String).find((c) => /^(E[A-Z_]+|UND_ERR\w*)$/.test(c));
		if (known) return known;
		const text = [message, ...(Array.isArray(messages) ? messages : [])].join('\n');
		if (/socket hang up/i.test(text)) return 'ECONNRESET';
		if (/timeout/i.test(text)) return 'ETIMEDOUT';
		current = current.cause;
	}
	return 'UNKNOWN_NETWORK_ERROR';
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string' || Buffer.isBuffer(body)) return body.toString();
	return body === undefined || body === null ? '' : JSON.stringify(body);
}
