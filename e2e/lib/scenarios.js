'use strict';
/**
 * The e2e scenarios. Each runs one workflow in the real n8n and checks its execution output,
 * the fake Segmind's request log, and what reached the outside (SMTP sink, disk, HTTP client).
 * A scenario returns a short line for the summary; a failed check throws E2eAssertionError.
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { ok, equal, includes, show } = require('./check');
const {
	FLUX_WORKFLOW_ID,
	example,
	failing,
	withManualTrigger,
	threePrompts: threePromptsWorkflow,
	handBuiltLoop: handBuiltLoopWorkflow,
} = require('./workflows');
const { tail } = require('./text');

const FLUX = 'Flux Art Generator';

/** The prompts of (a) and (d), so the baseline compares the same work. */
const BASELINE_PROMPTS = [
	'goddess woman playing guitar with passion in saree',
	'a lighthouse at dawn, oil painting',
	'a red fox in the snow, watercolor',
];
/** How long a fake job takes from submit to image in (a) and (d). Real Flux jobs take longer. */
const BASELINE_JOB_MS = 3000;
/** The hand-built loop's Wait between polls. */
const LOOP_WAIT_SECONDS = 2;

// ---------------------------------------------------------------- helpers

/** The execution must have run to the end without an error. */
function expectSuccess(exec, what) {
	const detail = () =>
		`\n--- stdout (tail)\n${tail(exec.stdout)}\n--- stderr (tail)\n${tail(exec.stderr)}`;
	const runError =
		exec.run && exec.run.data && exec.run.data.resultData && exec.run.data.resultData.error;
	ok(
		exec.code === 0,
		`${what}: n8n execute exited with ${exec.code}${runError ? ` (execution error: ${runError.message})` : ''}${detail()}`,
	);
	ok(exec.run, `${what}: no execution JSON found in n8n's output${detail()}`);
	ok(
		!exec.run.data.resultData.error,
		`${what}: execution error ${show(exec.run.data.resultData.error)}`,
	);
	equal(exec.run.status, 'success', `${what}: execution status`);
}

function runsOf(exec, nodeName) {
	const runs = exec.run.data.resultData.runData[nodeName];
	ok(
		Array.isArray(runs) && runs.length > 0,
		`node "${nodeName}" did not run (ran: ${Object.keys(exec.run.data.resultData.runData).join(', ')})`,
	);
	return runs;
}

/** Items of a node's output (first run by default). */
function itemsOf(exec, nodeName, { run = 0, output = 0 } = {}) {
	const runs = runsOf(exec, nodeName);
	const main = runs[run].data && runs[run].data.main;
	ok(main && Array.isArray(main[output]), `node "${nodeName}" run ${run} has no output ${output}`);
	return main[output];
}

function executionMs(exec) {
	return new Date(exec.run.stoppedAt).getTime() - new Date(exec.run.startedAt).getTime();
}

/**
 * The bytes of a binary property: from n8n's filesystem binary store (the 2.x default), or the
 * base64 in the execution itself (the 1.x default), whichever that n8n version uses by default.
 */
function binaryBytes(ctx, binary, what) {
	if (ctx.n8n && ctx.n8n.major1) {
		ok(
			binary && !binary.id && typeof binary.data === 'string',
			`${what}: binary is not inline base64 (n8n 1.x default): ${show(binary)}`,
		);
		return Buffer.from(binary.data, 'base64');
	}
	ok(
		binary && typeof binary.id === 'string',
		`${what}: binary has no id (data mode?): ${show(binary)}`,
	);
	const match = /^filesystem(?:-v2)?:(.+)$/.exec(binary.id);
	ok(match, `${what}: binary id is not a filesystem reference: ${binary.id}`);
	const file = path.join(ctx.userFolder, '.n8n', 'storage', match[1]);
	ok(fs.existsSync(file), `${what}: binary file ${file} does not exist`);
	return fs.readFileSync(file);
}

/** x-api-key on every request to the API host, with the right key; never on the image host. */
function checkKeyPlacement(ctx, what) {
	const { fake, apiKey } = ctx;
	ok(fake.requests.length > 0, `${what}: the fake saw no request`);
	for (const request of fake.requests) {
		const key = request.headers['x-api-key'];
		const authorization = String(request.headers.authorization || '');
		const where = `${what}: ${request.method} ${request.host} ${request.path}`;
		if (request.host === 'api') {
			equal(key, apiKey, `${where}: x-api-key`);
		} else {
			equal(key, undefined, `${where}: x-api-key must not be sent to the image host`);
			ok(
				!authorization.includes(apiKey),
				`${where}: the API key must not reach the image host (authorization header)`,
			);
		}
	}
}

