/**
 * Every way an item can fail: inside the node a SegmindError (code, message, what to do, the job);
 * at the item boundary n8n's error, or an error item's JSON under Continue On Fail.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { ERROR_CODES, MESSAGES, networkWords } from '../constants';
import type { ErrorCode } from '../constants';
import type { LedgerEntry } from './ledger';
import type { JobStatus } from './responses';
import { parseJsonBody, readFailureReason } from './responses';

export interface JobReference {
	requestId?: string;
	pollUrl?: string;
	workflowId?: string;
	/** Known once the job finished: a failed download must not lose it. */
	imageUrl?: string;
}

export class SegmindError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		/** httpStatus: set when the failure is Segmind's HTTP answer (n8n then gets a NodeApiError). */
		readonly details: JobReference & { description: string; httpStatus?: number },
	) {
		super(message);
		this.name = 'SegmindError';
	}

	/** The same failure, now also naming the job it belongs to (never drop a request ID). */
	withJob(job: JobReference): SegmindError {
		const known = Object.fromEntries(Object.entries(job).filter(([, value]) => value));
		return new SegmindError(this.code, this.message, { ...this.details, ...known });
	}
}

/** The error code, the message, and what to do. */
type Failure = [ErrorCode, string, string];

const failure = (job: JobReference, [code, message, description]: Failure, httpStatus?: number) =>
	new SegmindError(code, message, { ...job, description, httpStatus });

/** What one HTTP call ended with, when it did not end with an answer the caller can use. */
export type CallOutcome =
	| { kind: 'http'; status: number; body: string; retryAfterMs?: number; location?: string }
	| { kind: 'network'; code: string };

type HttpOutcome = Extract<CallOutcome, { kind: 'http' }>;

export type CallKind = 'submit' | 'poll' | 'credits' | 'image';

/** The error for a call that failed for good (after whatever retries were allowed). */
export function callFailure(call: CallKind, outcome: CallOutcome, job: JobReference): SegmindError {
	const fail = (code: ErrorCode, message: string, hint: string, httpStatus?: number) =>
		failure(job, [code, message, hint], httpStatus);
	if (call === 'image') {
		const hint = MESSAGES.imageHint(job.imageUrl ?? '');
		if (outcome.kind === 'network')
			return fail(ERROR_CODES.network, MESSAGES.imageNetwork(networkWords(outcome.code)), hint);
		const { status } = outcome;
		const gone = status === 404 || status === 410 || status === 403;
		const message = gone ? MESSAGES.imageGone(status) : MESSAGES.imageHttp(status);
		const code = { 403: ERROR_CODES.forbidden, 429: ERROR_CODES.rateLimited }[status];
		return fail(code ?? (gone ? ERROR_CODES.notFound : ERROR_CODES.server), message, hint, status);
	}
	if (outcome.kind === 'network') {
		const words = networkWords(outcome.code);
		// After a reset or a timeout nobody knows whether Segmind took the prompt: say so.
		if (call === 'submit' && !isNetworkCodeNotSent(outcome.code)) {
			const hint = MESSAGES.submitOutcomeUnknownHint(outcome.code);
			return fail(ERROR_CODES.network, MESSAGES.submitOutcomeUnknown(words), hint);
		}
		return fail(ERROR_CODES.network, MESSAGES.network(words), MESSAGES.networkHint(outcome.code));
	}
	const parsed = parseJsonBody(outcome.body);
	// A poll answered with an unreadable page (retried like a 502) that never cleared.
	if (outcome.status === 502 && !parsed.ok && outcome.body && call !== 'submit')
		return unreadableAnswer(call, outcome.body, job, MESSAGES.unreadableHint);
	const reason = readFailureReason(parsed.ok ? parsed.value : outcome.body);
	const [code, message, hint] = httpFailure(outcome, call, job, reason);
	return fail(code, message, `${hint} Segmind said: ${reason}`, outcome.status);
}

