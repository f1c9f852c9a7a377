/**
 * Reading Segmind's answers. Segmind's documentation and its samples disagree on shapes (see
 * segmind-api.md), so every reader here accepts all of them. Pure functions: no I/O, no n8n.
 */
import { FALLBACK_POLL_PATH, NO_REASON_GIVEN } from '../constants';

export type JobState = 'pending' | 'completed' | 'failed';

export interface JobStatus {
	state: JobState;
	/** The status word as Segmind sent it, upper-cased ('' when absent). */
	status: string;
	/** True when the status word is none Segmind documents; polling goes on, the word is reported. */
	unknownStatus: boolean;
	imageUrl?: string;
	failureReason?: string;
	/** Names of the outputs seen on a finished job, for messages when the image is missing. */
	outputNames: string[];
}

export interface SubmitAnswer {
	requestId?: string;
	pollUrl?: string;
	/** The job as the submit answer describes it (usually QUEUED, sometimes already COMPLETED). */
	job: JobStatus;
}

const PENDING = new Set(['QUEUED', 'PROCESSING', 'PENDING', 'IN_QUEUE', 'IN_PROGRESS', 'RUNNING', 'STARTING']);
const SUCCEEDED = new Set(['COMPLETED', 'SUCCEEDED', 'SUCCESS']);
const FAILED = new Set(['FAILED', 'CANCELLED', 'CANCELED', 'ERROR']);

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const isHttpUrl = (value: unknown): value is string =>
	typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim());

/** Segmind's bodies are JSON, but a proxy or an outage can answer with text or HTML. */
export function parseJsonBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (typeof body !== 'string') return body === undefined ? { ok: false } : { ok: true, value: body };
	const text = body.trim();
	if (text === '') return { ok: false };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/** The first http(s) URL in a value that may be a URL, a list of URLs or a `{data, type}` box. */
function urlIn(value: unknown): string | undefined {
	if (isHttpUrl(value)) return value.trim();
	if (Array.isArray(value)) {
		for (const entry of value) {
			const url = urlIn(entry);
			if (url) return url;
		}
		return undefined;
	}
	if (isObject(value)) return urlIn(value.data ?? value.url ?? value.value);
	return undefined;
}

/** Turns every known form of `output` into name → value pairs. */
function namedOutputs(output: unknown): Array<[string, unknown]> {
	let parsed = output;
	if (typeof output === 'string') {
		if (isHttpUrl(output)) return [['', output]];
		const json = parseJsonBody(output);
		if (!json.ok) return [];
		parsed = json.value;
	}
	if (Array.isArray(parsed)) {
		return parsed.flatMap((entry): Array<[string, unknown]> => {
			if (isObject(entry) && typeof entry.keyname === 'string') return [[entry.keyname, entry.value]];
			return isHttpUrl(entry) ? [['', entry]] : [];
		});
	}
	if (isObject(parsed)) return Object.entries(parsed);
	return [];
}

/**
 * The image URL of a finished job, from any of the three documented shapes: `output` as a JSON
 * string of `{keyname, value}` entries, `output` already parsed (list or object), or the flat
 * `{image_output: url}`. The output named `outputKey` wins; failing that, a single URL among the
 * outputs is taken (a workflow may name its output differently), but never a guess between two.
 */
export function parseWorkflowOutput(
	body: Json,
	outputKey: string,
): { imageUrl?: string; outputNames: string[] } {
	const wanted = outputKey.toLowerCase();
	const pairs: Array<[string, unknown]> = [
		...Object.entries(body).filter(([name]) => name.toLowerCase() === wanted),
		...namedOutputs(body.output),
	];
	const outputNames = [...new Set(pairs.map(([name]) => name).filter((name) => name !== ''))];

	for (const [name, value] of pairs) {
		if (name.toLowerCase() === wanted) {
			const url = urlIn(value);
			if (url) return { imageUrl: url, outputNames };
		}
	}
	const urls = [...new Set(pairs.map(([, value]) => urlIn(value)).filter(isHttpUrl))];
	return urls.length === 1 ? { imageUrl: urls[0], outputNames } : { outputNames };
}

/** Segmind's own words on why a job failed, whatever shape they came in. */
export function readFailureReason(body: unknown): string {
	if (!isObject(body)) return typeof body === 'string' && body.trim() ? body.trim() : NO_REASON_GIVEN;
	for (const key of ['error_message', 'error', 'message', 'detail', 'details']) {
		const words = wordsIn(body[key]);
		if (words) return words;
	}
	return NO_REASON_GIVEN;
}

