'use strict';
/**
 * The browser part, first half: a new workflow, a Manual Trigger, where the node panel lists the
 * node (its "AI" category and the search after the trigger), its icon, its parameters, and a new
 * Segmind API credential made in the credential dialog and tested there. Each function is one
 * step; it returns false when the steps after it cannot run.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ok, equal, show } = require('./check');
const { REPO_DIR } = require('./setup');
const {
	oneLine,
	waitFor,
	creatorItem,
	searchBar,
	openPanelAfter,
	closePanel,
	pickAction,
	openNewCredential,
	credentialModal,
	saveCredential,
	closeCredentialDialog,
} = require('./browser-ui');

const ICON_PATH = '/icons/n8n-nodes-segmind/dist/nodes/FluxArtGenerator/segmind.svg';
const TRIGGER = 'When clicking ‘Execute workflow’'; // the Manual Trigger's default name in 2.x
const NODE = 'Flux Art Generator';

/** The node's entry in the node panel. */
const fluxItem = (page) => creatorItem(page, NODE);

/** Opens a new workflow: the editor, logged in, with its empty canvas. */
async function newWorkflow(ui) {
	const { page, base, shot } = ui;
	await page.goto(`${base}/workflow/new`, { waitUntil: 'domcontentloaded' });
	// "Add first step" says "Loading" until the node types are in.
	await waitFor(
		page.locator('[data-test-id="canvas-add-button"]', { hasNotText: /Loading/i }),
		'"Add first step" on the empty canvas',
		{ timeout: 90000 },
	);
	ok(
		page.url().startsWith(`${base}/workflow/`),
		`the editor went to ${page.url()} instead of a new workflow (not logged in?)`,
	);
	await shot('new-workflow');
	return page.url().replace(base, '');
}

/** Adds a Manual Trigger from the empty canvas's node panel. */
async function addTrigger(ui) {
	const { page } = ui;
	await page.locator('[data-test-id="canvas-add-button"]').click();
	const search = searchBar(page);
	await waitFor(search, 'the node panel search bar');
	await search.fill('manual');
	const trigger = page
		.locator('[data-test-id="node-creator-node-item"]', {
			hasText: /Manual Trigger|Trigger manually/,
		})
		.first();
	await waitFor(trigger, 'the Manual Trigger in the node panel');
	await trigger.click();
	await waitFor(
		page.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER}"]`),
		'the trigger on the canvas',
	);
	// A trigger's parameter panel may open: close it.
	const close = page.locator('[data-test-id="ndv-close-button"]');
	if (await close.isVisible().catch(() => false)) await close.click();
	const names = await page
		.locator('[data-test-id="canvas-node"]')
		.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name')));
	return `canvas: ${names.join(', ')}`;
}

/** The panel's "AI" category: Other AI Nodes → Tools lists the tool n8n derives from the node. */
async function aiTools(ui) {
	const { page, base, shot } = ui;
	await openPanelAfter(page, TRIGGER);
	for (const entry of ['AI', 'Other AI Nodes', 'Tools']) {
		await waitFor(creatorItem(page, entry), `"${entry}" in the node panel`);
		await creatorItem(page, entry).click();
	}
	const tool = creatorItem(page, `${NODE} Tool`);
	await waitFor(tool, `"${NODE} Tool" under AI → Other AI Nodes → Tools`);
	await tool.scrollIntoViewIfNeeded();
	const icon = await tool.locator('img').first().getAttribute('src');
	equal(new URL(icon, base).pathname, ICON_PATH, "the tool's icon");
	const header = oneLine(
		await page.locator('[data-test-id="nodes-list-header"]').first().innerText(),
	);
	const listed = oneLine(await tool.innerText());
	await shot('node-panel-ai-tools');
	await closePanel(page);
	return `"${listed}" under "${header}", with the package's icon`;
}

