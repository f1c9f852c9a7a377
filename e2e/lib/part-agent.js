'use strict';
/**
 * Part "agent": the node as the tool of n8n's AI Agent, in n8n 2.8.4 and 2.41.1 (the newest 2.x
 * the suite runs). examples/agent-draws.json as shipped (Manual Trigger → AI Agent, with the
 * OpenAI Chat Model and the Flux Art Generator Tool, Text Prompt `$fromAI('prompt', …)`), its
 * OpenAI credential's Base URL on the suite's fake model (lib/fake-openai.js), whose script calls
 * the tool with a prompt of its own and then answers with the URL it got back. Checked: the
 * fake Segmind's submits, the tool definition and the tool result the model received (the fake
 * model's log), the agent's answer; Download Image switched on; a wrong key; Stop while the tool
 * waits (`n8n start`, a Webhook copy of the example, Stop through n8n's REST API).
 */
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const axios = require('axios');

const { REPO_DIR } = require('./setup');
const { ok, equal, includes, show } = require('./check');
const { prepareN8n, versionsOf, messagesOf } = require('./env');
const { TOOL_NAME, drawScript, failureScript } = require('./agent-scripts');
const { FakeOpenAi, callTool } = require('./fake-openai');
const { ownerLogin, restClient, runningExecution } = require('./n8n-rest');
const { freePort, timedLines } = require('./proc');
const { expectSuccess, itemsOf, runsOf, waitForWebhook } = require('./scenarios');
const { forEachVersion, stepRunner, skipped } = require('./steps');
const { agentVariant, example } = require('./workflows');

const VERSIONS = ['2.8.4', '2.41.1'];
const EXAMPLE = 'agent-draws.json';
const EXAMPLE_ID = 'SgmFluxAgentDraws';
const TOOL_NODE = 'Flux Art Generator';
/** The prompts the fake model chooses (the user asked for "a fox in the snow"). */
const MODEL_PROMPT = 'a red fox curled up in fresh snow at dawn, watercolor';
const STOP_PROMPT = 'a lighthouse in a storm, oil painting';
const WRONG_KEY = 'sg-wrong-key-from-the-e2e';
const STOP_PATH = 'flux-agent-stop';
const JOB_MS = 3000;
const STEPS = 6;
const TOOL_RESULT_MAX = 2048;
const OPENAI_CREDENTIAL = { id: 'e2eOpenAiFake01', name: 'OpenAI (fake model)', type: 'openAiApi' };
const WRONG_CREDENTIAL = {
	id: 'e2eSegmindWrong01',
	name: 'Segmind (wrong key)',
	type: 'segmindApi',
};

/** The example and its e2e variants, with the run's credentials. */
function agentWorkflows(credentials) {
	const base = example(path.join(REPO_DIR, 'examples'), EXAMPLE, {
		segmindApi: credentials.segmind,
		openAiApi: OPENAI_CREDENTIAL,
	});
	return {
		draw: base,
		downloadOn: agentVariant(base, {
			id: 'e2eAgentDownload01',
			label: 'Download Image on',
			toolParameters: { downloadImage: true },
		}),
		wrongKey: agentVariant(base, {
			id: 'e2eAgentWrongKey01',
			label: 'a wrong API key',
			toolCredential: WRONG_CREDENTIAL,
		}),
		stop: agentVariant(base, { id: 'e2eAgentStop01', label: 'Stop', webhookPath: STOP_PATH }),
	};
}

