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

module.exports = {
	FLUX_WORKFLOW_ID,
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
