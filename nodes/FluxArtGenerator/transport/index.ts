/**
 * The one module that talks HTTP to Segmind: authentication, the origin check that keeps the API
 * key on the API's origin, the credits header, per-call timeouts, retries and the shared 429
 * pause. Everything goes through n8n's own request helpers, so the user's proxy and TLS settings
 * apply.
 */
import { ManualExecutionCancelledError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, CREDITS_HEADER, ERROR_CODES, MESSAGES, networkWords } from '../constants';
import { describeHttpFailure, SegmindError } from '../helpers/errors';
import type { JobReference } from '../helpers/errors';
import type { Clock } from '../helpers/polling';
import { isObject, parseCreditsHeader, parseJsonBody } from '../helpers/responses';
import type { SharedBackoff } from './backoff';
import type { RequestBudget } from './budget';
import { isNetworkCodeNotSent, isRetryable, MAX_ATTEMPTS, serverWaitMs, retryDelay } from './retry';
import type { CallKind, CallOutcome } from './retry';

export interface SegmindCall {
	kind: Exclude<CallKind, 'image'>;
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	/** What is known of the job, so every error names it. */
	job: JobReference;
	/** Retries stop here (on `clock`): the item's own timeout. */
	deadline: number;
	/** The longest one attempt may take; the transport's default when absent. */
	timeoutMs?: number;
}

export interface SegmindReply {
	status: number;
	body: Record<string, unknown>;
	/** The `x-remaining-credits` reading of this answer, or null when it carried none. */
	credits: number | null;
}

export interface TransportOptions {
	baseUrl: string;
	requestTimeoutMs: number;
	clock: Clock;
	backoff: SharedBackoff;
	/** Max Requests per Minute, shared by every item; absent when unlimited. */
	budget?: RequestBudget;
	signal?: AbortSignal;
	random?: () => number;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

const MAX_REDIRECTS = 3;

export class SegmindTransport {
	readonly origin: string;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly options: TransportOptions,
	) {
		this.origin = new URL(options.baseUrl).origin;
	}

	/** Makes one logical call, retrying by the rules of retry.ts; throws SegmindError. */
	async call(call: SegmindCall): Promise<SegmindReply> {
		const { clock, backoff } = this.options;
		const random = this.options.random ?? Math.random;
		const { budget } = this.options;
		for (let attempt = 0; ; attempt++) {
			await backoff.wait();
			await budget?.take(call.kind === 'submit' ? 'submit' : 'poll');
			const outcome = await this.attempt(call);
			if (!('kind' in outcome)) return outcome;

			const retryAfterMs = outcome.kind === 'http' ? outcome.retryAfterMs : undefined;
			const delay = retryDelay(attempt, random(), retryAfterMs);
			if (outcome.kind === 'http' && outcome.status === 429) {
				backoff.pauseFor(delay);
				budget?.shrink();
			}
			const canRetry =
				isRetryable(call.kind, outcome) &&
				attempt + 1 < MAX_ATTEMPTS[call.kind] &&
				clock.now() + delay < call.deadline;
			if (!canRetry) throw this.failure(call, outcome);
			await clock.sleep(delay);
		}
	}

	private async attempt(call: SegmindCall): Promise<SegmindReply | CallOutcome> {
		const timeoutMs = call.timeoutMs ?? this.options.requestTimeoutMs;
		const response = await this.send(call.method, call.url, call.body, timeoutMs).catch(
			(error: unknown) => ({ error }),
		);
		if ('error' in response) {
			// A request aborted by the user's stop ends the run; anything else is a network outcome.
			if (this.options.signal?.aborted) throw new ManualExecutionCancelledError('');
			return { kind: 'network', code: networkCode(response.error) };
		}
		const credits = parseCreditsHeader(response.headers[CREDITS_HEADER]);
		const json = parseJsonBody(response.body);
		const body = json.ok && isObject(json.value) ? json.value : undefined;
		const { statusCode } = response;

		// A FAILED job may be reported with HTTP 422 instead of 200: it is an answer, not an error.
		const isJobAnswer =
			call.kind === 'poll' && statusCode === 422 && typeof body?.status === 'string';
		if ((statusCode >= 200 && statusCode < 300) || isJobAnswer) {
			if (body) return { status: statusCode, body, credits };
			return this.unreadable(call, response.body);
		}
		return {
			kind: 'http',
			status: statusCode,
			body: bodyText(response.body),
			retryAfterMs: serverWaitMs(response.headers, Date.now()),
		};
	}

