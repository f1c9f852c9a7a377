/**
 * What a call that failed for good means for the user: Segmind's statuses, network faults and
 * unreadable answers as SegmindErrors, each naming the job.
 */
import { ERROR_CODES, MESSAGES, networkWords } from '../constants';
import type { ErrorCode } from '../constants';
import { failure } from '../segmind/errors';
import type { Failure, JobReference, SegmindError } from '../segmind/errors';
import { parseJsonBody, readFailureReason } from '../segmind/responses';
import { bodyText, isNetworkCodeNotSent } from './outcome';
import type { CallKind, CallOutcome, HttpOutcome } from './outcome';

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

/** An answer that is not the JSON Segmind documents. */
export function unreadableAnswer(call: CallKind, body: unknown, job: JobReference, hint: string) {
	const text = bodyText(body).replace(/\s+/g, ' ').trim();
	const shown = text.length > 120 ? `"${text.slice(0, 120)}…"` : `"${text}"`;
	const message = MESSAGES.unreadable(call, text ? shown : 'the body was empty');
	return failure(job, [ERROR_CODES.invalidResponse, message, hint]);
}