/** Segmind's answers that are not a success. */
function httpFailure(
	outcome: HttpOutcome,
	call: CallKind,
	job: JobReference,
	reason: string,
): Failure {
	const { status } = outcome;
	const workflow = job.workflowId ?? '?';
	if (call === 'poll') {
		const known = pollFailure(status, job.requestId ?? '');
		if (known) return known;
	}
	if (call === 'submit' && status >= 300 && status < 400) {
		const message = MESSAGES.submitRedirected(status, outcome.location ?? '');
		return [ERROR_CODES.invalidResponse, message, MESSAGES.submitRedirectedHint];
	}
	const credits: Failure = [ERROR_CODES.credits, MESSAGES.credits(status), MESSAGES.creditsHint];
	const notFound: Failure =
		call === 'credits'
			? [ERROR_CODES.notFound, MESSAGES.noCreditsEndpoint(status), MESSAGES.noCreditsEndpointHint]
			: [ERROR_CODES.notFound, MESSAGES.unknownWorkflow(workflow), MESSAGES.unknownWorkflowHint];
	const known: Record<number, Failure> = {
		401: [ERROR_CODES.auth, MESSAGES.auth(status), MESSAGES.authHint],
		402: credits,
		406: credits,
		403: [ERROR_CODES.forbidden, MESSAGES.forbidden(workflow), MESSAGES.forbiddenHint],
		404: notFound,
		410: [ERROR_CODES.retired, MESSAGES.retired(workflow), MESSAGES.retiredHint],
		422: [ERROR_CODES.invalidInput, MESSAGES.invalidInput(reason), MESSAGES.invalidInputHint],
		429: [ERROR_CODES.rateLimited, MESSAGES.rateLimited(status), MESSAGES.rateLimitedHint],
	};
	const message = status >= 500 ? MESSAGES.server(status) : MESSAGES.unexpectedStatus(status);
	return known[status] ?? [ERROR_CODES.server, message, MESSAGES.serverHint];
}

/**
 * A poll's refusals: the job was accepted and billed, so none of them may say "nothing was billed",
 * and each names the request (the error's context adds its poll URL).
 */
function pollFailure(status: number, requestId: string): Failure | undefined {
	const refused = MESSAGES.refusedOnPollHint;
	switch (status) {
		case 401:
			return [ERROR_CODES.auth, MESSAGES.authOnPoll(requestId, status), refused];
		case 402:
		case 406:
			return [ERROR_CODES.credits, MESSAGES.credits(status), refused];
		case 403:
			return [ERROR_CODES.forbidden, MESSAGES.forbiddenOnPoll(requestId), refused];
		case 404:
			return [
				ERROR_CODES.notFound,
				MESSAGES.unknownRequest(requestId),
				MESSAGES.unknownRequestHint,
			];
		case 410:
			return [ERROR_CODES.retired, MESSAGES.retiredOnPoll(requestId), refused];
		default:
			return undefined;
	}
}

/**
 * The item's deadline came while Segmind's rate limit held its call back: RATE_LIMITED, with the
 * job named when one was accepted.
 */
export function rateLimitOutlasted(call: CallKind, job: JobReference): SegmindError {
	const { requestId } = job;
	if (call === 'poll' && requestId) {
		const message = MESSAGES.rateLimitHeldPoll(requestId);
		return failure(job, [ERROR_CODES.rateLimited, message, MESSAGES.rateLimitHeldPollHint]);
	}
	const message = call === 'submit' ? MESSAGES.rateLimitHeldSubmit : MESSAGES.rateLimitHeld;
	return failure(job, [ERROR_CODES.rateLimited, message, MESSAGES.rateLimitHeldSubmitHint]);
}

/** Errors that happen before the request leaves this machine: nothing reached Segmind. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
export const isNetworkCodeNotSent = (code: string) => NOT_SENT.has(code);

/** An answer that is not the JSON Segmind documents. */
export function unreadableAnswer(call: CallKind, body: unknown, job: JobReference, hint: string) {
	const text = bodyText(body).replace(/\s+/g, ' ').trim();
	const shown = text.length > 120 ? `"${text.slice(0, 120)}…"` : `"${text}"`;
	const message = MESSAGES.unreadable(call, text ? shown : 'the body was empty');
	return failure(job, [ERROR_CODES.invalidResponse, message, hint]);
}

/** A job seen as done that gave no image: it failed, or its answer holds no image URL. */
export function finishedWithoutImage(job: JobStatus, reference: JobReference) {
	const { requestId = '' } = reference;
	if (job.state === 'failed') {
		const message = MESSAGES.jobFailed(requestId, job.failureReason ?? '');
		return failure(reference, [ERROR_CODES.failed, message, MESSAGES.jobFailedHint]);
	}
	const message = MESSAGES.noImage(requestId, job.outputNames.join(', ') || 'none');
	return failure(reference, [ERROR_CODES.invalidResponse, message, MESSAGES.noImageHint]);
}