/** "+" after the trigger, search "Flux": the node is listed (its icon kept for the next step). */
async function searchFlux(ui, panel) {
	const { page, context, base, shot } = ui;
	const search = await openPanelAfter(page, TRIGGER);
	await search.fill('Flux');
	const found = await fluxItem(page)
		.waitFor({ state: 'visible', timeout: 15000 })
		.then(
			() => true,
			() => false,
		);
	await page.waitForTimeout(700); // the panel slides in
	await shot('node-panel-search-flux');
	if (!found) {
		const listed = oneLine(await page.locator('[data-test-id="node-creator"]').innerText());
		const types = await (await context.request.get(`${base}/types/nodes.json`)).json();
		const node = types.find((n) => n.name === 'n8n-nodes-segmind.fluxArtGenerator');
		throw Object.assign(
			new Error(
				`the panel shows no ${NODE} ("${listed.slice(0, 160)}"); the node is ${node ? `in /types/nodes.json, codex ${show(node.codex)}` : 'NOT in /types/nodes.json'}`,
			),
			{ screenshotTaken: true },
		);
	}
	panel.iconSrc = await fluxItem(page).locator('img').first().getAttribute('src');
	return `result "${oneLine(await fluxItem(page).innerText())}"`;
}

/** The node's icon: served by n8n from the package, an SVG, rendered. */
async function iconLoads(ui, panel) {
	const { page, context, base } = ui;
	ok(panel.iconSrc, 'the search result has no <img> icon');
	const url = new URL(panel.iconSrc, base);
	equal(url.pathname, ICON_PATH, 'icon path');
	const response = await context.request.get(url.href);
	equal(response.status(), 200, `GET ${url.pathname}`);
	const type = String(response.headers()['content-type']);
	ok(type.startsWith('image/svg+xml'), `icon content-type ${type}`);
	const body = await response.body();
	const own = fs.readFileSync(path.join(REPO_DIR, 'nodes', 'FluxArtGenerator', 'segmind.svg'));
	ok(body.toString('utf8').includes('<svg'), 'the icon is not an SVG');
	const rendered = await fluxItem(page)
		.locator('img')
		.first()
		.evaluate((el) => ({ complete: el.complete, width: el.naturalWidth }));
	ok(rendered.complete && rendered.width > 0, `the <img> did not render: ${show(rendered)}`);
	return `${url.pathname} → 200 ${type}, ${body.length} B${body.equals(own) ? ' (= nodes/FluxArtGenerator/segmind.svg)' : ''}, rendered ${rendered.width}px wide`;
}

/** Adds the node: its actions, then its parameter panel. */
async function addNode(ui) {
	const { page, shot } = ui;
	await fluxItem(page).click();
	await waitFor(page.getByText('Generate an image from a prompt').first(), "the node's actions");
	await page.waitForTimeout(700);
	const details = oneLine(await page.locator('[data-test-id="node-creator"]').innerText());
	for (const text of [
		'Paint a picture from a text prompt',
		'Get the account credits',
		'Get the result of a request',
		'Submit a prompt without waiting',
	])
		ok(details.includes(text), `the node's details lack "${text}": ${details.slice(0, 600)}`);
	await shot('node-panel-actions');
	const ndv = await pickAction(page, 'Generate an image from a prompt');
	const text = await ndv.innerText();
	const want = ['Operation', 'Text Prompt', 'Workflow ID', 'Download Image', 'Options'];
	for (const label of want)
		ok(
			text.includes(label),
			`the parameter panel does not show "${label}":\n${text.slice(0, 1500)}`,
		);
	const operation = ndv.locator('[data-test-id="parameter-input-operation"] input').first();
	await waitFor(operation, 'the Operation parameter');
	equal(await operation.inputValue(), 'Generate', 'the Operation selector');
	const workflowId = await ndv
		.locator('[data-test-id="parameter-input-workflowId"] input')
		.first()
		.inputValue();
	equal(workflowId, '66ba4126364d0f944f366a8f-v2', 'Workflow ID default');
	await shot('node-parameters');
	return `${want.join(', ')} shown; Operation = Generate; Workflow ID = ${workflowId}`;
}

