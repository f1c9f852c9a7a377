/**
 * The format of a recorded run (test/fixtures/recorded/*.json): what `npm run smoke` writes and
 * what the replay server (replay.ts) serves, poll by poll. One file is one run: a header that
 * says where it comes from, then every HTTP exchange in the order the node made them. The API
 * key is redacted wherever it appeared, and the image's bytes are replaced by their type and
 * size, so a file can be committed.
 */
import { readFileSync } from 'node:fs';

import { isRecord } from './http';

/** What stands where the key (or a cookie, or a credential header) was. */
export const REDACTED = '[REDACTED]';

/** Segmind's own API origin: its poll URLs are absolute on it, whatever the Base URL. */
export const SEGMIND_ORIGIN = 'https://api.segmind.com';

export type ExchangeKind = 'credits' | 'submit' | 'poll' | 'image';

/** The image, without its bytes: the type its signature announces and its size in bytes. */
export interface ImageStandIn {
	type: string;
	size: number;
}

export interface Exchange {
	kind: ExchangeKind;
	/** 'api': the credential's Base URL origin; 'image': any other origin (the image host). */
	host: 'api' | 'image';
	origin: string;
	method: string;
	/** Path and query, as sent. */
	path: string;
	/** Lower-cased names; the key and cookies redacted. */
	requestHeaders: Record<string, string>;
	/** The request's body (JSON when it parses), when it had one. */
	requestBody?: unknown;
	status: number;
	/** Lower-cased names, as received (before any decompression). */
	responseHeaders: Record<string, string>;
	/** Exactly one of these: the body as JSON, as text, or the image that stands for its bytes. */
	json?: unknown;
	text?: string;
	image?: ImageStandIn;
}

export interface RecordingHeader {
	format: 1;
	/** In words: who made the file, how, against what. */
	source: string;
	/** true: recorded from real traffic by `npm run smoke`; false: built by hand. */
	capture: boolean;
	/** When it was recorded (ISO 8601). */
	date: string;
	/** The Segmind workflow the Generate ran. */
	workflow: string;
	/** The n8n-core whose request helpers made the requests. */
	n8nCore: string;
	/** The credential's Base URL, without user info or query. */
	baseUrl: string;
	redacted: typeof REDACTED;
}

export interface Recording {
	header: RecordingHeader;
	exchanges: Exchange[];
}

/** Signatures of the image types Segmind's workflows serve (-1: any byte). */
const SIGNATURES: Array<[string, number[]]> = [
	['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
	['image/jpeg', [0xff, 0xd8, 0xff]],
	['image/webp', [0x52, 0x49, 0x46, 0x46, -1, -1, -1, -1, 0x57, 0x45, 0x42, 0x50]],
	['image/gif', [0x47, 0x49, 0x46, 0x38]],
];

/** The image type the bytes announce, or undefined when they are no image this format knows. */
export function imageTypeOfBytes(bytes: Buffer): string | undefined {
	return SIGNATURES.find(([, signature]) =>
		signature.every((byte, i) => byte < 0 || bytes[i] === byte),
	)?.[0];
}

/** Reads a recording and checks its shape, so a broken file fails with its name, not later. */
export function readRecording(file: string): Recording {
	const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
	const problem = shapeProblem(parsed);
	if (problem) throw new Error(`${file} is not a recording: ${problem}`);
	return parsed as Recording;
}

function shapeProblem(value: unknown): string | undefined {
	if (!isRecord(value) || !isRecord(value.header)) return 'no header';
	if (value.header.format !== 1) return `format ${String(value.header.format)}, expected 1`;
	if (!Array.isArray(value.exchanges)) return 'no exchanges';
	for (const [index, exchange] of value.exchanges.entries()) {
		if (!isRecord(exchange) || typeof exchange.kind !== 'string') return `exchange ${index}`;
		const bodies = ['json', 'text', 'image'].filter((field) => field in exchange);
		if (bodies.length !== 1) return `exchange ${index} has ${bodies.length} bodies, expected 1`;
	}
	for (const kind of ['submit', 'poll', 'image'] as const) {
		if (!value.exchanges.some((exchange) => isRecord(exchange) && exchange.kind === kind)) {
			return `no ${kind}`;
		}
	}
	return undefined;
}

export function exchangesOf(recording: Recording, kind: ExchangeKind): Exchange[] {
	return recording.exchanges.filter((exchange) => exchange.kind === kind);
}

/** The job's request ID: the submit answer's, else the last segment of its poll URL. */
export function requestIdOf(recording: Recording): string | undefined {
	const answer = exchangesOf(recording, 'submit')[0]?.json;
	if (!isRecord(answer)) return undefined;
	if (typeof answer.request_id === 'string') return answer.request_id;
	if (typeof answer.poll_url !== 'string') return undefined;
	return answer.poll_url.split(/[?#]/)[0]?.replace(/\/+$/, '').split('/').pop();
}

/**
 * The balance the answers of the job (its submit and polls) last reported: the
 * `x-remaining-credits` header, or the body's `metrics.remaining_credits` or `remaining_credits`
 * (Segmind's async answers carry it there). Null when none did.
 */
export function lastCreditsReading(recording: Recording): number | null {
	let last: number | null = null;
	for (const exchange of recording.exchanges) {
		if (exchange.kind !== 'submit' && exchange.kind !== 'poll') continue;
		const body = isRecord(exchange.json) ? exchange.json : {};
		const metrics = isRecord(body.metrics) ? body.metrics : {};
		// A repeated header counts by its last value, as the node reads it.
		const reading = [
			exchange.responseHeaders['x-remaining-credits']?.split(',').pop(),
			metrics.remaining_credits,
			body.remaining_credits,
		].find((value) => value !== undefined && value !== null && value !== '');
		if (reading !== undefined && Number.isFinite(Number(reading))) last = Number(reading);
	}
	return last;
}
