'use strict';
/**
 * Part "learning": the node remembers each Segmind workflow's job durations in its workflow
 * static data (key `jobDurationsMs`), and later production executions check their jobs when
 * those ended instead of every 2 s. Shown in a real n8n 2.8.4, from the fake Segmind's request
 * log and from n8n's sqlite database:
 *
 * 1. a Schedule Trigger (every few seconds) → Flux Art Generator, run by `n8n start`;
 * 2. a Webhook → Flux Art Generator on the same `n8n start`, called several times in sequence;
 * 3. the same webhook workflow in queue mode (Redis, a main, a worker), called in sequence;
 * 4. a Manual Trigger workflow run by `n8n execute --id` (its static data seeded on import), to
 *    see whether the CLI reads and saves static data.
 *
 * Each workflow uses its own Segmind workflow ID, none the default Flux one: no built-in prior
 * applies, so the first execution knows nothing (a check every 2 s). The fake's jobs take 3 s.
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { isDeepStrictEqual } = require('node:util');

const axios = require('axios');

const { N8N_VERSION, log } = require('./setup');
const { chain, fluxNode, manualTrigger, node, workflow } = require('./workflows');
const { ok, equal, show } = require('./check');
const { prepareN8n } = require('./env');
const { freePort } = require('./proc');
const { executionsLogged } = require('./queue-mode');
const { startQueueRedis } = require('./redis');
const {
	binaryBytes,
	checkKeyPlacement,
	expectSuccess,
	itemsOf,
	waitForWebhook,
} = require('./scenarios');
const { readDatabase } = require('./sqlite');
const { seconds, tail } = require('./text');

const JOB_MS = 3000;
/** Segmind workflow IDs the fake accepts (/^[0-9a-f]{24}(-v\d+)?$/), one per n8n workflow. */
const SEGMIND_IDS = {
	schedule: '0123456789abcdef01234567-v1',
	webhook: '0123456789abcdef0123abcd-v1',
	queue: '0123456789abcdef0123cdef-v1',
	manual: '0123456789abcdef0123eeee-v1',
};
const IDS = {
	schedule: 'e2eLearnSchedule01',
	webhook: 'e2eLearnWebhook01',
	queue: 'e2eLearnQueue01',
	manual: 'e2eLearnManual01',
};
const PATHS = { webhook: 'flux-learn', queue: 'flux-learn-queue' };
/** Every 6 s (a divisor of 60, so the cron's gaps are even): a 3–4 s execution ends first. */
const SCHEDULE_SECONDS = 6;
const SCHEDULE_RUNS = 4;
const WEBHOOK_CALLS = 4;
const QUEUE_CALLS = 4;
/** n8n keys a node's static data by the node's name. */
const STATIC_KEY = 'node:Flux Art Generator';
/** What the Manual workflow's static data is seeded with: 50 durations, the node's bound. */
const SEEDED = Array.from({ length: 50 }, (_, i) => JOB_MS - 25 + i);

/** Knowing nothing, the node first looks 2 s after the submit (seen at the fake). */
const UNKNOWN_FIRST_POLL = [1700, 2400];
/**
 * Having learned ~3 s jobs, it first looks later (2.7–3.1 s seen), and before a 2 s poller's
 * second look (4 s). The stored durations creep up from one execution to the next (see the
 * README), so the upper end leaves room.
 */
const LEARNED_FIRST_POLL = [2500, 3600];
/** A stored duration is the middle of the job's last "pending" and first "done" answers. */
const STORED_TOLERANCE_MS = 250;

const secs2 = (ms) => (ms / 1000).toFixed(2);

function fluxFor(credential, segmindId, { x = 220, downloadImage = false, textPrompt } = {}) {
	return fluxNode(credential, {
		x,
		parameters: {
			textPrompt,
			workflowId: segmindId,
			downloadImage,
			options: { timeout: 60 },
		},
	});
}

function scheduleWorkflow(credential) {
	const trigger = node('Schedule Trigger', 'n8n-nodes-base.scheduleTrigger', 1.2, 0, {
		rule: { interval: [{ field: 'seconds', secondsInterval: SCHEDULE_SECONDS }] },
	});
	const flux = fluxFor(credential, SEGMIND_IDS.schedule, {
		textPrompt: '=a lighthouse at {{ $json["Readable time"] }}',
	});
	return workflow(
		IDS.schedule,
		`e2e: learning, every ${SCHEDULE_SECONDS} s → Flux Art Generator`,
		[trigger, flux],
		chain('Schedule Trigger', 'Flux Art Generator'),
	);
}

