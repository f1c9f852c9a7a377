/**
 * The steps of one Segmind job, shared by the operations: submit once, wait, read the result.
 * Every failure leaves here as a SegmindError that names the job, so no request ID is dropped.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ERROR_CODES, MESSAGES } from '../constants';
import { SegmindError } from '../helpers/errors';
import type { JobReference } from '../helpers/errors';
import { pollUntilDone, PollTimeoutError } from '../helpers/polling';
import type { Clock } from '../helpers/polling';
import {
	parseJobStatus,
	parseSubmitAnswer,
	resolvePollUrl,
	trimBaseUrl,
} from '../helpers/responses';
import type { JobStatus } from '../helpers/responses';
import type { JobDurations } from '../helpers/durations';
import type { CommonOptions } from './fields';
import type { JobLedger } from '../helpers/ledger';
import type { SegmindReply, SegmindTransport } from '../transport';

/** What one execution shares between its items. */
export interface RunContext {
	ctx: IExecuteFunctions;
	transport: SegmindTransport;
	clock: Clock;
	baseUrl: string;
	/** The API key, kept only to scrub it from anything shown to the user. */
	secret: string;
	/** The execution's cancel signal: a stop ends every wait and request at once. */
	signal?: AbortSignal;
	/** The jobs paid for so far, so a failure elsewhere cannot lose them. */
	ledger: JobLedger;
	/** How long each workflow's jobs took (earlier executions and this one): polls follow it. */
	durations: JobDurations;
}

/** The latest `x-remaining-credits` reading seen while serving one item. */
export class CreditsReading {
	value: number | null = null;

	record(reply: SegmindReply): SegmindReply {
		if (reply.credits !== null) this.value = reply.credits;
		return reply;
	}
}

export interface SubmittedJob {
	requestId: string;
	pollUrl: string;
	/** Unknown when a job is picked up by its request ID alone (Get Result). */
	workflowId?: string;
	/** The job as last seen (the submit's answer, or a first check). */
	initial: JobStatus;
}

export interface JobTiming {
	startedAt: number;
	deadline: number;
	/** The longest one HTTP call may take (Request Timeout). */
	requestTimeoutMs: number;
}

/** Submits once. The transport retries only when Segmind provably did not take the job. */
export async function submitJob(
	run: RunContext,
	input: { workflowId: string; body: IDataObject; outputKey: string },
	timing: JobTiming,
	credits: CreditsReading,
): Promise<SubmittedJob> {
	const base = trimBaseUrl(run.baseUrl);
	const reply = credits.record(
		await run.transport.call({
			kind: 'submit',
			method: 'POST',
			url: `${base}/workflows/${encodeURIComponent(input.workflowId)}`,
			body: input.body,
			job: { workflowId: input.workflowId },
			deadline: timing.deadline,
			timeoutMs: timing.requestTimeoutMs,
		}),
	);
	const answer = parseSubmitAnswer(reply.body, input.outputKey);
	if (!answer.requestId && !(answer.job.state === 'completed' && answer.job.imageUrl)) {
		throw new SegmindError(ERROR_CODES.invalidResponse, MESSAGES.noRequestId, {
			workflowId: input.workflowId,
			description: MESSAGES.noRequestIdHint,
		});
	}
	const requestId = answer.requestId ?? '';
	return {
		requestId,
		pollUrl: resolvePollUrl(answer.pollUrl, base, requestId),
		workflowId: input.workflowId,
		initial: answer.job,
	};
}

const referenceOf = (
	job: Pick<SubmittedJob, 'requestId' | 'pollUrl' | 'workflowId'>,
): JobReference => ({
	requestId: job.requestId,
	pollUrl: job.pollUrl,
	workflowId: job.workflowId,
});

/** One look at the job (a poll); errors name the job. */
export async function checkJob(
	run: RunContext,
	job: Omit<SubmittedJob, 'initial'>,
	timing: JobTiming,
	outputKey: string,
	credits: CreditsReading,
): Promise<JobStatus> {
	const reply = await run.transport.call({
		kind: 'poll',
		method: 'GET',
		url: job.pollUrl,
		job: referenceOf(job),
		deadline: timing.deadline,
		timeoutMs: timing.requestTimeoutMs,
	});
	return parseJobStatus(credits.record(reply).body, outputKey);
}

/** When a job starts and must be done by; every call of it may take `requestTimeoutMs`. */
export function startTiming(
	run: RunContext,
	timeoutMs: number,
	requestTimeoutMs: number,
): JobTiming {
	const startedAt = run.clock.now();
	return { startedAt, deadline: startedAt + timeoutMs, requestTimeoutMs };
}

