/**
 * Waiting for a Segmind job. The policy (when to look next) is a pure function of the elapsed
 * time and of what the last answer said, so it can be tested with a fake clock; the loop only
 * applies it.
 */
import { cumulative, quantileMs } from './duration-model';
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
export const POLL_GROWTH = 1.6;
export const MIN_POLL_MS = 100;
/** With a learned model, a grid check this close after the last check adds little: skip it. */
export const MIN_GRID_GAP_MS = 400;

/**
 * Once jobs of the run have finished, checks fall on fixed shares of the learned duration
 * distribution: one at the `GRID_START` quantile, then one every `GRID_STEP` of probability. Equal
 * shares mean checks are dense where jobs usually finish and sparse before and after, so lateness
 * falls where it matters without more polls than a fixed clock. Tuned on the bench's lateness
 * scenario (median lateness against polls per job).
 */
export const GRID_START = 0.04;
export const GRID_STEP = 0.12;

/**
 * How long to wait before the next check. The first comes after half a second (a quick job is
 * noticed quickly); without a learned model the wait grows geometrically; with one, the next
 * check lands on the next grid quantile. Never longer than the user's Poll Interval, and never
 * past the timeout (the last check lands on the deadline itself).
 */
export function nextPollDelay({ elapsedMs, pollsDone, maxIntervalMs, remainingMs, last, learned }: PollPolicyInput): number {
	const cap = Math.max(MIN_POLL_MS, maxIntervalMs);
	let delay: number;
	if (last?.state === 'completed') delay = FIRST_POLL_MS;
	else if (pollsDone === 0 || !learned) delay = FIRST_POLL_MS * POLL_GROWTH ** pollsDone;
	else delay = nextGridCheck(learned, elapsedMs) - elapsedMs;
	return Math.max(0, Math.round(Math.min(delay, cap, remainingMs)));
}

/** The first grid quantile after `elapsedMs` (at least MIN_GRID_GAP_MS later). */
function nextGridCheck(learned: DurationFit, elapsedMs: number): number {
	const earliest = elapsedMs + MIN_GRID_GAP_MS;
	const done = cumulative(learned, earliest);
	const step = Math.max(0, Math.ceil((done - GRID_START) / GRID_STEP));
	const p = GRID_START + step * GRID_STEP;
	// Past the last quantile a job is slower than any seen: fall back to the Poll Interval (capped by the caller).
	return p >= 0.999 ? Number.POSITIVE_INFINITY : Math.max(earliest, quantileMs(learned, p));
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
		await clock.sleep(nextPollDelay({ elapsedMs: elapsed(), pollsDone: polls, maxIntervalMs, remainingMs, last: job, learned }));
		job = await check();
		polls++;
		onStatus?.(job, polls, elapsed());
	}
}