/** Webhook (answers with the Flux node's JSON when the run ends) → Flux Art Generator. */
function webhookWorkflow(credential, id, webhookPath, segmindId, webhookId) {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		0,
		{
			httpMethod: 'POST',
			path: webhookPath,
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
		{ webhookId },
	);
	const flux = fluxFor(credential, segmindId, { textPrompt: '={{ $json.body.prompt }}' });
	return workflow(
		id,
		`e2e: learning, webhook /${webhookPath} → Flux Art Generator`,
		[webhook, flux],
		chain('Webhook', 'Flux Art Generator'),
	);
}

/** Manual Trigger → Flux (Download Image on), its static data seeded as if learned before. */
function manualWorkflow(credential) {
	const flux = fluxFor(credential, SEGMIND_IDS.manual, {
		textPrompt: 'a windmill in a tulip field',
		downloadImage: true,
	});
	const manual = workflow(
		IDS.manual,
		'e2e: learning, manual → Flux Art Generator (seeded static data)',
		[manualTrigger(), flux],
		chain('Start', 'Flux Art Generator'),
	);
	manual.staticData = { [STATIC_KEY]: { jobDurationsMs: { [SEGMIND_IDS.manual]: SEEDED } } };
	return manual;
}

/**
 * The jobs of one Segmind workflow ID at the fake, in submit order, with what the fake saw of
 * their polls: the first poll's delay after the submit, and how late the node saw the job done
 * (its first poll at or after the job's end, minus that end).
 */
function timelineOf(fake, segmindId) {
	const polls = fake.requestsTo('poll');
	return fake.jobs
		.filter((job) => job.workflowId === segmindId)
		.sort((a, b) => a.submittedAt - b.submittedAt)
		.map((job) => {
			const times = polls
				.filter((p) => p.path.split('?')[0].endsWith(`/${job.requestId}`))
				.map((p) => p.time)
				.sort((a, b) => a - b);
			const offsets = times.map((t) => t - job.submittedAt);
			const doneAt = times.find((t) => t >= job.completesAt);
			const pendingAt = times.filter((t) => t < job.completesAt).pop();
			return {
				requestId: job.requestId,
				prompt: job.prompt,
				submittedAt: job.submittedAt,
				completesAt: job.completesAt,
				offsets,
				firstPollMs: offsets[0],
				latenessMs: doneAt === undefined ? undefined : doneAt - job.completesAt,
				lastPollAt: times[times.length - 1],
				/** What the node should have stored for this job (on the fake's clock). */
				middleMs:
					doneAt === undefined
						? undefined
						: ((pendingAt === undefined ? 0 : pendingAt - job.submittedAt) +
								(doneAt - job.submittedAt)) /
							2,
			};
		});
}

/**
 * The learning, asserted: the first execution (nothing known) first looks ~2 s after its submit;
 * every later one that started after an earlier one had ended looks later (≥ 2.5 s) and sees its
 * job done sooner after it ended than the first did.
 */
function checkLearning(timeline, what, minRuns) {
	ok(
		timeline.length >= minRuns,
		`${what}: ${timeline.length} jobs at the fake, expected at least ${minRuns}`,
	);
	for (const [i, t] of timeline.entries()) {
		ok(
			t.offsets.length > 0 && t.latenessMs !== undefined,
			`${what}: execution ${i + 1}'s job ${t.requestId} was never seen done (polls at ${show(t.offsets)} ms)`,
		);
	}
	const [first, ...later] = timeline;
	ok(
		first.firstPollMs >= UNKNOWN_FIRST_POLL[0] && first.firstPollMs <= UNKNOWN_FIRST_POLL[1],
		`${what}: execution 1 (nothing learned yet) first polled ${first.firstPollMs} ms after its submit, expected ~2000 (${UNKNOWN_FIRST_POLL.join('–')})`,
	);
	let learned = 0;
	for (const [i, t] of later.entries()) {
		const n = i + 2;
		// Only an execution that started after an earlier one had ended can know its duration.
		const afterAnEarlierEnded = timeline.slice(0, i + 1).some((e) => e.lastPollAt < t.submittedAt);
		if (!afterAnEarlierEnded) continue;
		learned++;
		ok(
			t.firstPollMs >= LEARNED_FIRST_POLL[0] && t.firstPollMs <= LEARNED_FIRST_POLL[1],
			`${what}: execution ${n} first polled ${t.firstPollMs} ms after its submit, expected ${LEARNED_FIRST_POLL.join('–')} ms (learned ~${JOB_MS} ms jobs); execution 1: ${first.firstPollMs} ms`,
		);
		ok(
			t.latenessMs < first.latenessMs,
			`${what}: execution ${n} saw its job done ${t.latenessMs} ms after it ended, not sooner than execution 1 (${first.latenessMs} ms)`,
		);
	}
	ok(
		learned >= minRuns - 1,
		`${what}: only ${learned} executions started after an earlier one had ended (expected ${minRuns - 1})`,
	);
}

