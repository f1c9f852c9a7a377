/**
 * Every error path of issue 2 in the engine: a clear message that says what to do, the job's
 * request id kept, nothing billed twice, the key never in the output.
 */
import { FAILURE_REASONS } from '../fake-segmind';
import type { FailureShape } from '../fake-segmind';
import type { LogEntry } from '../harness/log-capture';
import { errorOf, expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

describe('bad input fails before any request', () => {
	test('an empty prompt: n8n itself refuses to run the workflow (a required parameter)', async () => {
		await expect(run(fake, { textPrompt: '' })).rejects.toThrow('The workflow has issues');
		expect(fake.requests).toHaveLength(0);
	});

	test.each([
		['a blank prompt', '   \n '],
		['an expression that resolves to nothing', '={{ $json.missing }}'],
	])('%s: the node refuses it', async (_name, textPrompt) => {
		const result = await run(fake, { textPrompt });
		const error = errorOf(result);
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe('The Text Prompt is empty');
		expect(error.description).toContain('no credits were spent');
		expect(fake.requests).toHaveLength(0);
	});

	test('a blank workflow id', async () => {
		const error = errorOf(await run(fake, { workflowId: ' ' }));
		expect(error.message).toBe('The Workflow ID is empty');
		expect(fake.requests).toHaveLength(0);
	});
});

describe('HTTP errors on the submit: a message that says what to do, and no retry', () => {
	test.each([
		[
			401,
			{ error: 'Invalid API key' },
			'Segmind rejected the API key (HTTP 401)',
			'Check the API key',
		],
		[
			402,
			{ error: 'Insufficient credits' },
			'Not enough Segmind credits (HTTP 402)',
			'Top up credits',
		],
		[
			406,
			{ error: 'Not enough credits' },
			'Not enough Segmind credits (HTTP 406)',
			'Top up credits',
		],
		[
			403,
			{ error: 'Forbidden' },
			'Segmind does not allow this account to run workflow 66ba4126364d0f944f366a8f-v2 (HTTP 403)',
			'plan',
		],
		[
			404,
			{ error: 'Workflow not found' },
			'Segmind knows no workflow "66ba4126364d0f944f366a8f-v2" (HTTP 404)',
			'Check the Workflow ID',
		],
		[
			422,
			{ error: 'text_prompt must be a string' },
			'Segmind refused the input (HTTP 422): text_prompt must be a string',
			'text_prompt',
		],
	])('HTTP %d', async (status, body, message, hint) => {
		fake.respond('submit', { status, body });
		const result = await run(fake, {});
		const error = errorOf(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.description).toContain(hint);
		expect(error.description).toContain(body.error);
		expect(String(error.httpCode)).toBe(String(status));
		expect(fake.requestsTo('submit')).toHaveLength(1);
		expect(fake.jobs).toHaveLength(0);
		// No job was made: nothing to collect, so no request ID (null, not an empty string).
		expect(error.context).toMatchObject({ request_id: null, poll_url: null });
	});

	test('a refused submit under Continue On Fail: an error item with request_id null', async () => {
		fake.respond('submit', { status: 402, body: { error: 'Insufficient credits' } });
		const result = await run(fake, {}, { onError: 'continueRegularOutput' });
		expect(result.items?.[0].json).toMatchObject({ code: 'CREDITS', request_id: null });
	});

	test('a real bad key, checked by the fake itself', async () => {
		const result = await run(fake, {}, { apiKey: 'wrong-key-000' });
		expect(errorOf(result).message).toBe('Segmind rejected the API key (HTTP 401)');
		expect(JSON.stringify(result.run)).not.toContain('wrong-key-000');
	});

	test('a real empty balance, checked by the fake itself', async () => {
		fake.credits = 0;
		const result = await run(fake, {});
		expect(errorOf(result).message).toBe('Not enough Segmind credits (HTTP 402)');
	});
});

describe("the job fails at Segmind: Segmind's own words", () => {
	const expected: Record<FailureShape, string> = {
		'error_message-string': 'NSFW content detected',
		'error_message-object': 'Model crashed: CUDA OOM',
		'error_message-list': 'flux-schnell: Prompt rejected by safety filter',
		'error_message-nested': 'Image generation ran out of GPU memory',
		error: 'Upstream model timeout',
		message: 'Workflow execution failed',
	};
	const cases = (Object.keys(FAILURE_REASONS) as FailureShape[]).flatMap((shape) =>
		([200, 422] as const).map((httpStatus) => [shape, httpStatus] as const),
	);
	test.each(cases)('FAILED with %s over HTTP %d', async (shape, httpStatus) => {
		fake.setScenario({ fail: { shape, httpStatus } });
		const result = await run(fake, {});
		const error = errorOf(result);
		const { requestId } = fake.jobs[0];
		expect(error.message).toBe(`Segmind could not finish request ${requestId}: ${expected[shape]}`);
		expect(error.context).toMatchObject({ code: 'FAILED', request_id: requestId });
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});

	test.each(['CANCELLED', 'ERROR'])('a job that ends %s', async (terminalStatus) => {
		fake.setScenario({ terminalStatus });
		const error = errorOf(await run(fake, {}));
		expect(error.message).toContain(`Request ended with status ${terminalStatus}`);
	});
});

describe('timeout', () => {
	test('names the request id and the poll URL, so the image can still be fetched', async () => {
		fake.setScenario({ neverFinish: true });
		const started = Date.now();
		const result = await run(fake, { options: { timeout: 2, pollInterval: 0.5 } });
		const elapsed = Date.now() - started;
		const error = errorOf(result);
		const { requestId } = fake.jobs[0];
		const pollUrl = `${fake.baseUrl}/workflows/request/${requestId}`;
		expect(error.message).toBe(
			`Segmind had not finished request ${requestId} after 2 s (last status: PROCESSING)`,
		);
		expect(error.description).toContain(pollUrl);
		expect(error.context).toMatchObject({
			code: 'TIMEOUT',
			request_id: requestId,
			poll_url: pollUrl,
		});
		expect(elapsed).toBeGreaterThanOrEqual(2_000);
		expect(elapsed).toBeLessThan(6_000);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});
});

describe('answers the node cannot use', () => {
	test('COMPLETED without any image URL fails clearly after a few re-reads', async () => {
		fake.respond('poll', { status: 200, body: { status: 'COMPLETED', output: '[]' }, times: 10 });
		const error = errorOf(await run(fake, {}));
		expect(error.message).toContain(
			`Segmind finished request ${fake.jobs[0].requestId} but its answer holds no image URL`,
		);
		expect(error.context).toMatchObject({ code: 'INVALID_RESPONSE' });
	});
});

describe('nothing dropped', () => {
	test('one item at a time: the error names the finished images of the items before it', async () => {
		// The third item fails: n8n will discard the node's output, so the error lists the first two
		// images, which were made and billed.
		const items = [{ prompt: 'one' }, { prompt: 'two' }, { prompt: ' ' }];
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 1 } },
			{ items },
		);
		const error = errorOf(result);
		expect(error.message).toBe('The Text Prompt is empty');
		const others = error.context.other_jobs as Array<Record<string, unknown>>;
		expect(others).toEqual(
			fake.jobs.map((job, item) => ({
				item,
				request_id: job.requestId,
				poll_url: `${fake.baseUrl}/workflows/request/${job.requestId}`,
				image_output: `${fake.imageBaseUrl}/images/${job.requestId}.png`,
			})),
		);
		for (const job of fake.jobs) expect(error.description).toContain(job.requestId);
		expect(error.description).toContain('Continue');
	});

	test('several at once: jobs running when an item fails finish, and are named with their images', async () => {
		fake.setScenario({ durationMs: 3_000 });
		const items = [{ prompt: 'one' }, { prompt: 'two' }, { prompt: ' ' }];
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}', options: { concurrency: 3 } },
			{ items },
		);
		const error = errorOf(result);
		expect(error.message).toBe('The Text Prompt is empty');
		const others = error.context.other_jobs as Array<Record<string, unknown>>;
		expect(others.map((job) => job.request_id).sort()).toEqual(
			fake.jobs.map((job) => job.requestId).sort(),
		);
		for (const job of others)
			expect(job.image_output).toEqual(expect.stringContaining(String(job.request_id)));
		expect(fake.requestsTo('submit')).toHaveLength(2);
	});
});

