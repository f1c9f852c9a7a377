'use strict';
/**
 * The browser part, second half: the user's first run. Text Prompt typed and "Execute step"
 * pressed (the output's JSON, and the image the Binary view shows, byte for byte the fake's), a
 * Send Email node with a new SMTP credential after it and the workflow executed from the canvas
 * (the suite's SMTP sink gets the image attached), and a wrong API key as the editor shows it.
 * Screenshots of these go to docs/images/ (ui.docShot) from one n8n version.
 */
const { setTimeout: sleep } = require('node:timers/promises');

const { ok, equal, show } = require('./check');
const { messagesOf } = require('./env');
const { ICON_PATH, TRIGGER, NODE } = require('./browser-panel');
const {
	UI_MS,
	oneLine,
	waitFor,
	creatorItem,
	openPanelAfter,
	pickAction,
	openNode,
	closeNode,
	parameterField,
	openNewCredential,
	saveCredential,
	closeCredentialDialog,
	dismissToasts,
	executeStep,
	readJsonView,
	edge,
} = require('./browser-ui');

const PROMPT = 'a lighthouse at dawn, oil painting';
const EMAIL = 'Send an Email'; // the Send Email node's default name
const MAIL = { from: 'n8n@example.com', to: 'you@example.com', subject: 'Your Flux art' };
const WRONG_KEY = 'wrong-key-from-the-e2e';

/** Types the Text Prompt like a user and runs Execute step; the JSON output against the fake. */
async function executeWithPrompt(ui, journey) {
	const { page, shot, docShot } = ui;
	const { fake } = ui.shared;
	const ndv = await openNode(page, NODE);
	const prompt = parameterField(ndv, 'textPrompt');
	await prompt.click();
	await prompt.pressSequentially(PROMPT, { delay: 20 });
	// The editor stores the first keystroke at once and the rest after a pause: Execute step
	// clicked within ~200 ms of the last key runs with the first letter only (2.8.4 and
	// 2.41.1 alike). A user takes longer than that; so does the suite.
	await page.keyboard.press('Tab');
	await page.waitForTimeout(1000);
	const output = await executeStep(page, ndv);
	const failed = output.locator('[data-test-id="node-error-message"]');
	if (await failed.isVisible().catch(() => false))
		throw new Error(`the step failed: ${oneLine(await output.innerText()).slice(0, 500)}`);
	equal(fake.jobs.length, 1, 'jobs the fake got');
	journey.job = fake.jobs[0];
	equal(journey.job.prompt, PROMPT, "the job's prompt (as typed)");
	const items = await readJsonView(output, 'image_output');
	equal(items.length, 1, 'items in the output');
	const [item] = items;
	equal(item.request_id, journey.job.requestId, 'request_id');
	equal(
		item.image_output,
		`${fake.imageBaseUrl}/images/${journey.job.requestId}.png`,
		'image_output',
	);
	equal(item.remaining_credits, fake.credits, "remaining_credits (the fake's balance)");
	equal(item.status, 'COMPLETED', 'status');
	await page.waitForTimeout(500);
	await shot('execute-step-json');
	await docShot('editor-output.png');
	return `1 item: image_output ${item.image_output.replace(fake.imageBaseUrl, '<images>')}, remaining_credits ${item.remaining_credits}, request_id = the fake's job, prompt as typed`;
}

/** Opens the Binary view: the <img> must load the fake's bytes from the editor. */
async function binaryView(ui, journey) {
	const { page, shot, docShot } = ui;
	const { fake } = ui.shared;
	const ndv = page.locator('[data-test-id="ndv"]');
	const output = ndv.locator('[data-test-id="output-panel"]');
	await output.locator('[data-test-id="radio-button-binary"]').click();
	const card = output.locator('[data-test-id="ndv-binary-data_0"]');
	await waitFor(card, 'the binary data card');
	const cardText = oneLine(await card.innerText());
	for (const want of [`${journey.job.requestId}.png`, 'image/png'])
		ok(cardText.includes(want), `the binary card lacks "${want}": ${cardText}`);
	const loaded = page.waitForResponse((r) => r.url().includes('/rest/binary-data'), {
		timeout: UI_MS,
	});
	await output.locator('[data-test-id="ndv-view-binary-data"]').first().click();
	const response = await loaded;
	const img = output.locator('img[src*="/rest/binary-data"]').first();
	await waitFor(img, 'the image in the Binary view');
	await img.evaluate((el) =>
		el.complete
			? null
			: new Promise((resolve) => el.addEventListener('load', resolve, { once: true })),
	);
	const shown = await img.evaluate((el) => ({
		src: el.src,
		complete: el.complete,
		width: el.naturalWidth,
		height: el.naturalHeight,
	}));
	ok(shown.complete && shown.width > 0, `the image did not render: ${show(shown)}`);
	equal(response.url(), shown.src, 'the URL the editor fetched and the <img> src');
	equal(response.status(), 200, 'GET /rest/binary-data');
	const body = await response.body();
	const want = fake.imageBytesFor(journey.job.requestId);
	ok(
		body.equals(want),
		`the image bytes the editor served (${body.length} B) are not the fake's (${want.length} B)`,
	);
	await shot('execute-step-image');
	await docShot('editor-output-image.png');
	const url = new URL(shown.src);
	return `<img> ${shown.width}×${shown.height} from ${url.pathname}?action=${url.searchParams.get('action')}: ${body.length} B = the fake's image`;
}

