/**
 * A failure inside the node: a SegmindError carries its code, message, what to do, and the job, so
 * nothing paid for is lost on the way to the item boundary (actions/item-errors.ts).
 */
import { ERROR_CODES, MESSAGES } from '../constants';
import type { ErrorCode } from '../constants';
import type { JobStatus } from './responses';

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
export type Failure = [ErrorCode, string, string];

export const failure = (
	job: JobReference,
	[code, message, description]: Failure,
	httpStatus?: number,
) => new SegmindError(code, message, { ...job, description, httpStatus });

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
