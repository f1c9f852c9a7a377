/**
 * The example workflows in examples/: each file parses, is wired through the Flux Art Generator,
 * hands the image on in the binary field its next node reads, and its Flux node runs in n8n's
 * engine against the fake Segmind with the items its upstream node would give it.
 */
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';

import type { IDataObject, INode, IWorkflowBase } from 'n8n-workflow';

import { binaryBytes, FLUX_NODE_TYPE, FLUX_TOOL_TYPE, PACKAGE_ROOT } from '../harness/run-node';
import { run, useFakeSegmind } from './helpers';

const fake = useFakeSegmind();
const EXAMPLES = path.join(PACKAGE_ROOT, 'examples');

const load = (file: string) =>
	JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as IWorkflowBase;
const fluxNodeOf = (workflow: IWorkflowBase) =>
	workflow.nodes.find((node) => node.type === FLUX_NODE_TYPE) as INode;
const nextNodeOf = (workflow: IWorkflowBase, name: string) => {
	const target = workflow.connections[name]?.main?.[0]?.[0]?.node;
	return workflow.nodes.find((node) => node.name === target) as INode;
};

/** The Code node's own JavaScript gives the prompts, so the test uses the example's real ones. */
function itemsFromCodeNode(node: INode): IDataObject[] {
	const produce = new Function(String(node.parameters.jsCode)) as () => Array<{
		json: IDataObject;
	}>;
	return produce().map((item) => item.json);
}

/** What the node before the Flux Art Generator hands it, per example. */
const upstreamItems: Record<string, (workflow: IWorkflowBase) => IDataObject[]> = {
	'schedule-to-email.json': () => [{ timestamp: '2026-11-25T08:00:00.000+00:00' }],
	'prompts-to-disk.json': (workflow) =>
		itemsFromCodeNode(workflow.nodes.find((node) => node.type === 'n8n-nodes-base.code')!),
	'webhook-to-image.json': () => [
		{ headers: {}, params: {}, query: {}, body: { prompt: 'a red fox in the snow' } },
	],
};

/** Where each downstream node reads its file from. */
function binaryFieldReadBy(node: INode): string | undefined {
	const parameters = node.parameters as IDataObject;
	if (node.type === 'n8n-nodes-base.emailSend')
		return (parameters.options as IDataObject)?.attachments as string;
	if (node.type === 'n8n-nodes-base.readWriteFile') return parameters.dataPropertyName as string;
	if (node.type === 'n8n-nodes-base.respondToWebhook') return parameters.inputFieldName as string;
	return undefined;
}

const RESUME_EXAMPLE = 'resume-timed-out-job.json';
const AGENT_EXAMPLE = 'agent-draws.json';

test('every example in examples/ has a case here', () => {
	const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));
	expect(files.sort()).toEqual(
		[...Object.keys(upstreamItems), RESUME_EXAMPLE, AGENT_EXAMPLE].sort(),
	);
});

