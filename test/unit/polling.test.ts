import {
	COMPLETED_WITHOUT_IMAGE_RETRIES,
	FIRST_POLL_MS,
	WINDOW_END,
	WINDOW_GAP,
	WINDOW_START,
	nextPollDelay,
	pollUntilDone,
	PollTimeoutError,
} from '../../nodes/FluxArtGenerator/helpers/polling';
import type { Clock } from '../../nodes/FluxArtGenerator/helpers/polling';
import { fitDurations, quantileMs } from '../../nodes/FluxArtGenerator/helpers/duration-model';
import type { JobStatus } from '../../nodes/FluxArtGenerator/helpers/responses';

/** A clock whose sleeps pass instantly and are recorded. */
class FakeClock implements Clock {
	time = 1_000_000;
	sleeps: number[] = [];

	now() {
		return this.time;
	}

	async sleep(ms: number) {
		this.sleeps.push(ms);
		this.time += ms;
	}
}

const pending = (status = 'PROCESSING'): JobStatus => ({
	state: 'pending',
	status,
	unknownStatus: false,
	outputNames: [],
});
const done = (imageUrl?: string): JobStatus => ({
	state: 'completed',
	status: 'COMPLETED',
	unknownStatus: false,
	imageUrl,
	outputNames: [],
});
const failed: JobStatus = {
	state: 'failed',
	status: 'FAILED',
	unknownStatus: false,
	failureReason: 'no',
	outputNames: [],
};

describe('nextPollDelay', () => {
	const base = { elapsedMs: 0, maxIntervalMs: 5_000, remainingMs: 300_000 };

	test('starts well under a second and grows (no run history yet)', () => {
		const delays = [0, 1, 2, 3].map((pollsDone) => nextPollDelay({ ...base, pollsDone }));
		expect(delays[0]).toBe(FIRST_POLL_MS);
		expect(delays[0]).toBeLessThan(1_000);
		for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
	});

	test('never waits longer than the Poll Interval', () => {
		for (let pollsDone = 0; pollsDone < 50; pollsDone++) {
			expect(nextPollDelay({ ...base, pollsDone })).toBeLessThanOrEqual(5_000);
		}
		expect(nextPollDelay({ ...base, pollsDone: 40, maxIntervalMs: 2_000 })).toBe(2_000);
	});

	test('never sleeps past the timeout', () => {
		expect(nextPollDelay({ ...base, pollsDone: 10, remainingMs: 1_234 })).toBe(1_234);
		expect(nextPollDelay({ ...base, pollsDone: 10, remainingMs: 0 })).toBe(0);
	});

	test('re-reads soon when a finished job has no readable image yet', () => {
		expect(nextPollDelay({ ...base, pollsDone: 20, last: done() })).toBe(FIRST_POLL_MS);
	});
});

describe('nextPollDelay once the run has learned durations', () => {
	// Jobs of this run took 6–14 s, most around 9 s.
	const learned = fitDurations([
		6_000, 7_500, 8_200, 8_800, 9_100, 9_500, 10_200, 11_000, 12_500, 14_000,
	])!;
	const schedule = (maxIntervalMs: number, untilMs: number) => {
		const checks: number[] = [];
		let elapsed = 0;
		for (let pollsDone = 0; elapsed < untilMs; pollsDone++) {
			elapsed += nextPollDelay({
				elapsedMs: elapsed,
				pollsDone,
				maxIntervalMs,
				remainingMs: 300_000 - elapsed,
				learned,
			});
			checks.push(elapsed);
		}
		return checks;
	};

	test('the first check still comes after half a second', () => {
		expect(schedule(5_000, 1)[0]).toBe(FIRST_POLL_MS);
	});

	test('sparse before the likely finish, dense around it', () => {
		const checks = schedule(5_000, 16_000);
		const gaps = checks.slice(1).map((at, i) => at - checks[i]);
		const before = gaps.filter((_, i) => checks[i + 1] < 6_000);
		const around = gaps.filter((_, i) => checks[i] >= 8_000 && checks[i + 1] <= 11_000);
		expect(Math.min(...before)).toBeGreaterThan(Math.max(...around));
		expect(Math.max(...around)).toBeLessThanOrEqual(1_250);
	});

	test('inside the window where jobs finish, checks come every WINDOW_GAP of the typical duration', () => {
		const typical = Math.exp(learned.mu);
		const opens = quantileMs(learned, WINDOW_START);
		const closes = quantileMs(learned, WINDOW_END);
		const checks = schedule(60_000, 16_000).filter((at) => at >= opens && at < closes);
		expect(checks.length).toBeGreaterThan(3);
		for (let i = 1; i < checks.length; i++)
			expect(checks[i] - checks[i - 1]).toBeCloseTo(WINDOW_GAP * typical, -1);
	});

	test('still never longer than the Poll Interval, even before the likely finish', () => {
		const checks = schedule(2_000, 20_000);
		const gaps = checks.slice(1).map((at, i) => at - checks[i]);
		expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
	});

	test('a job slower than any seen falls back to the Poll Interval', () => {
		expect(
			nextPollDelay({
				elapsedMs: 60_000,
				pollsDone: 12,
				maxIntervalMs: 5_000,
				remainingMs: 200_000,
				learned,
			}),
		).toBe(5_000);
	});
});

