/**
 * One Segmind job of one item: submitted once (or picked up), checked, waited for, downloaded.
 * Failures leave as SegmindErrors that name the job; every paid job goes into the run's ledger.
 */
import type { IDataObject } from 'n8n-workflow';

import { DOWNLOAD_TIMEOUT_MS, ERROR_CODES, MESSAGES } from '../constants';
import { checkShare, pollUntilDone } from '../polling/policy';
import type { PollOutcome } from '../polling/policy';
import { finishedWithoutImage, SegmindError, timedOut } from '../segmind/errors';
import type { JobReference } from '../segmind/errors';
import {
	parseJobStatus,
	parseSubmitAnswer,
	pollUrlFor,
	resolvePollUrl,
} from '../segmind/responses';
import type { JobStatus } from '../segmind/responses';
import type { ApiCall, SegmindReply } from '../transport';
import { callFailure } from '../transport/failures';
import { readOptions, readPromptInput } from './fields';
import type { JobOptions } from './fields';
import type { RunContext } from './run';

type FinishedJob = ReturnType<SegmindJob['finished']>;

/** The item's clock: when it began, how long its calls and wait may take, when Segmind took it. */
interface JobTiming {
	startedAt: number;
	/** The item's whole wait: its Timeout, or LONE_CALL_TIMEOUTS Request Timeouts for a Submit. */
	timeoutMs: number;
	/**
	 * When Segmind answered the submit: its clock starts there, so learned durations leave out the
	 * node's own waits before it (request budget, 429 pauses, retries). Unset for a job picked up.
	 */
	acceptedAt?: number;
}

export class SegmindJob {
	/** The latest `x-remaining-credits` reading seen for this job (null: none yet). */
	credits: number | null = null;
	/** The job as last seen (the submit's answer, or a check). */
	status: JobStatus = { state: 'pending', status: '', outputNames: [] };
	private checks = 0;

	private constructor(
		private readonly run: RunContext,
		private readonly itemIndex: number,
		private readonly options: JobOptions,
		private readonly timing: JobTiming,
		readonly reference: JobReference & { requestId: string; pollUrl: string },
		/** Segmind gave no usable poll URL: the node tries the documented paths until one answers. */
		private pollUrlBuilt: boolean,
	) {}

	/**
	 * Reads the item's prompt and options and submits it, once: the transport repeats a submit only
	 * when Segmind provably did not take the job. A submit that will not wait for the job (Submit)
	 * gets LONE_CALL_TIMEOUTS Request Timeouts instead of the item's Timeout.
	 */
	static async submit(run: RunContext, itemIndex: number, { waits }: { waits: boolean }) {
		run.demand.submitsLeft--;
		const { textPrompt, workflowId } = readPromptInput(run.ctx, itemIndex);
		const options = readOptions(run.ctx, itemIndex);
		const timeoutMs = waits ? options.timeoutMs : options.loneCallMs;
		const startedAt = run.clock.now();
		run.demand.submitting++;
		const reply = await run.transport
			.call({
				kind: 'submit',
				method: 'POST',
				// parseWorkflowId allows only URL-safe segments, so `v2/<id>` stays a path (no %2F).
				url: `${run.baseUrl}/workflows/${workflowId}`,
				body: { ...options.extraInputs, text_prompt: textPrompt },
				job: { workflowId },
				deadline: startedAt + timeoutMs,
				attemptTimeoutMs: options.requestTimeoutMs,
			})
			.finally(() => run.demand.submitting--);
		const timing = { startedAt, timeoutMs, acceptedAt: run.clock.now() };
		const answer = parseSubmitAnswer(reply.body, options.outputKey);
		if (!answer.requestId && !(answer.job.state === 'completed' && answer.job.imageUrl)) {
			throw new SegmindError(ERROR_CODES.invalidResponse, MESSAGES.noRequestId, {
				workflowId,
				description: MESSAGES.noRequestIdHint,
			});
		}
		const requestId = answer.requestId ?? '';
		// Nothing before this may throw: a paid job must reach the ledger (a malformed poll URL
		// falls back to a built one, and a bad %-escape in it is kept as it is).
		const { pollUrl, built } = pollAddress(run, answer.pollUrl, requestId);
		const reference = { requestId, pollUrl, workflowId };
		const job = new SegmindJob(run, itemIndex, options, timing, reference, built);
		job.status = answer.job;
		job.credits = reply.credits;
		run.ledger.record(itemIndex, { request_id: requestId, poll_url: pollUrl });
		// At info level, so n8n's log keeps every paid job even if a worker is killed mid-wait (Get
		// Result collects it); n8n's text log prints only the message, so it names all of that.
		const executionId = run.ctx.getExecutionId();
		run.ctx.logger.info(
			`Segmind accepted request ${requestId} (execution ${executionId}, item ${itemIndex}, poll URL ${pollUrl})`,
			{ requestId, pollUrl, executionId, itemIndex },
		);
		return { job, textPrompt, workflowId };
	}

	/** A job submitted earlier, picked up by its request ID or poll URL (Get Result). */
	static pickUp(
		run: RunContext,
		itemIndex: number,
		given: { requestId: string; pollUrl: string },
		options: JobOptions,
	): SegmindJob {
		const { requestId } = given;
		const { pollUrl, built } = pollAddress(run, given.pollUrl, requestId);
		const timing = { startedAt: run.clock.now(), timeoutMs: options.timeoutMs };
		const job = new SegmindJob(run, itemIndex, options, timing, { requestId, pollUrl }, built);
		run.ledger.record(itemIndex, { request_id: requestId, poll_url: pollUrl });
		return job;
	}

	get requestId(): string {
		return this.reference.requestId;
	}