/** The last message of a script's second chat request: what the model got from the tool. */
function toolResultOf(model, script) {
	const chats = model.chatsOf(script);
	ok(chats.length >= 2, `script "${script}": ${chats.length} chat request(s), expected 2`);
	const last = chats[1].body.messages.at(-1);
	ok(last && last.role === 'tool', `script "${script}": the 2nd request ends with ${show(last)}`);
	return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

/** Runs one workflow with `n8n execute` under a script; the execution must end in success. */
async function runScripted(ctx, workflowId, script, steps) {
	ctx.model.script(script, steps);
	const exec = await ctx.n8n.execute(workflowId, { timeoutMs: 180000 });
	expectSuccess(exec, script);
	ctx.model.assertDone();
	return exec;
}

/** The agent's answer: the AI Agent node's output text. */
const answerOf = (exec) => String(itemsOf(exec, 'AI Agent')[0].json.output);

async function drawStep(ctx) {
	const { fake } = ctx;
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	const exec = await runScripted(ctx, EXAMPLE_ID, 'draw', drawScript(MODEL_PROMPT));
	equal(fake.requestsTo('submit').length, 1, 'submits the fake Segmind saw');
	equal(fake.jobs[0].prompt, MODEL_PROMPT, "the job's prompt (the model's, not the user's words)");
	const url = `${fake.imageBaseUrl}/images/${fake.jobs[0].requestId}.png`;
	includes(answerOf(exec), url, "the agent's answer");
	equal(fake.requestsTo('image').length, 0, 'image downloads (Download Image is off for a tool)');
	ctx.draw = { exec, job: fake.jobs[0], url };
	return `1 submit with "${MODEL_PROMPT}", no image download; answer: "${answerOf(exec)}"`;
}

function toolDefinitionStep(ctx) {
	const [first] = ctx.model.chatsOf('draw');
	const tools = first.body.tools || [];
	equal(tools.length, 1, 'tools the model was offered');
	const { name, description, parameters } = tools[0].function;
	ok(TOOL_NAME.test(name), `tool name ${show(name)}`);
	for (const [what, pattern] of [
		['what it does', /paint|picture|image/i],
		['that it spends Segmind credits', /spends Segmind credits/i],
		['that it takes about ten seconds', /about ten seconds/i],
		['what it returns', /image URL.*request ID.*credits/i],
	])
		ok(
			pattern.test(description),
			`the tool description does not say ${what}: ${show(description)}`,
		);
	equal(parameters.type, 'object', 'schema type');
	equal(parameters.properties.prompt && parameters.properties.prompt.type, 'string', 'prompt type');
	ok((parameters.required || []).includes('prompt'), `prompt not required: ${show(parameters)}`);
	ctx.lines.push(`  tool definition the model got: ${JSON.stringify(tools[0])}`);
	return `${name}: "${description}"; schema ${JSON.stringify(parameters.properties)}`;
}

/** What the model got back must be compact JSON with the URL, request ID and credits. */
function checkToolResult(text, { job, url }, what) {
	ok(
		text.length < TOOL_RESULT_MAX,
		`${what}: ${text.length} characters, not under ${TOOL_RESULT_MAX}`,
	);
	ok(
		!/base64|"binary"|data:image/i.test(text),
		`${what}: holds binary data: ${text.slice(0, 300)}`,
	);
	ok(!/[A-Za-z0-9+/=]{200,}/.test(text), `${what}: holds a long base64-like run`);
	const items = JSON.parse(text);
	ok(Array.isArray(items) && items.length === 1, `${what}: not one item: ${show(items)}`);
	const [item] = items;
	equal(item.image_output, url, `${what}: image_output`);
	equal(item.request_id, job.requestId, `${what}: request_id`);
	ok(typeof item.remaining_credits === 'number', `${what}: remaining_credits ${show(item)}`);
	return item;
}

function toolResultStep(ctx) {
	const text = toolResultOf(ctx.model, 'draw');
	checkToolResult(text, ctx.draw, 'the tool result');
	ok(
		!JSON.stringify(ctx.model.chats).includes(ctx.fake.apiKey),
		'the Segmind API key reached the model',
	);
	ctx.lines.push(`  what the model got back (Download Image off): ${text}`);
	return `${text.length} characters of JSON: ${text}`;
}

async function downloadOnStep(ctx) {
	const { fake } = ctx;
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	const exec = await runScripted(
		ctx,
		'e2eAgentDownload01',
		'download on',
		drawScript(MODEL_PROMPT),
	);
	const job = fake.jobs[0];
	const url = `${fake.imageBaseUrl}/images/${job.requestId}.png`;
	const text = toolResultOf(ctx.model, 'download on');
	const item = checkToolResult(text, { job, url }, 'the tool result with Download Image on');
	const off = JSON.parse(toolResultOf(ctx.model, 'draw'))[0];
	equal(Object.keys(item).sort(), Object.keys(off).sort(), 'the fields the model gets, on and off');
	equal(fake.requestsTo('image').length, 1, 'image downloads');
	const task = runsOf(exec, TOOL_NODE)[0];
	const output = task.data && (task.data.ai_tool || task.data.main);
	const binary = output && output[0] && output[0][0] && output[0][0].binary;
	ctx.lines.push(`  what the model got back (Download Image on): ${text}`);
	return `the model got the same fields (${text.length} characters, no binary); the node downloaded the image anyway (1 request, ${binary ? `binary ${binary.data.fileSize || ''} kept in the execution` : 'no binary in the execution'}; tool ${task.executionTime} ms against ${runsOf(ctx.draw.exec, TOOL_NODE)[0].executionTime} ms off)`;
}

async function wrongKeyStep(ctx) {
	const { fake, messages } = ctx;
	fake.reset();
	const exec = await runScripted(
		ctx,
		'e2eAgentWrongKey01',
		'wrong key',
		failureScript(MODEL_PROMPT),
	);
	const text = toolResultOf(ctx.model, 'wrong key');
	includes(text, messages.auth(401), 'the tool result');
	includes(text, messages.authHint, 'the tool result (the hint)');
	includes(answerOf(exec), messages.auth(401), "the agent's answer");
	equal(fake.jobs.length, 0, 'jobs the fake took (a rejected key bills nothing)');
	ctx.lines.push(`  what the model got back (a wrong key): ${text}`);
	return `execution success; the model got ${text}`;
}

/** The moment n8n logged that the tool node's run ended (its execute() settled). */
async function nodeEnded(lines, since, timeoutMs = 15000) {
	const pattern = new RegExp(`Running node "${TOOL_NODE}" finished`);
	const started = Date.now();
	for (;;) {
		const line = lines.find((l) => l.at >= since && pattern.test(l.text));
		if (line) return line;
		ok(
			Date.now() - started < timeoutMs,
			`n8n logged no end of "${TOOL_NODE}" ${timeoutMs / 1000} s after the stop`,
		);
		await sleep(50);
	}
}

async function stopStep(ctx) {
	const { fake, n8n } = ctx;
	fake.reset();
	fake.setScenario({ durationMs: 120000 });
	// After the stop the agent asks nothing more: one step only.
	ctx.model.script('stop', [callTool(TOOL_NAME, { prompt: STOP_PROMPT })]);
	const daemon = await n8n.start(await freePort(), {
		env: { N8N_LOG_LEVEL: 'debug' },
		label: `n8n start (agent ${ctx.version})`,
	});
	const lines = timedLines(daemon);
	try {
		const url = `${daemon.baseUrl}/webhook/${STOP_PATH}`;
		await waitForWebhook(axios, url, 'POST', daemon);
		const rest = restClient(daemon.baseUrl, await ownerLogin(daemon.baseUrl));
		const started = await axios.post(url, {}, { proxy: false, validateStatus: () => true });
		equal(started.status, 200, 'the webhook');
		await untilPolled(fake);
		const execution = await runningExecution(rest, 'e2eAgentStop01');
		const stopAt = Date.now();
		await rest.post(`/executions/${execution.id}/stop`);
		const ended = await nodeEnded(lines, stopAt);
		await sleep(2000);
		const after = fake.requests.filter((r) => r.time > ended.at);
		const status = (await rest.get(`/executions/${execution.id}`)).status;
		ctx.model.assertDone();
		ok(ended.at - stopAt < 1000, `the tool ended ${ended.at - stopAt} ms after the stop`);
		equal(
			after.map((r) => `${r.method} ${r.path}`),
			[],
			'requests to Segmind after the tool ended',
		);
		equal(status, 'canceled', 'the execution status');
		equal(fake.jobs.length, 1, 'jobs');
		return `tool ended ${ended.at - stopAt} ms after Stop ("${ended.text.trim().slice(0, 80)}"); no request to Segmind after it; execution ${execution.id} ${status}`;
	} finally {
		await daemon.stop();
	}
}

/** Waits until the fake Segmind has a job and has been asked about it (the tool is waiting). */
async function untilPolled(fake, timeoutMs = 60000) {
	const started = Date.now();
	while (fake.jobs.length === 0 || fake.requestsTo('poll').length === 0) {
		ok(
			Date.now() - started < timeoutMs,
			`the tool did not submit and poll within ${timeoutMs / 1000} s`,
		);
		await sleep(100);
	}
}

/** One n8n version: its instance, the workflows, then the steps in order. */
async function agentOn(shared, version, model) {
	const checks = [];
	const step = stepRunner(`agent ${version}`, checks);
	const instance = await prepareN8n(shared, {
		label: `agent-${version}`,
		version,
		extraEnv: { N8N_SECURE_COOKIE: 'false' },
	});
	const { n8n } = instance;
	await n8n.importCredentials([
		{ ...OPENAI_CREDENTIAL, data: { apiKey: model.apiKey, url: model.baseUrl } },
		{ ...WRONG_CREDENTIAL, data: { apiKey: WRONG_KEY, baseUrl: shared.fake.baseUrl } },
	]);
	const workflows = agentWorkflows(instance.credentials);
	await n8n.importWorkflows(Object.values(workflows));
	await n8n.publishWorkflow(workflows.stop.id);
	const lines = [`n8n ${version} (${versionsOf(instance.install)})`];
	const ctx = {
		n8n,
		fake: shared.fake,
		model,
		version,
		lines,
		messages: messagesOf(instance.packageDir),
	};
	const drew = await step(
		`${EXAMPLE} as shipped: the agent draws (one submit, the model's prompt, the URL in its answer)`,
		() => drawStep(ctx),
	);
	const after = {
		'the tool definition the model received': () => toolDefinitionStep(ctx),
		'what the model got back: compact JSON, no binary': () => toolResultStep(ctx),
		'Download Image on: the model gets the same JSON; the download is wasted': () =>
			downloadOnStep(ctx),
	};
	if (drew) for (const [name, fn] of Object.entries(after)) await step(name, fn);
	else skipped(checks, `agent ${version}`, Object.keys(after), 'the agent did not draw');
	await step("a wrong key: the model reads the node's message; the run ends in success", () =>
		wrongKeyStep(ctx),
	);
	await step('Stop while the tool waits: the tool ends within a second, sends nothing more', () =>
		stopStep(ctx),
	);
	return { checks, lines };
}

function agentPart() {
	return {
		name: 'agent',
		title: `the node as an AI Agent tool in n8n ${VERSIONS.join(' and ')} (a fake OpenAI-compatible model)`,
		async run(shared) {
			const { checks, lines } = await forEachVersion(VERSIONS, 'agent', async (version) => {
				const model = await new FakeOpenAi().start();
				try {
					return await agentOn(shared, version, model);
				} finally {
					await model.stop();
				}
			});
			return { checks, lines, expected: STEPS * VERSIONS.length };
		},
	};
}

module.exports = { agentPart };