/** A new Segmind API credential: its dialog and defaults. */
async function credentialDialog(ui) {
	const { page, shot } = ui;
	const dialog = await openNewCredential(page, page.locator('[data-test-id="ndv"]'));
	await page.waitForTimeout(700);
	const text = await credentialModal(page).innerText();
	for (const label of ['API Key', 'Base URL'])
		ok(
			text.includes(label),
			`the credential dialog does not show "${label}":\n${text.slice(0, 1500)}`,
		);
	ok(/Segmind/.test(text), `the credential dialog does not name Segmind:\n${text.slice(0, 800)}`);
	const baseUrl = dialog.locator('[data-test-id="parameter-input-baseUrl"] input').first();
	equal(await baseUrl.inputValue(), 'https://api.segmind.com', 'Base URL default');
	await shot('credential-dialog');
	return 'API Key, Base URL (default https://api.segmind.com)';
}

/** Fills in the fake's key and URL and saves: n8n tests the credential, green. */
async function credentialTested(ui) {
	const { page, shot, shared } = ui;
	const { fake } = shared;
	fake.reset();
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
	await dialog.locator('[data-test-id="parameter-input-apiKey"] input').first().fill(fake.apiKey);
	await dialog.locator('[data-test-id="parameter-input-baseUrl"] input').first().fill(fake.baseUrl);
	const outcome = await saveCredential(page);
	let how = 'the dialog says';
	if (outcome === 'closed') {
		// n8n 2.41 closed the dialog after the test passed; opening the credential again
		// tests it again and shows the result.
		await page.locator('[data-test-id="ndv"] [data-test-id="credential-edit-button"]').click();
		how = 'n8n closed the dialog; opened again, it says';
	}
	const success = page.locator('[data-test-id="credentials-config-container-test-success"]');
	await waitFor(success, 'the credential test result "Connection tested successfully"');
	const said = oneLine(await success.innerText());
	ok(/tested successfully/i.test(said), `the credential test says "${said}"`);
	await shot('credential-tested');
	const tests = fake.requestsTo('credits');
	ok(tests.length >= 1, 'the fake saw no credential test');
	for (const test of tests)
		equal(test.headers['x-api-key'], fake.apiKey, 'x-api-key of the credential test');
	equal(fake.jobs.length, 0, 'jobs (a credential test must cost nothing)');
	await closeCredentialDialog(page);
	return `${how} "${said.replace(/ ?Retry$/, '')}"; the fake saw ${tests.length} GET ${tests[0].path} with the key, no job`;
}

async function panelSteps(ui) {
	const { step } = ui;
	const panel = { iconSrc: undefined }; // the search result's icon, for the icon step

	let ready = await step('new workflow opens in the editor, logged in', () => newWorkflow(ui));

	// An empty workflow's node panel offers triggers only: a Manual Trigger first, as a user does.
	if (ready)
		ready = await step('node panel on the empty canvas: add a Manual Trigger', () =>
			addTrigger(ui),
		);

	// usableAsTool makes n8n derive "Flux Art Generator Tool" (category AI, subcategory Tools): the
	// panel's "AI" category lists it under "Other AI Nodes" → "Tools", in 2.8.4 and 2.41.1 alike.
	// The node itself (codex categories Marketing, Miscellaneous) is not an AI node.
	if (ready)
		await step(
			'node panel, "AI" category: Other AI Nodes → Tools lists the Flux Art Generator Tool',
			() => aiTools(ui),
		);

	// What a user does next: "+" after the trigger, the "What happens next?" view, search "Flux".
	if (ready)
		ready = await step(
			'node panel after the trigger ("What happens next?"): search "Flux" lists the node',
			() => searchFlux(ui, panel),
		);

	if (ready)
		await step('the node icon loads from the package (HTTP 200, SVG)', () => iconLoads(ui, panel));

	if (ready)
		ready = await step(
			'add the node: its actions, then the parameter panel shows its parameters',
			() => addNode(ui),
		);

	if (ready)
		ready = await step('a new Segmind API credential: the dialog shows API Key and Base URL', () =>
			credentialDialog(ui),
		);

	if (ready)
		ready = await step(
			"fill in the fake's key and URL, Save: n8n tests it (GET /v1/get-user-credits), green",
			() => credentialTested(ui),
		);
	return ready;
}

module.exports = { panelSteps, ICON_PATH, TRIGGER, NODE };