/**
 * The Flux node's stored durations: only under this Segmind ID, one per job (in order), each the
 * middle of the job's last "pending" and first "done" answers as the fake saw them, at most 50.
 */
function checkStored(staticData, segmindId, timeline, what) {
	const fluxData = staticData && staticData[STATIC_KEY];
	ok(
		fluxData && fluxData.jobDurationsMs,
		`${what}: no ${STATIC_KEY}.jobDurationsMs in the workflow's static data: ${show(staticData)}`,
	);
	equal(
		Object.keys(fluxData.jobDurationsMs),
		[segmindId],
		`${what}: Segmind IDs in the static data`,
	);
	const stored = fluxData.jobDurationsMs[segmindId];
	ok(Array.isArray(stored), `${what}: stored durations ${show(stored)}`);
	ok(stored.length <= 50, `${what}: ${stored.length} durations stored, more than 50`);
	equal(stored.length, timeline.length, `${what}: durations stored (one per execution's job)`);
	for (const [i, ms] of stored.entries()) {
		const expected = timeline[i].middleMs;
		ok(
			Number.isInteger(ms) && Math.abs(ms - expected) <= STORED_TOLERANCE_MS,
			`${what}: stored duration ${i + 1} is ${show(ms)}, the fake saw the job's end bracketed around ${Math.round(expected)} ms (tolerance ${STORED_TOLERANCE_MS})`,
		);
	}
	return stored;
}

/** The executions of one workflow in the database: all must have succeeded, in this mode. */
function checkExecutions(executions, workflowId, mode, count, what) {
	const mine = executions.filter((e) => e.workflowId === workflowId);
	equal(mine.length, count, `${what}: executions in the database`);
	for (const e of mine) {
		equal(
			{ mode: e.mode, status: e.status },
			{ mode, status: 'success' },
			`${what}: execution ${e.id}`,
		);
	}
	return mine;
}

function describe(timeline) {
	return {
		first: timeline.map((t) => secs2(t.firstPollMs)).join(' / '),
		late: timeline.map((t) => secs2(t.latenessMs)).join(' / '),
		polls: timeline.map((t) => t.offsets.length).join('/'),
	};
}

function summaryLine(label, timeline, stored) {
	const d = describe(timeline);
	return [
		`${label}: ${timeline.length} executions; first poll after submit (s): ${d.first}; seen done after the job's end (s): ${d.late}; polls ${d.polls}`,
		`  stored jobDurationsMs (${stored.length}): ${stored.join(', ')}`,
	];
}

async function postInSequence(axios, url, prompts, what, daemons) {
	const answers = [];
	for (const prompt of prompts) {
		const response = await axios.post(
			url,
			{ prompt },
			{ timeout: 60000, validateStatus: () => true, proxy: false },
		);
		ok(
			response.status === 200 && response.data && response.data.status === 'COMPLETED',
			`${what}: POST "${prompt}": HTTP ${response.status} ${show(response.data)}${daemons
				.map((d) => `\n--- ${d.name} (tail)\n${tail(d.output())}`)
				.join('')}`,
		);
		answers.push({ prompt, json: response.data });
	}
	return answers;
}

/** Each answer is the Flux node's output for the fake's job of that prompt, in order. */
function checkAnswers(answers, timeline, segmindId, what) {
	equal(
		timeline.map((t) => t.prompt),
		answers.map((a) => a.prompt),
		`${what}: the fake's jobs, in order`,
	);
	for (const [i, { prompt, json }] of answers.entries()) {
		equal(
			{ request_id: json.request_id, workflow_id: json.workflow_id, text_prompt: json.text_prompt },
			{ request_id: timeline[i].requestId, workflow_id: segmindId, text_prompt: prompt },
			`${what}: answer ${i + 1}`,
		);
	}
}

