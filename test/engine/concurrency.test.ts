/**
 * Several items at once (Items at Once): outputs keep input order and pairing, failures stay per
 * item under Continue On Fail, a 429 holds back every item, and the run is faster than one at a
 * time. Per-prompt durations make items finish out of order.
 */
import { expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const durations = new Map<string, number>();
const fake = useFakeSegmind({ durationOf: (prompt) => durations.get(prompt) });

const prompts = (count: number) => Array.from({ length: count }, (_, i) => `prompt ${i}`);

describe('Items at Once', () => {
	beforeEach(() => durations.clear());

	test('outputs in input order and paired, though jobs finish out of order', async () => {
		const list = prompts(8);
		// Early items take longest, so they finish last.
		list.forEach((prompt, i) => durations.set(prompt, 1_600 - i * 180));
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 4 } },
			{ items: list.map((prompt) => ({ prompt })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items!.map((item) => item.json.text_prompt)).toEqual(list);
		expect(result.items!.map((item) => item.pairedItem)).toEqual(list.map((_, item) => ({ item })));
		for (const item of result.items!) {
			const job = fake.jobs.find((candidate) => candidate.prompt === item.json.text_prompt)!;
			expect(item.json.request_id).toBe(job.requestId);
			expect(item.binary?.data?.fileName).toBe(`${job.requestId}.png`);
		}
		expect(fake.requestsTo('submit')).toHaveLength(8);
		// Four jobs in flight at once, never more: four submits came before the first image, the
		// fifth after it. Overlapping jobs are what make the run faster than one at a time (the
		// durations alone add up to about 7.8 s); shown by order, as a loaded machine stretches
		// any wall-clock bound.
		const submits = fake.requestsTo('submit').map((request) => request.time);
		const firstImage = fake.requestsTo('image')[0].time;
		expect(submits.filter((time) => time < firstImage)).toHaveLength(4);
		expectKeyOnlyOnApi(fake, result);
	});

	test('mixed failures under Continue On Fail: each failed item stays in its place', async () => {
		const items = [
			{ prompt: 'ok 0' },
			{ prompt: ' ' },
			{ prompt: 'ok 2' },
			{ prompt: 'ok 3' },
			{ prompt: '' },
			{ prompt: 'ok 5' },
		];
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 3 } },
			{ items, onError: 'continueRegularOutput' },
		);
		const out = result.items!;
		expect(out).toHaveLength(6);
		expect(out.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(out.map((item) => (item.json.error ? 'error' : item.json.text_prompt))).toEqual([
			'ok 0',
			'error',
			'ok 2',
			'ok 3',
			'error',
			'ok 5',
		]);
		expect(fake.requestsTo('submit')).toHaveLength(4);
	});

	test('a job failing at Segmind among others, under Continue On Fail', async () => {
		fake.respond('submit', { status: 422, body: { error: 'prompt rejected' } });
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 3 } },
			{ items: prompts(3).map((prompt) => ({ prompt })), onError: 'continueRegularOutput' },
		);
		const codes = result.items!.map((item) => item.json.code ?? 'ok');
		expect(codes.filter((code) => code === 'INVALID_INPUT')).toHaveLength(1);
		expect(codes.filter((code) => code === 'ok')).toHaveLength(2);
	});

	test('a 429 holds back every item, not only the one that hit it', async () => {
		// Jobs of 4 s: both items are still waiting when the first poll is refused, and each polls
		// every 0.5 s, so the other item has polls due inside the 2 s pause.
		durations.set('prompt 0', 4_000);
		durations.set('prompt 1', 4_000);
		fake.respond('poll', {
			status: 429,
			body: { error: 'Rate limit exceeded' },
			headers: { 'retry-after': '2' },
		});
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 2 } },
			{ items: prompts(2).map((prompt) => ({ prompt })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items!.map((item) => item.json.text_prompt)).toEqual(prompts(2));
		const [refusedPoll] = fake.requestsTo('poll');
		const refused = refusedPoll.time;
		for (const job of fake.jobs) expect(job.completesAt).toBeGreaterThan(refused + 2_000);
		const later = fake.requests.filter(
			(request) => request.host === 'api' && request.time > refused,
		);
		const inPause = later.filter((request) => request.time < refused + 1_900);
		// Inside the pause: at most the other item's poll that was already on its way when the 429
		// came back (both items poll in step). Without the shared pause the other item polls there
		// about every 0.5 s.
		expect(inPause.length).toBeLessThanOrEqual(1);
		for (const request of inPause) expect(request.path).not.toBe(refusedPoll.path);
		// After the pause both items polled on to the end.
		const afterPause = later.filter((request) => request.time >= refused + 1_900);
		for (const { requestId } of fake.jobs) {
			expect(afterPause.some((request) => request.path.endsWith(requestId))).toBe(true);
		}
	});
});
