'use strict';
/**
 * One phase of the soak in n8n's queue mode: the phase's executions are POSTed to its webhook all
 * at once, each with its list of prompts; the main enqueues them, the workers run them; each
 * answers through Respond to Webhook with the binary of its first image (the main reads it from
 * the database, where the worker stored it). The phase ends when PostgreSQL shows every
 * execution finished.
 */
const { setTimeout: sleep } = require('node:timers/promises');

const { chain, codeNode, fluxNode, node, workflow } = require('./workflows');
const { ok } = require('./check');
const { seconds, tail } = require('./text');

/** A Segmind workflow ID of its own: the node's built-in prior (9.5 s jobs) is for the default one. */
const SEGMIND_WORKFLOW = '5a0a1c0de5a0a1c0de5a0a1c-v1';
/** Seconds: one HTTP call (a hung poll costs this much), one item, one execution. */
const REQUEST_TIMEOUT_S = 5;
const ITEM_TIMEOUT_S = 120;
const EXECUTION_TIMEOUT_S = 300;

const DONE = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * Webhook (POST, answered by the Respond nodes) → Prompts (one item per prompt of the body) →
 * Flux Art Generator (Continue On Fail, every item at once, short Request Timeout) → First image
 * (the first item with an image, if any) → IF → Respond with its binary, or with JSON.
 */
function soakWorkflow(credential, { id, path, webhookId, items }) {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		0,
		{ httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
		{ webhookId },
	);
	const prompts = codeNode(
		'Prompts',
		'return $json.body.prompts.map((prompt) => ({ json: { prompt } }));',
	);
	const flux = fluxNode(credential, {
		onError: 'continueRegularOutput',
		parameters: {
			workflowId: SEGMIND_WORKFLOW,
			options: {
				concurrency: items,
				requestTimeout: REQUEST_TIMEOUT_S,
				timeout: ITEM_TIMEOUT_S,
				pollInterval: 1,
			},
		},
	});
	const first = codeNode(
		'First image',
		'const hit = $input.all().find((item) => item.binary && item.binary.data);\nreturn hit ? [hit] : [{ json: { no_image: true } }];',
		660,
	);
	const hasImage = node('Has image', 'n8n-nodes-base.if', 2.2, 880, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [
				{
					id: 'b0e1c2d3-0000-4000-8000-000000000001',
					leftValue: '={{ $json.no_image !== true }}',
					rightValue: '',
					operator: { type: 'boolean', operation: 'true', singleValue: true },
				},
			],
			combinator: 'and',
		},
		options: {},
	});
	const headers = (extra) => ({
		responseHeaders: {
			entries: [{ name: 'x-execution-id', value: '={{ $execution.id }}' }, ...extra],
		},
	});
	const respondImage = node('Respond image', 'n8n-nodes-base.respondToWebhook', 1.5, 1100, {
		respondWith: 'binary',
		responseDataSource: 'automatically',
		options: headers([{ name: 'x-request-id', value: '={{ $json.request_id }}' }]),
	});
	const respondJson = node('Respond no image', 'n8n-nodes-base.respondToWebhook', 1.5, 1100, {
		respondWith: 'json',
		responseBody: '={{ { execution_id: $execution.id, no_image: true } }}',
		options: headers([]),
	});
	const connections = chain('Webhook', 'Prompts', 'Flux Art Generator', 'First image', 'Has image');
	connections['Has image'] = {
		main: [
			[{ node: 'Respond image', type: 'main', index: 0 }],
			[{ node: 'Respond no image', type: 'main', index: 0 }],
		],
	};
	const wf = workflow(
		id,
		`e2e soak: ${path}`,
		[webhook, prompts, flux, first, hasImage, respondImage, respondJson],
		connections,
	);
	wf.settings.executionTimeout = EXECUTION_TIMEOUT_S;
	return wf;
}

/** Rows of execution_entity for a workflow: { id, status, startedAt, stoppedAt }. */
async function executionRows(client, workflowId) {
	const { rows } = await client.query(
		'SELECT id, status, "startedAt", "stoppedAt" FROM execution_entity WHERE "workflowId" = $1',
		[workflowId],
	);
	return rows;
}

/**
 * POSTs every execution of a phase at once and waits until PostgreSQL shows them all finished.
 * `runs`: [{ run, prompts }]. Returns { answers, wallMs }; each answer { run, status, headers,
 * body (Buffer), ms }.
 */
async function runPhase({ axios, url, runs, client, workflowId, daemons, timeoutMs }) {
	const started = Date.now();
	const answers = await Promise.all(
		runs.map(async ({ run, prompts }) => {
			const t0 = Date.now();
			const response = await axios.post(
				url,
				{ run, prompts },
				{
					timeout: timeoutMs,
					validateStatus: () => true,
					proxy: false,
					responseType: 'arraybuffer',
				},
			);
			return {
				run,
				status: response.status,
				headers: response.headers,
				body: Buffer.from(response.data),
				ms: Date.now() - t0,
			};
		}),
	);
	// The Respond node answers before n8n has saved the execution: wait for PostgreSQL to say done.
	for (;;) {
		const rows = await executionRows(client, workflowId);
		if (rows.length >= runs.length && rows.every((row) => DONE.has(row.status))) break;
		ok(
			Date.now() - started < timeoutMs,
			`soak: ${rows.filter((r) => DONE.has(r.status)).length}/${runs.length} executions finished after ${seconds(timeoutMs)}${daemons
				.map((d) => `\n--- ${d.name} (tail)\n${tail(d.output(), 15)}`)
				.join('')}`,
		);
		await sleep(500);
	}
	return { answers, wallMs: Date.now() - started };
}

module.exports = { soakWorkflow, runPhase, EXECUTION_TIMEOUT_S, REQUEST_TIMEOUT_S };
