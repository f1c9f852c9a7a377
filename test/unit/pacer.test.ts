/**
 * The pacer on a virtual clock (bench/sim-clock.ts: nothing really sleeps): each request goes when
 * Segmind's rate limit allows, learned from its headers, from a 429, or from an earlier execution,
 * within Max Requests per Minute, and no wait outlives the waiting item's deadline.
 */
import { VirtualClock } from '../../bench/sim-clock';
import { RatePacer, WINDOW_MS } from '../../nodes/FluxArtGenerator/transport/pacer';
import type { Priority, Ticket } from '../../nodes/FluxArtGenerator/transport/pacer';

const NEVER = Number.POSITIVE_INFINITY;

/** A pacer on a virtual clock, and a log of when each request was granted. */
function setUp(options: { cap?: number; storedLimit?: number } = {}) {
	const clock = new VirtualClock();
	const pacer = new RatePacer(clock, { cap: options.cap ?? 0, storedLimit: options.storedLimit });
	const granted: Array<{ at: number; priority: Priority }> = [];
	const take = async (priority: Priority = 'poll', deadline = NEVER) => {
		const ticket = await pacer.take(priority, deadline);
		if (ticket) granted.push({ at: clock.now(), priority });
		return ticket;
	};
	return { clock, pacer, granted, take };
}

/** A Segmind with a fixed window of `limit` a minute: answers each request as it would. */
function segmind(limit: number, headers: 'always' | 'on429' | 'none', clock: VirtualClock) {
	let windowStart: number | undefined;
	let used = 0;
	let refused = 0;
	return {
		get refused() {
			return refused;
		},
		answer(pacer: RatePacer, ticket: Ticket) {
			const now = clock.now();
			if (windowStart === undefined || now >= windowStart + 60_000) {
				windowStart = now;
				used = 0;
			}
			const resetAt = windowStart + 60_000;
			const ok = used < limit;
			if (ok) used++;
			else refused++;
			const reading =
				headers === 'always'
					? { remaining: limit - used, resetAt }
					: headers === 'on429' && !ok
						? { resetAt }
						: {};
			pacer.answered(ticket, { status: ok ? 200 : 429, reading });
			return ok;
		},
	};
}

/** Sends `count` requests one after another, each answered at once; a 429 is sent again. */
async function sendAll(
	setup: ReturnType<typeof setUp>,
	server: ReturnType<typeof segmind>,
	count: number,
) {
	for (let sent = 0; sent < count; ) {
		const ticket = await setup.take();
		if (ticket && server.answer(setup.pacer, ticket)) sent++;
	}
}

describe('RatePacer: Segmind says what is left (headers on every answer)', () => {
	test('the remaining requests go; the next waits for the reset, and no 429 is drawn', async () => {
		const setup = setUp();
		const server = segmind(5, 'always', setup.clock);
		await setup.clock.run(sendAll(setup, server, 8));
		expect(server.refused).toBe(0);
		// Past the reset the headers' last word is stale: the plan's size (the first remaining + 1)
		// and the run's own window decide, as a rolling window would.
		expect(setup.granted.map((g) => g.at)).toEqual([
			0,
			0,
			0,
			0,
			0,
			WINDOW_MS,
			WINDOW_MS,
			WINDOW_MS,
		]);
	});

	test('with few left, one request at a time, so each sees the count the last one left', async () => {
		const setup = setUp();
		const server = segmind(50, 'always', setup.clock);
		const first = (await setup.clock.run(setup.take()))!;
		server.answer(setup.pacer, first);
		// Pretend another worker used the rest: the next answer says 2 are left.
		const second = (await setup.clock.run(setup.take()))!;
		setup.pacer.answered(second, { status: 200, reading: { remaining: 2, resetAt: 60_000 } });
		const third = await setup.clock.run(setup.take());
		let fourthGranted = false;
		const fourth = setup.take().then((ticket) => {
			fourthGranted = true;
			return ticket;
		});
		await setup.clock.run(new Promise((resolve) => setImmediate(resolve)));
		expect(fourthGranted).toBe(false);
		setup.pacer.answered(third!, { status: 200, reading: { remaining: 1, resetAt: 60_000 } });
		await setup.clock.run(fourth);
		expect(fourthGranted).toBe(true);
	});

	test('tokensWithin: what is left now, and a new window once the reset falls inside', async () => {
		const setup = setUp();
		const ticket = (await setup.clock.run(setup.take()))!;
		setup.pacer.answered(ticket, { status: 200, reading: { remaining: 4, resetAt: 60_000 } });
		expect(setup.pacer.tokensWithin(10_000)).toBe(4);
		expect(setup.pacer.tokensWithin(61_000)).toBe(4 + 5);
	});
});