	/**
	 * Sends one request. The key is attached only to the credential's own origin; a poll URL or a
	 * redirect that leads elsewhere is followed without it. Redirects are followed by hand so the
	 * origin is checked at every hop.
	 */
	private async send(
		method: IHttpRequestMethods,
		url: string,
		body: IDataObject | undefined,
		timeoutMs: number,
	): Promise<RawResponse> {
		let target = url;
		for (let hop = 0; ; hop++) {
			const request: IHttpRequestOptions = {
				method,
				url: target,
				body,
				json: false,
				encoding: 'text',
				headers: body
					? { 'content-type': 'application/json', accept: 'application/json' }
					: { accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: timeoutMs,
			};
			const response = (await (this.isApiOrigin(target)
				? this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, request)
				: this.ctx.helpers.httpRequest({
						...request,
						abortSignal: this.options.signal,
					}))) as RawResponse;
			const location = response.headers.location;
			if (
				response.statusCode < 300 ||
				response.statusCode >= 400 ||
				typeof location !== 'string' ||
				hop >= MAX_REDIRECTS
			) {
				return response;
			}
			target = new URL(location, target).toString();
		}
	}

	isApiOrigin(url: string): boolean {
		try {
			return new URL(url).origin === this.origin;
		} catch {
			return false;
		}
	}

	private unreadable(call: SegmindCall, raw: unknown): CallOutcome {
		// A poll answered with a garbage page may be a passing proxy fault: retry it like a 502.
		if (call.kind !== 'submit') return { kind: 'http', status: 502, body: bodyText(raw) };
		// A submit answered 200 with no readable job may still have made one: never repeat it.
		throw new SegmindError(
			ERROR_CODES.invalidResponse,
			MESSAGES.unreadable(call.kind, excerpt(raw)),
			{
				...call.job,
				description: `${MESSAGES.unreadableHint} ${MESSAGES.noRequestIdHint}`,
			},
		);
	}

	private failure(call: SegmindCall, outcome: CallOutcome): SegmindError {
		if (outcome.kind === 'http') {
			const parsed = parseJsonBody(outcome.body);
			if (outcome.status === 502 && !parsed.ok && outcome.body && call.kind !== 'submit') {
				return new SegmindError(
					ERROR_CODES.invalidResponse,
					MESSAGES.unreadable(call.kind, excerpt(outcome.body)),
					{
						...call.job,
						description: MESSAGES.unreadableHint,
					},
				);
			}
			return describeHttpFailure(
				outcome.status,
				parsed.ok ? parsed.value : outcome.body,
				call.kind,
				call.job,
			);
		}
		if (call.kind === 'submit' && !isNetworkCodeNotSent(outcome.code)) {
			return new SegmindError(
				ERROR_CODES.network,
				MESSAGES.submitOutcomeUnknown(networkWords(outcome.code)),
				{
					...call.job,
					description: MESSAGES.submitOutcomeUnknownHint(outcome.code),
				},
			);
		}
		return new SegmindError(ERROR_CODES.network, MESSAGES.network(networkWords(outcome.code)), {
			...call.job,
			description: MESSAGES.networkHint(outcome.code),
		});
	}
}

/**
 * The socket-level reason of a failed request. n8n's wrapper (NodeApiError) keeps it in
 * `httpCode` and the original texts in `messages`, not in `cause`; a bare axios error has `code`.
 */
export function networkCode(error: unknown): string {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (isErrorLike(current) && !seen.has(current)) {
		seen.add(current);
		for (const code of [current.code, current.httpCode]) {
			if (typeof code === 'string' && /^(E[A-Z_]+|UND_ERR\w*)$/.test(code)) return code;
		}
		const texts = [
			current.message,
			...(Array.isArray(current.messages) ? current.messages : []),
		].map(String);
		if (texts.some((text) => /socket hang up/i.test(text))) return 'ECONNRESET';
		if (texts.some((text) => /timeout/i.test(text))) return 'ETIMEDOUT';
		current = current.cause;
	}
	return 'UNKNOWN_NETWORK_ERROR';
}

interface ErrorLike {
	code?: unknown;
	httpCode?: unknown;
	message?: unknown;
	messages?: unknown;
	cause?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
	return typeof value === 'object' && value !== null;
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return JSON.stringify(body);
}

function excerpt(body: unknown): string {
	const text = bodyText(body).replace(/\s+/g, ' ').trim();
	if (!text) return 'the body was empty';
	return text.length > 120 ? `"${text.slice(0, 120)}…"` : `"${text}"`;
}
