/**
 * Waiting for a Segmind job. The policy (when to look next) is a pure function of the elapsed
 * time and of what the last answer said, so it can be tested with a fake clock; the loop only
 * applies it.
 */
import { quantileMs } from './duration-model';
import type { DurationFit } from './duration-model';
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
	/** What the run's finished jobs say about durations; absent until one has finished. */
	learned?: DurationFit;
}

/** Flux Schnell jobs often finish within a few seconds, so the first look comes early. */
export const FIRST_POLL_MS = 500;
export const POLL_GROWTH = 2.2;
export const MIN_POLL_MS = 100;

/**
 * Once jobs of the run have finished, the checks concentrate on the window where jobs of this run
 * finish: from its `WINDOW_START` to its `WINDOW_END` quantile, one check every `WINDOW_GAP` of the
 * typical duration; before the window they wait for it (at most Poll Interval at a time), after it
 * they fall back to the Poll Interval. These constants were chosen by simulating the bench's
 * lateness scenario over 16 seeds of the Segmind-like job mix (median lateness against polls per
 * job, both against a fixed 2 s clock); see the README's Performance section for the trade-off.
 */
export const WINDOW_START = 0.15;
export const WINDOW_END = 0.95;
export const WINDOW_GAP = 0.125;

/**
 * How long to wait before the next check. The first comes after half a second (a quick job is
 * noticed quickly); without a learned model the wait grows geometrically; with one, checks are
 * dense in the window where the run's jobs finish and sparse elsewhere. Never longer than the
 * user's Poll Interval, and never past the timeout (the last check lands on the deadline itself).
 */
export function nextPollDelay({
	elapsedMs,
	pollsDone,
	maxIntervalMs,
	remainingMs,
	last,
	learned,
}: PollPolicyInput): number {
	const cap = Math.max(MIN_POLL_MS, maxIntervalMs);
	let delay: number;
	if (last?.state === 'completed') delay = FIRST_POLL_MS;
	else if (pollsDone === 0 || !learned) delay = FIRST_POLL_MS * POLL_GROWTH ** pollsDone;
	else delay = learnedDelay(learned, elapsedMs);
	return Math.max(0, Math.round(Math.min(Math.max(delay, MIN_POLL_MS), cap, remainingMs)));
}

function learnedDelay(learned: DurationFit, elapsedMs: number): number {
	const typical = Math.exp(learned.mu);
	const gap = WINDOW_GAP * typical;
	const opens = quantileMs(learned, WINDOW_START);
	if (elapsedMs < opens - gap / 2) return opens - elapsedMs;
	if (elapsedMs < quantileMs(learned, WINDOW_END)) return gap;
	// Slower than nearly every job seen: the Poll Interval (the caller's cap) decides.
	return Number.POSITIVE_INFINITY;
}

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface PollOutcome {
	job: JobStatus;
	polls: number;
	elapsedMs: number;
	/** When the job was last seen pending (0 if never): its true end lies after this. */
	lastPendingMs: number;
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
	/** The run's learned durations, read afresh before every wait. */
	learned?: () => DurationFit | undefined;
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
	let lastPendingMs = 0;
	const elapsed = () => clock.now() - startedAt;

	for (;;) {
		if (job.state === 'failed') return { job, polls, elapsedMs: elapsed(), lastPendingMs };
		if (job.state === 'completed') {
			if (job.imageUrl || imageRetries >= COMPLETED_WITHOUT_IMAGE_RETRIES) {
				return { job, polls, elapsedMs: elapsed(), lastPendingMs };
			}
			imageRetries++;
		} else {
			lastPendingMs = elapsed();
		}
		const remainingMs = timeoutMs - elapsed();
		if (remainingMs <= 0) throw new PollTimeoutError(job.status, polls, elapsed());
		const learned = options.learned?.();
		await clock.sleep(
			nextPollDelay({
				elapsedMs: elapsed(),
				pollsDone: polls,
				maxIntervalMs,
				remainingMs,
				last: job,
				learned,
			}),
		);
		job = await check();
		polls++;
		onStatus?.(job, polls, elapsed());
	}
}