function fakeCounts(fake) {
	const count = (route) => fake.requestsTo(route).length;
	return {
		total: fake.requests.length,
		submit: count('submit'),
		poll: count('poll'),
		image: count('image'),
		credits: count('credits'),
	};
}

function noSecretIn(ctx, text, what) {
	ok(!String(text).includes(ctx.apiKey), `${what}: the API key appears in n8n's output`);
}

/** One successful Flux Art Generator item: its JSON, its job on the fake, its binary bytes. */
function checkFluxItem(
	ctx,
	item,
	index,
	prompt,
	what,
	{ imageBase = ctx.fake.imageBaseUrl, extension = 'png' } = {},
) {
	const j = item.json;
	const at = `${what}: item ${index}`;
	equal(item.pairedItem, { item: index }, `${at} pairedItem`);
	ok(!('error' in j), `${at}: unexpected error ${show(j)}`);
	equal(j.text_prompt, prompt, `${at} text_prompt`);
	equal(j.status, 'COMPLETED', `${at} status`);
	equal(j.workflow_id, FLUX_WORKFLOW_ID, `${at} workflow_id`);
	const job = ctx.fake.jobs.find((candidate) => candidate.requestId === j.request_id);
	ok(job, `${at}: request_id ${show(j.request_id)} is not a job the fake took`);
	equal(job.prompt, prompt, `${at}: the fake's job prompt`);
	equal(j.image_output, `${imageBase}/images/${job.requestId}.${extension}`, `${at} image_output`);
	ok(
		typeof j.remaining_credits === 'number' &&
			j.remaining_credits >= 0 &&
			j.remaining_credits < 100,
		`${at}: remaining_credits ${show(j.remaining_credits)}`,
	);
	ok(
		Number.isInteger(j.elapsed_ms) && j.elapsed_ms >= 0,
		`${at}: elapsed_ms ${show(j.elapsed_ms)}`,
	);
	ok(Number.isInteger(j.polls) && j.polls >= 1, `${at}: polls ${show(j.polls)}`);
	const binary = item.binary && item.binary.data;
	ok(binary, `${at}: no binary field "data" (binary: ${show(item.binary)})`);
	equal(
		binary.mimeType,
		`image/${extension === 'jpg' ? 'jpeg' : extension}`,
		`${at} binary.data.mimeType`,
	);
	equal(binary.fileName, `${job.requestId}.${extension}`, `${at} binary.data.fileName`);
	equal(binary.fileExtension, extension, `${at} binary.data.fileExtension`);
	const bytes = binaryBytes(ctx, binary, at);
	ok(
		bytes.equals(ctx.fake.imageBytesFor(job.requestId)),
		`${at}: the stored binary differs from the image the fake served`,
	);
	ctx.itemsChecked++;
	return job;
}

// ---------------------------------------------------------------- (a)

