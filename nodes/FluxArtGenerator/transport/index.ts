/**
 * The one module that talks HTTP, to Segmind's API and to its image host, through n8n's request
 * helpers (the user's proxy and TLS settings apply), with one retry loop for both. The API key
 * goes to the credential's own origin only: redirects are followed by hand, checked at every hop.
 */
import { ManualExecutionCancelledError } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, CREDITS_HEADER, DEFAULT_BASE_URL, MESSAGES } from '../constants';
import type { Clock } from '../polling/clock';
import { SegmindError } from '../segmind/errors';
import type { JobReference } from '../segmind/errors';
import { imageTypeOf } from '../segmind/image-type';
import { isObject, parseJsonBody, readCredits } from '../segmind/responses';
import { callFailure, rateLimitOutlasted, unreadableAnswer } from './failures';
import { bodyText, isOutcome, isRetryable, networkCode } from './outcome';
import type { CallKind, CallOutcome } from './outcome';
import { RatePacer } from './pacer';
import type { Ticket } from './pacer';
import { readRateLimit } from './rate-limit';
import { MAX_ATTEMPTS, retryDelay, serverWaitMs } from './retry';

interface Call {
	kind: CallKind;
	url: string;
	/** What is known of the job, so every error names it. */
	job: JobReference;
	/** Retries stop here (on the clock): the item's own timeout. */
	deadline: number;
	/** The longest one attempt may take (the item's whole wait is `deadline`). */
	attemptTimeoutMs: number;
}

export interface ApiCall extends Call {
	kind: 'submit' | 'poll' | 'credits';
	method: IHttpRequestMethods;
	body?: IDataObject;
	/** Error statuses that are an answer for this call (a 404 the caller knows what to do with). */
	answers?: number[];
}

/** `fileStem`: the name the file gets, without its extension (taken from the bytes). */
type ImageCall = Call & { kind: 'image'; fileStem: string };

export interface SegmindReply {
	status: number;
	body: Record<string, unknown>;
	/** The balance this answer carried (header or body), or null when it carried none. */
	credits: number | null;
}

/** Node's readable stream, named through n8n's types: node code may not import `stream`. */
type ByteStream = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

const MAX_REDIRECTS = 3;
/** Segmind's own API origin, which its answers name even when the Base URL is a proxy. */
const SEGMIND_ORIGIN = new URL(DEFAULT_BASE_URL).origin;
/** Enough bytes to recognise PNG, JPEG, WebP and GIF by their signatures. */
const SIGNATURE_BYTES = 16;

