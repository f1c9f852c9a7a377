import { FakeSegmind, RateWindow } from './index';
import type { RatePlan } from './index';
import type { Admission } from './limits';
import { call, imageUrlOf, keyHeaders, poll, sleep, submit } from './test-client';
import type { Answer } from './test-client';

/** [time, counts, expected admission] rows, asked in order of one window. */
type Row = [number, boolean, Admission];

function play(plan: RatePlan, rows: Row[]): RateWindow {
	const window = new RateWindow(plan);
	for (const [now, counts, expected] of rows)
		expect([now, window.admit(now, counts)]).toEqual([now, expected]);
	return window;
}

const yes = (remaining: number, resetAt: number): Admission => ({
	admitted: true,
	remaining,
	resetAt,
});
const no = (resetAt: number): Admission => ({ admitted: false, remaining: 0, resetAt });

describe('RateWindow: the plan as bookkeeping on timestamps', () => {
	it('rolling: a place frees when its request leaves the last minute; refusals take none', () => {
		const plan: RatePlan = { limit: 2, window: 'rolling', counts: 'all', headers: 'none' };
		const window = play(plan, [
			[0, true, yes(1, 60_000)],
			[1_000, true, yes(0, 60_000)],
			[2_000, true, no(60_000)],
			[59_999, true, no(60_000)],
			// The request of 0 ms has left; the oldest is now the one of 1 s.
			[60_000, true, yes(0, 61_000)],
			[60_500, true, no(61_000)],
			[61_000, true, yes(0, 120_000)],
		]);
		expect(window.refused).toBe(3);
		expect(window.counted).toEqual([0, 1_000, 60_000, 61_000]);
	});

	it('rolling: a request stamped earlier but admitted later still counts as the oldest', () => {
		const plan: RatePlan = { limit: 3, window: 'rolling', counts: 'all', headers: 'none' };
		play(plan, [
			[1_000, true, yes(2, 61_000)],
			[500, true, yes(1, 60_500)],
			[2_000, true, yes(0, 60_500)],
		]);
	});

	it('fixed: the window opened by the first request closes a minute later, all places at once', () => {
		const plan: RatePlan = { limit: 2, window: 'fixed', counts: 'all', headers: 'none' };
		const window = play(plan, [
			[0, true, yes(1, 60_000)],
			[1_000, true, yes(0, 60_000)],
			[2_000, true, no(60_000)],
			[59_999, true, no(60_000)],
			// A new window opens at the next counted request, not at 60 s on a grid.
			[60_000, true, yes(1, 120_000)],
			[60_500, true, yes(0, 120_000)],
			[61_000, true, no(120_000)],
			[200_000, true, yes(1, 260_000)],
		]);
		expect(window.refused).toBe(3);
	});

	it('uncounted requests are always admitted, take no place and open no window', () => {
		const plan: RatePlan = { limit: 1, window: 'fixed', counts: 'submits', headers: 'always' };
		const window = play(plan, [
			// Nothing counted: every place is free now.
			[0, false, yes(1, 0)],
			[5_000, true, yes(0, 65_000)],
			[6_000, false, yes(0, 65_000)],
			[7_000, true, no(65_000)],
			[8_000, false, yes(0, 65_000)],
			[65_000, false, yes(1, 65_000)],
		]);
		expect(window.counted).toEqual([5_000]);
		expect(window.refused).toBe(1);
	});

	it('windowMs sets the window; reset() forgets it', () => {
		const plan: RatePlan = {
			limit: 1,
			window: 'rolling',
			counts: 'all',
			headers: 'none',
			windowMs: 1_000,
		};
		const window = play(plan, [
			[0, true, yes(0, 1_000)],
			[999, true, no(1_000)],
			[1_000, true, yes(0, 2_000)],
		]);
		window.reset();
		expect([window.refused, window.counted]).toEqual([0, []]);
		expect(window.admit(1_001, true)).toEqual(yes(0, 2_001));
	});

	it('nextAdmission: when a counted request would get in, asking nothing', () => {
		const rolling = new RateWindow({ limit: 2, window: 'rolling', counts: 'all', headers: 'none' });
		expect(rolling.nextAdmission(0)).toBe(0);
		rolling.admit(0, true);
		rolling.admit(10_000, true);
		// Full until the request of 0 ms leaves; once it has, the one of 10 s holds a place only.
		expect([rolling.nextAdmission(20_000), rolling.nextAdmission(60_000)]).toEqual([
			60_000, 60_000,
		]);
		rolling.admit(60_000, true);
		expect(rolling.nextAdmission(60_001)).toBe(70_000);
		expect(rolling.refused).toBe(0);

		const fixed = new RateWindow({ limit: 2, window: 'fixed', counts: 'all', headers: 'none' });
		fixed.admit(0, true);
		expect(fixed.nextAdmission(5_000)).toBe(5_000);
		fixed.admit(10_000, true);
		expect([fixed.nextAdmission(20_000), fixed.nextAdmission(60_000)]).toEqual([60_000, 60_000]);
		fixed.admit(60_000, true);
		fixed.admit(60_001, true);
		expect(fixed.nextAdmission(61_000)).toBe(120_000);
	});

	it('refuses plans that cannot be kept', () => {
		const base: RatePlan = { limit: 5, window: 'fixed', counts: 'all', headers: 'none' };
		expect(() => new RateWindow({ ...base, limit: 0 })).toThrow(/limit/);
		expect(() => new RateWindow({ ...base, limit: 2.5 })).toThrow(/limit/);
		expect(() => new RateWindow({ ...base, windowMs: 0 })).toThrow(/windowMs/);
		expect(() => new FakeSegmind({ plan: base, rateLimitPerMinute: 5 })).toThrow(/not both/);
	});
});