/** Back on the canvas: connected after the trigger, its icon and subtitle. */
async function onCanvas(ui) {
	const { page } = ui;
	await closeNode(page);
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE}"]`);
	await waitFor(node, 'the node on the canvas');
	const icon = await node
		.locator('img')
		.first()
		.evaluate((el) => ({
			src: el.getAttribute('src'),
			complete: el.complete,
			width: el.naturalWidth,
		}));
	equal(new URL(icon.src, ui.base).pathname, ICON_PATH, 'the canvas node icon');
	ok(icon.complete && icon.width > 0, `the canvas icon did not render: ${show(icon)}`);
	equal(await edge(page, TRIGGER, NODE).count(), 1, `connections ${TRIGGER} → ${NODE}`);
	const text = oneLine(await node.innerText());
	ok(/\bGenerate$/.test(text), `the canvas subtitle is not the operation's name: "${text}"`);
	return `"${text}", connected after the trigger, icon ${icon.width}px`;
}

/** Adds a Send Email node after it, with a new SMTP credential on the suite's sink. */
async function addSendEmail(ui) {
	const { page, shot } = ui;
	const { smtp } = ui.shared;
	const search = await openPanelAfter(page, NODE);
	await search.fill('Send Email');
	await waitFor(creatorItem(page, 'Send Email'), '"Send Email" in the node panel');
	await creatorItem(page, 'Send Email').click();
	const ndv = await pickAction(page, 'Send an Email');
	const dialog = await openNewCredential(page, ndv);
	await parameterField(dialog, 'host').fill(smtp.host);
	await parameterField(dialog, 'port').fill(String(smtp.port));
	// SSL/TLS is on by default; the sink speaks plain SMTP. Off, it offers Disable STARTTLS.
	await dialog.locator('[data-test-id="parameter-input-secure"]').click();
	await waitFor(
		dialog.locator('[data-test-id="parameter-input-disableStartTls"]'),
		'SSL/TLS off (Disable STARTTLS shown)',
	);
	const outcome = await saveCredential(page);
	await closeCredentialDialog(page);
	await parameterField(ndv, 'fromEmail').fill(MAIL.from);
	await parameterField(ndv, 'toEmail').fill(MAIL.to);
	await parameterField(ndv, 'subject').fill(MAIL.subject);
	await ndv.locator('[data-test-id="collection-parameter-add"]').click();
	// 2.8.4 has "Attachments" (attachments); 2.41.1 has "Attachments (File)" (fileAttachments)
	// and "Attachments (Inline)" (attachments, embedded by cid): a user wants the file.
	const option = page.locator('[data-test-id="collection-parameter-option"]:visible', {
		hasText: /^\s*Attachments( \(File\))?\s*$/,
	});
	await waitFor(option, 'the option "Attachments" / "Attachments (File)"');
	const optionName = oneLine(await option.innerText());
	await option.click();
	const attachments = ndv
		.locator(
			'[data-test-id="parameter-input-attachments"], [data-test-id="parameter-input-fileAttachments"]',
		)
		.locator('input')
		.first();
	await waitFor(attachments, `the ${optionName} field`);
	await attachments.fill('data');
	await page.keyboard.press('Tab');
	await page.waitForTimeout(1000);
	await shot('send-email-parameters');
	await closeNode(page);
	equal(await edge(page, NODE, EMAIL).count(), 1, `connections ${NODE} → ${EMAIL}`);
	return `SMTP credential ${smtp.host}:${smtp.port} tested green (${outcome === 'closed' ? 'n8n closed the dialog itself' : 'shown in the dialog'}); From, To, Subject, ${optionName} = data`;
}