describe(AGENT_EXAMPLE, () => {
	const workflow = load(AGENT_EXAMPLE);
	const ofType = (type: string) => workflow.nodes.find((node) => node.type === type) as INode;
	const agent = ofType('@n8n/n8n-nodes-langchain.agent');
	const model = ofType('@n8n/n8n-nodes-langchain.lmChatOpenAi');
	const tool = ofType(FLUX_TOOL_TYPE);
	const targetOf = (name: string, type: string) => workflow.connections[name]?.[type]?.[0]?.[0];

	test('a trigger starts the AI Agent; the chat model and the Flux tool are attached to it', () => {
		expect(typeof workflow.id).toBe('string');
		expect(workflow.nodes.some((node) => node.type === FLUX_NODE_TYPE)).toBe(false);
		const trigger = ofType('n8n-nodes-base.manualTrigger');
		expect(targetOf(trigger.name, 'main')?.node).toBe(agent.name);
		expect(targetOf(model.name, 'ai_languageModel')?.node).toBe(agent.name);
		expect(targetOf(tool.name, 'ai_tool')).toEqual({ node: agent.name, type: 'ai_tool', index: 0 });
		expect(agent.parameters).toMatchObject({ promptType: 'define', text: expect.any(String) });
		expect(Object.keys(model.credentials ?? {})).toEqual(['openAiApi']);
		expect(Object.keys(tool.credentials ?? {})).toEqual(['segmindApi']);
	});

	test('the tool takes its prompt from the model and keeps the tool default of Download Image', () => {
		expect(tool.typeVersion).toBe(1);
		expect(tool.parameters.textPrompt).toMatch(
			/^=\{\{ \$fromAI\('prompt', '[^']+', 'string'\) \}\}$/,
		);
		expect(tool.parameters.downloadImage).toBeUndefined();
	});

	test("its tool runs as n8n runs a tool: the model's arguments in, compact JSON out, no file", async () => {
		const prompt = 'a red fox curled up in fresh snow at dawn, watercolor';
		const result = await run(
			fake,
			{ ...tool.parameters, options: { pollInterval: 0.5 } },
			{ asTool: true, items: [{ prompt }] },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.items!;
		const { requestId } = fake.jobs[0];
		expect(item.json).toMatchObject({
			request_id: requestId,
			text_prompt: prompt,
			image_output: expect.stringContaining(requestId),
			remaining_credits: expect.any(Number),
		});
		expect(item.binary).toBeUndefined();
		expect(JSON.stringify(item.json).length).toBeLessThan(2048);
		expect(fake.requestsTo('submit')).toHaveLength(1);
		expect(fake.requestsTo('image')).toHaveLength(0);
	});
});

describe(RESUME_EXAMPLE, () => {
	const workflow = load(RESUME_EXAMPLE);
	const [generate, getResult] = workflow.nodes.filter((node) => node.type === FLUX_NODE_TYPE);

	test('the Generate node sends failed items down its error output to Get Result', () => {
		expect(generate.onError).toBe('continueErrorOutput');
		expect(generate.parameters.operation).toBe('generate');
		expect(getResult.parameters.operation).toBe('getResult');
		expect(workflow.connections[generate.name].main[1]![0].node).toBe(getResult.name);
	});

	test('a job that outlives the Generate timeout is collected by Get Result, submitted once', async () => {
		// The job outlives the 1 s timeout by 3 s: a loaded machine can run the last poll a second
		// or more late, and with a 1 s lead that poll found the job already done.
		fake.setScenario({ durationMs: 4_000 });
		const shortTimeout = {
			...(generate.parameters.options as IDataObject),
			timeout: 1,
			pollInterval: 0.5,
		};
		const generated = await run(
			fake,
			{ ...generate.parameters, options: shortTimeout },
			{ onError: 'continueRegularOutput' },
		);
		expect(generated.items![0].json.code).toBe('TIMEOUT');
		const resumed = await run(
			fake,
			{ ...getResult.parameters, options: { pollInterval: 0.5 } },
			{ items: [generated.items![0].json] },
		);
		expect(resumed.error).toBeUndefined();
		expect(await binaryBytes(resumed.items![0].binary!.data)).toEqual(
			fake.imageBytesFor(fake.jobs[0].requestId),
		);
		expect(fake.requestsTo('submit')).toHaveLength(1);
	});
});

describe.each(Object.keys(upstreamItems))('%s', (file) => {
	const workflow = load(file);
	const flux = fluxNodeOf(workflow);

	test('is an importable workflow wired through the Flux Art Generator', () => {
		expect(typeof workflow.id).toBe('string');
		expect(new Set(workflow.nodes.map((node) => node.name)).size).toBe(workflow.nodes.length);
		expect(flux).toBeDefined();
		expect(flux.typeVersion).toBe(1);
		expect(Object.keys(flux.credentials ?? {})).toEqual(['segmindApi']);
		expect(
			Object.values(workflow.connections).some((c) =>
				c.main?.[0]?.some((t) => t.node === flux.name),
			),
		).toBe(true);
	});

	test('its next node reads the binary field the Flux node writes', () => {
		const written =
			((flux.parameters.options as IDataObject)?.binaryPropertyName as string) ?? 'data';
		expect(flux.parameters.downloadImage ?? true).toBe(true);
		expect(binaryFieldReadBy(nextNodeOf(workflow, flux.name))).toBe(written);
	});

	test('its Flux node runs in the engine and outputs the image', async () => {
		const items = upstreamItems[file](workflow);
		const result = await run(
			fake,
			{
				...flux.parameters,
				options: { ...(flux.parameters.options as IDataObject), pollInterval: 0.5 },
			},
			{ items },
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(items.length);
		for (const [index, item] of result.items!.entries()) {
			const { requestId, prompt } = fake.jobs[index];
			expect(item.json).toMatchObject({
				request_id: requestId,
				text_prompt: prompt,
				image_output: expect.stringContaining(requestId),
			});
			expect(await binaryBytes(item.binary!.data)).toEqual(fake.imageBytesFor(requestId));
		}
		expect(fake.requestsTo('submit')).toHaveLength(items.length);
	});
});