async function threePrompts(ctx) {
	const what = '(a) three prompts';
	ctx.fake.reset();
	ctx.fake.setScenario({ durationMs: BASELINE_JOB_MS });
	const exec = await ctx.n8n.execute('e2eThreePrompts01');
	expectSuccess(exec, what);
	noSecretIn(ctx, exec.stdout + exec.stderr, what);

	const flux = itemsOf(exec, FLUX);
	equal(flux.length, 3, `${what}: ${FLUX} output items`);
	const jobs = flux.map((item, i) => checkFluxItem(ctx, item, i, BASELINE_PROMPTS[i], what));

	const summary = itemsOf(exec, 'Summary');
	equal(summary.length, 3, `${what}: Summary (Set) items`);
	summary.forEach((item, i) => {
		const at = `${what}: Summary item ${i}`;
		equal(item.json.url, flux[i].json.image_output, `${at} url`);
		equal(item.json.credits, flux[i].json.remaining_credits, `${at} credits`);
		equal(item.json.request_id, jobs[i].requestId, `${at} request_id`);
		equal(item.json.has_binary_data, true, `${at}: $binary.data seen by the next node`);
		equal(item.json.binary_mime, 'image/png', `${at} binary_mime`);
		equal(item.json.binary_file_name, `${jobs[i].requestId}.png`, `${at} binary_file_name`);
		ctx.itemsChecked++;
	});

	const submits = ctx.fake.requestsTo('submit');
	equal(submits.length, 3, `${what}: submits the fake saw`);
	equal(
		submits
			.map((s) => JSON.parse(s.body))
			.sort((x, y) => x.text_prompt.localeCompare(y.text_prompt)),
		BASELINE_PROMPTS.map((text_prompt) => ({ text_prompt })).sort((x, y) =>
			x.text_prompt.localeCompare(y.text_prompt),
		),
		`${what}: submit bodies`,
	);
	for (const s of submits) equal(s.path, `/workflows/${FLUX_WORKFLOW_ID}`, `${what}: submit path`);
	const counts = fakeCounts(ctx.fake);
	equal(counts.image, 3, `${what}: image downloads`);
	ok(
		ctx.fake.requests.some((r) => r.host === 'images'),
		`${what}: no request reached the image host`,
	);
	checkKeyPlacement(ctx, what);

	ctx.baseline.node = {
		executionMs: executionMs(exec),
		nodeMs: runsOf(exec, FLUX)[0].executionTime,
		cliMs: exec.ms,
		counts,
		polls: flux.map((item) => item.json.polls),
	};
	return { exec, items: 3, note: `3 images, ${counts.total} requests to the fake` };
}

// ---------------------------------------------------------------- (c)

const FAIL_PROMPTS = [
	'   ',
	'a castle in the clouds',
	'a koi pond at night',
	'a desert caravan at noon',
];

async function failingContinue(ctx) {
	const what = '(c) failing items, Continue (regular output)';
	ctx.fake.reset();
	ctx.fake.respond('submit', { status: 402, body: { error: 'Insufficient credits' } });
	ctx.fake.respond('poll', {
		status: 200,
		body: { status: 'FAILED', error_message: 'NSFW content detected' },
	});
	const exec = await ctx.n8n.execute('e2eFailContinue01');
	expectSuccess(exec, what);
	noSecretIn(ctx, exec.stdout + exec.stderr, what);

	const items = itemsOf(exec, FLUX);
	equal(items.length, 4, `${what}: output items (one per input item)`);
	items.forEach((item, i) => equal(item.pairedItem, { item: i }, `${what}: item ${i} pairedItem`));

	// The blank prompt: failed before any request, nothing billed.
	const blank = items[0].json;
	equal(blank.error, 'The Text Prompt is empty', `${what}: blank prompt error`);
	equal(blank.code, null, `${what}: blank prompt code`);
	equal(blank.request_id, null, `${what}: blank prompt request_id`);
	includes(blank.description, 'no credits were spent', `${what}: blank prompt description`);
	equal(
		Object.keys(blank).sort(),
		['code', 'description', 'error', 'request_id'],
		`${what}: blank prompt item fields`,
	);
	ok(!items[0].binary, `${what}: blank prompt item has binary`);
	ctx.itemsChecked++;

	// The others, whatever order the node served them in: one 402, one FAILED job, one image.
	const rest = items.slice(1);
	const credits = rest.filter((item) => item.json.code === 'CREDITS');
	const failed = rest.filter((item) => item.json.code === 'FAILED');
	const good = rest.filter((item) => !('error' in item.json));
	ok(
		credits.length === 1 && failed.length === 1 && good.length === 1,
		`${what}: expected one CREDITS, one FAILED and one image, got ${show(rest.map((item) => item.json))}`,
	);

	const c = credits[0].json;
	equal(c.error, 'Not enough Segmind credits (HTTP 402)', `${what}: 402 error`);
	includes(c.description, 'Insufficient credits', `${what}: 402 description keeps Segmind's words`);
	equal(c.request_id, null, `${what}: 402 request_id`);
	equal(
		Object.keys(c).sort(),
		['code', 'description', 'error', 'request_id'],
		`${what}: 402 item fields`,
	);
	ctx.itemsChecked++;

	const f = failed[0].json;
	const failedJob = ctx.fake.jobs.find((job) => job.requestId === f.request_id);
	ok(failedJob, `${what}: FAILED item's request_id ${show(f.request_id)} is not a job of the fake`);
	equal(
		f.poll_url,
		`${ctx.fake.baseUrl}/workflows/request/${failedJob.requestId}`,
		`${what}: FAILED poll_url`,
	);
	includes(
		`${f.error} ${f.description}`,
		'NSFW content detected',
		`${what}: FAILED keeps Segmind's words`,
	);
	equal(
		Object.keys(f).sort(),
		['code', 'description', 'error', 'poll_url', 'request_id'],
		`${what}: FAILED item fields`,
	);
	ctx.itemsChecked++;

	checkFluxItem(ctx, good[0], items.indexOf(good[0]), FAIL_PROMPTS[items.indexOf(good[0])], what);

	equal(
		ctx.fake.requestsTo('submit').length,
		3,
		`${what}: submits (the blank prompt must not be sent)`,
	);
	equal(ctx.fake.jobs.length, 2, `${what}: jobs the fake accepted`);
	checkKeyPlacement(ctx, what);
	return { exec, items: 4, note: 'blank, CREDITS, FAILED, 1 image' };
}

