'use strict';
/**
 * Part "mcp": the node as a tool that n8n's MCP Server Trigger offers to any MCP client, in n8n
 * 2.8.4 and 2.41.1. A published workflow (MCP Server Trigger, path flux-art-mcp, no auth, with the
 * Flux Art Generator Tool attached, Text Prompt `$fromAI('prompt', …)`), `n8n start`, and the
 * official MCP TypeScript SDK's client over Streamable HTTP at /mcp/flux-art-mcp: it lists the
 * tools, then calls the Flux tool and must get the image URL back; the fake Segmind must have seen
 * one submit with the client's prompt.
 */
const axios = require('axios');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const {
	StreamableHTTPClientTransport,
} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

const { ok, equal, show } = require('./check');
const { prepareN8n, versionsOf } = require('./env');
const { freePort } = require('./proc');
const { forEachVersion, stepRunner, skipped } = require('./steps');
const { seconds, tail } = require('./text');
const { mcpServer } = require('./workflows');

const VERSIONS = ['2.8.4', '2.41.1'];
const MCP_PATH = 'flux-art-mcp';
const TOOL_NAME = 'Flux_Art_Generator';
const PROMPT = 'a paper boat on a rainy street, ink and watercolor';
const JOB_MS = 3000;
const STEPS = 3;
const SDK_VERSION = require('@modelcontextprotocol/sdk/package.json').version;

/** Waits until n8n serves the MCP endpoint (a published trigger is registered after start). */
async function untilServed(url, daemon, timeoutMs = 30000) {
	const started = Date.now();
	for (;;) {
		// GET opens the trigger's event stream (SSE): read the status, then close it.
		const response = await axios
			.get(url, { proxy: false, validateStatus: () => true, timeout: 5000, responseType: 'stream' })
			.catch(() => ({ status: 0 }));
		if (response.data && response.data.destroy) response.data.destroy();
		if (response.status !== 404 && response.status !== 0) return response.status;
		ok(!daemon.exited, `n8n exited:\n${tail(daemon.output())}`);
		ok(
			Date.now() - started < timeoutMs,
			`${url}: still ${response.status} after ${timeoutMs / 1000} s\n${tail(daemon.output())}`,
		);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function connectStep(ctx) {
	const status = await untilServed(ctx.url, ctx.daemon);
	ctx.client = new Client({ name: 'n8n-nodes-segmind-e2e', version: '1.0.0' });
	await ctx.client.connect(new StreamableHTTPClientTransport(new URL(ctx.url)));
	const server = ctx.client.getServerVersion();
	return `GET ${ctx.url.replace(ctx.daemon.baseUrl, '')} answered ${status}; connected to ${show(server)}`;
}

async function listStep(ctx) {
	const { tools } = await ctx.client.listTools();
	equal(
		tools.map((t) => t.name),
		[TOOL_NAME],
		'the tools the MCP server lists',
	);
	const [tool] = tools;
	for (const [what, pattern] of [
		['what it does', /paint|picture|image/i],
		['that it spends Segmind credits', /spends Segmind credits/i],
		['that it takes about ten seconds', /about ten seconds/i],
		['what it returns', /image URL.*request ID.*credits/i],
	])
		ok(pattern.test(tool.description), `the description does not say ${what}: ${show(tool)}`);
	const schema = tool.inputSchema;
	equal(schema.type, 'object', 'input schema type');
	equal(schema.properties.prompt && schema.properties.prompt.type, 'string', 'prompt type');
	ok((schema.required || []).includes('prompt'), `prompt not required: ${show(schema)}`);
	ctx.lines.push(`  tools/list: ${JSON.stringify(tools)}`);
	return `${tool.name}: "${tool.description}"; input schema ${JSON.stringify(schema.properties)}`;
}

async function callStep(ctx) {
	const { fake } = ctx;
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	const started = Date.now();
	const result = await ctx.client.callTool(
		{ name: TOOL_NAME, arguments: { prompt: PROMPT } },
		undefined,
		{ timeout: 120000 },
	);
	const ms = Date.now() - started;
	ok(!result.isError, `the call failed: ${show(result)}`);
	const text = result.content && result.content[0] && result.content[0].text;
	ok(typeof text === 'string', `no text content: ${show(result)}`);
	equal(fake.requestsTo('submit').length, 1, 'submits the fake Segmind saw');
	const [job] = fake.jobs;
	equal(job.prompt, PROMPT, "the job's prompt");
	const [item] = JSON.parse(text);
	equal(item.image_output, `${fake.imageBaseUrl}/images/${job.requestId}.png`, 'image_output');
	equal(item.request_id, job.requestId, 'request_id');
	ok(
		!/base64|"binary"/.test(text) && text.length < 2048,
		`not compact JSON: ${text.slice(0, 300)}`,
	);
	equal(fake.requestsTo('image').length, 0, 'image downloads (Download Image is off for a tool)');
	ctx.lines.push(`  tools/call result: ${JSON.stringify(result)}`);
	return `answered in ${seconds(ms)}: ${text}`;
}

/** One n8n version: the published MCP workflow, n8n start, the client's steps. */
async function mcpOn(shared, version) {
	const checks = [];
	const step = stepRunner(`mcp ${version}`, checks);
	const instance = await prepareN8n(shared, { label: `mcp-${version}`, version });
	const workflow = mcpServer(instance.credentials.segmind, MCP_PATH);
	await instance.n8n.importWorkflows([workflow]);
	await instance.n8n.publishWorkflow(workflow.id);
	const daemon = await instance.n8n.start(await freePort(), {
		label: `n8n start (mcp ${version})`,
	});
	const ctx = {
		fake: shared.fake,
		daemon,
		url: `${daemon.baseUrl}/mcp/${MCP_PATH}`,
		lines: [`n8n ${version} (${versionsOf(instance.install)}); MCP SDK ${SDK_VERSION}`],
	};
	try {
		if (await step('an MCP client connects (Streamable HTTP)', () => connectStep(ctx))) {
			await step('tools/list: the Flux tool, its description and prompt schema', () =>
				listStep(ctx),
			);
			await step('tools/call: the image URL back, one submit with the prompt', () => callStep(ctx));
		} else skipped(checks, `mcp ${version}`, ['tools/list', 'tools/call'], 'no connection');
	} finally {
		if (ctx.client) await ctx.client.close().catch(() => {});
		await daemon.stop();
	}
	return { checks, lines: ctx.lines };
}

function mcpPart() {
	return {
		name: 'mcp',
		title: `the node as a tool of n8n's MCP Server Trigger in n8n ${VERSIONS.join(' and ')}, called by the MCP SDK's client`,
		async run(shared) {
			const { checks, lines } = await forEachVersion(VERSIONS, 'mcp', (version) =>
				mcpOn(shared, version),
			);
			return { checks, lines, expected: STEPS * VERSIONS.length };
		},
	};
}

module.exports = { mcpPart };
