'use strict';
/**
 * The workflows the e2e imports: built here (a, c, d) or taken from examples/*.json with their
 * placeholder credential IDs replaced (b). Node versions are the latest of n8n 2.8.x.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const FLUX_TYPE = 'n8n-nodes-segmind.fluxArtGenerator';
const FLUX_WORKFLOW_ID = '66ba4126364d0f944f366a8f-v2';

const uuid = () => crypto.randomUUID();

function node(name, type, typeVersion, x, parameters = {}, extra = {}) {
	return { id: uuid(), name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

const manualTrigger = (name = 'Start') => node(name, 'n8n-nodes-base.manualTrigger', 1, 0);

function codeNode(name, jsCode, x = 220) {
	return node(name, 'n8n-nodes-base.code', 2, x, {
		mode: 'runOnceForAllItems',
		language: 'javaScript',
		jsCode,
	});
}

/** A Code node returning one item { prompt } per prompt. */
function promptsNode(prompts, name = 'Prompts') {
	return codeNode(
		name,
		`return ${JSON.stringify(prompts)}.map((prompt) => ({ json: { prompt } }));`,
	);
}

function fluxNode(credential, { x = 440, onError, parameters = {} } = {}) {
	return node(
		'Flux Art Generator',
		FLUX_TYPE,
		1,
		x,
		{ textPrompt: '={{ $json.prompt }}', downloadImage: true, options: {}, ...parameters },
		{
			credentials: { segmindApi: { id: credential.id, name: credential.name } },
			...(onError ? { onError } : {}),
		},
	);
}

