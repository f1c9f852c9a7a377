import { SharedBackoff } from '../../nodes/FluxArtGenerator/transport/backoff';
import type { Clock } from '../../nodes/FluxArtGenerator/helpers/polling';

/** A clock whose sleeps advance time at once. */
const fakeClock = (): Clock & { time: number } => {
	const clock = {
		time: 0,
		now: () => clock.time,
		sleep: async (ms: number) => {
			clock.time += ms;
		},
	};
	return clock;
};

describe('SharedBackoff: one pause for every item of the execution', () => {
	test('no pause: wait returns at once', async () => {
		const clock = fakeClock();
		await new SharedBackoff(clock).wait();
		expect(clock.time).toBe(0);
	});

	test('a 429 seen by one item holds back every caller until the pause ends', async () => {
		const clock = fakeClock();
		const backoff = new SharedBackoff(clock);
		backoff.pauseFor(2_000);
		await backoff.wait();
		expect(clock.time).toBe(2_000);
		await backoff.wait();
		expect(clock.time).toBe(2_000);
	});

	test('a shorter pause never cuts a longer one short', () => {
		const clock = fakeClock();
		const backoff = new SharedBackoff(clock);
		backoff.pauseFor(5_000);
		backoff.pauseFor(1_000);
		return backoff.wait().then(() => expect(clock.time).toBe(5_000));
	});
});
