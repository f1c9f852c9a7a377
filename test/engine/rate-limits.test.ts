/**
 * Segmind's rate limit as a user meets it, in the engine: a paid job is never failed by a 429 while
 * its Timeout lasts, and a pause for one item ends every other item at its own Timeout.
 */
import type { ScriptedResponse } from '../fake-segmind';
import { runFluxNode } from '../harness/run-node';
import { errorOf, run, useFakeSegmind } from './helpers';

/** Polls answered 429 with a reset a second ahead, until `until` (ms since the fake's reset). */
let refuseUntil = 0;
let resetAhead = 1_000;
let startedAt = 0;
const refused: number[] = [];
const fake = useFakeSegmind({
	inject: (route, request): ScriptedResponse | undefined => {
		if (route !== 'poll' || request.time - startedAt >= refuseUntil) return undefined;
		refused.push(request.time);
		const resetAt = new Date(request.time + resetAhead).toISOString();
		return {
			status: 429,
			body: { error: 'Rate limit exceeded' },
			headers: { 'x-rate-limit-reset-at-utc': resetAt },
		};
	},
});

beforeEach(() => {
	refused.length = 0;
	startedAt = Date.now();
	resetAhead = 1_000;
});

test('a paid job whose polls meet 429s for a while still delivers, without a second submit', async () => {
	refuseUntil = 4_000;
	fake.setScenario({ durationMs: 1_000 });
	const result = await run(fake, { options: { timeout: 30 } });
	expect(result.error).toBeUndefined();
	expect(refused.length).toBeGreaterThanOrEqual(2);
	expect(result.items![0].json.request_id).toBe(fake.jobs[0].requestId);
	expect(result.items![0].binary?.data).toBeDefined();
	expect(fake.requestsTo('submit')).toHaveLength(1);
	// Each refused check came back no sooner than the reset it was told.
	const polls = fake.requestsTo('poll').map((poll) => poll.time);
	for (const at of refused) {
		const next = polls.find((time) => time > at);
		if (next !== undefined) expect(next).toBeGreaterThanOrEqual(at + resetAhead - 20);
	}
});

test("one item's long pause: every item ends at its own Timeout, named, and the run does not wait for the reset", async () => {
	// The first poll is refused with a reset 40 s ahead: every item is held, none past its Timeout.
	refuseUntil = 60_000;
	resetAhead = 40_000;
	fake.setScenario({ durationMs: 500 });
	const began = Date.now();
	const result = await run(
		fake,
		{
			textPrompt: '={{ $json.prompt }}',
			options: { timeout: '={{ $json.timeout }}', concurrency: 2 },
		},
		{
			items: [
				{ prompt: 'a fox', timeout: 3 },
				{ prompt: 'a whale', timeout: 5 },
			],
			onError: 'continueRegularOutput',
		},
	);
	const took = Date.now() - began;
	// The 5 s item waited out its Timeout, not the 40 s reset.
	expect(took).toBeGreaterThanOrEqual(4_500);
	expect(took).toBeLessThan(15_000);
	const requestIds = fake.jobs.map((job) => job.requestId);
	expect(result.items).toHaveLength(2);
	for (const item of result.items!) {
		expect(item.json.code).toBe('RATE_LIMITED');
		expect(requestIds).toContain(item.json.request_id);
		expect(String(item.json.error)).toMatch(/rate limit held the checks on request/);
	}
	expect(fake.requestsTo('submit')).toHaveLength(2);
	// The two first polls went out together and were refused; nothing went out in the pause after.
	expect(refused.length).toBeLessThanOrEqual(2);
	expect(fake.requestsTo('poll')).toHaveLength(refused.length);
});

test('a Timeout that ends while a submit waits for the limit: RATE_LIMITED, nothing sent, nothing billed', async () => {
	refuseUntil = 0;
	fake.respond('submit', {
		status: 429,
		body: { error: 'Rate limit exceeded' },
		headers: { 'x-rate-limit-reset-at-utc': new Date(Date.now() + 40_000).toISOString() },
	});
	const error = errorOf(await run(fake, { options: { timeout: 2 } }));
	expect(error.context.code).toBe('RATE_LIMITED');
	expect(error.message).toMatch(/held the submit until the item's Timeout ran out/);
	expect(error.description).toMatch(/Nothing was billed/);
	expect(fake.jobs).toHaveLength(0);
});

describe('the limit learned from a 429 is kept per Base URL for the next run', () => {
	// A plan of 3 a minute that names its reset time on 429s only: the submit and two checks go,
	// the third is refused.
	const account = useFakeSegmind({
		plan: { limit: 3, window: 'rolling', counts: 'all', headers: 'on429' },
		scenario: { durationMs: 5_000 },
	});
	// Learned as short as these jobs: under a known limit the node checks where jobs end.
	const learnedShort = () => ({
		'node:Flux Art Generator': {
			jobDurationsMs: { '66ba4126364d0f944f366a8f-v2': Array.from({ length: 50 }, () => 5_000) },
		},
	});

	test('a first run learns 3 from its 429 and stores it; the next run, in a new window, draws none', async () => {
		const staticData = learnedShort();
		const first = await runFluxNode({
			credentials: { apiKey: account.apiKey, baseUrl: account.baseUrl },
			parameters: { textPrompt: 'a fox', options: { timeout: 7, pollInterval: 0.5 } },
			staticData,
		});
		// Unpaced, the node checked until Segmind refused: 3 went, the 4th was refused, and the
		// item's Timeout came before the window freed a place.
		expect(account.rateLimited).toBe(1);
		expect((first.error?.context as { code?: string }).code).toBe('RATE_LIMITED');
		const stored = (staticData['node:Flux Art Generator'] as Record<string, unknown>)
			.rateLimitsPerMinute as Record<string, { perMinute: number }>;
		expect(stored[account.baseUrl].perMinute).toBe(3);

		account.reset();
		const second = await runFluxNode({
			credentials: { apiKey: account.apiKey, baseUrl: account.baseUrl },
			parameters: { textPrompt: 'a whale', options: { timeout: 60, pollInterval: 0.5 } },
			staticData,
		});
		expect(second.error).toBeUndefined();
		expect(account.rateLimited).toBe(0);
		expect(account.requestsTo('poll').length).toBeLessThanOrEqual(2);
	});
});
