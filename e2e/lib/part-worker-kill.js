'use strict';
/**
 * Part "worker-kill": a queue-mode worker killed (SIGKILL) while the Flux node waits on
 * Segmind, in a real n8n 2.8.4 (Redis, an `n8n start` main, two `n8n worker --concurrency=1`).
 *
 * What n8n 2.x does (read in its source, seen here): Bull's stalled-job check runs in the workers
 * every QUEUE_WORKER_STALLED_INTERVAL; a job whose lock (QUEUE_WORKER_LOCK_DURATION, renewed every
 * QUEUE_WORKER_LOCK_RENEW_TIME) has lapsed is stalled. n8n 2.x builds its queue with
 * `maxStalledCount: 0` and ignores QUEUE_WORKER_MAX_STALLED_COUNT (a "breaking change" rule says
 * so), so a stalled job is failed, never handed to another worker: the main marks the execution
 * failed (MaxStalledCountError) and no prompt is submitted again. The paid jobs are recovered from
 * the killed worker's log (the node logs each accepted submit at info level) with Get Result.
 *
 * The part sets QUEUE_WORKER_MAX_STALLED_COUNT=3 (a 1.x setting that would allow three re-runs)
 * to show it has no effect, and short lock and stalled-check times to stay fast; with
 * E2E_KILL_DEFAULT_TIMINGS=1 it keeps n8n's defaults (lock 60 s, renew 10 s, check 30 s).
 */
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const axios = require('axios');

const { N8N_VERSION, log } = require('./setup');
const { chain, codeNode, fluxNode, manualTrigger, node, workflow } = require('./workflows');
const { ok, equal } = require('./check');
const { prepareN8n } = require('./env');
const { freePort } = require('./proc');
const { executionsLogged } = require('./queue-mode');
const { startQueueRedis } = require('./redis');
const { binaryBytes, expectSuccess, itemsOf, waitForWebhook } = require('./scenarios');
const { readDatabase } = require('./sqlite');
const { seconds, tail } = require('./text');

const IDS = { generate: 'e2eKillGenerate01', collect: 'e2eKillCollect01' };
const WEBHOOK_PATH = 'flux-kill';
const PROMPTS = [
	'a lantern in a misty forest',
	'a red kite over sea cliffs',
	'a clockwork fox, brass and glass',
	'a night market under paper lamps',
	'a glacier cave lit in blue',
];
/** Long enough that the node is still waiting when its worker is killed. */
const JOB_MS = 20000;
const DEFAULT_TIMINGS = process.env.E2E_KILL_DEFAULT_TIMINGS === '1';
/** n8n's queue settings for this part (ms); n8n 2.8.4's defaults are 60000 / 10000 / 30000. */
const TIMINGS = DEFAULT_TIMINGS
	? { lockDuration: 60000, lockRenewTime: 10000, stalledInterval: 30000 }
	: { lockDuration: 6000, lockRenewTime: 2000, stalledInterval: 3000 };
/** Ignored by n8n 2.x (maxStalledCount is fixed at 0); set to show that it changes nothing. */
const MAX_STALLED_COUNT = '3';
/** The line the node logs per accepted submit: request ID and poll URL, as a user would grep it. */
const ACCEPTED = /Segmind accepted request ([\w-]+) \(execution \d+, item \d+, poll URL (\S+)\)/g;

function generateWorkflow(credential) {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		0,
		{ httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
		{ webhookId: '3f1c5b0e-6a51-4d0b-9a55-0e2e0e2e0b01' },
	);
	const prompts = codeNode(
		'Prompts',
		'return $json.body.prompts.map((prompt) => ({ json: { prompt } }));',
	);
	const flux = fluxNode(credential, {
		parameters: { options: { concurrency: PROMPTS.length, timeout: 120 } },
	});
	return workflow(
		IDS.generate,
		'e2e: worker-kill, webhook → prompts → Flux Art Generator',
		[webhook, prompts, flux],
		chain('Webhook', 'Prompts', 'Flux Art Generator'),
	);
}

/** Manual Trigger → one item per request ID → Flux Art Generator, Get Result. */
function collectWorkflow(credential, jobs) {
	const flux = fluxNode(credential, {
		parameters: {
			operation: 'getResult',
			requestId: '={{ $json.request_id }}',
			pollUrl: '={{ $json.poll_url }}',
			textPrompt: undefined,
			options: { concurrency: jobs.length },
		},
	});
	return workflow(
		IDS.collect,
		'e2e: worker-kill, Get Result by the request IDs and poll URLs in the worker log',
		[
			manualTrigger(),
			codeNode('Request IDs', `return ${JSON.stringify(jobs)}.map((json) => ({ json }));`),
			flux,
		],
		chain('Start', 'Request IDs', 'Flux Art Generator'),
	);
}