/** Runs the workflow from the canvas: the sink must get the image attached. */
async function executeWorkflow(ui) {
	const { page, shot, docShot } = ui;
	const { fake, smtp } = ui.shared;
	const mailsBefore = smtp.messages.length;
	const jobsBefore = fake.jobs.length;
	await dismissToasts(page);
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	const emailDone = page.locator(
		`[data-test-id="canvas-node"][data-node-name="${EMAIL}"] [data-test-id="canvas-node-status-success"]`,
	);
	await waitFor(emailDone, `the success mark on "${EMAIL}"`, { timeout: 120000 });
	const started = Date.now();
	while (smtp.messages.length === mailsBefore) {
		ok(Date.now() - started < 30000, 'the SMTP sink got no message within 30 s of the run');
		await sleep(200);
	}
	equal(smtp.messages.length, mailsBefore + 1, 'messages the sink got');
	equal(fake.jobs.length, jobsBefore + 1, 'jobs the fake got');
	const run = fake.jobs[jobsBefore];
	equal(run.prompt, PROMPT, "the job's prompt");
	const { envelope, mail } = smtp.messages[mailsBefore];
	equal(envelope.to, [MAIL.to], 'envelope recipients');
	equal(mail.subject, MAIL.subject, 'subject');
	equal(mail.attachments.length, 1, 'attachments');
	const [file] = mail.attachments;
	equal(file.filename, `${run.requestId}.png`, 'attachment file name');
	equal(file.contentType, 'image/png', 'attachment type');
	const want = fake.imageBytesFor(run.requestId);
	ok(
		file.content.equals(want),
		`the attachment (${file.content.length} B) is not the fake's image (${want.length} B)`,
	);
	for (const name of [TRIGGER, NODE])
		await waitFor(
			page.locator(
				`[data-test-id="canvas-node"][data-node-name="${name}"] [data-test-id="canvas-node-status-success"]`,
			),
			`the success mark on "${name}"`,
		);
	await page.locator('[data-test-id="zoom-to-fit"]').click();
	await page.waitForTimeout(800);
	await shot('workflow-executed');
	await docShot('editor-email.png');
	return `3 nodes green; 1 message to ${MAIL.to}, "${file.filename}" ${file.content.length} B = the fake's image of this run`;
}

/** A wrong API key: the credential test fails; Execute step shows the node's message and hint. */
async function wrongKey(ui) {
	const { page, shot, docShot } = ui;
	const { fake } = ui.shared;
	const MESSAGES = messagesOf(ui.packageDir);
	await closeCredentialDialog(page); // left open if the step before failed
	await closeNode(page);
	const ndv = await openNode(page, NODE);
	await ndv.locator('[data-test-id="credential-edit-button"]').click();
	const dialog = await waitFor(
		page.locator('[data-test-id="credential-edit-dialog"]'),
		'the credential dialog',
	);
	// Opened again, the dialog tests the saved credential first (green): let that finish.
	await waitFor(
		page.locator('[data-test-id="credentials-config-container-test-success"]'),
		'the test of the saved credential',
	);
	const tests = fake.requestsTo('credits').length;
	await dialog.locator('[data-test-id="parameter-input-apiKey"] input').first().fill(WRONG_KEY);
	await page.locator('[data-test-id="credential-save-button"]:visible').click();
	await waitFor(
		dialog.getByText(/Couldn.t connect with these settings/),
		'the failed test of the wrong key ("Couldn\'t connect with these settings")',
	);
	const wrongTests = fake
		.requestsTo('credits')
		.slice(tests)
		.filter((r) => r.headers['x-api-key'] === WRONG_KEY);
	ok(wrongTests.length >= 1, 'the fake saw no credential test with the wrong key');
	await closeCredentialDialog(page);
	const jobsBefore = fake.jobs.length;
	const output = await executeStep(page, ndv);
	const message = output.locator('[data-test-id="node-error-message"]');
	await waitFor(message, 'the error message in the output panel');
	equal(oneLine(await message.innerText()), MESSAGES.auth(401), 'the error message');
	const description = oneLine(
		await output.locator('[data-test-id="node-error-description"]').innerText(),
	);
	ok(
		description.startsWith(MESSAGES.authHint),
		`the error description is not the node's hint: "${description}"`,
	);
	equal(fake.jobs.length, jobsBefore, 'jobs (a rejected key bills nothing)');
	await page.waitForTimeout(500);
	await shot('wrong-api-key');
	await docShot('editor-error.png');
	return `credential test failed in the dialog; Execute step: "${MESSAGES.auth(401)}" / "${description}"`;
}

async function journeySteps(ui) {
	const { step } = ui;
	const journey = { job: undefined }; // the fake's job of the Execute step run

	let ran = await step(
		'Text Prompt typed, Execute step: the output shows image_output and remaining_credits',
		() => executeWithPrompt(ui, journey),
	);

	if (ran)
		ran = await step(
			"the Binary view shows the image: the <img> loads the fake's bytes from the editor",
			() => binaryView(ui, journey),
		);

	if (ran)
		await step(
			'back on the canvas: the node is connected after the trigger, its icon rendered, subtitle "Generate"',
			() => onCanvas(ui),
		);

	let email = false;
	if (ran)
		email = await step(
			"a Send Email node after it, with a new SMTP credential (the suite's sink)",
			() => addSendEmail(ui),
		);

	if (email)
		await step(
			'Execute workflow from the canvas: the sink receives the image as an attachment',
			() => executeWorkflow(ui),
		);

	if (ran)
		await step("a wrong API key: the error panel shows the node's own message and hint", () =>
			wrongKey(ui),
		);
}

module.exports = { journeySteps };