describe('RatePacer: the reset time on 429s only', () => {
	test('the first 429 teaches the limit (the requests before it): one 429, then paced', async () => {
		const setup = setUp();
		const server = segmind(5, 'on429', setup.clock);
		await setup.clock.run(sendAll(setup, server, 12));
		expect(server.refused).toBe(1);
		expect(setup.pacer.learned).toBe(5);
		// Five and the one refused, five once the window is over, then two in the next.
		const at = setup.granted.map((g) => g.at);
		expect(at).toEqual([
			...Array(6).fill(0),
			...Array(5).fill(WINDOW_MS),
			2 * WINDOW_MS,
			2 * WINDOW_MS,
		]);
	});

	test('with no limit known, the request that would pass 5 (the free plan) goes alone', async () => {
		const setup = setUp();
		const tickets = await setup.clock.run(Promise.all([1, 2, 3, 4, 5].map(() => setup.take())));
		let sixth = false;
		const waiting = setup.take().then(() => (sixth = true));
		await setup.clock.run(new Promise((resolve) => setImmediate(resolve)));
		expect(sixth).toBe(false);
		for (const ticket of tickets) setup.pacer.answered(ticket!, { status: 200, reading: {} });
		await setup.clock.run(waiting);
		expect(sixth).toBe(true);
	});
});

describe('RatePacer: nothing in the answers', () => {
	test('a 429 with no header at all may be a passing fault: one probe past its limit; refused too, the limit holds', async () => {
		const setup = setUp();
		const server = segmind(5, 'none', setup.clock);
		await setup.clock.run(sendAll(setup, server, 6));
		expect(server.refused).toBe(2);
		expect(setup.pacer.learned).toBe(5);
		const at = setup.granted.map((g) => g.at);
		// Five, the sixth refused, a probe after a short back-off refused too, then the window.
		expect(at).toEqual([0, 0, 0, 0, 0, 0, 2_000, WINDOW_MS]);
	});

	test('a bare 429 that was a passing fault: the probe goes through and the limit is forgotten', async () => {
		const setup = setUp();
		const server = segmind(1_000, 'none', setup.clock);
		for (let i = 0; i < 5; i++) server.answer(setup.pacer, (await setup.clock.run(setup.take()))!);
		const refused = (await setup.clock.run(setup.take()))!;
		setup.pacer.answered(refused, { status: 429, reading: {} });
		expect(setup.pacer.learned).toBe(5);
		await setup.clock.run(sendAll(setup, server, 10));
		expect(setup.pacer.learned).toBeUndefined();
		expect(setup.pacer.tokensWithin(60_000)).toBe(Number.POSITIVE_INFINITY);
		// Nothing waited for a window: the back-off, then every request at once.
		expect(Math.max(...setup.granted.map((g) => g.at))).toBe(2_000);
	});

	test('a limit stored by an earlier execution paces from the first request', async () => {
		const setup = setUp({ storedLimit: 5 });
		const server = segmind(5, 'none', setup.clock);
		await setup.clock.run(sendAll(setup, server, 6));
		expect(server.refused).toBe(0);
		expect(setup.granted.map((g) => g.at)).toEqual([0, 0, 0, 0, 0, WINDOW_MS]);
	});

	test('no limit and no 429: every request goes at once (no cost)', async () => {
		const setup = setUp();
		const server = segmind(1_000, 'none', setup.clock);
		await setup.clock.run(sendAll(setup, server, 60));
		expect(new Set(setup.granted.map((g) => g.at))).toEqual(new Set([0]));
		expect(setup.pacer.tokensWithin(60_000)).toBe(Number.POSITIVE_INFINITY);
	});
});

