import {
	COMPLETED_WITHOUT_IMAGE_RETRIES,
	checkShare,
	nextPollDelay,
	pollUntilDone,
	REREAD_MS,
	TAIL_SHARE,
	UNKNOWN_GAP_MS,
	UNKNOWN_LATE_MS,
} from '../../nodes/FluxArtGenerator/polling/policy';
import type { PollPolicyInput, RunDemand } from '../../nodes/FluxArtGenerator/polling/policy';
import type { Clock } from '../../nodes/FluxArtGenerator/polling/clock';
import { scarceCount, usualChecks } from '../../nodes/FluxArtGenerator/polling/scarce-checks';
import type { CheckShare } from '../../nodes/FluxArtGenerator/polling/scarce-checks';
import {
	FLUX_ART_PRIOR,
	nearlyAllDoneMs,
	quantileMs,
} from '../../nodes/FluxArtGenerator/polling/durations';
import type { DurationModel } from '../../nodes/FluxArtGenerator/polling/durations';
import type { JobStatus } from '../../nodes/FluxArtGenerator/segmind/responses';

const pending = (status = 'PROCESSING'): JobStatus => ({
	state: 'pending',
	status,
	outputNames: [],
});
const done = (imageUrl?: string): JobStatus => ({
	state: 'completed',
	status: 'COMPLETED',
	imageUrl,
	outputNames: [],
});
const failed: JobStatus = {
	state: 'failed',
	status: 'FAILED',
	failureReason: 'no',
	outputNames: [],
};

/** A log-normal belief whose median is `seconds`. */
const medianOf = (seconds: number): DurationModel => ({
	mu: Math.log(seconds * 1_000),
	sigma: 0.35,
});

/**
 * The times (from the submit) at which a job that never finishes is checked, if every check
 * follows nextPollDelay from the previous answer.
 */
function schedule(model: DurationModel | undefined, maxIntervalMs: number, timeoutMs: number) {
	const checks: number[] = [];
	let elapsed = 0;
	while (elapsed < timeoutMs) {
		const delay = nextPollDelay({
			elapsedMs: elapsed,
			maxIntervalMs,
			remainingMs: timeoutMs - elapsed,
			model,
		});
		if (delay <= 0) throw new Error(`no progress at ${elapsed} ms`);
		elapsed += delay;
		checks.push(elapsed);
	}
	return checks;
}
const gapsOf = (checks: number[]) => checks.map((at, i) => at - (i ? checks[i - 1] : 0));

describe('nextPollDelay knowing nothing of the workflow', () => {
	const base: PollPolicyInput = { elapsedMs: 0, maxIntervalMs: 5_000, remainingMs: 300_000 };

	test.each([0, 1_000, 2_000, 10_000, 29_000, UNKNOWN_LATE_MS])(
		'every 2 s while the job has run %i ms (up to UNKNOWN_LATE_MS)',
		(elapsedMs) => {
			expect(nextPollDelay({ ...base, elapsedMs })).toBe(UNKNOWN_GAP_MS);
		},
	);

	test.each([
		[45_000, 3_000],
		[60_000, 4_000],
		[75_000, 5_000],
		[120_000, 5_000],
		[280_000, 5_000],
	])(
		'past UNKNOWN_LATE_MS, at %i ms the gap is elapsed × TAIL_SHARE (%i), capped',
		(elapsedMs, gap) => {
			expect(Math.min(5_000, elapsedMs * TAIL_SHARE)).toBeCloseTo(gap, 6);
			expect(nextPollDelay({ ...base, elapsedMs })).toBe(gap);
		},
	);

	test('the schedule of a stuck job: 2 s until 30 s, then growing to the Poll Interval', () => {
		const checks = schedule(undefined, 5_000, 300_000);
		const gaps = gapsOf(checks);
		gaps.forEach((gap, i) => {
			if (checks[i] <= UNKNOWN_LATE_MS) expect(gap).toBe(UNKNOWN_GAP_MS);
			else if (i > 0 && checks[i] < 300_000) expect(gap).toBeGreaterThanOrEqual(gaps[i - 1]);
		});
		expect(gaps.filter((gap) => gap === 5_000).length).toBeGreaterThan(10);
	});
});

