/**
 * The node inside n8n-core's WorkflowExecute, over real HTTP, against the fake Segmind: what it
 * outputs, and what Segmind really received.
 */
import type { OutputShape, PollPath } from '../fake-segmind';
import { expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

describe('Generate', () => {
	test('every accepted submit is logged at info level with its request ID, execution and item', async () => {
		const result = await run(fake, { textPrompt: 'a lighthouse' }, { items: [{}, {}] });
		expect(result.error).toBeUndefined();
		const accepted = result.logs.filter(
			(entry) => entry.level === 'info' && entry.message.startsWith('Segmind accepted request'),
		);
		// One line per paid job, so a process that dies mid-wait leaves every request ID in n8n's log.
		expect(accepted.map((entry) => entry.meta?.requestId).sort()).toEqual(
			fake.jobs.map((job) => job.requestId).sort(),
		);
		expect(accepted.map((entry) => entry.meta?.itemIndex).sort()).toEqual([0, 1]);
		for (const entry of accepted) {
			expect(entry.meta).toMatchObject({
				executionId: expect.any(String),
				pollUrl: expect.any(String),
			});
		}
	});

	test('one item: the image URL, the credits, the request id and the rest', async () => {
		const result = await run(fake, {
			textPrompt: 'goddess woman playing guitar with passion in saree',
		});
		expect(result.error).toBeUndefined();
		const [job] = fake.jobs;
		expect(result.items).toHaveLength(1);
		const [item] = result.items!;
		expect(item.json).toEqual({
			image_output: `${fake.imageBaseUrl}/images/${job.requestId}.png`,
			remaining_credits: fake.credits,
			request_id: job.requestId,
			status: 'COMPLETED',
			text_prompt: 'goddess woman playing guitar with passion in saree',
			workflow_id: '66ba4126364d0f944f366a8f-v2',
			elapsed_ms: expect.any(Number),
			polls: expect.any(Number),
		});
		expect(item.json.polls).toBeGreaterThanOrEqual(1);
		expect(item.json.elapsed_ms).toBeGreaterThanOrEqual(150);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(job.body).toEqual({ text_prompt: 'goddess woman playing guitar with passion in saree' });
		expectKeyOnlyOnApi(fake, result);
	});

	test('three items one at a time: three outputs in order, paired, exactly one submit each', async () => {
		const prompts = ['a red fox', 'a blue whale', 'a green parrot'];
		const parameters = { textPrompt: '={{ $json.prompt }}', options: { concurrency: 1 } };
		const result = await run(fake, parameters, { items: prompts.map((prompt) => ({ prompt })) });
		expect(result.error).toBeUndefined();
		expect(result.items!.map((item) => item.json.text_prompt)).toEqual(prompts);
		expect(result.items!.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(fake.requestsTo('submit')).toHaveLength(3);
		expect(fake.jobs.map((job) => job.prompt)).toEqual(prompts);
		expect(new Set(result.items!.map((item) => item.json.request_id)).size).toBe(3);
		// Credits count down per job; each item reports the latest reading seen while serving it.
		expect(result.items!.map((item) => item.json.remaining_credits)).toEqual([99, 98, 97]);
		expectKeyOnlyOnApi(fake, result);
	});

	test('a custom workflow id is used in the submit path', async () => {
		const result = await run(fake, { workflowId: '0123456789abcdef01234567-v3' });
		expect(result.items![0].json.workflow_id).toBe('0123456789abcdef01234567-v3');
		expect(fake.requestsTo('submit')[0].path).toBe('/workflows/0123456789abcdef01234567-v3');
	});

	const shapes: OutputShape[] = [
		'output-string',
		'output-list',
		'output-object',
		'output-plain-values',
		'flat',
		'flat-list',
	];
	test.each(shapes)('output shape %s', async (outputShape) => {
		fake.setScenario({ outputShape, imageFormat: 'jpeg' });
		const result = await run(fake, {});
		expect(result.items![0].json.image_output).toBe(
			`${fake.imageBaseUrl}/images/${fake.jobs[0].requestId}.jpg`,
		);
	});

	const paths: PollPath[] = [
		'requests',
		'workflows-request',
		'v1-requests',
		'relative',
		'placeholder',
		'missing',
	];
	test.each(paths)('poll URL form %s: followed, with the key', async (pollPath) => {
		fake.setScenario({ pollPath });
		const result = await run(fake, {});
		expect(result.items![0].json.request_id).toBe(fake.jobs[0].requestId);
		const polls = fake.requestsTo('poll');
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(
			polls.every((poll) => poll.host === 'api' && poll.path.endsWith(fake.jobs[0].requestId)),
		).toBe(true);
		expectKeyOnlyOnApi(fake, result);
	});

	test('a poll URL on another origin is followed without the key', async () => {
		fake.setScenario({ pollPath: 'foreign' });
		const result = await run(fake, {});
		expect(result.items![0].json.image_output).toContain(fake.jobs[0].requestId);
		const polls = fake.requestsTo('poll');
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(polls.every((poll) => poll.host === 'images')).toBe(true);
		expectKeyOnlyOnApi(fake, result);
	});

	// Redirects are followed by hand, so the origin is checked at every hop: a hop to another
	// origin goes without the key, a hop that stays on the API's origin keeps it.
	test.each([
		['to another origin (the image host): followed without the key', 'images'],
		["on the API's origin: followed with the key", 'api'],
	] as const)('a poll answered 302 %s', async (_name, host) => {
		fake.respond('poll', { status: 302, redirectTo: host });
		const result = await run(fake, {});
		expect(result.error).toBeUndefined();
		const [job] = fake.jobs;
		expect(result.items![0].json).toMatchObject({
			image_output: `${fake.imageBaseUrl}/images/${job.requestId}.png`,
			request_id: job.requestId,
			status: 'COMPLETED',
		});
		const polls = fake.requestsTo('poll');
		expect(polls[0]).toMatchObject({ host: 'api', path: `/workflows/request/${job.requestId}` });
		expect(polls[1]).toMatchObject({ host, path: `/requests/${job.requestId}` });
		expectKeyOnlyOnApi(fake, result);
	});

	test.each([
		['statuses in lower case', { statusCase: 'lower' as const }, 'COMPLETED'],
		['SUCCEEDED instead of COMPLETED', { completedStatus: 'SUCCEEDED' }, 'SUCCEEDED'],
		['an undocumented pending word', { pendingStatus: 'WARMING_UP' }, 'COMPLETED'],
	])('%s', async (_name, scenario, status) => {
		fake.setScenario(scenario);
		const result = await run(fake, {});
		expect(result.error).toBeUndefined();
		expect(result.items![0].json.status).toBe(status);
	});

	test('a submit answer already COMPLETED needs no poll', async () => {
		fake.setScenario({ completeOnSubmit: true });
		const result = await run(fake, {});
		expect(result.items![0].json).toMatchObject({ polls: 0, request_id: fake.jobs[0].requestId });
		expect(fake.requestsTo('poll')).toHaveLength(0);
	});

	test('a submit answer without request_id: the id is read off the poll URL', async () => {
		fake.setScenario({ submitOmitsRequestId: true });
		const result = await run(fake, {});
		expect(result.items![0].json.request_id).toBe(fake.jobs[0].requestId);
	});

	test('no credits header: remaining_credits is null', async () => {
		fake.setScenario({ creditsHeader: false });
		const result = await run(fake, {});
		expect(result.items![0].json.remaining_credits).toBeNull();
	});

	// A poll answered without the header says nothing about the balance: it must not erase the
	// reading before it. Jobs of 1.2 s take several polls, and the last ones carry no header.
	test.each([
		['the credits header on the submit only', 1, 0, [99]],
		['the credits header on the submit and the first poll', 1, 1, [99]],
		// Both submits come before the first poll (0.5 s later), which reads the balance after both.
		[
			"two items, the header on the first poll: that poll's reading, not the submit's",
			2,
			1,
			[98, 98],
		],
	])(
		'%s: remaining_credits is the last reading seen',
		async (_name, count, creditsHeaderPolls, expected) => {
			fake.setScenario({ durationMs: 1_200, creditsHeaderPolls });
			const result = await run(
				fake,
				{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 2 } },
				{ items: Array.from({ length: count }, (_, i) => ({ prompt: `prompt ${i}` })) },
			);
			expect(result.error).toBeUndefined();
			for (const { requestId } of fake.jobs) {
				const polls = fake.requestsTo('poll').filter((poll) => poll.path.endsWith(requestId));
				expect(polls.length).toBeGreaterThan(creditsHeaderPolls);
			}
			expect(result.items!.map((item) => item.json.remaining_credits)).toEqual(expected);
		},
	);
});
