/**
 * Submit, Get Result, Get Credits, custom workflow inputs and tool use, in the engine against the
 * fake Segmind. A job is never submitted twice: picking it up again is always by its request ID.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import type { INode, IWorkflowBase } from 'n8n-workflow';

import { binaryBytes, FLUX_NODE_TYPE, PACKAGE_ROOT } from '../harness/run-node';
import { errorOf, expectKeyOnlyOnApi, run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();

describe('Submit', () => {
	test('returns at once with request_id, poll_url, status and credits', async () => {
		fake.setScenario({ durationMs: 5_000 });
		const started = Date.now();
		const result = await run(fake, { operation: 'submit', textPrompt: 'a cat' });
		expect(Date.now() - started).toBeLessThan(2_000);
		const { requestId } = fake.jobs[0];
		expect(result.items![0].json).toEqual({
			request_id: requestId,
			poll_url: `${fake.baseUrl}/workflows/request/${requestId}`,
			status: 'QUEUED',
			remaining_credits: 99,
			text_prompt: 'a cat',
			workflow_id: '66ba4126364d0f944f366a8f-v2',
			// The Flux workflow's built-in prior: half of its jobs are done by 9.5 s.
			expected_wait_ms: 9_500,
		});
		expect(fake.requestsTo('poll')).toHaveLength(0);
		expect(result.items![0].binary).toBeUndefined();
	});
});

describe('Get Result', () => {
	test('Submit → Get Result (wait) gives the same image Generate gives, with one submit', async () => {
		const submitted = await run(fake, { operation: 'submit', textPrompt: 'a lighthouse' });
		const result = await run(
			fake,
			{ operation: 'getResult' },
			{ items: [submitted.items![0].json] },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.items!;
		const { requestId } = fake.jobs[0];
		expect(item.json).toMatchObject({
			request_id: requestId,
			done: true,
			status: 'COMPLETED',
			image_output: expect.stringContaining(requestId),
		});
		expect(item.binary!.data).toMatchObject({
			fileName: `${requestId}.png`,
			mimeType: 'image/png',
		});
		expect(await binaryBytes(item.binary!.data)).toEqual(fake.imageBytesFor(requestId));
		expect(fake.requestsTo('submit')).toHaveLength(1);
		expectKeyOnlyOnApi(fake, result);
	});

	test('check once: a job still running gives done: false and its status', async () => {
		fake.setScenario({ durationMs: 5_000 });
		const submitted = await run(fake, { operation: 'submit' });
		const result = await run(
			fake,
			{ operation: 'getResult', waitForImage: false },
			{ items: [submitted.items![0].json] },
		);
		expect(result.items![0].json).toEqual({
			request_id: fake.jobs[0].requestId,
			poll_url: submitted.items![0].json.poll_url,
			status: 'QUEUED',
			done: false,
			remaining_credits: 99,
		});
		expect(fake.requestsTo('poll')).toHaveLength(1);
	});

	test('check once: a finished job gives its image at once', async () => {
		fake.setScenario({ durationMs: 0 });
		const submitted = await run(fake, { operation: 'submit' });
		const result = await run(
			fake,
			{ operation: 'getResult', waitForImage: false },
			{ items: [submitted.items![0].json] },
		);
		expect(result.items![0].json).toMatchObject({ done: true, polls: 1 });
		expect(result.items![0].binary?.data).toBeDefined();
	});

	test('the request ID alone (documented poll path), and a poll URL given in the ID field', async () => {
		const submitted = await run(fake, { operation: 'submit', downloadImage: false });
		const { requestId } = fake.jobs[0];
		const byId = await run(fake, {
			operation: 'getResult',
			requestId,
			pollUrl: '',
			downloadImage: false,
		});
		expect(byId.items![0].json).toMatchObject({ request_id: requestId, done: true });
		const byUrl = await run(fake, {
			operation: 'getResult',
			requestId: String(submitted.items![0].json.poll_url),
			pollUrl: '',
			downloadImage: false,
		});
		expect(byUrl.items![0].json).toMatchObject({ request_id: requestId, done: true });
	});

	test('neither ID nor poll URL: a clear error before any request', async () => {
		const result = await run(fake, { operation: 'getResult' }, { items: [{ something: 'else' }] });
		expect(errorOf(result).message).toBe('Get Result needs a Request ID or a Poll URL');
		expect(fake.requests).toHaveLength(0);
	});

	test('a job that failed at Segmind', async () => {
		fake.setScenario({ fail: { shape: 'error' }, durationMs: 0 });
		const submitted = await run(fake, { operation: 'submit' });
		const error = errorOf(
			await run(fake, { operation: 'getResult' }, { items: [submitted.items![0].json] }),
		);
		expect(error.message).toContain('Upstream model timeout');
		expect(error.context.code).toBe('FAILED');
	});

	test('resume: a Generate that timed out under Continue On Fail is finished by Get Result fed its error item', async () => {
		// A 3 s lead over the 1 s timeout: a loaded machine can run the last poll a second late.
		fake.setScenario({ durationMs: 4_000 });
		const generated = await run(
			fake,
			{ options: { timeout: 1 } },
			{ onError: 'continueRegularOutput' },
		);
		const errorItem = generated.items![0].json;
		expect(errorItem).toMatchObject({ code: 'TIMEOUT', request_id: fake.jobs[0].requestId });
		const resumed = await run(fake, { operation: 'getResult' }, { items: [errorItem] });
		expect(resumed.error).toBeUndefined();
		expect(await binaryBytes(resumed.items![0].binary!.data)).toEqual(
			fake.imageBytesFor(fake.jobs[0].requestId),
		);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});
});

describe('Get Credits', () => {
	test('outputs credits and free_credits and spends nothing', async () => {
		const before = fake.credits;
		const result = await run(fake, { operation: 'getCredits' });
		expect(result.items![0].json).toEqual({ credits: before, free_credits: 0 });
		expect(fake.credits).toBe(before);
		expect(fake.requestsTo('submit')).toHaveLength(0);
		expect(fake.requestsTo('credits')[0].headers['x-api-key']).toBe(fake.apiKey);
	});

	test('a wrong key says so', async () => {
		const error = errorOf(await run(fake, { operation: 'getCredits' }, { apiKey: 'nope-nope' }));
		expect(error.message).toBe('Segmind rejected the API key (HTTP 401)');
	});
});

describe('custom workflow inputs', () => {
	test('name/value pairs and a JSON object go beside text_prompt', async () => {
		await run(fake, {
			options: {
				extraInputs: { input: [{ name: 'style', value: 'watercolor' }] },
				extraInputsJson: '{"seed": 42, "negative_prompt": "blurry"}',
			},
		});
		expect(fake.jobs[0].body).toEqual({
			style: 'watercolor',
			seed: 42,
			negative_prompt: 'blurry',
			text_prompt: 'a lighthouse at dawn',
		});
	});

	test.each([
		[
			'JSON that is not an object',
			{ extraInputsJson: '[1, 2]' },
			'Extra Workflow Inputs (JSON) must be one JSON object',
		],
		[
			'JSON that does not parse',
			{ extraInputsJson: '{style:' },
			'Extra Workflow Inputs (JSON) must be one JSON object',
		],
		[
			'a second text_prompt',
			{ extraInputs: { input: [{ name: 'text_prompt', value: 'x' }] } },
			'Extra Workflow Inputs may not set text_prompt',
		],
	])('%s fails before any request', async (_name, options, message) => {
		const error = errorOf(await run(fake, { options }));
		expect(error.message).toBe(message);
		expect(fake.requests).toHaveLength(0);
	});

	test('Image Output Name picks another output of the workflow', async () => {
		fake.setScenario({ outputKey: 'final_art' });
		const result = await run(fake, { options: { outputKey: 'final_art' } });
		expect(result.items![0].json.image_output).toContain(fake.jobs[0].requestId);
	});
});

describe('as an AI Agent tool', () => {
	test('parameters filled by the model through $fromAI: JSON first, binary optional', async () => {
		// How n8n runs a tool node: the model's arguments arrive as the input item and the node's
		// parameters read them through $fromAI().
		const result = await run(
			fake,
			{
				textPrompt: "={{ $fromAI('prompt', 'What to paint, in plain words', 'string') }}",
				downloadImage: false,
			},
			{ items: [{ prompt: 'a robot reading a book, pencil sketch' }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.items![0].json).toMatchObject({
			text_prompt: 'a robot reading a book, pencil sketch',
			request_id: fake.jobs[0].requestId,
			image_output: expect.any(String),
			remaining_credits: 99,
		});
		expect(result.items![0].binary).toBeUndefined();
	});

	const FROM_AI = "={{ $fromAI('prompt', 'What to paint, in plain words', 'string') }}";
	const modelArguments = [{ prompt: 'a robot reading a book, pencil sketch' }];

	test('as the tool n8n derives, Download Image is off by default: JSON only, no download', async () => {
		const result = await run(
			fake,
			{ textPrompt: FROM_AI },
			{ asTool: true, items: modelArguments },
		);
		expect(result.error).toBeUndefined();
		expect(result.items![0].json).toMatchObject({
			text_prompt: modelArguments[0].prompt,
			image_output: expect.stringContaining(fake.jobs[0].requestId),
		});
		expect(result.items![0].binary).toBeUndefined();
		expect(fake.requestsTo('image')).toHaveLength(0);
	});

	test('as the tool, Download Image set on still downloads (the agent gets the JSON only)', async () => {
		const result = await run(
			fake,
			{ textPrompt: FROM_AI, downloadImage: true },
			{ asTool: true, items: modelArguments },
		);
		expect(await binaryBytes(result.items![0].binary!.data)).toEqual(
			fake.imageBytesFor(fake.jobs[0].requestId),
		);
	});

	test('as the plain node, Download Image stays on by default', async () => {
		const result = await run(fake, { textPrompt: 'a robot reading a book' });
		expect(result.items![0].binary!.data).toBeDefined();
		expect(fake.requestsTo('image')).toHaveLength(1);
	});

	test("as the tool, a failure comes back as an item the agent reads: the node's message and hint", async () => {
		const result = await run(
			fake,
			{ textPrompt: FROM_AI },
			{ asTool: true, items: modelArguments, apiKey: 'wrong-key' },
		);
		expect(result.error).toBeUndefined();
		expect(result.items![0].json).toEqual({
			error: 'Segmind rejected the API key (HTTP 401)',
			description: expect.stringContaining('Check the API key in the Segmind API credential'),
			code: 'AUTH',
			request_id: null,
		});
		expect(fake.jobs).toHaveLength(0);
	});

	test('as the tool with On Error = Stop Workflow, a failure stops the run', async () => {
		const result = await run(
			fake,
			{ textPrompt: FROM_AI },
			{ asTool: true, items: modelArguments, apiKey: 'wrong-key', onError: 'stopWorkflow' },
		);
		expect(errorOf(result).message).toBe('Segmind rejected the API key (HTTP 401)');
	});
});

describe('saved workflows from before operations existed', () => {
	test('a workflow without `operation` still generates', async () => {
		const workflow = JSON.parse(
			readFileSync(path.join(PACKAGE_ROOT, 'test/fixtures/workflow-0.1.0.json'), 'utf8'),
		) as IWorkflowBase;
		const node = workflow.nodes.find((candidate) => candidate.type === FLUX_NODE_TYPE) as INode;
		expect(node.parameters.operation).toBeUndefined();
		const result = await run(fake, node.parameters);
		expect(result.items![0].json).toMatchObject({
			request_id: fake.jobs[0].requestId,
			status: 'COMPLETED',
		});
	});
});