/** The execution's row in n8n's sqlite (status, finished, stoppedAt). */
async function executionRow(instance, executionId) {
	const { executions } = await readDatabase(instance);
	return executions.find((e) => String(e.id) === String(executionId));
}

async function waitFor(what, timeoutMs, check, daemons) {
	const started = Date.now();
	for (;;) {
		const value = await check();
		if (value) return value;
		ok(
			Date.now() - started < timeoutMs,
			`${what}: not seen after ${seconds(timeoutMs)}${daemons
				.map((d) => `\n--- ${d.name} (tail)\n${tail(d.output(), 20)}`)
				.join('')}`,
		);
		await sleep(250);
	}
}

/** JSON lines of n8n's file log (N8N_LOG_OUTPUT=file, always JSON with the metadata). */
function jsonLogLines(file) {
	if (!fs.existsSync(file)) return [];
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			try {
				return JSON.parse(line);
			} catch {
				return undefined;
			}
		})
		.filter(Boolean);
}

const WHAT = 'worker-kill';

/** Redis, then n8n with the short queue timings: a main and two workers with a JSON file log. */
async function startQueue(shared, run) {
	const instance = await prepareN8n(shared, {
		label: 'worker-kill',
		extraEnv: {
			...run.queueEnv,
			QUEUE_WORKER_LOCK_DURATION: String(TIMINGS.lockDuration),
			QUEUE_WORKER_LOCK_RENEW_TIME: String(TIMINGS.lockRenewTime),
			QUEUE_WORKER_STALLED_INTERVAL: String(TIMINGS.stalledInterval),
			QUEUE_WORKER_MAX_STALLED_COUNT: MAX_STALLED_COUNT,
		},
	});
	const { n8n } = instance;
	run.instance = instance;
	await n8n.importWorkflows([generateWorkflow(instance.credentials.segmind)]);
	await n8n.publishWorkflow(IDS.generate);

	run.main = await n8n.start(await freePort(), { label: 'n8n start (kill main)' });
	run.daemons.push(run.main);
	run.workers = [];
	for (let i = 1; i <= 2; i++) {
		const worker = await n8n.worker({
			concurrency: 1,
			label: `n8n worker ${i} (kill)`,
			env: {
				// stdout in n8n's default text format (what `grep` sees), and a JSON file log
				// with the metadata (execution ID, item index, poll URL).
				N8N_LOG_OUTPUT: 'console,file',
				N8N_LOG_FILE_LOCATION: path.join(instance.workDir, `worker-${i}.json.log`),
			},
		});
		worker.index = i;
		worker.jsonLog = path.join(instance.workDir, `worker-${i}.json.log`);
		run.workers.push(worker);
		run.daemons.push(worker);
	}
	run.url = `${run.main.baseUrl}/webhook/${WEBHOOK_PATH}`;
	await waitForWebhook(axios, run.url, 'POST', run.main);
}

/** One webhook call of PROMPTS.length prompts; the worker that took it, once all are submitted. */
async function submitPrompts(run) {
	const { fake, daemons } = run;
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	const response = await axios.post(
		run.url,
		{ prompts: PROMPTS },
		{ timeout: 30000, validateStatus: () => true, proxy: false },
	);
	equal(response.status, 200, `${WHAT}: POST /webhook/${WEBHOOK_PATH}`);

	const { victim, executionId } = await waitFor(
		`${WHAT}: a worker logging "Worker started execution" and ${PROMPTS.length} submits`,
		30000,
		() => {
			for (const w of run.workers) {
				const started = executionsLogged(w.output(), 'Worker started');
				const accepted = [...w.output().matchAll(ACCEPTED)];
				if (started.size === 1 && accepted.length === PROMPTS.length)
					return { victim: w, executionId: [...started.keys()][0] };
			}
			return undefined;
		},
		daemons,
	);
	run.victim = victim;
	run.executionId = executionId;
	run.survivor = run.workers.find((w) => w !== victim);
	equal(fake.requestsTo('submit').length, PROMPTS.length, `${WHAT}: submits before the kill`);
	run.jobs = fake.jobs.map((j) => ({ requestId: j.requestId, prompt: j.prompt }));
	ok(
		fake.jobs.every((j) => j.completesAt > Date.now()),
		`${WHAT}: a job ended before the kill (fake job time ${seconds(JOB_MS)})`,
	);
}