const REMAINING = 'x-rate-limit-remaining';
const RESET = 'x-rate-limit-reset-at-utc';

/** The two rate headers of an answer, null where absent, and no Retry-After ever. */
function rateHeaders(answer: Answer): [string | null, string | null] {
	expect(answer.headers.get('retry-after')).toBeNull();
	return [answer.headers.get(REMAINING), answer.headers.get(RESET)];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A started fake with this plan; stopped by the caller. */
async function account(plan: Partial<RatePlan>): Promise<FakeSegmind> {
	const fake = new FakeSegmind({
		scenario: { durationMs: 0 },
		plan: { limit: 2, window: 'rolling', counts: 'all', headers: 'always', ...plan },
	});
	await fake.start();
	return fake;
}

/** When the fake saw its `index`-th API request. */
const apiTime = (fake: FakeSegmind, index: number) =>
	fake.requests.filter((request) => request.host === 'api')[index].time;

describe('FakeSegmind plans on the wire', () => {
	let fake: FakeSegmind | undefined;
	afterEach(async () => {
		await fake?.stop();
		fake = undefined;
	});

	it("headers 'always': every API answer, 200s, errors and 429s; the image host never", async () => {
		fake = await account({ limit: 3 });
		const first = await submit(fake);
		const t0 = apiTime(fake, 0);
		expect([first.status, ...rateHeaders(first)]).toEqual([200, '2', iso(t0 + 60_000)]);
		const badKey = await call(`${fake.baseUrl}/v1/get-user-credits`);
		expect([badKey.status, ...rateHeaders(badKey)]).toEqual([401, '1', iso(t0 + 60_000)]);
		const polled = await poll(fake, first.json.poll_url as string);
		expect([polled.status, ...rateHeaders(polled)]).toEqual([200, '0', iso(t0 + 60_000)]);

		const refused = await submit(fake, { text_prompt: 'one too many' });
		expect([refused.status, refused.json]).toEqual([429, { error: 'Rate limit exceeded' }]);
		expect(rateHeaders(refused)).toEqual(['0', iso(t0 + 60_000)]);
		const unknown = await call(`${fake.baseUrl}/nowhere`, { headers: keyHeaders(fake) });
		expect([unknown.status, ...rateHeaders(unknown)]).toEqual([429, '0', iso(t0 + 60_000)]);

		const image = await call(imageUrlOf(polled.json));
		expect([image.status, ...rateHeaders(image)]).toEqual([200, null, null]);
		expect(fake.jobs.map((job) => job.prompt)).toEqual(['a lighthouse at dusk']);
		expect(fake.rateLimited).toBe(2);
		expect(fake.countedAt).toEqual([0, 1, 2].map((i) => apiTime(fake!, i)));
		// Refused requests are recorded under their route and marked.
		expect(fake.requestsTo('submit').map((request) => request.rateLimited)).toEqual([
			undefined,
			true,
		]);
	});

	it("a scripted answer's own rate headers win over the plan's", async () => {
		fake = await account({});
		fake.respond('submit', { status: 503, body: { error: 'busy' }, headers: { [REMAINING]: '7' } });
		const scripted = await submit(fake);
		expect([scripted.status, ...rateHeaders(scripted)]).toEqual([
			503,
			'7',
			iso(apiTime(fake, 0) + 60_000),
		]);
	});

	it("headers 'on429': the reset time on the plan's 429s only; 'none': nothing", async () => {
		fake = await account({ limit: 1, headers: 'on429' });
		const admitted = await submit(fake);
		expect([admitted.status, ...rateHeaders(admitted)]).toEqual([200, null, null]);
		const refused = await poll(fake, admitted.json.poll_url as string);
		expect([refused.status, ...rateHeaders(refused)]).toEqual([
			429,
			null,
			iso(apiTime(fake, 0) + 60_000),
		]);
		await fake.stop();

		fake = await account({ limit: 1, headers: 'none' });
		expect(rateHeaders(await submit(fake))).toEqual([null, null]);
		const silent = await submit(fake);
		expect([silent.status, silent.json, ...rateHeaders(silent)]).toEqual([
			429,
			{ error: 'Rate limit exceeded' },
			null,
			null,
		]);
	});

	it("counts 'submits': polls and credits are always answered and never counted", async () => {
		fake = await account({ limit: 1, counts: 'submits' });
		const first = await submit(fake);
		const resetAt = iso(apiTime(fake, 0) + 60_000);
		for (let i = 0; i < 4; i++) {
			const polled = await poll(fake, first.json.poll_url as string);
			expect([polled.status, ...rateHeaders(polled)]).toEqual([200, '0', resetAt]);
		}
		const credits = await call(`${fake.baseUrl}/v1/get-user-credits`, {
			headers: keyHeaders(fake),
		});
		expect(credits.status).toBe(200);
		expect((await submit(fake, { text_prompt: 'second' })).status).toBe(429);
		expect(fake.countedAt).toEqual([apiTime(fake, 0)]);
		expect([fake.rateLimited, fake.jobs.length, fake.requestsTo('poll').length]).toEqual([1, 1, 4]);
	});

	it("counts 'all': polls count and are refused like submits", async () => {
		fake = await account({ limit: 2 });
		const first = await submit(fake);
		expect((await poll(fake, first.json.poll_url as string)).status).toBe(200);
		expect((await poll(fake, first.json.poll_url as string)).status).toBe(429);
		expect(fake.requestsTo('poll').map((request) => request.rateLimited)).toEqual([
			undefined,
			true,
		]);
	});

	/** Requests at t0, t0 + 150 ms, a refusal, then one just after the reset time it named. */
	async function resetTimes(window: RatePlan['window']) {
		fake = await account({ limit: 2, window, windowMs: 400 });
		await submit(fake);
		await sleep(150);
		await submit(fake);
		const refused = await submit(fake);
		const [t0, t1, t2] = [0, 1, 2].map((i) => apiTime(fake!, i));
		await sleep(Date.parse(refused.headers.get(RESET)!) - Date.now() + 5);
		const after = await submit(fake);
		const t3 = apiTime(fake, 3);
		return { refused, after, t0, t1, t2, t3 };
	}

	it('rolling: the reset time is when the oldest counted request leaves the window', async () => {
		const { refused, after, t0, t1 } = await resetTimes('rolling');
		expect([refused.status, ...rateHeaders(refused)]).toEqual([429, '0', iso(t0 + 400)]);
		// One place came free; the request of t1 still holds the other.
		expect([after.status, ...rateHeaders(after)]).toEqual([200, '0', iso(t1 + 400)]);
	});

	it("fixed: the reset time is the window's end; the next request opens a new window", async () => {
		const { refused, after, t0, t3 } = await resetTimes('fixed');
		expect([refused.status, ...rateHeaders(refused)]).toEqual([429, '0', iso(t0 + 400)]);
		expect([after.status, ...rateHeaders(after)]).toEqual([200, '1', iso(t3 + 400)]);
	});

	it('reset() opens a new window and forgets what was refused and counted', async () => {
		fake = await account({ limit: 1 });
		await submit(fake);
		expect((await submit(fake)).status).toBe(429);
		fake.reset();
		expect([fake.rateLimited, fake.countedAt]).toEqual([0, []]);
		const fresh = await submit(fake);
		expect([fresh.status, ...rateHeaders(fresh)]).toEqual([
			200,
			'0',
			iso(apiTime(fake, 0) + 60_000),
		]);
	});
});