/** The timeout passed first; the message names how to collect the job later. */
export function timedOut(reference: JobReference, timeoutMs: number, lastStatus: string) {
	const { requestId = '', pollUrl = '' } = reference;
	const message = MESSAGES.timeout(requestId, Math.round(timeoutMs / 1000), lastStatus || 'none');
	const hint = MESSAGES.timeoutHint(requestId, pollUrl);
	return failure(reference, [ERROR_CODES.timeout, message, hint]);
}

/**
 * The n8n error for one item: NodeApiError for Segmind's HTTP answers, NodeOperationError else.
 * An unexpected failure (not a SegmindError) after the submit still names the item's own job,
 * so it can be collected with Get Result. The API key is scrubbed from everything shown.
 */
export function itemError(
	node: INode,
	caught: unknown,
	itemIndex: number,
	secret: string,
	own: LedgerEntry | undefined,
): NodeApiError | NodeOperationError {
	if (caught instanceof SegmindError) return fromSegmindError(node, caught, itemIndex, secret);
	const isNodeError = caught instanceof NodeApiError || caught instanceof NodeOperationError;
	const cause = caught instanceof Error ? caught : String(caught);
	const error = isNodeError ? caught : new NodeOperationError(node, cause, { itemIndex });
	if (!own || error.context.request_id) return error;
	Object.assign(error.context, { request_id: own.request_id, poll_url: own.poll_url ?? null });
	error.description =
		`${error.description ?? ''}\n${MESSAGES.ownJob(own.request_id, own.poll_url ?? '')}`.trim();
	return error;
}

function fromSegmindError(node: INode, error: SegmindError, itemIndex: number, secret: string) {
	const { requestId, pollUrl, imageUrl, description, httpStatus } = error.details;
	const message = redact(error.message, secret);
	const jobHint =
		!requestId || description.includes(requestId)
			? ''
			: ` Segmind request ID: ${requestId}${pollUrl ? ` (poll URL ${pollUrl})` : ''}.`;
	const options = { message, description: redact(`${description}${jobHint}`, secret), itemIndex };
	const context = {
		code: error.code,
		request_id: requestId || null,
		poll_url: pollUrl || null,
		image_output: imageUrl || null,
	};
	const nodeError =
		httpStatus === undefined
			? new NodeOperationError(node, message, options)
			: new NodeApiError(node, { ...context, message } as JsonObject, {
					...options,
					httpCode: String(httpStatus),
				});
	Object.assign(nodeError.context, context);
	// n8n swaps a message naming a socket code for its generic advice (see NETWORK_WORDS): keep ours.
	nodeError.message = message;
	return nodeError;
}

/** n8n drops the node's whole output with this error: name every job already paid for. */
export function withOtherJobs(error: NodeApiError | NodeOperationError, others: LedgerEntry[]) {
	if (others.length === 0) return error;
	error.context.other_jobs = others.map((entry) => ({ ...entry }));
	const list = others
		.map(({ item, request_id, poll_url, image_output }) =>
			image_output
				? `item ${item}: request ${request_id}, image ${image_output}`
				: `item ${item}: request ${request_id}, not finished (poll ${poll_url ?? 'unknown'})`,
		)
		.join('; ');
	error.description = `${error.description ?? ''}\n${MESSAGES.otherJobs(list)}`.trim();
	return error;
}

/** The JSON of a failed item under Continue On Fail: the error, and the job when there is one. */
export function errorItemJson(error: NodeApiError | NodeOperationError): JsonObject {
	const { code, request_id, poll_url, image_output } = error.context as JsonObject;
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		code: code ?? null,
		request_id: request_id ?? null,
		...(poll_url ? { poll_url } : {}),
		...(image_output ? { image_output } : {}),
	};
}

/** Removes a secret from any text that may reach the user (a proxy may echo the key back). */
function redact(text: string, secret: string): string {
	return secret.length < 4 ? text : text.split(secret).join('[redacted]');
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string' || Buffer.isBuffer(body)) return body.toString();
	return body === undefined || body === null ? '' : JSON.stringify(body);
}