function prompts(kind, count) {
	return Array.from({ length: count }, (_, i) => `${kind} learning prompt ${i + 1}`);
}

function writeLogs(instance, daemons) {
	for (const d of daemons)
		fs.writeFileSync(
			path.join(instance.workDir, `${d.name.replace(/[^\w.-]+/g, '_')}.log`),
			d.output(),
		);
}

const SCHEDULE_WHAT = `learning: Schedule Trigger every ${SCHEDULE_SECONDS} s (n8n start)`;
const WEBHOOK_WHAT = 'learning: webhook in sequence (n8n start)';
const MANUAL_WHAT = 'learning: n8n execute --id (manual)';

/** An n8n of its own with the three workflows; the fake's jobs take JOB_MS. */
async function prepareRegular(shared) {
	const { fake } = shared;
	const instance = await prepareN8n(shared, { label: 'learning' });
	const credential = instance.credentials.segmind;
	await instance.n8n.importWorkflows([
		scheduleWorkflow(credential),
		webhookWorkflow(
			credential,
			IDS.webhook,
			PATHS.webhook,
			SEGMIND_IDS.webhook,
			'6c0f3a1e-4b7d-4e55-9a55-0e2e0e2e1001',
		),
		manualWorkflow(credential),
	]);
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	return {
		fake,
		instance,
		n8n: instance.n8n,
		ctx: { fake, apiKey: fake.apiKey, userFolder: instance.userFolder },
	};
}

/** 4. `n8n execute --id`: a manual-style run, static data seeded on import. */
async function executeManual(regular) {
	const { fake, instance, n8n, ctx } = regular;
	regular.seededBefore = (await readDatabase(instance)).staticData[IDS.manual];
	equal(
		regular.seededBefore,
		{ [STATIC_KEY]: { jobDurationsMs: { [SEGMIND_IDS.manual]: SEEDED } } },
		'manual: the static data import:workflow stored',
	);
	const exec = await n8n.execute(IDS.manual);
	expectSuccess(exec, MANUAL_WHAT);
	const [item] = itemsOf(exec, 'Flux Art Generator');
	const [manualJob] = timelineOf(fake, SEGMIND_IDS.manual);
	ok(
		manualJob && manualJob.latenessMs !== undefined,
		`${MANUAL_WHAT}: no finished job at the fake`,
	);
	equal(item.json.request_id, manualJob.requestId, `${MANUAL_WHAT}: request_id`);
	equal(item.json.status, 'COMPLETED', `${MANUAL_WHAT}: status`);
	ok(
		binaryBytes(ctx, item.binary && item.binary.data, MANUAL_WHAT).equals(
			fake.imageBytesFor(manualJob.requestId),
		),
		`${MANUAL_WHAT}: the image n8n stored differs from the fake's`,
	);
	regular.manualJob = manualJob;
}

/** 1 and 2 on one `n8n start`: webhook calls in sequence while the schedule fires. */
async function runScheduleAndWebhook(regular) {
	const { fake, instance, n8n } = regular;
	await n8n.publishWorkflow(IDS.schedule);
	await n8n.publishWorkflow(IDS.webhook);
	const daemon = await n8n.start(await freePort(), { label: 'n8n start (learning)' });
	const started = Date.now();
	try {
		const url = `${daemon.baseUrl}/webhook/${PATHS.webhook}`;
		await waitForWebhook(axios, url, 'POST', daemon);
		// 2. Webhook calls one after the other, while the schedule fires (its own Segmind ID).
		regular.webhookAnswers = await postInSequence(
			axios,
			url,
			prompts('webhook', WEBHOOK_CALLS),
			WEBHOOK_WHAT,
			[daemon],
		);
		// 1. Until the schedule has run SCHEDULE_RUNS times, and its last job was seen done.
		const deadline = Date.now() + (SCHEDULE_RUNS + 4) * SCHEDULE_SECONDS * 1000;
		for (;;) {
			const timeline = timelineOf(fake, SEGMIND_IDS.schedule);
			const last = timeline[timeline.length - 1];
			if (timeline.length >= SCHEDULE_RUNS && last.latenessMs !== undefined) break;
			ok(!daemon.exited, `${SCHEDULE_WHAT}: n8n exited\n${tail(daemon.output())}`);
			ok(
				Date.now() < deadline,
				`${SCHEDULE_WHAT}: ${timeline.length} executions in ${seconds(Date.now() - started)}, expected ${SCHEDULE_RUNS}\n${tail(daemon.output())}`,
			);
			await sleep(100);
		}
		await sleep(300); // the execution ends and n8n saves the static data
	} finally {
		await daemon.stop();
		writeLogs(instance, [daemon]);
	}
	ok(!daemon.output().includes(fake.apiKey), 'learning: the API key appears in the log of n8n');
	checkKeyPlacement(regular.ctx, 'learning (regular mode)');
}

