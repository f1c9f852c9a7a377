/**
 * Records every HTTP exchange this process makes with nock's recorder (the library n8n's own
 * node tests record and replay HTTP with), and turns what nock wrote into the project's recording
 * format (test/fake-segmind/recording.ts): the API key redacted wherever it appears, the image's
 * bytes replaced by their type and size.
 */
import { isUtf8 } from 'node:buffer';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

import {
	imageTypeOfBytes,
	REDACTED,
	type Exchange,
	type ExchangeKind,
	type Recording,
	type RecordingHeader,
} from '../fake-segmind/recording';
import { shownUrl } from './segmind-target';

/** One exchange as nock's recorder gives it with `output_objects: true` (nock 14). */
export interface NockRecord {
	scope: string;
	method: string;
	/** Path and query. */
	path: string;
	/** The request body: parsed JSON, or text ('' for none). */
	body?: unknown;
	status: number;
	/**
	 * Parsed JSON or text; bytes that are not UTF-8 as one hex string (`responseIsBinary`); a
	 * content-encoded body as a list of hex chunks, still encoded.
	 */
	response?: unknown;
	responseIsBinary?: boolean;
	rawHeaders?: Record<string, string | string[]>;
	reqheaders?: Record<string, string | string[]>;
}

/**
 * Starts recording; the function it returns stops and gives what was recorded. nock takes over
 * node:http as soon as it is loaded, so it is loaded here, not by importing this module, and it
 * gives node:http back when the recording stops.
 */
export async function startHttpRecording(): Promise<() => NockRecord[]> {
	const { default: nock } = await import('nock');
	nock.recorder.clear();
	nock.recorder.rec({ dont_print: true, output_objects: true, enable_reqheaders_recording: true });
	return () => {
		const records = nock.recorder.play() as unknown as NockRecord[];
		nock.restore();
		nock.recorder.clear();
		return records;
	};
}

/** Headers whose values are credentials, whatever they hold: never written down. */
const CREDENTIAL_HEADERS = new Set([
	'authorization',
	'cookie',
	'proxy-authorization',
	'set-cookie',
	'x-api-key',
]);

export interface RecordingContext extends Omit<RecordingHeader, 'format' | 'redacted'> {
	/** The key to redact. */
	apiKey: string;
}

/** nock's records as a recording, with the key and credential headers redacted. */
export function toRecording(records: NockRecord[], context: RecordingContext): Recording {
	const { apiKey, ...header } = context;
	const base = new URL(header.baseUrl);
	const basePath = base.pathname.replace(/\/+$/, '');
	const exchanges = records.map((record): Exchange => {
		const origin = new URL(record.scope).origin;
		const responseHeaders = headersOf(record.rawHeaders);
		const body = bodyOf(record, responseHeaders['content-encoding']);
		const requestBody = requestBodyOf(record.body);
		return {
			kind: kindOf(record.method, record.path, basePath, body),
			host: origin === base.origin ? 'api' : 'image',
			origin,
			method: record.method,
			path: record.path,
			requestHeaders: headersOf(record.reqheaders),
			...(requestBody !== undefined && { requestBody }),
			status: record.status,
			responseHeaders,
			...body,
		};
	});
	const recording: Recording = {
		header: {
			format: 1,
			...header,
			baseUrl: shownUrl(header.baseUrl),
			redacted: REDACTED,
		},
		exchanges,
	};
	return redactKey(recording, apiKey);
}

/** The file's text; throws rather than let the key through in any form. */
export function serializeRecording(recording: Recording, apiKey: string): string {
	const text = `${JSON.stringify(recording, null, '\t')}\n`;
	const forms = [apiKey, JSON.stringify(apiKey).slice(1, -1)];
	if (apiKey && forms.some((form) => text.includes(form))) {
		throw new Error('The recording still holds the API key; nothing was written');
	}
	return text;
}

function headersOf(headers: Record<string, string | string[]> = {}): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		const key = name.toLowerCase();
		out[key] = CREDENTIAL_HEADERS.has(key)
			? REDACTED
			: Array.isArray(value)
				? value.join(', ')
				: String(value);
	}
	return out;
}

type Body = Pick<Exchange, 'json' | 'text' | 'image'>;

function bodyOf(record: NockRecord, contentEncoding: string | undefined): Body {
	const { response } = record;
	if (Array.isArray(response) && response.every((chunk) => typeof chunk === 'string')) {
		const encoded = Buffer.concat(response.map((chunk: string) => Buffer.from(chunk, 'hex')));
		return bodyOfBytes(decode(encoded, contentEncoding ?? ''));
	}
	if (typeof response === 'string') {
		return bodyOfBytes(Buffer.from(response, record.responseIsBinary ? 'hex' : 'utf8'));
	}
	// nock parsed it: JSON.
	return response === undefined ? { text: '' } : { json: response };
}

/** An image (or any bytes that are not text) becomes its type and size; text is kept. */
function bodyOfBytes(bytes: Buffer): Body {
	const type = imageTypeOfBytes(bytes);
	if (type || !isUtf8(bytes)) {
		return { image: { type: type ?? 'application/octet-stream', size: bytes.length } };
	}
	const text = bytes.toString('utf8');
	try {
		return { json: JSON.parse(text) as unknown };
	} catch {
		return { text };
	}
}

/** Undoes a Content-Encoding (codings apply in the order listed, so they come off in reverse). */
function decode(bytes: Buffer, contentEncoding: string): Buffer {
	const codings = contentEncoding
		.split(',')
		.map((coding) => coding.trim().toLowerCase())
		.filter((coding) => coding && coding !== 'identity');
	return codings.reverse().reduce((data, coding) => {
		if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(data);
		if (coding === 'br') return brotliDecompressSync(data);
		if (coding === 'deflate') {
			// "deflate" is zlib-wrapped by the standard, raw by some servers.
			try {
				return inflateSync(data);
			} catch {
				return inflateRawSync(data);
			}
		}
		throw new Error(`Cannot record a body with content-encoding ${coding}`);
	}, bytes);
}

function requestBodyOf(body: unknown): unknown {
	if (body === undefined || body === '') return undefined;
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

/** What the node's request was for: the same calls the node makes (actions/*.operation.ts). */
function kindOf(method: string, path: string, basePath: string, body: Body): ExchangeKind {
	if (body.image) return 'image';
	if (method === 'POST') return 'submit';
	if (path.split('?')[0] === `${basePath}/v1/get-user-credits`) return 'credits';
	return 'poll';
}

/** Every string (object keys too) with the key's text replaced, wherever it hides. */
function redactKey<T>(value: T, apiKey: string): T {
	if (!apiKey) return value;
	const scrub = (node: unknown): unknown => {
		if (typeof node === 'string') return node.split(apiKey).join(REDACTED);
		if (Array.isArray(node)) return node.map(scrub);
		if (typeof node === 'object' && node !== null) {
			return Object.fromEntries(
				Object.entries(node).map(([key, inner]) => [scrub(key) as string, scrub(inner)]),
			);
		}
		return node;
	};
	return scrub(value) as T;
}