async function failingStop(ctx) {
	const what = '(c) failing item, no Continue On Fail';
	ctx.fake.reset();
	ctx.fake.credits = 1; // the first job is taken, the second gets a 402
	const exec = await ctx.n8n.execute('e2eFailStop01');
	noSecretIn(ctx, exec.stdout + exec.stderr, what);
	ok(exec.code !== 0, `${what}: n8n execute exited 0, expected a failure`);
	ok(exec.run, `${what}: no execution JSON in n8n's output\n${tail(exec.stdout)}`);
	equal(exec.run.status, 'error', `${what}: execution status`);
	const error = exec.run.data.resultData.error;
	ok(error, `${what}: no resultData.error`);
	equal(error.message, 'Not enough Segmind credits (HTTP 402)', `${what}: error message`);
	equal(exec.run.data.resultData.lastNodeExecuted, FLUX, `${what}: lastNodeExecuted`);
	equal(ctx.fake.jobs.length, 1, `${what}: jobs the fake accepted`);
	const paid = ctx.fake.jobs[0].requestId;
	includes(error.description, paid, `${what}: the error names the job already paid for`);
	const run = runsOf(exec, FLUX)[0];
	ok(run.error, `${what}: the node's run has no error`);
	ok(
		!run.data || !run.data.main || run.data.main.every((out) => !out || out.length === 0),
		`${what}: n8n kept output of the failed node`,
	);
	ctx.itemsChecked++;
	return { exec, items: 2, note: `exit ${exec.code}, error names paid job` };
}

// ---------------------------------------------------------------- (b) examples

async function scheduleToEmail(ctx) {
	const what = '(b) schedule-to-email (Manual Trigger copy)';
	ctx.fake.reset();
	ctx.smtp.messages.length = 0;
	const exec = await ctx.n8n.execute('SgmFluxSchedMail');
	expectSuccess(exec, what);
	noSecretIn(ctx, exec.stdout + exec.stderr, what);
	const [item] = itemsOf(exec, FLUX);
	const job = checkFluxItem(ctx, item, 0, 'a calm sunrise over misty mountains, watercolor', what);
	const sent = itemsOf(exec, 'Send Email');
	equal(sent.length, 1, `${what}: Send Email items`);
	equal(sent[0].json.accepted, ['you@example.com'], `${what}: Send Email accepted`);

	equal(ctx.smtp.messages.length, 1, `${what}: messages at the SMTP sink`);
	const { envelope, mail } = ctx.smtp.messages[0];
	equal(envelope, { from: 'n8n@example.com', to: ['you@example.com'] }, `${what}: SMTP envelope`);
	equal(
		mail.from && mail.from.value[0],
		{ address: 'n8n@example.com', name: 'Flux Art' },
		`${what}: From`,
	);
	ok(
		/^Your daily Flux art for \d{4}-\d{2}-\d{2}$/.test(mail.subject),
		`${what}: Subject ${show(mail.subject)}`,
	);
	includes(mail.text, item.json.image_output, `${what}: body has the image URL`);
	includes(
		mail.text,
		`Segmind credits left: ${item.json.remaining_credits}`,
		`${what}: body has the credits`,
	);
	equal(mail.attachments.length, 1, `${what}: attachments`);
	const attachment = mail.attachments[0];
	equal(attachment.filename, `${job.requestId}.png`, `${what}: attachment file name`);
	equal(attachment.contentType, 'image/png', `${what}: attachment content type`);
	ok(
		attachment.content.equals(ctx.fake.imageBytesFor(job.requestId)),
		`${what}: the attachment differs from the image the fake served`,
	);
	ctx.itemsChecked++;
	checkKeyPlacement(ctx, what);
	return {
		exec,
		items: 1,
		note: `mail with ${attachment.filename} (${attachment.size} B) at the sink`,
	};
}