describe("an unexpected failure after the submit names the item's own job", () => {
	// Not a SegmindError (those name their job already): a failure of the node's surroundings
	// once the job is paid for. Here n8n's logger throws on the node's first poll status line.
	const brokenLogger = (entry: LogEntry) => {
		if (entry.message.startsWith('Segmind request ')) throw new Error('the log sink is full');
	};
	const ownJob = () => {
		const [job] = fake.jobs;
		const pollUrl = `${fake.baseUrl}/workflows/request/${job.requestId}`;
		const words = `This item's job was already submitted: Segmind request ${job.requestId} (poll URL ${pollUrl})`;
		return { requestId: job.requestId, pollUrl, words };
	};

	test('the error carries its request_id and poll_url, and says how to collect it', async () => {
		const result = await run(fake, {}, { onLog: brokenLogger });
		const error = errorOf(result);
		const { requestId, pollUrl, words } = ownJob();
		expect(error.message).toBe('the log sink is full');
		expect(error.context).toMatchObject({ request_id: requestId, poll_url: pollUrl });
		expect(error.description).toContain(words);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});

	test('under Continue On Fail, so does the error item', async () => {
		const result = await run(fake, {}, { onLog: brokenLogger, onError: 'continueRegularOutput' });
		const { requestId, pollUrl, words } = ownJob();
		expect(result.items![0].json).toMatchObject({
			error: 'the log sink is full',
			request_id: requestId,
			poll_url: pollUrl,
			description: expect.stringContaining(words),
		});
	});
});