describe('nextPollDelay bounds, with and without a belief', () => {
	const models: Array<[string, DurationModel | undefined]> = [
		['nothing known', undefined],
		['the Flux prior', FLUX_ART_PRIOR],
		['a 2 s workflow', medianOf(2)],
		['a 60 s workflow', medianOf(60)],
	];
	const elapsedValues = [0, 500, 3_000, 9_000, 16_000, 40_000, 200_000];

	test.each(models)('never above the Poll Interval (%s)', (_name, model) => {
		for (const maxIntervalMs of [1_000, 2_000, 5_000, 30_000]) {
			for (const elapsedMs of elapsedValues) {
				for (const last of [undefined, pending(), done()]) {
					const delay = nextPollDelay({
						elapsedMs,
						maxIntervalMs,
						remainingMs: 1_000_000,
						last,
						model,
					});
					expect(delay).toBeLessThanOrEqual(maxIntervalMs);
					expect(delay).toBeGreaterThan(0);
				}
			}
		}
	});

	test.each(models)('never past the timeout: the last check lands on it (%s)', (_name, model) => {
		for (const remainingMs of [0, 1, 150, 1_234, 1_999]) {
			for (const elapsedMs of elapsedValues) {
				expect(
					nextPollDelay({ elapsedMs, maxIntervalMs: 5_000, remainingMs, model }),
				).toBeLessThanOrEqual(remainingMs);
			}
		}
		expect(
			nextPollDelay({ elapsedMs: 250_000, maxIntervalMs: 5_000, remainingMs: 1_234, model }),
		).toBe(1_234);
		expect(schedule(model, 5_000, 47_500).at(-1)).toBe(47_500);
	});

	test.each(models)(
		'a completed answer without an image is re-read after REREAD_MS (%s)',
		(_name, model) => {
			for (const elapsedMs of elapsedValues) {
				expect(
					nextPollDelay({
						elapsedMs,
						maxIntervalMs: 5_000,
						remainingMs: 300_000,
						last: done(),
						model,
					}),
				).toBe(REREAD_MS);
			}
		},
	);
});

describe('nextPollDelay with the Flux prior (median 9.5 s)', () => {
	const checks = schedule(FLUX_ART_PRIOR, 5_000, 300_000);
	const gaps = gapsOf(checks);
	const gapsEndingIn = (from: number, to: number) =>
		gaps.filter((_, i) => checks[i] >= from && checks[i] <= to);

	test('skips the first check while a job is unlikely to be done', () => {
		const firstDelay = (maxIntervalMs: number) =>
			nextPollDelay({ elapsedMs: 0, maxIntervalMs, remainingMs: 300_000, model: FLUX_ART_PRIOR });
		const first = firstDelay(5_000);
		expect(first).toBeGreaterThanOrEqual(4_000);
		expect(checks[0]).toBe(first);
		// Even with a long Poll Interval the first check waits for the jobs to start finishing.
		const unbounded = firstDelay(60_000);
		expect(unbounded).toBeGreaterThanOrEqual(4_000);
		expect(unbounded).toBeLessThan(9_000);
	});

	test('dense where most jobs finish (around 9 s), sparser before', () => {
		const around = gapsEndingIn(7_500, 13_000);
		const before = gapsEndingIn(0, 7_000);
		expect(around.length).toBeGreaterThanOrEqual(5);
		expect(Math.max(...around)).toBeLessThan(1_250);
		expect(Math.min(...before)).toBeGreaterThan(Math.max(...around));
	});

	test('past nearlyAllDoneMs the gap is at least 2 s and the tail grows to the Poll Interval', () => {
		const late = nearlyAllDoneMs(FLUX_ART_PRIOR);
		const tail = gaps.filter((_, i) => i > 0 && checks[i - 1] > late && checks[i] < 300_000);
		expect(tail.length).toBeGreaterThan(10);
		for (const gap of tail) expect(gap).toBeGreaterThanOrEqual(UNKNOWN_GAP_MS);
		for (let i = 1; i < tail.length; i++) expect(tail[i]).toBeGreaterThanOrEqual(tail[i - 1]);
		expect(tail.at(-1)).toBe(5_000);
		expect(gapsEndingIn(100_000, 299_999).every((gap) => gap === 5_000)).toBe(true);
	});

	test('a stuck job makes at most 80 checks before a 300 s timeout', () => {
		expect(checks.length).toBeLessThanOrEqual(80);
		expect(checks.at(-1)).toBe(300_000);
	});
});

