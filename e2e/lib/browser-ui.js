'use strict';
/**
 * What the browser part does in n8n's editor, as a user does it, by n8n's data-test-id attributes.
 * Written against n8n 2.8.4 and 2.41.1; where the two differ, both are handled and the comment says
 * which is which. Timeouts are generous (the machine may be busy), and every wait names what it
 * waited for when it fails.
 */
const { ok } = require('./check');

const SEARCH_BAR =
	'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]';
const NDV = '[data-test-id="ndv"]';
const CREDENTIAL_DIALOG = '[data-test-id="credential-edit-dialog"]';
// A UI wait: long enough for a loaded 2-core machine, short enough to fail within a minute.
const UI_MS = 45000;

const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim();

/** Waits for a locator to reach a state; on timeout, says what was awaited. */
async function waitFor(locator, what, { state = 'visible', timeout = UI_MS } = {}) {
	await locator.waitFor({ state, timeout }).catch((error) => {
		throw new Error(
			`${what}: not ${state} after ${timeout / 1000} s (${error.message.split('\n')[0]})`,
		);
	});
	return locator;
}

const searchBar = (page) => page.locator(SEARCH_BAR).first();

/** An entry of the node panel (a node, an action, a category) by its exact name. */
function creatorItem(page, name) {
	const exact = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
	return page
		.locator('[data-test-id="node-creator"] [data-test-id="item-iterator-item"]:visible')
		.filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: exact }) })
		.first();
}

/**
 * Opens the node panel from the "+" on a canvas node's output, as a user adds the next step: the
 * node then comes connected after that one.
 */
async function openPanelAfter(page, nodeName) {
	const plus = page.locator(
		`[data-test-id="canvas-node-output-handle"][data-node-name="${nodeName}"] [data-test-id="canvas-handle-plus"]`,
	);
	await waitFor(plus, `the "+" on the output of "${nodeName}"`);
	await plus.click();
	return waitFor(searchBar(page), 'the node panel search bar');
}

async function closePanel(page) {
	const creator = page.locator('[data-test-id="node-creator"]');
	if (await creator.isVisible().catch(() => false)) await page.keyboard.press('Escape');
	await waitFor(creator, 'the node panel', { state: 'hidden' });
}

/** Picks an action in a node's details view of the panel; its parameter panel (NDV) opens. */
async function pickAction(page, action) {
	const item = page.locator('[data-test-id="item-iterator-item"]:visible', { hasText: action });
	await waitFor(item.first(), `the action "${action}"`);
	await item.first().click();
	return waitFor(page.locator(NDV), 'the parameter panel');
}

async function openNode(page, nodeName) {
	const ndv = page.locator(NDV);
	if (!(await ndv.isVisible().catch(() => false))) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
		await waitFor(ndv, `the parameter panel of "${nodeName}"`);
	}
	return ndv;
}

async function closeNode(page) {
	const ndv = page.locator(NDV);
	if (await ndv.isVisible().catch(() => false))
		await ndv.locator('[data-test-id="ndv-close-button"]').click();
	await waitFor(ndv, 'the parameter panel', { state: 'hidden' });
}

/** A parameter's text field in the open parameter panel (input or textarea). */
function parameterField(scope, name) {
	return scope
		.locator(
			`[data-test-id="parameter-input-${name}"] input, [data-test-id="parameter-input-${name}"] textarea`,
		)
		.first();
}

/**
 * "Create new credential" from the node's parameter panel. With no credential of the type yet,
 * n8n 2.41 shows a "Connect to <service>" button (node-credentials-empty-state); n8n 2.8 shows the
 * credential select, whose "Create new credential" item opens the dialog.
 */
async function openNewCredential(page, ndv) {
	const dialog = page.locator(CREDENTIAL_DIALOG);
	const connect = ndv.locator('[data-test-id="node-credentials-empty-state"] button');
	if (await connect.isVisible().catch(() => false)) {
		await connect.click();
	} else {
		await waitFor(
			ndv.locator('[data-test-id="node-credentials-select"]').first(),
			'the credential select',
		);
		await ndv.locator('[data-test-id="node-credentials-select"]').first().click();
		const create = page.locator('[data-test-id="node-credentials-select-item-new"]').first();
		await waitFor(create, '"Create new credential" in the credential select');
		await create.click();
	}
	await waitFor(dialog, 'the credential dialog');
	// The default name ("SMTP account") comes from the server a moment later; saved without it,
	// the credential is refused (HTTP 400 "String must contain at least 1 character(s)").
	await waitFor(
		credentialModal(page).locator('[data-test-id="credential-name"]', { hasText: /\S/ }),
		"the new credential's default name",
	);
	return dialog;
}