describe('pollUntilDone with a fake clock', () => {
	const run = (
		answers: JobStatus[],
		overrides: Partial<Parameters<typeof pollUntilDone>[0]> = {},
	) => {
		const clock = new FakeClock();
		const seen: JobStatus[] = [];
		let i = 0;
		const promise = pollUntilDone({
			clock,
			startedAt: clock.now(),
			timeoutMs: 60_000,
			maxIntervalMs: 5_000,
			initial: pending('QUEUED'),
			check: async () => answers[Math.min(i++, answers.length - 1)],
			onStatus: (job) => seen.push(job),
			...overrides,
		});
		return { clock, promise, seen, calls: () => i };
	};

	test('polls until COMPLETED and reports polls and elapsed time', async () => {
		const { clock, promise, seen } = run([pending(), pending(), done('https://x/i.png')]);
		const outcome = await promise;
		expect(outcome.job.imageUrl).toBe('https://x/i.png');
		expect(outcome.polls).toBe(3);
		expect(outcome.elapsedMs).toBe(clock.sleeps.reduce((a, b) => a + b, 0));
		expect(seen.map((job) => job.status)).toEqual(['PROCESSING', 'PROCESSING', 'COMPLETED']);
	});

	test('a job finished at submit needs no poll', async () => {
		const { promise, calls } = run([], { initial: done('https://x/i.png') });
		expect((await promise).polls).toBe(0);
		expect(calls()).toBe(0);
	});

	test('FAILED ends the wait', async () => {
		const outcome = await run([pending(), failed]).promise;
		expect(outcome.job.state).toBe('failed');
	});

	test('times out at the deadline, with the last status, having checked at the deadline', async () => {
		const { clock, promise } = run([pending('WARMING_UP')], { timeoutMs: 20_000 });
		await expect(promise).rejects.toBeInstanceOf(PollTimeoutError);
		await promise.catch((error: PollTimeoutError) => expect(error.lastStatus).toBe('WARMING_UP'));
		expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000);
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(5_000);
	});

	test('COMPLETED without an image is re-read a few times, then returned as is', async () => {
		const { promise, calls } = run([done()]);
		const outcome = await promise;
		expect(outcome.job.imageUrl).toBeUndefined();
		expect(calls()).toBe(COMPLETED_WITHOUT_IMAGE_RETRIES + 1);
	});

	test('COMPLETED whose image shows up on a re-read', async () => {
		const outcome = await run([done(), done('https://x/late.png')]).promise;
		expect(outcome.job.imageUrl).toBe('https://x/late.png');
	});

	test('a cancelled sleep ends the wait with the cancellation', async () => {
		const clock = new FakeClock();
		clock.sleep = async () => {
			throw new Error('cancelled');
		};
		await expect(
			pollUntilDone({
				clock,
				startedAt: clock.now(),
				timeoutMs: 10_000,
				maxIntervalMs: 1_000,
				initial: pending(),
				check: async () => pending(),
			}),
		).rejects.toThrow('cancelled');
	});
});