/**
 * A fake clock. Sleeps take no real time; at the times in `events` (ms from the start) something
 * happens (the belief changes) and the promise handed out by `changed()` settles, which ends a
 * sleep that was given that promise early (it resolves true), as the execution clock does.
 */
class FakeClock implements Clock {
	readonly start = 1_000_000;
	time = this.start;
	readonly sleeps: number[] = [];
	private notify!: () => void;
	private current = this.renew();

	constructor(private readonly events: Array<{ at: number; apply: () => void }> = []) {}

	now() {
		return this.time;
	}

	get elapsed() {
		return this.time - this.start;
	}

	changed = (): Promise<void> => this.current;

	async sleep(ms: number, wake?: Promise<unknown>): Promise<boolean> {
		this.sleeps.push(ms);
		const end = this.time + ms;
		const next = this.events[0];
		if (next && this.start + next.at < end) {
			this.events.shift();
			this.time = this.start + next.at;
			next.apply();
			const settled = this.current;
			const notify = this.notify;
			this.current = this.renew();
			notify();
			if (wake === settled) {
				await wake;
				return true;
			}
			return await this.sleep(end - this.time, wake);
		}
		this.time = end;
		return false;
	}

	private renew() {
		return new Promise<void>((resolve) => (this.notify = resolve));
	}
}

describe('pollUntilDone with a fake clock', () => {
	const run = (
		answers: JobStatus[],
		overrides: Partial<Parameters<typeof pollUntilDone>[0]> = {},
		clock = new FakeClock(),
	) => {
		const checkedAt: number[] = [];
		const promise = pollUntilDone({
			clock,
			startedAt: clock.now(),
			timeoutMs: 60_000,
			maxIntervalMs: 5_000,
			initial: pending('QUEUED'),
			check: async () => {
				checkedAt.push(clock.elapsed);
				return answers[Math.min(checkedAt.length - 1, answers.length - 1)];
			},
			...overrides,
		});
		return { clock, promise, checkedAt };
	};

	test('polls until COMPLETED; reports polls, elapsed time and when it was last seen pending', async () => {
		const { promise, checkedAt } = run([pending(), pending(), done('https://x/i.png')]);
		const outcome = await promise;
		expect(outcome.job.imageUrl).toBe('https://x/i.png');
		expect(outcome.polls).toBe(3);
		expect(checkedAt).toEqual([2_000, 4_000, 6_000]);
		expect(outcome.elapsedMs).toBe(6_000);
		expect(outcome).toMatchObject({ timedOut: false, lastPendingMs: 4_000 });
	});

	test('with the Flux prior the checks follow its plan', async () => {
		const { promise, checkedAt } = run([pending(), pending(), done('https://x/i.png')], {
			model: () => FLUX_ART_PRIOR,
		});
		await promise;
		expect(checkedAt).toEqual(schedule(FLUX_ART_PRIOR, 5_000, 60_000).slice(0, 3));
	});

	test('FAILED ends the wait', async () => {
		const { promise, checkedAt } = run([pending(), failed, pending()]);
		const outcome = await promise;
		expect(outcome.job.state).toBe('failed');
		expect(outcome.polls).toBe(2);
		expect(checkedAt).toHaveLength(2);
	});

	test('a job finished at submit needs no poll', async () => {
		const { clock, promise, checkedAt } = run([], { initial: done('https://x/i.png') });
		const outcome = await promise;
		expect(outcome.polls).toBe(0);
		expect(checkedAt).toEqual([]);
		expect(clock.sleeps).toEqual([]);
	});

	test('a job failed at submit needs no poll either', async () => {
		const { promise, checkedAt } = run([], { initial: failed });
		expect((await promise).job.state).toBe('failed');
		expect(checkedAt).toEqual([]);
	});

	test.each([
		[20_000, undefined],
		[5_500, undefined],
		[7_000, FLUX_ART_PRIOR],
	])(
		'a %i ms timeout: the last check lands on the deadline, the outcome carries the last status',
		async (timeoutMs, model) => {
			const { promise, checkedAt } = run([pending('WARMING_UP')], {
				timeoutMs,
				model: () => model,
			});
			const outcome = await promise;
			expect(outcome.timedOut).toBe(true);
			expect(outcome.job.status).toBe('WARMING_UP');
			expect(checkedAt.at(-1)).toBe(timeoutMs);
			expect(checkedAt.every((at) => at <= timeoutMs)).toBe(true);
		},
	);

	test('a stuck job under the prior: at most 80 checks, the last at the 300 s deadline', async () => {
		const { promise, checkedAt } = run([pending()], {
			timeoutMs: 300_000,
			model: () => FLUX_ART_PRIOR,
		});
		expect((await promise).timedOut).toBe(true);
		expect(checkedAt.length).toBeLessThanOrEqual(80);
		expect(checkedAt.at(-1)).toBe(300_000);
	});

	test('COMPLETED without an image is re-read COMPLETED_WITHOUT_IMAGE_RETRIES times, REREAD_MS apart', async () => {
		const { promise, checkedAt } = run([done()]);
		const outcome = await promise;
		expect(outcome.job.state).toBe('completed');
		expect(outcome.job.imageUrl).toBeUndefined();
		expect(outcome.polls).toBe(COMPLETED_WITHOUT_IMAGE_RETRIES + 1);
		expect(gapsOf(checkedAt).slice(1)).toEqual(
			Array<number>(COMPLETED_WITHOUT_IMAGE_RETRIES).fill(REREAD_MS),
		);
	});

	test('COMPLETED whose image shows up on a re-read', async () => {
		const outcome = await run([done(), done('https://x/late.png')]).promise;
		expect(outcome.job.imageUrl).toBe('https://x/late.png');
		expect(outcome.polls).toBe(2);
	});

	test('a cancelled sleep ends the wait with the cancellation', async () => {
		const clock = new FakeClock();
		clock.sleep = async () => {
			throw new Error('cancelled');
		};
		const { promise, checkedAt } = run([pending()], {}, clock);
		await expect(promise).rejects.toThrow('cancelled');
		expect(checkedAt).toEqual([]);
	});
});

