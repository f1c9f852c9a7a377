'use strict';
/**
 * The browser part, last: the agent example in the editor. examples/agent-draws.json is made
 * through n8n's REST API with two credentials (the suite's fake model, the fake Segmind), as a
 * user who imported it and chose their credentials would have it; then the workflow opened and
 * executed from the canvas, the fake model's script calling the Flux tool. The canvas after the
 * run is docs/images/editor-agent.png; the tool's parameter panel must show Download Image off.
 */
const path = require('node:path');

const { drawScript } = require('./agent-scripts');
const { ok, equal } = require('./check');
const { REPO_DIR } = require('./setup');
const { restClient } = require('./n8n-rest');
const { example } = require('./workflows');
const { oneLine, waitFor, openNode, closeNode, dismissToasts } = require('./browser-ui');

const PROMPT = 'a red fox curled up in fresh snow at dawn, watercolor';
const NODES = ['AI Agent', 'OpenAI Chat Model', 'Flux Art Generator'];

/** The credentials and the workflow, made through the REST API; resolves to the workflow's id. */
async function createAgentWorkflow(ui) {
	const { shared, model } = ui;
	const rest = restClient(ui.base, ui.cookie);
	const openAi = await rest.post('/credentials', {
		name: 'OpenAI (fake model)',
		type: 'openAiApi',
		data: { apiKey: model.apiKey, url: model.baseUrl },
	});
	const segmind = await rest.post('/credentials', {
		name: 'Segmind (agent)',
		type: 'segmindApi',
		data: { apiKey: shared.fake.apiKey, baseUrl: shared.fake.baseUrl },
	});
	const wf = example(path.join(REPO_DIR, 'examples'), 'agent-draws.json', {
		openAiApi: openAi,
		segmindApi: segmind,
	});
	const created = await rest.post('/workflows', {
		name: wf.name,
		nodes: wf.nodes,
		connections: wf.connections,
		settings: wf.settings,
	});
	ok(created && created.id, `POST /rest/workflows returned no id`);
	return created.id;
}

const successMark = (page, name) =>
	page.locator(
		`[data-test-id="canvas-node"][data-node-name="${name}"] [data-test-id="canvas-node-status-success"]`,
	);

async function agentSteps(ui) {
	const { page, step, shot, docShot, shared, model } = ui;
	const { fake } = shared;

	const ran = await step(
		'the agent example, executed from the canvas: the model calls the Flux tool, every node green',
		async () => {
			const id = await createAgentWorkflow(ui);
			fake.reset();
			fake.setScenario({ durationMs: 3000 });
			model.script('editor', drawScript(PROMPT));
			await page.goto(`${ui.base}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
			for (const name of NODES)
				await waitFor(
					page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`),
					`"${name}" on the canvas`,
				);
			await dismissToasts(page);
			await page.locator('[data-test-id="execute-workflow-button"]').click();
			for (const name of NODES)
				await waitFor(successMark(page, name), `the success mark on "${name}"`, {
					timeout: 120000,
				});
			model.assertDone();
			equal(fake.jobs.length, 1, 'jobs the fake Segmind got');
			equal(fake.jobs[0].prompt, PROMPT, "the job's prompt (the model's)");
			equal(fake.requestsTo('image').length, 0, 'image downloads');
			await page.locator('[data-test-id="zoom-to-fit"]').click();
			await page.waitForTimeout(800);
			await shot('agent-executed');
			await docShot('editor-agent.png');
			return `${NODES.join(', ')} green; 1 job with the model's prompt; the model's 2 requests answered by its script`;
		},
	);

	if (ran)
		await step("the tool's parameters: Download Image is off by default", async () => {
			const ndv = await openNode(page, 'Flux Art Generator');
			const field = ndv.locator('[data-test-id="parameter-input-downloadImage"]');
			await waitFor(field, 'the Download Image parameter');
			const checked = await field
				.locator('.el-switch')
				.first()
				.evaluate((el) => el.classList.contains('is-checked'));
			equal(checked, false, 'the Download Image switch is on');
			const label = oneLine(
				await ndv
					.locator('[data-test-id="parameter-input-downloadImage"]')
					.locator('xpath=..')
					.innerText(),
			).slice(0, 120);
			await shot('agent-tool-parameters');
			await closeNode(page);
			return `Download Image shown, off ("${label}")`;
		});
}

module.exports = { agentSteps };
