/**
 * Waiting for a Segmind job. The policy (when to look next) is a pure function of the elapsed
 * time and of what the last answer said, so it can be tested with a fake clock; the loop only
 * applies it.
 */
import type { JobStatus } from './responses';

export interface PollPolicyInput {
	/** Time since the job was submitted. */
	elapsedMs: number;
	/** Checks made so far. */
	pollsDone: number;
	/** The longest the user lets us wait between two checks (the Poll Interval option). */
	maxIntervalMs: number;
	/** Time left before the item's timeout. */
	remainingMs: number;
	/** The last answer, if any: a finished job whose output is not readable yet is re-read soon. */
	last?: JobStatus;
}

/** Flux Schnell jobs often finish within a few seconds, so the first look comes early. */
export const FIRST_POLL_MS = 500;
export const POLL_GROWTH = 1.6;
export const MIN_POLL_MS = 100;

/**
 * How long to wait before the next check: starts at half a second and grows geometrically, so
 * a quick job is noticed quickly and a slow one is not hammered; never longer than the user's
 * Poll Interval, and never past the timeout (the last check lands on the deadline itself).
 */
export function nextPollDelay({ pollsDone, maxIntervalMs, remainingMs, last }: PollPolicyInput): number {
	const cap = Math.max(MIN_POLL_MS, maxIntervalMs);
	let delay = Math.round(Math.min(cap, FIRST_POLL_MS * POLL_GROWTH ** pollsDone));
	if (last?.state === 'completed') delay = Math.min(delay, FIRST_POLL_MS);
	return Math.max(0, Math.min(delay, remainingMs));
}

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface PollOutcome {
	job: JobStatus;
	polls: number;
	elapsedMs: number;
}

/** Raised when the timeout passes first; carries what is known so nothing is lost. */
export class PollTimeoutError extends Error {
	constructor(
		readonly lastStatus: string,
		readonly polls: number,
		readonly elapsedMs: number,
	) {
		super(`still ${lastStatus || 'pending'} at the timeout`);
		this.name = 'PollTimeoutError';
	}
}

/** A finished job with no readable image is re-read this many times before it counts as done. */
export const COMPLETED_WITHOUT_IMAGE_RETRIES = 3;

export interface PollUntilDoneOptions {
	check: () => Promise<JobStatus>;
	clock: Clock;
	/** When the job was submitted, on `clock`. */
	startedAt: number;
	timeoutMs: number;
	maxIntervalMs: number;
	/** The answer the submit gave, so a job already finished there needs no poll. */
	initial: JobStatus;
	onStatus?: (job: JobStatus, polls: number, elapsedMs: number) => void;
}

/**
 * Polls until the job is COMPLETED with an image, or FAILED, or the timeout passes. A COMPLETED
 * answer without an image is read a few more times: its output may lag its status.
 */
export async function pollUntilDone(options: PollUntilDoneOptions): Promise<PollOutcome> {
	const { check, clock, startedAt, timeoutMs, maxIntervalMs, onStatus } = options;
	let job = options.initial;
	let polls = 0;
	let imageRetries = 0;
	const elapsed = () => clock.now() - startedAt;

	for (;;) {
		if (job.state === 'failed') return { job, polls, elapsedMs: elapsed() };
		if (job.state === 'completed') {
			if (job.imageUrl || imageRetries >= COMPLETED_WITHOUT_IMAGE_RETRIES) {
				return { job, polls, elapsedMs: elapsed() };
			}
			imageRetries++;
		}
		const remainingMs = timeoutMs - elapsed();
		if (remainingMs <= 0) throw new PollTimeoutError(job.status, polls, elapsed());
		await clock.sleep(
			nextPollDelay({ elapsedMs: elapsed(), pollsDone: polls, maxIntervalMs, remainingMs, last: job }),
		);
		job = await check();
		polls++;
		onStatus?.(job, polls, elapsed());
	}
}