describe('pollUntilDone: what is worth learning from a finished job', () => {
	const finish = async (overrides: Partial<Parameters<typeof pollUntilDone>[0]>) => {
		const clock = new FakeClock();
		let checks = 0;
		const outcome = await pollUntilDone({
			clock,
			startedAt: clock.now(),
			timeoutMs: 120_000,
			maxIntervalMs: 5_000,
			initial: pending('QUEUED'),
			model: () => FLUX_ART_PRIOR,
			check: async () => (++checks >= 3 ? done('https://x/i.png') : pending()),
			...overrides,
		});
		if (outcome.timedOut) throw new Error('timed out');
		return outcome;
	};

	test('checks as planned: learnable', async () => {
		expect((await finish({})).learnable).toBe(true);
	});

	test('a plan a rate limit spread (a tight share): not learnable, its bracket is wide by design', async () => {
		const outcome = await finish({ share: () => ({ perJob: 1.5, total: 3 }) });
		expect(outcome.learnable).toBe(false);
	});

	test('a last check held well past its plan (a rate limit held it): not learnable', async () => {
		const clock = new FakeClock();
		let checks = 0;
		const outcome = await finish({
			clock,
			startedAt: clock.now(),
			check: async () => {
				if (++checks < 3) return pending();
				await clock.sleep(30_000);
				return done('https://x/i.png');
			},
		});
		expect(outcome.learnable).toBe(false);
	});
});

