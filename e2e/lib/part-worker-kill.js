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

function workerKillPart() {
	return {
		name: 'worker-kill',
		title: `a queue-mode worker killed mid-wait on n8n ${N8N_VERSION}`,
		async run(shared) {
			const { fake } = shared;
			const what = 'worker-kill';
			const lines = [];
			const { redis, env: queueEnv } = await startQueueRedis(shared.tmp, log);
			const daemons = [];
			const killedGroups = [];
			try {
				const instance = await prepareN8n(shared, {
					label: 'worker-kill',
					extraEnv: {
						...queueEnv,
						QUEUE_WORKER_LOCK_DURATION: String(TIMINGS.lockDuration),
						QUEUE_WORKER_LOCK_RENEW_TIME: String(TIMINGS.lockRenewTime),
						QUEUE_WORKER_STALLED_INTERVAL: String(TIMINGS.stalledInterval),
						QUEUE_WORKER_MAX_STALLED_COUNT: MAX_STALLED_COUNT,
					},
				});
				const { n8n } = instance;
				const credential = instance.credentials.segmind;
				await n8n.importWorkflows([generateWorkflow(credential)]);
				await n8n.publishWorkflow(IDS.generate);

				const main = await n8n.start(await freePort(), { label: 'n8n start (kill main)' });
				daemons.push(main);
				const workers = [];
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
					workers.push(worker);
					daemons.push(worker);
				}
				const url = `${main.baseUrl}/webhook/${WEBHOOK_PATH}`;
				await waitForWebhook(axios, url, 'POST', main);

				fake.reset();
				fake.setScenario({ durationMs: JOB_MS });
				const response = await axios.post(
					url,
					{ prompts: PROMPTS },
					{ timeout: 30000, validateStatus: () => true, proxy: false },
				);
				equal(response.status, 200, `${what}: POST /webhook/${WEBHOOK_PATH}`);

				// The worker that took the execution, once every prompt is submitted.
				const { victim, executionId } = await waitFor(
					`${what}: a worker logging "Worker started execution" and ${PROMPTS.length} submits`,
					30000,
					() => {
						for (const w of workers) {
							const started = executionsLogged(w.output(), 'Worker started');
							const accepted = [...w.output().matchAll(ACCEPTED)];
							if (started.size === 1 && accepted.length === PROMPTS.length)
								return { victim: w, executionId: [...started.keys()][0] };
						}
						return undefined;
					},
					daemons,
				);
				const survivor = workers.find((w) => w !== victim);
				equal(fake.requestsTo('submit').length, PROMPTS.length, `${what}: submits before the kill`);
				const jobs = fake.jobs.map((j) => ({ requestId: j.requestId, prompt: j.prompt }));
				ok(
					fake.jobs.every((j) => j.completesAt > Date.now()),
					`${what}: a job ended before the kill (fake job time ${seconds(JOB_MS)})`,
				);

				// kill -9 the worker process (only it: its task runner stays until the cleanup).
				const killedAt = Date.now();
				process.kill(victim.child.pid, 'SIGKILL');
				killedGroups.push(victim.child.pid);
				await victim.exit;
				log(
					`${what}: worker ${victim.index} (pid ${victim.child.pid}) killed with SIGKILL while execution ${executionId} waited on ${PROMPTS.length} jobs`,
				);

				// What n8n does: the main logs the execution failed once the surviving worker's
				// stalled check finds the job's lock gone.
				const stallBudget = TIMINGS.lockDuration + 3 * TIMINGS.stalledInterval + 10000;
				const failedRow = await waitFor(
					`${what}: the main reporting execution ${executionId} failed`,
					stallBudget,
					async () => {
						const row = await executionRow(instance, executionId);
						return row && !['new', 'running'].includes(row.status) ? row : undefined;
					},
					daemons,
				);
				const detectedMs = Date.now() - killedAt;
				// Give another worker every chance to pick it up again: two more stalled checks.
				await sleep(2 * TIMINGS.stalledInterval + 1000);
				const watchedMs = Date.now() - killedAt;
				const row = await executionRow(instance, executionId);
				const mainLog = main.output();
				const survivorLog = survivor.output();
				for (const d of daemons)
					fs.writeFileSync(
						path.join(instance.workDir, `${d.name.replace(/[^\w.-]+/g, '_')}.log`),
						d.output(),
					);

				equal(
					{ status: row.status, finished: Boolean(row.finished) },
					{ status: 'error', finished: false },
					`${what}: execution ${executionId} in n8n's database after the kill`,
				);
				ok(
					/failed to be processed too many times|stalled/i.test(mainLog),
					`${what}: the main did not log the stalled job\n${tail(mainLog)}`,
				);
				ok(
					!executionsLogged(survivorLog, 'Worker started').has(executionId),
					`${what}: worker ${survivor.index} ran execution ${executionId} again\n${tail(survivorLog)}`,
				);
				const submits = fake.requestsTo('submit').map((s) => JSON.parse(s.body).text_prompt);
				equal(submits.length, PROMPTS.length, `${what}: submits at the fake after the kill`);
				equal([...submits].sort(), [...PROMPTS].sort(), `${what}: each prompt submitted once`);
				equal(fake.requestsTo('image').length, 0, `${what}: images downloaded before recovery`);

				// Recovery 1: every request ID the fake issued is in the killed worker's stdout.
				const logged = [...victim.output().matchAll(ACCEPTED)];
				const inLog = logged.map((m) => m[1]);
				equal(
					[...inLog].sort(),
					jobs.map((j) => j.requestId).sort(),
					`${what}: request IDs in worker ${victim.index}'s stdout ("Segmind accepted request <id>")`,
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
					`${what}: "Segmind accepted request" entries in worker ${victim.index}'s JSON log`,
				);

				// Recovery 2: Get Result with those IDs collects every image, with no new submit.
				for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
				const toCollect = logged.map((m) => ({ request_id: m[1], poll_url: m[2] }));
				await n8n.importWorkflows([collectWorkflow(credential, toCollect)]);
				// Queue mode keeps binary data in the database; this run writes it to disk to compare.
				n8n.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
				const pollsBefore = fake.requestsTo('poll').length;
				const collectStarted = Date.now();
				const exec = await n8n.execute(IDS.collect);
				const collectMs = Date.now() - collectStarted;
				const collectWhat = `${what}: Get Result by the logged request IDs and poll URLs`;
				expectSuccess(exec, collectWhat);
				const items = itemsOf(exec, 'Flux Art Generator');
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
					ok(!d.output().includes(fake.apiKey), `${what}: the API key appears in ${d.name}'s log`);

				const timings = `lock ${seconds(TIMINGS.lockDuration)}, renew ${seconds(TIMINGS.lockRenewTime)}, stalled check ${seconds(TIMINGS.stalledInterval)}${DEFAULT_TIMINGS ? " (n8n's defaults)" : ''}`;
				lines.push(
					`redis-server ${redis.version}; main + 2 workers × concurrency 1; ${timings}; QUEUE_WORKER_MAX_STALLED_COUNT=${MAX_STALLED_COUNT} (ignored by n8n 2.x)`,
				);
				lines.push(
					`execution #${executionId} (${PROMPTS.length} prompts, Items at Once ${PROMPTS.length}, fake jobs ${seconds(JOB_MS)}) on worker ${victim.index}: SIGKILL after its ${PROMPTS.length} submits`,
				);
				lines.push(
					`  n8n: execution status "${failedRow.status}" ${seconds(detectedMs)} after the kill; not run again by worker ${survivor.index} (watched ${seconds(watchedMs)} after the kill); submits per prompt: ${PROMPTS.map((p) => submits.filter((s) => s === p).length).join('/')}`,
				);
				lines.push(
					`  recovery: ${inLog.length}/${jobs.length} request IDs in the killed worker's stdout (and with execution ID and item index in its JSON log); Get Result (n8n execute) collected ${items.length} images, bytes equal to the fake's, in ${seconds(collectMs)}, 0 new submits, ${fake.requestsTo('poll').length - pollsBefore} polls`,
				);
				log(
					`PASS ${what}: execution ${executionId} failed ${seconds(detectedMs)} after the kill, never re-run; ${inLog.length} jobs recovered with Get Result`,
				);
				return {
					checks: [
						{
							name: `${what}: killed mid-wait, failed not re-run, jobs recovered from the log`,
							ok: true,
							ms: Date.now() - killedAt,
							note: `status ${failedRow.status} after ${seconds(detectedMs)}; ${inLog.length} jobs recovered`,
						},
					],
					lines,
					expected: 1,
				};
			} finally {
				for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
				for (const pid of killedGroups) {
					try {
						process.kill(-pid, 'SIGKILL'); // the killed worker's task runner
					} catch {
						/* gone */
					}
				}
				await redis.stop().catch(() => {});
			}
		},
	};
}

module.exports = { workerKillPart };
