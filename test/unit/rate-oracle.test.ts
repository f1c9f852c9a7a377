/** The rate_plans bench's oracle (bench/rate-oracle.ts) on schedules computed by hand. */
import { rateOracle } from '../../bench/rate-oracle';
import type { OracleInput } from '../../bench/rate-oracle';

const pro: OracleInput['plan'] = { limit: 50, window: 'rolling', counts: 'all' };
const tenSeconds = (window: 'fixed' | 'rolling', limit = 2) =>
	({ limit, window, counts: 'all', windowMs: 10_000 }) as const;

describe('rateOracle', () => {
	test('a limit that does not bind: every submit at once, every check at its job end', () => {
		const schedule = rateOracle({
			plan: pro,
			itemsAtOnce: 10,
			durationsMs: [6_000, 8_000, 7_000],
			roundTripMs: 0,
		});
		expect(schedule).toEqual({
			wall_ms: 8_000,
			requests: 6,
			submits: [0, 0, 0],
			checks: [6_000, 8_000, 7_000],
		});
	});

	test('Items at Once: the next submit goes one round trip after a check frees its slot', () => {
		const schedule = rateOracle({
			plan: pro,
			itemsAtOnce: 1,
			durationsMs: [6_000, 8_000],
			roundTripMs: 10,
		});
		// Job 1: submitted at 6 010, done at 14 010, checked then; its image one round trip later.
		expect(schedule).toMatchObject({
			submits: [0, 6_010],
			checks: [6_000, 14_010],
			wall_ms: 14_020,
		});
	});

	test('the free plan: five submits fill the minute, the five checks wait for it to pass', () => {
		const schedule = rateOracle({
			plan: { limit: 5, window: 'rolling', counts: 'all' },
			itemsAtOnce: 10,
			durationsMs: [6_000, 7_000, 8_000, 9_000, 10_000],
			roundTripMs: 0,
		});
		expect(schedule).toEqual({
			wall_ms: 60_000,
			requests: 10,
			submits: [0, 0, 0, 0, 0],
			checks: [60_000, 60_000, 60_000, 60_000, 60_000],
		});
	});

	test('three jobs on the free plan: two places left for checks, the third waits a minute', () => {
		const schedule = rateOracle({
			plan: { limit: 5, window: 'fixed', counts: 'all' },
			itemsAtOnce: 10,
			durationsMs: [6_000, 9_000, 12_000],
			roundTripMs: 0,
		});
		expect(schedule.checks).toEqual([6_000, 9_000, 60_000]);
	});

	test('rolling frees one place at a time, fixed the whole window at its end', () => {
		// Limit 2 per 10 s, one at a time: submit 0 at 0, its check at 5 s, then the window is
		// full until 10 s, when job 1 is submitted. Job 1 is done at 11 s: a fixed window opened
		// at 10 s has a place left; a rolling one holds 5 s and 10 s until 15 s.
		const input = { itemsAtOnce: 1, durationsMs: [5_000, 1_000], roundTripMs: 0 };
		const fixed = rateOracle({ ...input, plan: tenSeconds('fixed') });
		const rolling = rateOracle({ ...input, plan: tenSeconds('rolling') });
		expect([fixed.submits, fixed.checks, fixed.wall_ms]).toEqual([
			[0, 10_000],
			[5_000, 11_000],
			11_000,
		]);
		expect([rolling.submits, rolling.checks, rolling.wall_ms]).toEqual([
			[0, 10_000],
			[5_000, 15_000],
			15_000,
		]);
	});

	test('a limit on submits only: checks go at job end, submits wait for the window', () => {
		const schedule = rateOracle({
			plan: { ...tenSeconds('rolling', 1), counts: 'submits' },
			itemsAtOnce: 2,
			durationsMs: [3_000, 4_000],
			roundTripMs: 0,
		});
		expect(schedule).toEqual({
			wall_ms: 14_000,
			requests: 4,
			submits: [0, 10_000],
			checks: [3_000, 14_000],
		});
	});

	test('at the same moment a check goes before a submit', () => {
		// Limit 2 per 10 s, two at a time, job 0 done at 1 s: at 10 s its check and job 2's submit
		// (its slot is free at once) compete with job 1's check: the checks take both places.
		const schedule = rateOracle({
			plan: tenSeconds('fixed'),
			itemsAtOnce: 2,
			durationsMs: [1_000, 2_000, 1_000],
			roundTripMs: 0,
		});
		expect(schedule.checks.slice(0, 2)).toEqual([10_000, 10_000]);
		expect(schedule.submits[2]).toBe(20_000);
	});
});