/** Connections for a straight chain of node names. */
function chain(...names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

function workflow(id, name, nodes, connections) {
	if (id.length > 21) throw new Error(`workflow id ${id} is longer than n8n's 21 characters`);
	return {
		id,
		name,
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** (a) Manual Trigger → 3 prompts → Flux Art Generator → Set (what the next node reads). */
function threePrompts(credential, prompts) {
	const summary = node('Summary', 'n8n-nodes-base.set', 3.4, 660, {
		assignments: {
			assignments: [
				{ id: uuid(), name: 'url', value: '={{ $json.image_output }}', type: 'string' },
				{ id: uuid(), name: 'credits', value: '={{ $json.remaining_credits }}', type: 'number' },
				{ id: uuid(), name: 'request_id', value: '={{ $json.request_id }}', type: 'string' },
				{
					id: uuid(),
					name: 'has_binary_data',
					value: '={{ $binary.data !== undefined }}',
					type: 'boolean',
				},
				{
					id: uuid(),
					name: 'binary_mime',
					value: '={{ $binary.data ? $binary.data.mimeType : "" }}',
					type: 'string',
				},
				{
					id: uuid(),
					name: 'binary_file_name',
					value: '={{ $binary.data ? $binary.data.fileName : "" }}',
					type: 'string',
				},
			],
		},
		options: {},
	});
	return workflow(
		'e2eThreePrompts01',
		'e2e: three prompts → Flux Art Generator → Set',
		[manualTrigger(), promptsNode(prompts), fluxNode(credential), summary],
		chain('Start', 'Prompts', 'Flux Art Generator', 'Summary'),
	);
}

/** (c) Items that fail in different ways, with On Error = Continue (regular output). */
function failing(credential, prompts, { continueOnFail }) {
	const id = continueOnFail ? 'e2eFailContinue01' : 'e2eFailStop01';
	return workflow(
		id,
		`e2e: failing items, ${continueOnFail ? 'continue (regular output)' : 'stop workflow'}`,
		[
			manualTrigger(),
			promptsNode(prompts),
			fluxNode(credential, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		],
		chain('Start', 'Prompts', 'Flux Art Generator'),
	);
}

/**
 * (d) The loop users build today without the node: HTTP Request submit → Wait → HTTP Request
 * poll → IF status is COMPLETED → Done, else back to Wait. The poll URL comes from the submit's
 * answer through paired items ($('Submit').item): a poll answer does not repeat it.
 */
function handBuiltLoop(baseUrl, apiKey, prompts, waitSeconds) {
	const keyHeader = { parameters: [{ name: 'x-api-key', value: apiKey }] };
	const nodes = [
		manualTrigger(),
		promptsNode(prompts),
		node('Submit', 'n8n-nodes-base.httpRequest', 4.2, 440, {
			method: 'POST',
			url: `${baseUrl}/workflows/${FLUX_WORKFLOW_ID}`,
			sendHeaders: true,
			headerParameters: keyHeader,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: { parameters: [{ name: 'text_prompt', value: '={{ $json.prompt }}' }] },
			options: {},
		}),
		node(
			'Wait',
			'n8n-nodes-base.wait',
			1.1,
			660,
			{ resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
			{ webhookId: uuid() },
		),
		node('Poll', 'n8n-nodes-base.httpRequest', 4.2, 880, {
			method: 'GET',
			url: "={{ $('Submit').item.json.poll_url }}",
			sendHeaders: true,
			headerParameters: keyHeader,
			options: {},
		}),
		node('Completed?', 'n8n-nodes-base.if', 2.2, 1100, {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: uuid(),
						leftValue: '={{ $json.status }}',
						rightValue: 'COMPLETED',
						operator: { type: 'string', operation: 'equals' },
					},
				],
				combinator: 'and',
			},
			options: {},
		}),
		node('Done', 'n8n-nodes-base.noOp', 1, 1320),
	];
	const connections = chain('Start', 'Prompts', 'Submit', 'Wait', 'Poll', 'Completed?');
	connections['Completed?'] = {
		main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Wait', type: 'main', index: 0 }]],
	};
	return workflow(
		'e2eHandBuiltLoop01',
		'e2e: hand-built submit/wait/poll loop (baseline)',
		nodes,
		connections,
	);
}

/**
 * An example from examples/, with its placeholder credential IDs replaced by the imported ones
 * (credentialsByType: { segmindApi: {id, name}, smtp: {id, name} }).
 */
function example(examplesDir, file, credentialsByType) {
	const wf = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
	for (const n of wf.nodes) {
		for (const type of Object.keys(n.credentials || {})) {
			const credential = credentialsByType[type];
			if (!credential)
				throw new Error(
					`${file}: node "${n.name}" uses a ${type} credential the e2e does not provide`,
				);
			n.credentials[type] = { id: credential.id, name: credential.name };
		}
	}
	return wf;
}

/**
 * `n8n execute` only starts at a Manual Trigger (or Execute Workflow Trigger): a copy of the
 * workflow with its trigger swapped for a Manual Trigger of the same name (connections stay).
 */
function withManualTrigger(wf, triggerType) {
	const copy = JSON.parse(JSON.stringify(wf));
	const trigger = copy.nodes.find((n) => n.type === triggerType);
	if (!trigger) throw new Error(`${wf.id}: no ${triggerType} node`);
	trigger.type = 'n8n-nodes-base.manualTrigger';
	trigger.typeVersion = 1;
	trigger.parameters = {};
	copy.name = `${copy.name} (e2e copy: Manual Trigger)`;
	return copy;
}

// ---------------------------------------------------------------- agents and MCP

const FLUX_TOOL_TYPE = 'n8n-nodes-segmind.fluxArtGeneratorTool';
/** What the model is told about the tool's one argument (the example's words too). */
const PROMPT_FROM_AI =
	"={{ $fromAI('prompt', 'What to paint, in plain words: subject, style, mood', 'string') }}";

const toolNodeOf = (wf) => {
	const tool = wf.nodes.find((n) => n.type === FLUX_TOOL_TYPE);
	if (!tool) throw new Error(`${wf.id}: no ${FLUX_TOOL_TYPE} node`);
	return tool;
};

/**
 * The agent example (examples/agent-draws.json, credentials already replaced) changed for one
 * e2e case: its tool's credential or parameters, or a Webhook trigger (POST /webhook/<path>,
 * answered at once while the agent runs) in place of its Manual Trigger.
 */
function agentVariant(base, { id, label, toolCredential, toolParameters, webhookPath }) {
	const wf = JSON.parse(JSON.stringify(base));
	if (id.length > 21) throw new Error(`workflow id ${id} is longer than n8n's 21 characters`);
	Object.assign(wf, { id, name: `${base.name} (e2e: ${label})` });
	const tool = toolNodeOf(wf);
	if (toolCredential)
		tool.credentials = { segmindApi: { id: toolCredential.id, name: toolCredential.name } };
	if (toolParameters) Object.assign(tool.parameters, toolParameters);
	if (webhookPath) {
		const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
		wf.connections.Webhook = wf.connections[trigger.name];
		delete wf.connections[trigger.name];
		Object.assign(trigger, {
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			webhookId: uuid(),
			parameters: {
				httpMethod: 'POST',
				path: webhookPath,
				responseMode: 'onReceived',
				options: {},
			},
		});
	}
	return wf;
}

/** MCP Server Trigger (production URL /mcp/<path>, no auth) with the Flux tool attached. */
function mcpServer(credential, path) {
	const trigger = node(
		'MCP Server Trigger',
		'@n8n/n8n-nodes-langchain.mcpTrigger',
		2,
		0,
		{ authentication: 'none', path },
		{ webhookId: uuid() },
	);
	const tool = node(
		'Flux Art Generator',
		FLUX_TOOL_TYPE,
		1,
		220,
		{ textPrompt: PROMPT_FROM_AI, options: {} },
		{ credentials: { segmindApi: { id: credential.id, name: credential.name } } },
	);
	return workflow('e2eMcpServer01', 'e2e: MCP Server Trigger with the Flux tool', [trigger, tool], {
		[tool.name]: { ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] },
	});
}

module.exports = {
	FLUX_WORKFLOW_ID,
	agentVariant,
	mcpServer,
	node,
	manualTrigger,
	codeNode,
	promptsNode,
	fluxNode,
	chain,
	workflow,
	threePrompts,
	failing,
	handBuiltLoop,
	example,
	withManualTrigger,
};
