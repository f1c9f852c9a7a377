/**
 * An item's failure at the item boundary: n8n's error (NodeApiError for Segmind's HTTP answers,
 * NodeOperationError else), or an error item's JSON under Continue On Fail. Both name the job.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { MESSAGES } from '../constants';
import { SegmindError } from '../segmind/errors';
import type { LedgerEntry } from './ledger';

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