/** Submits an item's prompt (with any extra workflow inputs) and enters the job in the ledger. */
export async function submitPrompt(
	run: RunContext,
	itemIndex: number,
	prompt: { textPrompt: string; workflowId: string },
	options: Pick<CommonOptions, 'extraInputs' | 'outputKey'>,
	timing: JobTiming,
	credits: CreditsReading,
): Promise<SubmittedJob> {
	const body = { ...options.extraInputs, text_prompt: prompt.textPrompt };
	const input = { workflowId: prompt.workflowId, body, outputKey: options.outputKey };
	const job = await submitJob(run, input, timing, credits);
	run.ledger.record(itemIndex, { request_id: job.requestId, poll_url: job.pollUrl });
	return job;
}

export interface FinishedJob {
	imageUrl: string;
	status: string;
	polls: number;
	elapsedMs: number;
}

/**
 * Polls the job until it has an image, fails, or the timeout passes. The errors name the request
 * ID and the poll URL, so the user can still collect an image Segmind finishes later.
 */
export async function waitForImage(
	run: RunContext,
	job: SubmittedJob,
	options: { timing: JobTiming; maxIntervalMs: number; outputKey: string; fromSubmit?: boolean },
	credits: CreditsReading,
): Promise<FinishedJob> {
	const { timing, outputKey } = options;
	// Errors are translated outside the catch: n8n's lint allows only NodeApiError and
	// NodeOperationError to be thrown inside one.
	const outcome = await pollUntilDone({
		clock: run.clock,
		startedAt: timing.startedAt,
		timeoutMs: timing.deadline - timing.startedAt,
		maxIntervalMs: options.maxIntervalMs,
		initial: job.initial,
		check: async () => await checkJob(run, job, timing, outputKey, credits),
		// A wait that began at the submit runs on the workflow's durations; Get Result's wait starts
		// at an unknown point of the job's life, so it looks as if nothing were known.
		model: () =>
			options.fromSubmit && job.workflowId ? run.durations.model(job.workflowId) : undefined,
		wake: () => run.durations.changed(),
		onStatus: (status, polls, elapsedMs) =>
			run.ctx.logger.debug(`Segmind request ${job.requestId}: ${status.status || 'no status'}`, {
				requestId: job.requestId,
				status: status.status,
				polls,
				elapsedMs,
			}),
	}).catch((error: unknown) => ({ error }));
	if ('error' in outcome) throw withJobContext(outcome.error, job, timing);
	// Only a wait that began at the submit measures a job's duration (not a Get Result's).
	if (
		options.fromSubmit &&
		job.workflowId &&
		outcome.job.state === 'completed' &&
		outcome.polls > 0
	) {
		run.durations.record(job.workflowId, outcome.lastPendingMs, outcome.elapsedMs);
	}
	return finishedOrThrow(outcome.job, job, outcome);
}

/** A failure while waiting, told in terms of the job: a timeout names how to collect it later. */
function withJobContext(error: unknown, job: SubmittedJob, timing: JobTiming): unknown {
	const reference = referenceOf(job);
	if (error instanceof PollTimeoutError) {
		const seconds = Math.round((timing.deadline - timing.startedAt) / 1000);
		return new SegmindError(
			ERROR_CODES.timeout,
			MESSAGES.timeout(job.requestId, seconds, error.lastStatus || 'none'),
			{
				...reference,
				description: MESSAGES.timeoutHint(job.requestId, job.pollUrl),
			},
		);
	}
	return error instanceof SegmindError ? error.withJob(reference) : error;
}

/** A job seen as done: its image, or the error that says why there is none. */
export function finishedOrThrow(
	finished: JobStatus,
	job: SubmittedJob,
	counts: { polls: number; elapsedMs: number },
): FinishedJob {
	const reference = referenceOf(job);
	if (finished.state === 'failed') {
		throw new SegmindError(
			ERROR_CODES.failed,
			MESSAGES.jobFailed(job.requestId, finished.failureReason ?? ''),
			{
				...reference,
				description: MESSAGES.jobFailedHint,
			},
		);
	}
	if (!finished.imageUrl) {
		const names = finished.outputNames.length ? finished.outputNames.join(', ') : 'none';
		throw new SegmindError(ERROR_CODES.invalidResponse, MESSAGES.noImage(job.requestId, names), {
			...reference,
			description: MESSAGES.noImageHint,
		});
	}
	return {
		imageUrl: finished.imageUrl,
		status: finished.status,
		polls: counts.polls,
		elapsedMs: counts.elapsedMs,
	};
}