export class SegmindTransport {
	private readonly origin = new URL(this.options.baseUrl).origin;
	/** Every API request of the run waits its turn here: Segmind's rate limit, shared by all items. */
	readonly pacer = new RatePacer(this.options.clock, {
		cap: this.options.perMinute,
		storedLimit: this.options.storedLimit,
	});

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly options: {
			baseUrl: string;
			clock: Clock;
			/** Max Requests per Minute, shared by every item (0: no limit). */
			perMinute: number;
			/** The requests per minute an earlier execution learned for this Base URL. */
			storedLimit?: number;
			signal?: AbortSignal;
		},
	) {}

	/** One call to Segmind's API, retried by the rules of retry.ts; throws SegmindError. */
	async call(call: ApiCall): Promise<SegmindReply> {
		return await this.withRetries(call, async (ticket) => await this.attemptApi(call, ticket));
	}

	/** The finished image, downloaded into n8n's binary data (never with the key). */
	async download(call: ImageCall): Promise<IBinaryData> {
		return await this.withRetries(call, async () => await this.attemptImage(call));
	}

	private async withRetries<T>(
		call: Call,
		attempt: (ticket?: Ticket) => Promise<T | CallOutcome>,
	): Promise<T> {
		const { clock } = this.options;
		// The rate limit is Segmind's API's; the image host has its own.
		const api = call.kind !== 'image';
		for (let attempts = 0; ; ) {
			let ticket: Ticket | undefined;
			if (api) {
				ticket = await this.pacer.take(call.kind === 'submit' ? 'submit' : 'poll', call.deadline);
				if (!ticket) throw rateLimitOutlasted(call.kind, call.job);
			}
			const outcome = await attempt(ticket);
			if (!isOutcome(outcome)) return outcome;
			// A 429 is Segmind saying "not now", not a fault: the pacer holds every item until the limit
			// resets, and the call goes again then, for as long as its deadline allows.
			if (api && outcome.kind === 'http' && outcome.status === 429) continue;

			const retryAfterMs = outcome.kind === 'http' ? outcome.retryAfterMs : undefined;
			const delay = retryDelay(attempts, Math.random(), retryAfterMs);
			const canRetry =
				isRetryable(call.kind, outcome) &&
				++attempts < MAX_ATTEMPTS[call.kind] &&
				clock.now() + delay < call.deadline;
			if (!canRetry) throw callFailure(call.kind, outcome, call.job);
			await clock.sleep(delay);
		}
	}

	private async attemptApi(call: ApiCall, ticket?: Ticket): Promise<SegmindReply | CallOutcome> {
		const response = await this.send(call, ticket, {
			method: call.method,
			body: call.body,
			json: false,
			encoding: 'text',
			headers: {
				accept: 'application/json',
				...(call.body && { 'content-type': 'application/json' }),
			},
		});
		if (isOutcome(response)) return response;
		const json = parseJsonBody(response.body);
		const body = json.ok && isObject(json.value) ? json.value : undefined;
		const { statusCode } = response;
		// A FAILED job may be reported with HTTP 422 instead of 200: it is an answer, not an error.
		const isJobAnswer =
			call.kind === 'poll' && statusCode === 422 && typeof body?.status === 'string';
		const credits = () => readCredits(response.headers[CREDITS_HEADER], body);
		if (call.answers?.includes(statusCode))
			return { status: statusCode, body: body ?? {}, credits: credits() };
		if ((statusCode >= 200 && statusCode < 300) || isJobAnswer) {
			if (body) return { status: statusCode, body, credits: credits() };
			// A poll answered with a garbage page may be a passing proxy fault: retry it like a 502.
			if (call.kind !== 'submit')
				return { kind: 'http', status: 502, body: bodyText(response.body) };
			// A submit answered 200 with no readable job may still have made one: never repeat it.
			const hint = `${MESSAGES.unreadableHint} ${MESSAGES.noRequestIdHint}`;
			throw unreadableAnswer(call.kind, response.body, call.job, hint);
		}
		return httpOutcome(response, bodyText(response.body));
	}

	private async attemptImage(call: ImageCall): Promise<IBinaryData | CallOutcome> {
		const response = await this.send(call, undefined, { method: 'GET', encoding: 'stream' });
		if (isOutcome(response)) return response;
		const body = response.body as ByteStream;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			body.destroy();
			return httpOutcome(response, '');
		}
		try {
			const head = await peek(body, SIGNATURE_BYTES);
			if (head.length === 0) return { kind: 'http', status: 502, body: 'empty image body' };
			const type = imageTypeOf(head, String(response.headers['content-type'] ?? ''), call.url);
			const source = head.length < SIGNATURE_BYTES ? head : body;
			const fileName = `${call.fileStem}.${type.extension}`;
			const binary = await this.ctx.helpers.prepareBinaryData(source, fileName, type.mimeType);
			return { ...binary, fileName, fileExtension: type.extension, mimeType: type.mimeType };
		} catch (error) {
			body.destroy();
			return this.networkOutcome(error);
		}
	}

	/**
	 * One request, its redirects followed by hand: the key goes only to the API's own origin, and a
	 * submit is never sent again but for a 307 or 308 to that origin (the first was not processed).
	 */
	private async send(
		call: Call,
		/** The pacer's grant of an API call: told of the answer, or that none came. */
		ticket: Ticket | undefined,
		request: Omit<IHttpRequestOptions, 'url'>,
	): Promise<IN8nHttpFullResponse | CallOutcome> {
		const api = call.kind !== 'image';
		let url = api ? this.throughBase(call.url) : call.url;
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
					timeout: call.attemptTimeoutMs,
					abortSignal: this.options.signal,
				};
				const toApi = api && URL.canParse(url) && new URL(url).origin === this.origin;
				const response = (await (toApi
					? this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, options)
					: this.ctx.helpers.httpRequest(options))) as IN8nHttpFullResponse;
				const { location } = response.headers;
				const redirect = response.statusCode >= 300 && response.statusCode < 400;
				if (!redirect || typeof location !== 'string' || hop >= MAX_REDIRECTS) {
					if (ticket) this.reportAnswer(ticket, response);
					return response;
				}
				const next = new URL(location, url).toString();
				if (request.method !== 'GET' && !this.mayRepeat(response.statusCode, next)) return response;
				(response.body as Partial<ByteStream> | undefined)?.destroy?.();
				url = api ? this.throughBase(next) : next;
			}
		} catch (error) {
			if (ticket) this.pacer.answered(ticket);
			return this.networkOutcome(error);
		}
	}

	/** What the pacer learns from an answer: its status and Segmind's rate-limit headers. */
	private reportAnswer(ticket: Ticket, { statusCode, headers }: IN8nHttpFullResponse): void {
		this.pacer.answered(ticket, {
			status: statusCode,
			reading: readRateLimit(headers, Date.now()),
		});
	}

	/**
	 * Segmind's answers name its own origin (poll URLs, redirects) even when the Base URL is a proxy
	 * or gateway: such a URL goes through the Base URL, path prefix kept, and so gets the key.
	 */
	private throughBase(url: string): string {
		if (this.origin === SEGMIND_ORIGIN || !URL.canParse(url)) return url;
		const target = new URL(url);
		if (target.origin !== SEGMIND_ORIGIN) return url;
		return `${this.options.baseUrl}${target.pathname}${target.search}`;
	}

	/** A 307/308 keeps method and body and means the request was not processed: safe on our origin. */
	private mayRepeat(status: number, location: string): boolean {
		const next = this.throughBase(location);
		return (status === 307 || status === 308) && new URL(next).origin === this.origin;
	}

	/** A request aborted by the user's stop ends the run; anything else is a network outcome. */
	private networkOutcome(error: unknown): CallOutcome {
		if (this.options.signal?.aborted) throw new ManualExecutionCancelledError('');
		if (error instanceof SegmindError) throw error;
		return { kind: 'network', code: networkCode(error) };
	}
}

function httpOutcome(response: IN8nHttpFullResponse, body: string): CallOutcome {
	const { location } = response.headers;
	return {
		kind: 'http',
		status: response.statusCode,
		body,
		retryAfterMs: serverWaitMs(response.headers, Date.now()),
		...(typeof location === 'string' && { location }),
	};
}

/** The stream's first `size` bytes, put back in front of it; fewer only when they are all of it. */
async function peek(stream: ByteStream, size: number): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const settle = (head: Buffer | undefined, error?: Error) => {
			stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
			return head ? resolve(head) : reject(error);
		};
		// read(size) gives nothing until `size` bytes are in, or the rest once the stream has ended.
		const onReadable = () => {
			const head: Buffer | null = stream.read(size);
			if (head?.length === size) stream.unshift(head);
			if (head) settle(head);
		};
		const onEnd = () => settle(Buffer.alloc(0));
		const onError = (error: Error) => settle(undefined, error);
		stream.on('readable', onReadable).on('end', onEnd).on('error', onError);
	});
}