/** kill -9 the worker process (only it: its task runner stays until the cleanup). */
async function killVictim(run) {
	const { victim } = run;
	run.killedAt = Date.now();
	process.kill(victim.child.pid, 'SIGKILL');
	run.killedGroups.push(victim.child.pid);
	await victim.exit;
	log(
		`${WHAT}: worker ${victim.index} (pid ${victim.child.pid}) killed with SIGKILL while execution ${run.executionId} waited on ${PROMPTS.length} jobs`,
	);
}

/**
 * What n8n does: the main logs the execution failed once the surviving worker's stalled check
 * finds the job's lock gone; then two more stalled checks for another worker to pick it up.
 */
async function watchAfterKill(run) {
	const { instance, executionId, daemons } = run;
	const stallBudget = TIMINGS.lockDuration + 3 * TIMINGS.stalledInterval + 10000;
	run.failedRow = await waitFor(
		`${WHAT}: the main reporting execution ${executionId} failed`,
		stallBudget,
		async () => {
			const row = await executionRow(instance, executionId);
			return row && !['new', 'running'].includes(row.status) ? row : undefined;
		},
		daemons,
	);
	run.detectedMs = Date.now() - run.killedAt;
	// Give another worker every chance to pick it up again: two more stalled checks.
	await sleep(2 * TIMINGS.stalledInterval + 1000);
	run.watchedMs = Date.now() - run.killedAt;
	run.row = await executionRow(instance, executionId);
	for (const d of daemons)
		fs.writeFileSync(
			path.join(instance.workDir, `${d.name.replace(/[^\w.-]+/g, '_')}.log`),
			d.output(),
		);
}

/** The execution failed, was not run again, and each prompt was submitted once. */
function checkFailedNotRerun(run) {
	const { row, executionId, survivor, fake } = run;
	const mainLog = run.main.output();
	const survivorLog = survivor.output();
	equal(
		{ status: row.status, finished: Boolean(row.finished) },
		{ status: 'error', finished: false },
		`${WHAT}: execution ${executionId} in n8n's database after the kill`,
	);
	ok(
		/failed to be processed too many times|stalled/i.test(mainLog),
		`${WHAT}: the main did not log the stalled job\n${tail(mainLog)}`,
	);
	ok(
		!executionsLogged(survivorLog, 'Worker started').has(executionId),
		`${WHAT}: worker ${survivor.index} ran execution ${executionId} again\n${tail(survivorLog)}`,
	);
	run.submits = fake.requestsTo('submit').map((s) => JSON.parse(s.body).text_prompt);
	equal(run.submits.length, PROMPTS.length, `${WHAT}: submits at the fake after the kill`);
	equal([...run.submits].sort(), [...PROMPTS].sort(), `${WHAT}: each prompt submitted once`);
	equal(fake.requestsTo('image').length, 0, `${WHAT}: images downloaded before recovery`);
}

/** Recovery 1: every request ID the fake issued is in the killed worker's stdout and JSON log. */
function checkLoggedIds(run) {
	const { victim, jobs, executionId } = run;
	run.logged = [...victim.output().matchAll(ACCEPTED)];
	run.inLog = run.logged.map((m) => m[1]);
	equal(
		[...run.inLog].sort(),
		jobs.map((j) => j.requestId).sort(),
		`${WHAT}: request IDs in worker ${victim.index}'s stdout ("Segmind accepted request <id>")`,
	);
	// ... and in its JSON file log with the execution ID and item index.
	const accepted = jsonLogLines(victim.jsonLog).filter((l) =>
		String(l.message).startsWith('Segmind accepted request '),
	);
	equal(
		accepted
			.map((l) => ({
				requestId: l.metadata.requestId,
				executionId: String(l.metadata.executionId),
				itemIndex: l.metadata.itemIndex,
			}))
			.sort((a, b) => a.itemIndex - b.itemIndex),
		jobs
			.map((j) => ({
				requestId: j.requestId,
				executionId,
				itemIndex: PROMPTS.indexOf(j.prompt),
			}))
			.sort((a, b) => a.itemIndex - b.itemIndex),
		`${WHAT}: "Segmind accepted request" entries in worker ${victim.index}'s JSON log`,
	);
}

