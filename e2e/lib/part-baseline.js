'use strict';
/**
 * Part "baseline": the same 10 prompts through the Flux Art Generator node and through the loop
 * users build without it (HTTP Request submit → Wait → HTTP Request poll → IF), in the same real
 * n8n (2.8.4, `n8n execute`), against the fake Segmind with the same job time. For each: wall
 * time of the execution (n8n's startedAt → stoppedAt), HTTP requests the fake saw, and the size
 * of the execution data (bytes of the execution JSON that `n8n execute --rawOutput` prints,
 * re-serialised without indentation). Printed as one JSON line:
 * {"n8n_loop_baseline": {"node": {...}, "loop": {...}, "n8n_version": "..."}}.
 */
const { N8N_VERSION, log } = require('./setup');
const {
	chain,
	fluxNode,
	handBuiltLoop,
	manualTrigger,
	promptsNode,
	workflow,
} = require('./workflows');
const { ok, equal } = require('./check');
const { prepareN8n } = require('./env');
const {
	BASELINE_JOB_MS,
	LOOP_WAIT_SECONDS,
	checkFluxItem,
	executionMs,
	expectSuccess,
	fakeCounts,
	itemsOf,
	runsOf,
} = require('./scenarios');
const { seconds } = require('./text');

const PROMPTS = [
	'goddess woman playing guitar with passion in saree',
	'a lighthouse at dawn, oil painting',
	'a red fox in the snow, watercolor',
	'a paper crane on a desk, macro photo',
	'a city of glass at sunset, digital art',
	'a violin made of ice, studio light',
	'an old tram in Lisbon, pencil sketch',
	'a whale in the clouds, children book style',
	'a cup of tea in the rain, still life',
	'a robot gardener among sunflowers, 3d render',
];
const NODE_WF = 'e2eBaselineNode10';
const LOOP_WF = 'e2eBaselineLoop10';

function nodeWorkflow(credential) {
	return workflow(
		NODE_WF,
		'e2e: baseline, 10 prompts → Flux Art Generator',
		[manualTrigger(), promptsNode(PROMPTS), fluxNode(credential)],
		chain('Start', 'Prompts', 'Flux Art Generator'),
	);
}

function loopWorkflow(baseUrl, apiKey, waitSeconds) {
	const loop = handBuiltLoop(baseUrl, apiKey, PROMPTS, waitSeconds);
	loop.id = LOOP_WF;
	loop.name = 'e2e: baseline, 10 prompts → HTTP Request/Wait/IF loop';
	return loop;
}

/**
 * Runs one workflow with the fake's job time BASELINE_JOB_MS and records its figures (or its
 * failure) as a check; resolves to { wall_ms, requests, execution_bytes } or undefined.
 */
async function measure(run, name, id, verify) {
	const { fake, n8n, checks } = run;
	const started = Date.now();
	try {
		fake.reset();
		fake.setScenario({ durationMs: BASELINE_JOB_MS });
		const exec = await n8n.execute(id, { timeoutMs: 300000 });
		expectSuccess(exec, name);
		const counts = fakeCounts(fake);
		const detail = verify(exec, counts);
		const figure = {
			wall_ms: executionMs(exec),
			requests: counts.total,
			execution_bytes: Buffer.byteLength(JSON.stringify(exec.run), 'utf8'),
		};
		checks.push({
			name: `baseline: ${name}`,
			ok: true,
			ms: Date.now() - started,
			note: `${seconds(figure.wall_ms)}, ${counts.total} requests (${counts.submit} submit, ${counts.poll} poll, ${counts.image} image), ${figure.execution_bytes} B; CLI ${seconds(exec.ms)}${detail ? `; ${detail}` : ''}`,
		});
		log(`PASS baseline: ${name}: ${checks[checks.length - 1].note}`);
		return figure;
	} catch (error) {
		checks.push({ name: `baseline: ${name}`, ok: false, ms: Date.now() - started, error });
		log(
			`FAIL baseline: ${name}:\n    ${String(error.stack || error)
				.split('\n')
				.join('\n    ')}`,
		);
		return undefined;
	}
}

/** The node's run: every prompt an item with its image, one submit each. */
function verifyNode(ctx) {
	return (exec, counts) => {
		const items = itemsOf(exec, 'Flux Art Generator');
		equal(items.length, PROMPTS.length, 'node: output items');
		items.forEach((item, i) => checkFluxItem(ctx, item, i, PROMPTS[i], 'baseline node'));
		equal(counts.submit, PROMPTS.length, 'node: submits');
		return `polls per item ${items.map((item) => item.json.polls).join('/')}, images downloaded into binary data`;
	};
}

/** The loop's run: every prompt reached Done, COMPLETED, one submit each, no image download. */
function verifyLoop(exec, counts) {
	const done = runsOf(exec, 'Done').flatMap(
		(run) => (run.data && run.data.main && run.data.main[0]) || [],
	);
	equal(done.length, PROMPTS.length, 'loop: items that reached Done');
	for (const item of done) equal(item.json.status, 'COMPLETED', 'loop: Done item status');
	equal(counts.submit, PROMPTS.length, 'loop: submits');
	ok(counts.image === 0, 'loop: it downloads no image');
	return `Wait ${LOOP_WAIT_SECONDS} s ran ${runsOf(exec, 'Wait').length}×, no image download`;
}

function baselinePart() {
	return {
		name: 'baseline',
		title: `node vs hand-built loop, ${PROMPTS.length} prompts, n8n ${N8N_VERSION}`,
		async run(shared) {
			const { fake } = shared;
			// The same n8n as the CLI part when it ran (its user folder already has the credentials).
			const instance =
				shared.instances['cli-2.8.4'] || (await prepareN8n(shared, { label: 'baseline' }));
			const { n8n } = instance;
			await n8n.importWorkflows([
				nodeWorkflow(instance.credentials.segmind),
				loopWorkflow(fake.baseUrl, fake.apiKey, LOOP_WAIT_SECONDS),
			]);
			const ctx = {
				fake,
				apiKey: fake.apiKey,
				userFolder: instance.userFolder,
				itemsChecked: 0,
			};
			const checks = [];
			const run = { fake, n8n, checks };
			const node = await measure(run, 'Flux Art Generator node', NODE_WF, verifyNode(ctx));
			const loop = await measure(run, 'hand-built HTTP Request/Wait/IF loop', LOOP_WF, verifyLoop);

			const json = {
				n8n_loop_baseline: {
					node: node || null,
					loop: loop || null,
					n8n_version: N8N_VERSION,
				},
			};
			const lines = [
				`${PROMPTS.length} prompts, fake job time ${seconds(BASELINE_JOB_MS)}, the node with its defaults (Items at Once 5, Download Image on; binary data in n8n's filesystem store, so the execution JSON holds references), the loop with Wait ${LOOP_WAIT_SECONDS} s; n8n execute, ${instance === shared.instances['cli-2.8.4'] ? "the CLI part's n8n" : 'its own user folder'}`,
				...checks.map(
					(c) =>
						`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.replace(/^baseline: /, '')}${c.ok ? `: ${c.note}` : ''}`,
				),
			];
			return { checks, lines, json, expected: 2 };
		},
	};
}

module.exports = { baselinePart, PROMPTS };