async function promptsToDisk(ctx) {
	const what = '(b) prompts-to-disk';
	ctx.fake.reset();
	// Poll URLs on another origin (the image host): the node must follow them without the key.
	ctx.fake.setScenario({ pollPath: 'foreign' });
	const exec = await ctx.n8n.execute('SgmFluxPromptDsk');
	expectSuccess(exec, what);
	noSecretIn(ctx, exec.stdout + exec.stderr, what);
	const prompts = [
		'a lighthouse on a cliff at dusk, oil painting',
		'a cozy reading nook with a sleeping cat, studio ghibli style',
		'a futuristic city floating above the clouds, digital art',
	];
	const flux = itemsOf(exec, FLUX);
	equal(flux.length, 3, `${what}: ${FLUX} items`);
	const jobs = flux.map((item, i) => checkFluxItem(ctx, item, i, prompts[i], what));
	const written = itemsOf(exec, 'Write Image to Disk');
	equal(written.length, 3, `${what}: Write Image to Disk items`);
	for (const job of jobs) {
		const file = path.join(ctx.diskFolder, `${job.requestId}.png`);
		ok(fs.existsSync(file), `${what}: ${file} was not written`);
		ok(
			fs.readFileSync(file).equals(ctx.fake.imageBytesFor(job.requestId)),
			`${what}: ${file} differs from the image the fake served`,
		);
		ctx.filesToRemove.push(file);
		ctx.itemsChecked++;
	}
	const foreignPolls = ctx.fake.requestsTo('poll').filter((r) => r.host === 'images');
	ok(foreignPolls.length >= 3, `${what}: polls on the foreign origin: ${foreignPolls.length}`);
	checkKeyPlacement(ctx, what);
	return {
		exec,
		items: 3,
		note: `3 files in ${ctx.diskFolder}, polls on a foreign origin without the key`,
	};
}

async function waitForWebhook(axios, url, method, daemon, timeoutMs = 30000) {
	const started = Date.now();
	for (;;) {
		const response = await axios.get(url, {
			validateStatus: () => true,
			proxy: false,
			timeout: 5000,
		});
		const message = String((response.data && response.data.message) || '');
		if (
			message.includes(`not registered for GET requests. Did you mean to make a ${method} request?`)
		) {
			daemon.activatedMs = Date.now() - started + daemon.readyMs;
			return;
		}
		ok(!daemon.exited, `webhook: n8n exited:\n${tail(daemon.output())}`);
		ok(
			Date.now() - started < timeoutMs,
			`webhook: ${method} ${url} not registered after ${timeoutMs / 1000} s (last answer ${response.status} ${show(response.data)})\n${tail(daemon.output())}`,
		);
		await sleep(200);
	}
}

async function webhookToImage(ctx) {
	const what = '(b) webhook-to-image (n8n start)';
	const { axios } = ctx; // the caller's: e2e/node_modules is installed when the run starts
	ctx.fake.reset();
	await ctx.n8n.publishWorkflow('SgmFluxWebhookIm');
	const daemon = await ctx.n8n.start(ctx.httpPort);
	try {
		// n8n answers /healthz/readiness before it has activated the published workflows: wait until
		// a GET (no execution, nothing billed) says the path exists for POST.
		await waitForWebhook(axios, `${daemon.baseUrl}/webhook/flux-art`, 'POST', daemon);
		const prompt = 'a red fox in the snow';
		const response = await axios.post(
			`${daemon.baseUrl}/webhook/flux-art`,
			{ prompt },
			{
				responseType: 'arraybuffer',
				timeout: 60000,
				validateStatus: () => true,
				proxy: false,
			},
		);
		const body = Buffer.from(response.data);
		ok(
			response.status === 200,
			`${what}: HTTP ${response.status}: ${body.toString('utf8').slice(0, 500)}\n--- n8n output (tail)\n${tail(daemon.output())}`,
		);
		equal(ctx.fake.jobs.length, 1, `${what}: jobs the fake accepted`);
		const job = ctx.fake.jobs[0];
		equal(job.prompt, prompt, `${what}: the job's prompt`);
		equal(
			String(response.headers['content-type']).split(';')[0],
			'image/png',
			`${what}: content-type`,
		);
		ok(
			body.equals(ctx.fake.imageBytesFor(job.requestId)),
			`${what}: the response body differs from the image the fake served`,
		);
		equal(ctx.fake.requestsTo('submit').length, 1, `${what}: submits`);
		checkKeyPlacement(ctx, what);
		noSecretIn(ctx, daemon.output(), what);
		ctx.itemsChecked++;
		return {
			items: 1,
			note: `n8n ready in ${(daemon.readyMs / 1000).toFixed(1)} s, webhook live at ${(daemon.activatedMs / 1000).toFixed(1)} s, ${body.length} B image back, ${response.headers['content-type']}`,
		};
	} finally {
		await daemon.stop();
	}
}

