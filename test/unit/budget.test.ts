import { BUDGET_WINDOW_MS, RequestBudget } from '../../nodes/FluxArtGenerator/transport/budget';
import type { Clock } from '../../nodes/FluxArtGenerator/helpers/polling';

/** A clock whose sleeps take no real time; time moves on only after everything granted has run. */
const fakeClock = () => {
	const clock = {
		time: 0,
		now: () => clock.time,
		sleep: async (ms: number) => {
			await new Promise((resolve) => setImmediate(resolve));
			clock.time += ms;
		},
	};
	return clock as Clock & { time: number };
};

describe('RequestBudget: one budget per minute for all items', () => {
	test('calls within the budget go at once; the next waits for the window', async () => {
		const clock = fakeClock();
		const budget = new RequestBudget(3, clock);
		const times: number[] = [];
		for (let i = 0; i < 4; i++) {
			await budget.take('poll');
			times.push(clock.time);
		}
		expect(times).toEqual([0, 0, 0, BUDGET_WINDOW_MS]);
	});

	test('never more than the limit in any window, whoever asks', async () => {
		const clock = fakeClock();
		const budget = new RequestBudget(5, clock);
		const times: number[] = [];
		await Promise.all(
			Array.from({ length: 17 }, async (_, i) => {
				await budget.take(i % 3 === 0 ? 'submit' : 'poll');
				times.push(clock.time);
			}),
		);
		times.sort((a, b) => a - b);
		for (const start of times) {
			expect(
				times.filter((t) => t >= start && t < start + BUDGET_WINDOW_MS).length,
			).toBeLessThanOrEqual(5);
		}
	});

	test('polls are served before submits that wait with them', async () => {
		const clock = fakeClock();
		const budget = new RequestBudget(1, clock);
		await budget.take('submit');
		const order: string[] = [];
		await Promise.all([
			budget.take('submit').then(() => order.push('submit')),
			budget.take('poll').then(() => order.push('poll')),
		]);
		expect(order).toEqual(['poll', 'submit']);
	});

	test('a 429 shrinks the budget by a fifth', async () => {
		const clock = fakeClock();
		const budget = new RequestBudget(5, clock);
		budget.shrink();
		const times: number[] = [];
		for (let i = 0; i < 5; i++) {
			await budget.take('poll');
			times.push(clock.time);
		}
		expect(times).toEqual([0, 0, 0, 0, BUDGET_WINDOW_MS]);
	});

	test('a stop while waiting fails every waiter instead of leaving it hanging', async () => {
		const clock = fakeClock();
		clock.sleep = async () => {
			throw new Error('stopped');
		};
		const budget = new RequestBudget(1, clock);
		await budget.take('poll');
		await expect(budget.take('poll')).rejects.toThrow('stopped');
	});
});