function wordsIn(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) {
		return value
			.map((entry) => {
				if (!isObject(entry)) return wordsIn(entry);
				const words = wordsIn(entry.error ?? entry.message ?? entry.details ?? entry.msg);
				const model = typeof entry.model === 'string' ? entry.model : '';
				return model && words ? `${model}: ${words}` : words;
			})
			.filter(Boolean)
			.join('; ');
	}
	if (isObject(value)) {
		const head = wordsIn(value.error ?? value.message ?? value.msg);
		const details = wordsIn(value.details ?? value.detail);
		if (head && details && head !== details) return `${head}: ${details}`;
		return head || details || (Object.keys(value).length ? JSON.stringify(value) : '');
	}
	return '';
}

/** Reads a job description from a submit or poll answer. */
export function parseJobStatus(body: Json, outputKey: string): JobStatus {
	const status = typeof body.status === 'string' ? body.status.trim().toUpperCase() : '';
	const { imageUrl, outputNames } = parseWorkflowOutput(body, outputKey);
	if (FAILED.has(status)) {
		return { state: 'failed', status, unknownStatus: false, failureReason: readFailureReason(body), outputNames };
	}
	if (SUCCEEDED.has(status)) {
		return { state: 'completed', status, unknownStatus: false, imageUrl, outputNames };
	}
	// The flat documented answer `{image_output: url}` may come without any status word.
	if (status === '' && imageUrl) {
		return { state: 'completed', status: 'COMPLETED', unknownStatus: false, imageUrl, outputNames };
	}
	return { state: 'pending', status, unknownStatus: !PENDING.has(status), outputNames };
}

const REQUEST_ID_KEYS = ['request_id', 'requestId', 'id'];

export function parseSubmitAnswer(body: Json, outputKey: string): SubmitAnswer {
	const requestId = REQUEST_ID_KEYS.map((key) => body[key]).find(
		(value): value is string => typeof value === 'string' && value.trim() !== '',
	);
	const pollUrl = typeof body.poll_url === 'string' && body.poll_url.trim() ? body.poll_url.trim() : undefined;
	const job = parseJobStatus(body, outputKey);
	return {
		requestId: requestId?.trim() ?? (pollUrl ? requestIdFromPollUrl(pollUrl) : undefined),
		pollUrl,
		job: job.status === '' && job.state === 'pending' ? { ...job, status: 'QUEUED', unknownStatus: false } : job,
	};
}

/** The last path segment of a poll URL is the request ID in every form Segmind hands out. */
export function requestIdFromPollUrl(pollUrl: string): string | undefined {
	const path = pollUrl.split(/[?#]/)[0].replace(/\/+$/, '');
	const last = path.slice(path.lastIndexOf('/') + 1);
	return last && last !== '<request_id>' ? decodeURIComponent(last) : undefined;
}

export const trimBaseUrl = (baseUrl: string) => baseUrl.trim().replace(/\/+$/, '');

/**
 * The URL to poll. Segmind's poll URLs come absolute, relative, or with the documentation's
 * literal `<base_url>` placeholder; a missing or unusable one falls back to the documented path.
 */
export function resolvePollUrl(pollUrl: string | undefined, baseUrl: string, requestId: string): string {
	const base = trimBaseUrl(baseUrl);
	const fallback = `${base}${FALLBACK_POLL_PATH}${encodeURIComponent(requestId)}`;
	if (!pollUrl) return fallback;
	const placeholder = /^<base_url>/i;
	if (placeholder.test(pollUrl)) return `${base}/${pollUrl.replace(placeholder, '').replace(/^\/+/, '')}`;
	if (/^https?:\/\//i.test(pollUrl)) return pollUrl;
	if (/^[a-z][a-z0-9+.-]*:/i.test(pollUrl) || pollUrl.startsWith('//')) return fallback;
	return `${base}/${pollUrl.replace(/^\/+/, '')}`;
}

/**
 * The balance from an `x-remaining-credits` header. A repeated header counts by its last value;
 * anything that is not a finite number is ignored (null) so it cannot overwrite a good reading.
 */
export function parseCreditsHeader(value: unknown): number | null {
	const raw = Array.isArray(value) ? value[value.length - 1] : value;
	if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
	if (typeof raw !== 'string' || raw.trim() === '') return null;
	const last = raw.split(',').pop()!.trim();
	const credits = Number(last);
	return Number.isFinite(credits) ? credits : null;
}

/** `GET /v1/get-user-credits` answers `{credits, "free-credits"}`; numbers may come as text. */
export function parseCreditsBody(body: Json): { credits: number | null; freeCredits: number | null } {
	const num = (value: unknown) => parseCreditsHeader(typeof value === 'number' ? String(value) : value);
	return { credits: num(body.credits), freeCredits: num(body['free-credits'] ?? body.free_credits) };
}