describe('pollUntilDone: a wake-up never starves a check', () => {
	const longInterval = 60_000;
	const delayFrom = (model: DurationModel, elapsedMs: number) =>
		nextPollDelay({ elapsedMs, maxIntervalMs: longInterval, remainingMs: 300_000, model });

	/** Polls a job answering `answers` while the belief changes at the given times. */
	const run = (
		initialModel: DurationModel,
		changes: Array<[number, DurationModel]>,
		answers: JobStatus[] = [done('https://x/i.png')],
	) => {
		let model = initialModel;
		const clock = new FakeClock(changes.map(([at, next]) => ({ at, apply: () => (model = next) })));
		const checkedAt: number[] = [];
		const promise = pollUntilDone({
			clock,
			startedAt: clock.now(),
			timeoutMs: 300_000,
			maxIntervalMs: longInterval,
			initial: pending(),
			check: async () => {
				checkedAt.push(clock.elapsed);
				return answers[Math.min(checkedAt.length - 1, answers.length - 1)];
			},
			model: () => model,
			wake: clock.changed,
		});
		return { promise, checkedAt, clock };
	};

	test('a change to a belief that would plan later keeps the check at its planned time', async () => {
		const planned = delayFrom(FLUX_ART_PRIOR, 0);
		// Preconditions: the slower beliefs would look later, from the submit or from the wake-up.
		for (const [at, slower] of [
			[1_000, medianOf(30)],
			[3_000, medianOf(60)],
		] as const) {
			expect(delayFrom(slower, 0)).toBeGreaterThan(planned);
			expect(at + delayFrom(slower, at)).toBeGreaterThan(planned);
		}
		const { promise, checkedAt, clock } = run(FLUX_ART_PRIOR, [
			[1_000, medianOf(30)],
			[3_000, medianOf(60)],
		]);
		await promise;
		expect(clock.sleeps.length).toBeGreaterThan(1); // the sleep was indeed woken
		expect(checkedAt).toEqual([planned]);
	});

	test('a stream of wake-ups (other jobs finishing) cannot push the check back', async () => {
		const planned = delayFrom(FLUX_ART_PRIOR, 0);
		const changes = Array.from(
			{ length: 20 },
			(_, i) => [250 * (i + 1), i % 2 ? medianOf(40) : FLUX_ART_PRIOR] as [number, DurationModel],
		);
		const { promise, checkedAt } = run(FLUX_ART_PRIOR, changes);
		await promise;
		expect(checkedAt).toEqual([planned]);
	});

	test('a change to a belief that plans earlier moves the check earlier', async () => {
		const slow = medianOf(30);
		const fast = medianOf(3);
		const earlier = delayFrom(fast, 0);
		expect(earlier).toBeGreaterThan(1_000);
		expect(earlier).toBeLessThan(delayFrom(slow, 0));
		const { promise, checkedAt } = run(slow, [[1_000, fast]]);
		await promise;
		expect(checkedAt).toEqual([earlier]);
	});

	test('a change to a belief whose plan has already passed checks at once', async () => {
		const { promise, checkedAt } = run(medianOf(30), [[4_000, medianOf(3)]]);
		expect(delayFrom(medianOf(3), 0)).toBeLessThan(4_000);
		await promise;
		expect(checkedAt).toEqual([4_000]);
	});

	test('the plan is anchored at the last answer, not restarted at the wake-up', async () => {
		// Planned with a 60 s belief; at 4 s the belief becomes the Flux prior.
		const anchored = delayFrom(FLUX_ART_PRIOR, 0);
		const restarted = [4_000 + delayFrom(FLUX_ART_PRIOR, 4_000), 4_000 + anchored];
		expect(anchored).toBeGreaterThan(4_000);
		expect(restarted).not.toContain(anchored);
		const { promise, checkedAt } = run(medianOf(60), [[4_000, FLUX_ART_PRIOR]]);
		await promise;
		expect(checkedAt).toEqual([anchored]);
	});

	test('after a pending answer the next plan starts at that answer', async () => {
		const first = delayFrom(FLUX_ART_PRIOR, 0);
		const second = first + delayFrom(FLUX_ART_PRIOR, first);
		// A wake-up between the two checks, with the belief unchanged.
		const { promise, checkedAt } = run(
			FLUX_ART_PRIOR,
			[[first + 100, FLUX_ART_PRIOR]],
			[pending(), done('https://x/i.png')],
		);
		await promise;
		expect(checkedAt).toEqual([first, second]);
	});
});

