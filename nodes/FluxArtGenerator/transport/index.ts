/**
 * The one module that talks HTTP: to Segmind's API (authentication, the credits header) and to
 * the image host (the finished image, streamed into n8n's binary data). One retry loop serves
 * both, with the shared 429 pause, the request budget and the rule that a submit is repeated only
 * when Segmind provably did not take it. The API key goes to the credential's own origin only:
 * redirects are followed by hand so the origin is checked at every hop. Everything goes through
 * n8n's request helpers, so the user's proxy and TLS settings apply.
 */
import { ManualExecutionCancelledError } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, CREDITS_HEADER, MESSAGES } from '../constants';
import { bodyText, callFailure, SegmindError, unreadableAnswer } from '../helpers/errors';
import type { CallKind, CallOutcome, JobReference } from '../helpers/errors';
import { imageTypeOf } from '../helpers/image-type';
import type { Clock } from '../helpers/polling';
import { isObject, parseCreditsHeader, parseJsonBody } from '../helpers/responses';
import { SharedBackoff } from './backoff';
import { RequestBudget } from './budget';
import { isRetryable, MAX_ATTEMPTS, retryDelay, serverWaitMs } from './retry';

interface Call {
	kind: CallKind;
	url: string;
	/** What is known of the job, so every error names it. */
	job: JobReference;
	/** Retries stop here (on the clock): the item's own timeout. */
	deadline: number;
	/** The longest one attempt may take. */
	timeoutMs: number;
}

export interface ApiCall extends Call {
	kind: 'submit' | 'poll' | 'credits';
	method: IHttpRequestMethods;
	body?: IDataObject;
}

export interface ImageCall extends Call {
	kind: 'image';
	/** The name the file gets, without its extension (taken from the bytes). */
	fileStem: string;
}

export interface SegmindReply {
	body: Record<string, unknown>;
	/** The `x-remaining-credits` reading of this answer, or null when it carried none. */
	credits: number | null;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The part of a Node.js readable stream the download uses (no `stream` import in node code). */
interface ByteStream {
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy(): unknown;
}

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const MAX_REDIRECTS = 3;
/** Enough bytes to recognise PNG, JPEG, WebP and GIF by their signatures. */
const SIGNATURE_BYTES = 16;

export class SegmindTransport {
	private readonly origin = new URL(this.options.baseUrl).origin;
	private readonly backoff = new SharedBackoff(this.options.clock);
	private readonly budget =
		this.options.perMinute > 0
			? new RequestBudget(this.options.perMinute, this.options.clock)
			: undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly options: {
			baseUrl: string;
			clock: Clock;
			/** Max Requests per Minute, shared by every item (0: no limit). */
			perMinute: number;
			signal?: AbortSignal;
		},
	) {}

	/** One call to Segmind's API, retried by the rules of retry.ts; throws SegmindError. */
	async call(call: ApiCall): Promise<SegmindReply> {
		return await this.withRetries(call, async () => await this.attemptApi(call));
	}

	/** The finished image, downloaded into n8n's binary data (never with the key). */
	async download(call: ImageCall): Promise<IBinaryData> {
		return await this.withRetries(call, async () => await this.attemptImage(call));
	}

	private async withRetries<T>(call: Call, attempt: () => Promise<T | CallOutcome>): Promise<T> {
		const { backoff, budget } = this;
		const { clock } = this.options;
		// The shared pause and the budget are Segmind's API limits; the image host has its own.
		const api = call.kind !== 'image';
		for (let attempts = 0; ; attempts++) {
			if (api) {
				await backoff.wait();
				await budget?.take(call.kind === 'submit' ? 'submit' : 'poll');
			}
			const outcome = await attempt();
			if (!isOutcome(outcome)) return outcome;

			const retryAfterMs = outcome.kind === 'http' ? outcome.retryAfterMs : undefined;
			const delay = retryDelay(attempts, Math.random(), retryAfterMs);
			if (api && outcome.kind === 'http' && outcome.status === 429) {
				backoff.pauseFor(delay);
				budget?.shrink();
			}
			const canRetry =
				isRetryable(call.kind, outcome) &&
				attempts + 1 < MAX_ATTEMPTS[call.kind] &&
				clock.now() + delay < call.deadline;
			if (!canRetry) throw callFailure(call.kind, outcome, call.job);
			await clock.sleep(delay);
		}
	}

	private async attemptApi(call: ApiCall): Promise<SegmindReply | CallOutcome> {
		const response = await this.send(call, {
			method: call.method,
			body: call.body,
			json: false,
			encoding: 'text',
			headers: call.body
				? { 'content-type': 'application/json', accept: 'application/json' }
				: { accept: 'application/json' },
		});
		if (isOutcome(response)) return response;
		const json = parseJsonBody(response.body);
		const body = json.ok && isObject(json.value) ? json.value : undefined;
		const { statusCode } = response;
		// A FAILED job may be reported with HTTP 422 instead of 200: it is an answer, not an error.
		const isJobAnswer =
			call.kind === 'poll' && statusCode === 422 && typeof body?.status === 'string';
		if ((statusCode >= 200 && statusCode < 300) || isJobAnswer) {
			if (body) return { body, credits: parseCreditsHeader(response.headers[CREDITS_HEADER]) };
			// A poll answered with a garbage page may be a passing proxy fault: retry it like a 502.
			if (call.kind !== 'submit')
				return { kind: 'http', status: 502, body: bodyText(response.body) };
			// A submit answered 200 with no readable job may still have made one: never repeat it.
			throw unreadableAnswer(
				call.kind,
				response.body,
				call.job,
				`${MESSAGES.unreadableHint} ${MESSAGES.noRequestIdHint}`,
			);
		}
		return httpOutcome(response, bodyText(response.body));
	}