describe('the key is never shown', () => {
	test('a server that echoes the key in its error: redacted from message and description', async () => {
		fake.respond('submit', { status: 422, body: { error: `bad request for key ${fake.apiKey}` } });
		const result = await run(fake, {});
		const error = errorOf(result);
		expect(error.message).toContain('[redacted]');
		expect(JSON.stringify(result.run)).not.toContain(fake.apiKey);
	});
});

describe('Continue On Fail', () => {
	test('failed items become {error, request_id}; the others go on', async () => {
		const items = [{ prompt: 'a cat' }, { prompt: '' }, { prompt: 'a dog' }];
		const result = await run(
			fake,
			{ textPrompt: '={{ $json.prompt }}' },
			{ items, onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		const out = result.items!;
		expect(out).toHaveLength(3);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.request_id).toBe(fake.jobs[0].requestId);
		expect(out[1].json).toMatchObject({ error: 'The Text Prompt is empty', request_id: null });
		expect(out[2].json.request_id).toBe(fake.jobs[1].requestId);
		expect(fake.requestsTo('submit')).toHaveLength(2);
		expectKeyOnlyOnApi(fake, result);
	});

	test('a job that fails at Segmind keeps its request id in the error item', async () => {
		fake.setScenario({ fail: { shape: 'error' } });
		const result = await run(fake, {}, { items: [{}, {}], onError: 'continueRegularOutput' });
		expect(result.items).toHaveLength(2);
		for (const [index, item] of result.items!.entries()) {
			expect(item.json).toMatchObject({
				error: expect.stringContaining('Upstream model timeout'),
				code: 'FAILED',
				request_id: fake.jobs[index].requestId,
			});
		}
	});
});