/** The credential dialog's modal (its header with name, type and Save sits outside the dialog). */
function credentialModal(page) {
	return page
		.locator('[role="dialog"]:visible')
		.filter({ has: page.locator(CREDENTIAL_DIALOG) })
		.last();
}

/**
 * Save in the credential dialog; n8n then tests the credential, and a failed test throws with the
 * dialog's words. Resolves to how a passed test ended: "shown" (n8n 2.8 keeps the dialog open and
 * shows the result) or "closed" (n8n 2.41 closes the dialog by itself once a new credential opened
 * from a node tested successfully).
 */
async function saveCredential(page) {
	const dialog = page.locator(CREDENTIAL_DIALOG);
	await page.locator('[data-test-id="credential-save-button"]:visible').click();
	const success = page.locator(
		'[data-test-id="credentials-config-container-test-success"]:visible',
	);
	const failure = dialog.getByText(/Couldn.t connect with these settings/);
	const started = Date.now();
	for (;;) {
		if (await success.isVisible().catch(() => false)) {
			await page.waitForTimeout(1000); // n8n 2.41 closes it right after showing the result
			return (await dialog.isVisible().catch(() => false)) ? 'shown' : 'closed';
		}
		if (await failure.isVisible().catch(() => false))
			throw new Error(`n8n's test of the credential failed: ${oneLine(await dialog.innerText())}`);
		if (!(await dialog.isVisible().catch(() => false))) return 'closed';
		const problem = page.locator('.el-notification:visible', { hasText: /Problem/ });
		if (await problem.isVisible().catch(() => false))
			throw new Error(`saving the credential failed: ${oneLine(await problem.innerText())}`);
		ok(
			Date.now() - started < UI_MS,
			`the credential dialog shows no test result after ${UI_MS / 1000} s`,
		);
		await page.waitForTimeout(200);
	}
}

async function closeCredentialDialog(page) {
	const dialog = page.locator(CREDENTIAL_DIALOG);
	if (await dialog.isVisible().catch(() => false))
		await credentialModal(page).getByRole('button', { name: 'Close this dialog' }).click();
	await waitFor(dialog, 'the credential dialog', { state: 'hidden' });
}

/**
 * Closes the editor's toasts (element-plus notifications; they carry no data-test-id in 2.8.4 or
 * 2.41.1): error toasts stay until closed, and a screenshot should show only the latest one.
 */
async function dismissToasts(page) {
	const close = page.locator('.el-notification .el-notification__closeBtn:visible');
	for (let n = await close.count(); n > 0; n = await close.count()) {
		await close
			.first()
			.click({ timeout: 5000 })
			.catch(() => {}); // it may have gone by itself
		await page.waitForTimeout(300);
	}
}

/** "Execute step" in the open parameter panel; resolves when the output shows a run's status. */
async function executeStep(page, ndv, { timeout = 120000 } = {}) {
	await dismissToasts(page);
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	const output = ndv.locator('[data-test-id="output-panel"]');
	await waitFor(
		output
			.locator('[data-test-id="node-run-status-success"], [data-test-id="node-run-status-danger"]')
			.first(),
		'the output panel: the status of the step run',
		{ timeout },
	);
	return output;
}

/** The output panel's JSON view, parsed; waits until it shows `field`. */
async function readJsonView(output, field) {
	await output.locator('[data-test-id="radio-button-json"]').click();
	const data = output.locator('[data-test-id="ndv-data-container"]');
	await waitFor(data.getByText(`"${field}"`).first(), `${field} in the JSON view`);
	const text = await data.innerText();
	try {
		return JSON.parse(text.replace(/\u00a0/g, ' ')); // the view indents with no-break spaces
	} catch {
		throw new Error(`the JSON view does not hold JSON: ${text.slice(0, 500)}`);
	}
}

/** A connection on the canvas, by the names of the nodes it joins. */
const edge = (page, from, to) =>
	page.locator(
		`[data-test-id="edge"][data-source-node-name="${from}"][data-target-node-name="${to}"]`,
	);

module.exports = {
	UI_MS,
	oneLine,
	waitFor,
	creatorItem,
	searchBar,
	openPanelAfter,
	closePanel,
	pickAction,
	openNode,
	closeNode,
	parameterField,
	openNewCredential,
	credentialModal,
	saveCredential,
	closeCredentialDialog,
	dismissToasts,
	executeStep,
	readJsonView,
	edge,
};