/** Recovery 2: Get Result with those IDs collects every image, with no new submit. */
async function recoverWithGetResult(run) {
	const { instance, fake, jobs, inLog, daemons } = run;
	const { n8n } = instance;
	for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
	const toCollect = run.logged.map((m) => ({ request_id: m[1], poll_url: m[2] }));
	await n8n.importWorkflows([collectWorkflow(instance.credentials.segmind, toCollect)]);
	// Queue mode keeps binary data in the database; this run writes it to disk to compare.
	n8n.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	run.pollsBefore = fake.requestsTo('poll').length;
	const collectStarted = Date.now();
	const exec = await n8n.execute(IDS.collect);
	run.collectMs = Date.now() - collectStarted;
	const collectWhat = `${WHAT}: Get Result by the logged request IDs and poll URLs`;
	expectSuccess(exec, collectWhat);
	const items = itemsOf(exec, 'Flux Art Generator');
	run.items = items;
	equal(items.length, inLog.length, `${collectWhat}: items`);
	const ctx = { userFolder: instance.userFolder };
	for (const [i, item] of items.entries()) {
		const job = jobs.find((j) => j.requestId === inLog[i]);
		equal(
			{ request_id: item.json.request_id, status: item.json.status },
			{ request_id: job.requestId, status: 'COMPLETED' },
			`${collectWhat}: item ${i}`,
		);
		ok(
			binaryBytes(ctx, item.binary && item.binary.data, collectWhat).equals(
				fake.imageBytesFor(job.requestId),
			),
			`${collectWhat}: the image of ${job.requestId} ("${job.prompt}") differs from the fake's`,
		);
	}
	equal(fake.requestsTo('submit').length, PROMPTS.length, `${collectWhat}: submits`);
	equal(fake.requestsTo('image').length, PROMPTS.length, `${collectWhat}: image downloads`);
	for (const d of daemons)
		ok(!d.output().includes(fake.apiKey), `${WHAT}: the API key appears in ${d.name}'s log`);
}

/** The part's lines for the summary, and its one check. */
function outcome(run) {
	const { executionId, victim, survivor, submits, inLog, jobs, items, fake } = run;
	const timings = `lock ${seconds(TIMINGS.lockDuration)}, renew ${seconds(TIMINGS.lockRenewTime)}, stalled check ${seconds(TIMINGS.stalledInterval)}${DEFAULT_TIMINGS ? " (n8n's defaults)" : ''}`;
	const lines = [
		`redis-server ${run.redis.version}; main + 2 workers × concurrency 1; ${timings}; QUEUE_WORKER_MAX_STALLED_COUNT=${MAX_STALLED_COUNT} (ignored by n8n 2.x)`,
		`execution #${executionId} (${PROMPTS.length} prompts, Items at Once ${PROMPTS.length}, fake jobs ${seconds(JOB_MS)}) on worker ${victim.index}: SIGKILL after its ${PROMPTS.length} submits`,
		`  n8n: execution status "${run.failedRow.status}" ${seconds(run.detectedMs)} after the kill; not run again by worker ${survivor.index} (watched ${seconds(run.watchedMs)} after the kill); submits per prompt: ${PROMPTS.map((p) => submits.filter((s) => s === p).length).join('/')}`,
		`  recovery: ${inLog.length}/${jobs.length} request IDs in the killed worker's stdout (and with execution ID and item index in its JSON log); Get Result (n8n execute) collected ${items.length} images, bytes equal to the fake's, in ${seconds(run.collectMs)}, 0 new submits, ${fake.requestsTo('poll').length - run.pollsBefore} polls`,
	];
	log(
		`PASS ${WHAT}: execution ${executionId} failed ${seconds(run.detectedMs)} after the kill, never re-run; ${inLog.length} jobs recovered with Get Result`,
	);
	return {
		checks: [
			{
				name: `${WHAT}: killed mid-wait, failed not re-run, jobs recovered from the log`,
				ok: true,
				ms: Date.now() - run.killedAt,
				note: `status ${run.failedRow.status} after ${seconds(run.detectedMs)}; ${inLog.length} jobs recovered`,
			},
		],
		lines,
		expected: 1,
	};
}

/** Stops what the part started, the killed worker's task runner included. */
async function cleanUp(run) {
	for (const d of [...run.daemons].reverse()) await d.stop().catch(() => {});
	for (const pid of run.killedGroups) {
		try {
			process.kill(-pid, 'SIGKILL'); // the killed worker's task runner
		} catch {
			/* gone */
		}
	}
	await run.redis.stop().catch(() => {});
}

function workerKillPart() {
	return {
		name: 'worker-kill',
		title: `a queue-mode worker killed mid-wait on n8n ${N8N_VERSION}`,
		async run(shared) {
			const { redis, env: queueEnv } = await startQueueRedis(shared.tmp, log);
			const run = { fake: shared.fake, redis, queueEnv, daemons: [], killedGroups: [] };
			try {
				await startQueue(shared, run);
				await submitPrompts(run);
				await killVictim(run);
				await watchAfterKill(run);
				checkFailedNotRerun(run);
				checkLoggedIds(run);
				await recoverWithGetResult(run);
				return outcome(run);
			} finally {
				await cleanUp(run);
			}
		},
	};
}

module.exports = { workerKillPart };