/** 1. Schedule: learned from one execution to the next, stored, every execution a success. */
function checkSchedule({ fake }, db, lines) {
	const scheduled = timelineOf(fake, SEGMIND_IDS.schedule);
	checkLearning(scheduled, SCHEDULE_WHAT, SCHEDULE_RUNS);
	checkExecutions(db.executions, IDS.schedule, 'trigger', scheduled.length, SCHEDULE_WHAT);
	const scheduleStored = checkStored(
		db.staticData[IDS.schedule],
		SEGMIND_IDS.schedule,
		scheduled,
		SCHEDULE_WHAT,
	);
	lines.push(...summaryLine(`schedule every ${SCHEDULE_SECONDS} s`, scheduled, scheduleStored));
	return { name: SCHEDULE_WHAT, ok: true, note: describe(scheduled).first };
}

/** 2. Webhook: the answers, the learning, the stored durations. */
function checkWebhook({ fake, webhookAnswers }, db, lines) {
	const webhooked = timelineOf(fake, SEGMIND_IDS.webhook);
	checkAnswers(webhookAnswers, webhooked, SEGMIND_IDS.webhook, WEBHOOK_WHAT);
	checkLearning(webhooked, WEBHOOK_WHAT, WEBHOOK_CALLS);
	checkExecutions(db.executions, IDS.webhook, 'webhook', WEBHOOK_CALLS, WEBHOOK_WHAT);
	const webhookStored = checkStored(
		db.staticData[IDS.webhook],
		SEGMIND_IDS.webhook,
		webhooked,
		WEBHOOK_WHAT,
	);
	lines.push(...summaryLine('webhook ×4 in sequence', webhooked, webhookStored));
	return { name: WEBHOOK_WHAT, ok: true, note: describe(webhooked).first };
}

/** 4. Manual: what n8n execute did with the static data (either is allowed; it is reported). */
function checkManual({ manualJob, seededBefore }, db, lines) {
	const [manualExecution] = checkExecutions(db.executions, IDS.manual, 'cli', 1, MANUAL_WHAT);
	const after = db.staticData[IDS.manual];
	const storedAfter = after && after[STATIC_KEY] && after[STATIC_KEY].jobDurationsMs;
	const list = storedAfter && storedAfter[SEGMIND_IDS.manual];
	let saved;
	if (isDeepStrictEqual(after, seededBefore)) saved = 'not saved (static data as imported)';
	else {
		// Saved: bounded to 50, the oldest seeded value dropped, this job's duration last.
		equal(Object.keys(storedAfter), [SEGMIND_IDS.manual], `${MANUAL_WHAT}: Segmind IDs stored`);
		equal(list.slice(0, -1), SEEDED.slice(1), `${MANUAL_WHAT}: the 49 newest seeded durations`);
		ok(
			Math.abs(list[list.length - 1] - manualJob.middleMs) <= STORED_TOLERANCE_MS,
			`${MANUAL_WHAT}: the new duration ${list[list.length - 1]}, expected ~${Math.round(manualJob.middleMs)}`,
		);
		saved = `saved: 50 durations, the oldest seeded one dropped, ${list[list.length - 1]} ms appended`;
	}
	const read =
		manualJob.firstPollMs >= LEARNED_FIRST_POLL[0]
			? 'read (first poll later than 2 s)'
			: 'not read (first poll at ~2 s)';
	lines.push(
		`n8n execute --id (mode "${manualExecution.mode}"), static data seeded with 50 durations of ~3 s: image produced; first poll ${secs2(manualJob.firstPollMs)} s after submit, seen done ${secs2(manualJob.latenessMs)} s after the job's end (polls ${manualJob.offsets.length}): static data ${read}; ${saved}`,
	);
	return { name: MANUAL_WHAT, ok: true, note: `static data ${read}; ${saved}` };
}