	private async attemptImage(call: ImageCall): Promise<IBinaryData | CallOutcome> {
		const response = await this.send(call, { method: 'GET', encoding: 'stream' });
		if (isOutcome(response)) return response;
		const body = response.body as ByteStream;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			body.destroy();
			return httpOutcome(response, '');
		}
		try {
			const head = await peek(body, SIGNATURE_BYTES);
			if (head.bytes.length === 0) return { kind: 'http', status: 502, body: 'empty image body' };
			const contentType = String(response.headers['content-type'] ?? '');
			const type = imageTypeOf(head.bytes, contentType, call.url);
			const source = (head.ended ? head.bytes : body) as unknown as BinaryInput;
			const fileName = `${call.fileStem}.${type.extension}`;
			const binary = await this.ctx.helpers.prepareBinaryData(source, fileName, type.mimeType);
			return { ...binary, fileName, fileExtension: type.extension, mimeType: type.mimeType };
		} catch (error) {
			body.destroy();
			return this.networkOutcome(error);
		}
	}

	/**
	 * Sends one request, following redirects by hand: the key is attached only on the API's own
	 * origin, so a poll URL or a redirect that leads elsewhere is followed without it.
	 */
	private async send(
		call: Call,
		request: Omit<IHttpRequestOptions, 'url'>,
	): Promise<RawResponse | CallOutcome> {
		let url = call.url;
		try {
			for (let hop = 0; ; hop++) {
				const options: IHttpRequestOptions = {
					...request,
					// A fresh copy each hop: n8n's authentication writes the key into the headers it is given.
					headers: { ...request.headers },
					url,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					timeout: call.timeoutMs,
				};
				const apiOrigin = URL.canParse(url) && new URL(url).origin === this.origin;
				const response = (await (call.kind !== 'image' && apiOrigin
					? this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, options)
					: this.ctx.helpers.httpRequest({
							...options,
							abortSignal: this.options.signal,
						}))) as RawResponse;
				const { location } = response.headers;
				const redirect = response.statusCode >= 300 && response.statusCode < 400;
				if (!redirect || typeof location !== 'string' || hop >= MAX_REDIRECTS) return response;
				(response.body as Partial<ByteStream> | undefined)?.destroy?.();
				url = new URL(location, url).toString();
			}
		} catch (error) {
			return this.networkOutcome(error);
		}
	}

	/** A request aborted by the user's stop ends the run; anything else is a network outcome. */
	private networkOutcome(error: unknown): CallOutcome {
		if (this.options.signal?.aborted) throw new ManualExecutionCancelledError('');
		if (error instanceof SegmindError) throw error;
		return { kind: 'network', code: networkCode(error) };
	}
}

const isOutcome = (value: unknown): value is CallOutcome =>
	isObject(value) && (value.kind === 'http' || value.kind === 'network');

function httpOutcome(response: RawResponse, body: string): CallOutcome {
	return {
		kind: 'http',
		status: response.statusCode,
		body,
		retryAfterMs: serverWaitMs(response.headers, Date.now()),
	};
}

/**
 * The socket-level reason of a failed request. n8n's wrapper (NodeApiError) keeps it in
 * `httpCode` and the original texts in `messages`, not in `cause`; a bare axios error has `code`.
 */
function networkCode(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		const { code, httpCode, message, messages, cause } = current as Record<string, unknown>;
		for (const candidate of [code, httpCode]) {
			if (typeof candidate === 'string' && /^(E[A-Z_]+|UND_ERR\w*)$/.test(candidate))
				return candidate;
		}
		const texts = [message, ...(Array.isArray(messages) ? messages : [])].map(String);
		if (texts.some((text) => /socket hang up/i.test(text))) return 'ECONNRESET';
		if (texts.some((text) => /timeout/i.test(text))) return 'ETIMEDOUT';
		current = cause;
	}
	return 'UNKNOWN_NETWORK_ERROR';
}

/**
 * Reads at least `size` bytes (or the whole body, if shorter) and puts them back in front of the
 * stream, so the stream can still be handed on whole.
 */
async function peek(stream: ByteStream, size: number): Promise<{ bytes: Buffer; ended: boolean }> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const stop = () => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const finish = (ended: boolean) => {
			stop();
			const bytes = Buffer.concat(chunks);
			if (!ended) stream.unshift(bytes);
			resolve({ bytes, ended });
		};
		const onReadable = () => {
			for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) {
				chunks.push(chunk);
				length += chunk.length;
				if (length >= size) return finish(false);
			}
		};
		const onEnd = () => finish(true);
		const onError = (error: unknown) => {
			stop();
			reject(error);
		};
		stream.on('readable', onReadable);
		stream.on('end', onEnd);
		stream.on('error', onError);
	});
}