// ---------------------------------------------------------------- (d)

async function handBuiltLoop(ctx) {
	const what = '(d) hand-built HTTP Request/Wait/IF loop';
	ctx.fake.reset();
	ctx.fake.setScenario({ durationMs: BASELINE_JOB_MS });
	const exec = await ctx.n8n.execute('e2eHandBuiltLoop01');
	expectSuccess(exec, what);
	const doneRuns = runsOf(exec, 'Done');
	const done = doneRuns.flatMap((run) => (run.data && run.data.main && run.data.main[0]) || []);
	equal(done.length, 3, `${what}: items that reached Done`);
	for (const item of done) equal(item.json.status, 'COMPLETED', `${what}: Done item status`);
	const counts = fakeCounts(ctx.fake);
	equal(counts.submit, 3, `${what}: submits`);
	ctx.itemsChecked += done.length;
	ctx.baseline.loop = {
		executionMs: executionMs(exec),
		cliMs: exec.ms,
		counts,
		waitRuns: runsOf(exec, 'Wait').length,
	};
	return {
		exec,
		items: 3,
		note: `Wait ran ${ctx.baseline.loop.waitRuns}×, ${counts.total} requests to the fake`,
	};
}

// ---------------------------------------------------------------- the list

/** Workflows to import, given the credentials and the fake. */
function workflowsFor(ctx, examplesDir) {
	const credentialsByType = { segmindApi: ctx.credentials.segmind, smtp: ctx.credentials.smtp };
	const schedule = example(examplesDir, 'schedule-to-email.json', credentialsByType);
	return [
		threePromptsWorkflow(ctx.credentials.segmind, BASELINE_PROMPTS),
		failing(ctx.credentials.segmind, FAIL_PROMPTS, { continueOnFail: true }),
		failing(ctx.credentials.segmind, ['a quiet harbour at dawn', 'a bustling night market'], {
			continueOnFail: false,
		}),
		withManualTrigger(schedule, 'n8n-nodes-base.scheduleTrigger'),
		example(examplesDir, 'prompts-to-disk.json', credentialsByType),
		example(examplesDir, 'webhook-to-image.json', credentialsByType),
		handBuiltLoopWorkflow(ctx.fake.baseUrl, ctx.apiKey, BASELINE_PROMPTS, LOOP_WAIT_SECONDS),
	];
}

const SCENARIOS = [
	{ name: '(a) Manual → 3 prompts → Flux → Set', run: threePrompts },
	{ name: '(d) hand-built HTTP/Wait/IF loop (baseline)', run: handBuiltLoop },
	{ name: '(c) failing items, Continue (regular output)', run: failingContinue },
	{ name: '(c) failing item, no Continue On Fail', run: failingStop },
	{ name: '(b) examples/schedule-to-email.json → SMTP sink', run: scheduleToEmail },
	{ name: '(b) examples/prompts-to-disk.json → files', run: promptsToDisk },
	{ name: '(b) examples/webhook-to-image.json via n8n start', run: webhookToImage },
];

module.exports = {
	SCENARIOS,
	workflowsFor,
	BASELINE_JOB_MS,
	LOOP_WAIT_SECONDS,
	waitForWebhook,
	checkKeyPlacement,
	fakeCounts,
	expectSuccess,
	runsOf,
	itemsOf,
	executionMs,
	checkFluxItem,
	binaryBytes,
};
