/**
 * One error type inside the node (SegmindError: a code, a message, what to do, and what is known
 * of the job), turned into n8n's errors only at the item boundary, with the item's index.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { ERROR_CODES, MESSAGES } from '../constants';
import type { ErrorCode } from '../constants';
import { readFailureReason } from './responses';

export interface JobReference {
	requestId?: string;
	pollUrl?: string;
	workflowId?: string;
	/** Known once the job finished: a failed download must not lose it. */
	imageUrl?: string;
}

export interface SegmindErrorDetails extends JobReference {
	description: string;
	/** The HTTP status Segmind answered with, when the failure is an HTTP answer. */
	httpStatus?: number;
}

export class SegmindError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details: SegmindErrorDetails,
	) {
		super(message);
		this.name = 'SegmindError';
	}

	/** The same failure, now also naming the job it belongs to (never drop a request ID). */
	withJob(job: JobReference): SegmindError {
		return new SegmindError(this.code, this.message, { ...this.details, ...definedOnly(job) });
	}
}

function definedOnly(job: JobReference): JobReference {
	return Object.fromEntries(Object.entries(job).filter(([, value]) => value)) as JobReference;
}

/** What the user reads for an HTTP answer that is not a success. */
export function describeHttpFailure(
	status: number,
	body: unknown,
	call: 'submit' | 'poll' | 'credits',
	job: JobReference,
): SegmindError {
	const reason = readFailureReason(body);
	const words = (hint: string) => `${hint} Segmind said: ${reason}`;
	const fail = (code: ErrorCode, message: string, hint: string) =>
		new SegmindError(code, message, { ...job, httpStatus: status, description: words(hint) });

	if (status === 401) return fail(ERROR_CODES.auth, MESSAGES.auth(status), MESSAGES.authHint);
	if (status === 402 || status === 406) {
		return fail(ERROR_CODES.credits, MESSAGES.credits(status), MESSAGES.creditsHint);
	}
	if (status === 403) {
		return fail(
			ERROR_CODES.forbidden,
			MESSAGES.forbidden(job.workflowId ?? '?'),
			MESSAGES.forbiddenHint,
		);
	}
	if (status === 404) {
		return call === 'poll' && job.requestId
			? fail(
					ERROR_CODES.notFound,
					MESSAGES.unknownRequest(job.requestId),
					MESSAGES.unknownRequestHint,
				)
			: fail(
					ERROR_CODES.notFound,
					MESSAGES.unknownWorkflow(job.workflowId ?? '?'),
					MESSAGES.unknownWorkflowHint,
				);
	}
	if (status === 422) {
		return fail(ERROR_CODES.invalidInput, MESSAGES.invalidInput(reason), MESSAGES.invalidInputHint);
	}
	if (status === 429)
		return fail(ERROR_CODES.rateLimited, MESSAGES.rateLimited(status), MESSAGES.rateLimitedHint);
	if (status >= 500) return fail(ERROR_CODES.server, MESSAGES.server(status), MESSAGES.serverHint);
	return fail(ERROR_CODES.server, MESSAGES.unexpectedStatus(status), MESSAGES.serverHint);
}

/** Removes a secret from any text that may reach the user (a proxy may echo the key back). */
export function redact(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

/** The n8n error for one item: NodeApiError for Segmind's HTTP answers, NodeOperationError else. */
export function toNodeError(
	node: INode,
	error: SegmindError,
	itemIndex: number,
	secret?: string,
): NodeApiError | NodeOperationError {
	const message = redact(error.message, secret);
	const description = redact(withJobHint(error), secret);
	const context = {
		code: error.code,
		request_id: error.details.requestId ?? null,
		poll_url: error.details.pollUrl ?? null,
		image_output: error.details.imageUrl ?? null,
	};
	const nodeError =
		error.details.httpStatus !== undefined
			? new NodeApiError(node, { ...context, message } as JsonObject, {
					message,
					description,
					httpCode: String(error.details.httpStatus),
					itemIndex,
				})
			: new NodeOperationError(node, message, { description, itemIndex });
	Object.assign(nodeError.context, context);
	// n8n swaps any message containing a socket code (ECONNRESET, ...) for generic advice such as
	// "You can retry the request immediately", which is wrong after a submit: keep ours.
	nodeError.message = message;
	return nodeError;
}

function withJobHint({ details }: SegmindError): string {
	if (!details.requestId || details.description.includes(details.requestId))
		return details.description;
	const where = details.pollUrl ? ` (poll URL ${details.pollUrl})` : '';
	return `${details.description} Segmind request ID: ${details.requestId}${where}.`;
}

/** The JSON of a failed item under Continue On Fail: the error, and the job when there is one. */
export function errorItemJson(error: NodeApiError | NodeOperationError): JsonObject {
	const { code, request_id, poll_url, image_output } = error.context as JsonObject;
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		code: (code as string) ?? null,
		request_id: (request_id as string) ?? null,
		...(poll_url ? { poll_url } : {}),
		...(image_output ? { image_output } : {}),
	};
}