describe('RatePacer: every item keeps its own Timeout', () => {
	test('a long pause ends each waiter at its own deadline; a later one still goes at the reset', async () => {
		const setup = setUp();
		const ticket = (await setup.clock.run(setup.take()))!;
		setup.pacer.answered(ticket, { status: 429, reading: { resetAt: 50_000 } });
		const early = setup.take('poll', 10_000).then((t) => ({ t, at: setup.clock.now() }));
		const late = setup.take('poll', 90_000).then((t) => ({ t, at: setup.clock.now() }));
		const [first, second] = await setup.clock.run(Promise.all([early, late]));
		expect(first).toEqual({ t: undefined, at: 10_000 });
		expect(second.t).toBeDefined();
		expect(second.at).toBe(50_250);
	});
});

describe('RatePacer: Max Requests per Minute', () => {
	test('never more than the cap in any window, whoever asks', async () => {
		const setup = setUp({ cap: 5 });
		await setup.clock.run(
			Promise.all(
				Array.from({ length: 17 }, async (_, i) => {
					const ticket = await setup.take(i % 3 === 0 ? 'submit' : 'poll');
					setup.pacer.answered(ticket!, { status: 200, reading: {} });
				}),
			),
		);
		const times = setup.granted.map((g) => g.at);
		for (const start of times) {
			expect(times.filter((t) => t >= start && t < start + WINDOW_MS).length).toBeLessThanOrEqual(
				5,
			);
		}
	});

	test('submits are served before polls that wait with them: a submit starts Segmind’s clock', async () => {
		const setup = setUp({ cap: 1 });
		const first = (await setup.clock.run(setup.take('poll')))!;
		setup.pacer.answered(first, { status: 200, reading: {} });
		const order: string[] = [];
		await setup.clock.run(
			Promise.all([
				setup.take('poll').then(() => order.push('poll')),
				setup.take('submit').then(() => order.push('submit')),
			]),
		);
		expect(order).toEqual(['submit', 'poll']);
	});

	test('a 429 under the cap: the limit learned is the lower one', async () => {
		const setup = setUp({ cap: 50 });
		const server = segmind(3, 'on429', setup.clock);
		await setup.clock.run(sendAll(setup, server, 4));
		expect(setup.pacer.learned).toBe(3);
		expect(server.refused).toBe(1);
	});

	test('a stop while waiting fails every waiter instead of leaving it hanging', async () => {
		const clock = new VirtualClock();
		clock.sleep = async () => {
			throw new Error('stopped');
		};
		const pacer = new RatePacer(clock, { cap: 1 });
		await pacer.take('poll', NEVER);
		await expect(pacer.take('poll', NEVER)).rejects.toThrow('stopped');
	});
});

describe('RatePacer: others may spend from the same account (another execution, another worker)', () => {
	test('a reading is trusted for a second; an older one for one request, whose answer refreshes it', async () => {
		const setup = setUp();
		const read = (ticket: Ticket, remaining: number) =>
			setup.pacer.answered(ticket, { status: 200, reading: { remaining, resetAt: 60_000 } });
		// Two answers a request apart, the second 10 lower: others spend from the same window.
		const [first, second] = (await setup.clock.run(
			Promise.all([setup.take(), setup.take()]),
		)) as Ticket[];
		read(first, 30);
		read(second, 20);
		// Fresh: several may go at once.
		const now = await setup.clock.run(Promise.all([setup.take(), setup.take()]));
		expect(now.every(Boolean)).toBe(true);
		for (const ticket of now) setup.pacer.answered(ticket!, { status: 200, reading: {} });
		// Two seconds on, the last reading is stale: one at a time.
		await setup.clock.run(setup.clock.sleep(2_000));
		const lone = (await setup.clock.run(setup.take()))!;
		let next = false;
		const waiting = setup.take().then(() => (next = true));
		await setup.clock.run(new Promise((resolve) => setImmediate(resolve)));
		expect(next).toBe(false);
		read(lone, 15);
		await setup.clock.run(waiting);
		expect(next).toBe(true);
	});
});