	async check(): Promise<JobStatus> {
		const reply = await this.poll();
		const status = parseJobStatus(reply.body, this.options.outputKey);
		const polls = ++this.checks;
		const elapsedMs = this.run.clock.now() - this.timing.startedAt;
		const { requestId } = this;
		const message = `Segmind request ${requestId}: ${status.status || 'no status'}`;
		this.run.ctx.logger.debug(message, { requestId, status: status.status, polls, elapsedMs });
		return (this.status = status);
	}

	/**
	 * Polls until the job has an image, fails, or the timeout passes. Errors name the request ID
	 * and the poll URL, so the user can still collect an image Segmind finishes later.
	 */
	async waitForImage() {
		const { run, reference } = this;
		// A wait that began at the submit runs on the workflow's durations; Get Result's wait starts
		// at an unknown point of the job's life (its job has no workflow ID), so nothing is known.
		const { workflowId } = reference;
		// The policy runs on Segmind's clock (from the accepted submit); the deadline stays the item's.
		const jobStartedAt = this.timing.acceptedAt ?? this.timing.startedAt;
		run.demand.waiting++;
		let outcome: PollOutcome;
		try {
			outcome = await pollUntilDone({
				clock: run.clock,
				startedAt: jobStartedAt,
				timeoutMs: this.deadline - jobStartedAt,
				maxIntervalMs: this.options.maxIntervalMs,
				initial: this.status,
				check: async () => await this.check(),
				model: () => (workflowId ? run.durations.model(workflowId) : undefined),
				wake: () => run.durations.changed(),
				share: (elapsedMs, model) => {
					const tokens = (horizonMs: number) => run.transport.pacer.tokensWithin(horizonMs);
					return checkShare(tokens, model, elapsedMs, run.demand);
				},
			});
		} catch (error) {
			throw error instanceof SegmindError ? error.withJob(reference) : error;
		} finally {
			run.demand.waiting--;
		}
		if (outcome.timedOut) throw timedOut(reference, this.timing.timeoutMs, outcome.job.status);
		if (workflowId && outcome.job.state === 'completed' && outcome.polls > 0 && outcome.learnable)
			run.durations.record(workflowId, outcome.lastPendingMs, outcome.elapsedMs);
		return this.finished();
	}

	/** The job as last seen, if done: its image, or the error that says why there is none. */
	finished() {
		const elapsedMs = this.run.clock.now() - this.timing.startedAt;
		const { imageUrl, state, status } = this.status;
		if (!imageUrl || state !== 'completed') throw finishedWithoutImage(this.status, this.reference);
		this.run.ledger.record(this.itemIndex, { request_id: this.requestId, image_output: imageUrl });
		return { imageUrl, status, polls: this.checks, elapsedMs };
	}

	/**
	 * The item for a finished job, `fields` between its request ID and its timings, with its image
	 * as binary data when asked (never with the key).
	 */
	async output(finished: FinishedJob, fields: IDataObject, download: boolean) {
		const json = {
			image_output: finished.imageUrl,
			remaining_credits: this.credits,
			request_id: this.requestId || null,
			...fields,
			elapsed_ms: finished.elapsedMs,
			polls: finished.polls,
		};
		const item = { json, pairedItem: { item: this.itemIndex } };
		if (!download) return item;
		const file = await this.run.transport.download({
			kind: 'image',
			url: finished.imageUrl,
			job: { ...this.reference, imageUrl: finished.imageUrl },
			fileStem: this.requestId || 'image',
			deadline: Number.POSITIVE_INFINITY,
			attemptTimeoutMs: DOWNLOAD_TIMEOUT_MS,
		});
		return { ...item, binary: { [this.options.binaryPropertyName]: file } };
	}

	/**
	 * One look at the job. A poll URL the node built may be on a path this Segmind does not answer:
	 * a 404 there tries the other documented paths, and the one that answers is kept for the run.
	 */
	private async poll(): Promise<SegmindReply> {
		if (!this.pollUrlBuilt) {
			return await this.call({ kind: 'poll', method: 'GET', url: this.reference.pollUrl });
		}
		const { run } = this;
		let notFound: SegmindReply | undefined;
		for (const path of [...run.pollPaths]) {
			const url = pollUrlFor(run.baseUrl, path, this.requestId);
			const reply = await this.call({ kind: 'poll', method: 'GET', url, answers: [404] });
			if (reply.status === 404) {
				notFound = reply;
				continue;
			}
			run.pollPaths.splice(run.pollPaths.indexOf(path), 1);
			run.pollPaths.unshift(path);
			this.pollUrlBuilt = false;
			this.reference.pollUrl = url;
			run.ledger.record(this.itemIndex, { request_id: this.requestId, poll_url: url });
			return reply;
		}
		const body = JSON.stringify(notFound?.body ?? {});
		throw callFailure('poll', { kind: 'http', status: 404, body }, this.reference);
	}

	/** When this job's calls and wait must end: the item's Timeout from its start. */
	private get deadline() {
		return this.timing.startedAt + this.timing.timeoutMs;
	}

	private async call(call: Pick<ApiCall, 'method' | 'url' | 'answers'> & { kind: 'poll' }) {
		const reply = await this.run.transport.call({
			...call,
			job: this.reference,
			deadline: this.deadline,
			attemptTimeoutMs: this.options.requestTimeoutMs,
		});
		if (reply.credits !== null) this.credits = reply.credits;
		return reply;
	}
}

/** Segmind's poll URL; without a usable one, one built on the run's preferred path. */
function pollAddress(run: RunContext, given: string | undefined, requestId: string) {
	const resolved = resolvePollUrl(given, run.baseUrl);
	if (resolved !== undefined) return { pollUrl: resolved, built: false };
	return { pollUrl: pollUrlFor(run.baseUrl, run.pollPaths[0], requestId), built: true };
}