/** 1, 2, 4: regular mode. `n8n execute` first, then `n8n start` with schedule and webhook. */
async function regularMode(shared, lines) {
	const regular = await prepareRegular(shared);
	await executeManual(regular);
	await runScheduleAndWebhook(regular);
	const db = await readDatabase(regular.instance);
	return [
		checkSchedule(regular, db, lines),
		checkWebhook(regular, db, lines),
		checkManual(regular, db, lines),
	];
}

/** 3. Queue mode: Redis, a main and one worker; webhook calls in sequence. */
async function queueMode(shared, lines) {
	const { fake } = shared;
	const what = 'learning: webhook in sequence, queue mode (worker)';
	const { apt, redis, env: queueEnv } = await startQueueRedis(shared.tmp, log);
	const daemons = [];
	try {
		const instance = await prepareN8n(shared, {
			label: 'learning-queue',
			extraEnv: queueEnv,
		});
		const { n8n } = instance;
		await n8n.importWorkflows([
			webhookWorkflow(
				instance.credentials.segmind,
				IDS.queue,
				PATHS.queue,
				SEGMIND_IDS.queue,
				'6c0f3a1e-4b7d-4e55-9a55-0e2e0e2e1002',
			),
		]);
		await n8n.publishWorkflow(IDS.queue);
		const main = await n8n.start(await freePort(), { label: 'n8n start (learning queue main)' });
		daemons.push(main);
		const worker = await n8n.worker({ concurrency: 2, label: 'n8n worker (learning)' });
		daemons.push(worker);
		const url = `${main.baseUrl}/webhook/${PATHS.queue}`;
		await waitForWebhook(axios, url, 'POST', main);
		fake.reset();
		fake.setScenario({ durationMs: JOB_MS });
		const answers = await postInSequence(axios, url, prompts('queue', QUEUE_CALLS), what, daemons);
		await sleep(500); // the worker logs "finished" and saves after the answer went out
		for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
		writeLogs(instance, daemons);

		const started = executionsLogged(worker.output(), 'Worker started');
		const finished = executionsLogged(worker.output(), 'Worker finished');
		const enqueued = executionsLogged(main.output(), 'Enqueued');
		equal(started.size, QUEUE_CALLS, `${what}: executions the worker started`);
		equal([...finished.keys()], [...started.keys()], `${what}: executions the worker finished`);
		equal([...enqueued.keys()], [...started.keys()], `${what}: executions the main enqueued`);
		for (const d of daemons)
			ok(!d.output().includes(fake.apiKey), `${what}: the API key appears in ${d.name}'s log`);
		checkKeyPlacement({ fake, apiKey: fake.apiKey }, what);

		const timeline = timelineOf(fake, SEGMIND_IDS.queue);
		checkAnswers(answers, timeline, SEGMIND_IDS.queue, what);
		checkLearning(timeline, what, QUEUE_CALLS);
		const db = await readDatabase(instance);
		checkExecutions(db.executions, IDS.queue, 'webhook', QUEUE_CALLS, what);
		const stored = checkStored(db.staticData[IDS.queue], SEGMIND_IDS.queue, timeline, what);
		lines.push(
			...summaryLine(
				`queue mode (redis-server ${redis.version}${apt.installed.length ? ', installed now' : ''}, main + 1 worker), webhook ×${QUEUE_CALLS} in sequence, all run by the worker (executions ${[...started.keys()].map((id) => `#${id}`).join(', ')})`,
				timeline,
				stored,
			),
		);
		return [{ name: what, ok: true, note: describe(timeline).first }];
	} finally {
		for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
		await redis.stop().catch(() => {});
	}
}

function learningPart() {
	return {
		name: 'learning',
		title: `learning across production executions on n8n ${N8N_VERSION}`,
		async run(shared) {
			const lines = [];
			const checks = [];
			for (const [name, step] of [
				['learning (regular mode)', regularMode],
				['learning (queue mode)', queueMode],
			]) {
				const started = Date.now();
				try {
					const done = await step(shared, lines);
					for (const c of done) {
						checks.push({ ms: Date.now() - started, ...c });
						log(`PASS ${c.name}: ${c.note}`);
					}
				} catch (error) {
					checks.push({ name, ok: false, ms: Date.now() - started, error });
					log(
						`FAIL ${name}:\n    ${String(error.stack || error)
							.split('\n')
							.join('\n    ')}`,
					);
				}
			}
			for (const c of checks)
				lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.ok && c.note ? `: ${c.note}` : ''}`);
			return { checks, lines, expected: 4 };
		},
	};
}

module.exports = { learningPart, timelineOf };