describe('under a rate limit: fewer checks, where the job is likely to end', () => {
	const plan = (share?: CheckShare, unknown = false) => {
		const model = unknown ? undefined : FLUX_ART_PRIOR;
		const checks: number[] = [];
		let elapsed = 0;
		while (elapsed < 60_000 && checks.length < 40) {
			elapsed += nextPollDelay({
				elapsedMs: elapsed,
				maxIntervalMs: 5_000,
				remainingMs: 300_000,
				model,
				share,
			});
			checks.push(elapsed);
		}
		return checks;
	};
	const NO_LIMIT = { perJob: Number.POSITIVE_INFINITY, total: Number.POSITIVE_INFINITY };

	test('no limit, or a share that covers the usual plan: the usual plan', () => {
		expect(plan(NO_LIMIT)).toEqual(plan());
		expect(plan({ perJob: 20, total: 200 })).toEqual(plan());
	});

	test.each<[number, number]>([
		[1, 1],
		[1.6, 2],
		[2.2, 3],
		[3, 4],
	])('a share of %d checks a job buys %d scarce checks', (perJob, k) => {
		expect(scarceCount(perJob)).toBe(k);
	});

	test('one check: where 93% of such jobs are done; four: at a quarter of that each', () => {
		expect(plan({ perJob: 1, total: 10 })[0]).toBeCloseTo(quantileMs(FLUX_ART_PRIOR, 0.93), -1);
		const four = plan({ perJob: 3, total: 4 });
		expect(four[0]).toBeCloseTo(quantileMs(FLUX_ART_PRIOR, 0.2325), -1);
	});

	test('never more scarce checks than all there are: one job with 2 left gets 2, however it averages; made again after a check, the plan keeps its last check where it was', () => {
		expect(plan({ perJob: 3, total: 2 })[0]).toBeCloseTo(quantileMs(FLUX_ART_PRIOR, 0.465), -1);
		// Four checks, the plan made again before each with one fewer: the last where 93% are done.
		let elapsed = 0;
		for (const total of [4, 3, 2, 1]) {
			const share = { perJob: total, total };
			elapsed += nextPollDelay({
				elapsedMs: elapsed,
				maxIntervalMs: 5_000,
				remainingMs: 300_000,
				model: FLUX_ART_PRIOR,
				share,
			});
		}
		expect(elapsed).toBeCloseTo(quantileMs(FLUX_ART_PRIOR, 0.93), -2);
	});

	test('the Poll Interval does not bind under a rate limit (its checks could not all be sent)', () => {
		const [first] = plan({ perJob: 1, total: 1 });
		expect(first).toBeGreaterThan(5_000);
	});

	test('usualChecks: what the usual plan spends on a Flux job, fewer once part of it is past', () => {
		const price = 100;
		expect(usualChecks(FLUX_ART_PRIOR, 0, price)).toBeGreaterThan(4);
		expect(usualChecks(FLUX_ART_PRIOR, 10_000, price)).toBeLessThan(
			usualChecks(FLUX_ART_PRIOR, 0, price),
		);
	});

	test('nothing known of the workflow: the share spread over what is left of its first 30 s', () => {
		expect(plan({ perJob: 5, total: 5 }, true)[0]).toBe(UNKNOWN_LATE_MS / 5);
		expect(plan({ perJob: 50, total: 50 }, true)[0]).toBe(UNKNOWN_GAP_MS);
	});

	test.each<[string, number, RunDemand, CheckShare]>([
		[
			'nothing limits the run',
			Number.POSITIVE_INFINITY,
			{ submitsLeft: 3, submitting: 0, waiting: 2 },
			NO_LIMIT,
		],
		[
			'one job, four left',
			4,
			{ submitsLeft: 0, submitting: 0, waiting: 1 },
			{ perJob: 4, total: 4 },
		],
		[
			'submits go first; the rest is shared, less a reserve of 3 sqrt(jobs - 1)',
			40,
			{ submitsLeft: 10, submitting: 0, waiting: 10 },
			{ perJob: (30 - 3 * Math.sqrt(19)) / 20, total: 30 },
		],
		[
			'a submit on its way is a job to come (its token is spent already)',
			40,
			{ submitsLeft: 0, submitting: 9, waiting: 1 },
			{ perJob: (40 - 3 * 3) / 10, total: 40 },
		],
	])('checkShare: %s', (_name, tokens, demand, expected) => {
		expect(checkShare(() => tokens, FLUX_ART_PRIOR, 0, demand)).toEqual(expected);
	});
});
