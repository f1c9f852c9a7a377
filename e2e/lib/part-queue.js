'use strict';
/**
 * Part "queue": n8n 2.8.4 in queue mode, the way n8n scales past one process. Debian's
 * redis-server on 127.0.0.1 (a free port, no persistence), one `n8n start` main with
 * EXECUTIONS_MODE=queue and two `n8n worker --concurrency=2`, each with its own task-runner
 * broker port and health-check port. A webhook workflow (Webhook → Flux Art Generator → Respond
 * to Webhook with the node's JSON and the execution ID) is imported and published before the
 * main starts; then concurrent POSTs with different prompts each become a job in Redis, run on a
 * worker, and answer through the main.
 */
const { setTimeout: sleep } = require('node:timers/promises');

const axios = require('axios');

const { N8N_VERSION, log } = require('./setup');
const { chain, fluxNode, node, workflow } = require('./workflows');
const { ok, equal, show } = require('./check');
const { executionsLogged, startQueueMode } = require('./queue-mode');
const { checkKeyPlacement } = require('./scenarios');
const { seconds, tail } = require('./text');

const WORKFLOW_ID = 'e2eQueueWebhook01';
const WEBHOOK_PATH = 'flux-queue';
const WORKERS = 2;
const WORKER_CONCURRENCY = 2;
/** Concurrent POSTs; as many as the workers' slots, so all run at once when both take jobs. */
const PROMPTS = [
	'a paper boat on a rainy street, ink drawing',
	'a hot air balloon over lavender fields',
	'an owl reading by candlelight, oil painting',
	'a tram crossing a snowy bridge at night',
];
const JOB_MS = 3000;

function queueWorkflow(credential) {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		0,
		{ httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'responseNode', options: {} },
		{ webhookId: '3f1c5b0e-6a51-4d0b-9a55-0e2e0e2e0001' },
	);
	const flux = fluxNode(credential, {
		x: 220,
		parameters: { textPrompt: '={{ $json.body.prompt }}' },
	});
	const respond = node('Respond', 'n8n-nodes-base.respondToWebhook', 1.5, 440, {
		respondWith: 'json',
		responseBody:
			'={{ { execution_id: $execution.id, flux: $json, binary: $binary.data ? { fileName: $binary.data.fileName, mimeType: $binary.data.mimeType, fileSize: $binary.data.fileSize } : null } }}',
		options: {},
	});
	return workflow(
		WORKFLOW_ID,
		'e2e: queue mode, webhook → Flux Art Generator → JSON',
		[webhook, flux, respond],
		chain('Webhook', 'Flux Art Generator', 'Respond'),
	);
}

const WHAT = 'queue';

/** Concurrent POSTs, each with its own prompt; then the daemons' logs, once the workers finished. */
async function postConcurrently(fake, q) {
	fake.reset();
	fake.setScenario({ durationMs: JOB_MS });
	const postsStarted = Date.now();
	const responses = await Promise.all(
		PROMPTS.map(async (prompt) => {
			const t0 = Date.now();
			const response = await axios.post(
				q.url,
				{ prompt },
				{ timeout: 90000, validateStatus: () => true, proxy: false },
			);
			return { prompt, response, ms: Date.now() - t0 };
		}),
	);
	const wallMs = Date.now() - postsStarted;
	// Give the workers a moment to log "finished" after the response went out.
	await sleep(1000);
	const mainLog = q.main.output();
	const workerLogs = q.workers.map((w) => w.output());
	q.writeLogs();
	for (const { prompt, response } of responses) {
		ok(
			response.status === 200,
			`${WHAT}: POST "${prompt}": HTTP ${response.status} ${show(response.data)}\n--- main (tail)\n${tail(mainLog)}\n--- worker 1 (tail)\n${tail(workerLogs[0])}\n--- worker 2 (tail)\n${tail(workerLogs[1])}`,
		);
	}
	return { responses, wallMs, mainLog, workerLogs };
}

/** One webhook's answer: the node's JSON and binary, the fake's job, and where n8n ran it. */
function checkAnswer({ prompt, response, ms }, { fake, workers, mainLog, workerLogs }) {
	const body = response.data;
	ok(body && typeof body === 'object' && body.flux, `${WHAT}: "${prompt}": answer ${show(body)}`);
	const j = body.flux;
	const executionId = String(body.execution_id);
	ok(/^\d+$/.test(executionId), `${WHAT}: "${prompt}": execution_id ${show(body.execution_id)}`);
	ok(!('error' in j), `${WHAT}: "${prompt}": the node failed: ${show(j)}`);
	const job = fake.jobs.find((candidate) => candidate.requestId === j.request_id);
	ok(job, `${WHAT}: "${prompt}": request_id ${show(j.request_id)} is not a job of the fake`);
	equal(job.prompt, prompt, `${WHAT}: "${prompt}": the prompt of the fake's job ${j.request_id}`);
	equal(j.text_prompt, prompt, `${WHAT}: "${prompt}": text_prompt`);
	equal(j.status, 'COMPLETED', `${WHAT}: "${prompt}": status`);
	equal(
		j.image_output,
		`${fake.imageBaseUrl}/images/${job.requestId}.png`,
		`${WHAT}: "${prompt}": image_output`,
	);
	equal(
		body.binary && { fileName: body.binary.fileName, mimeType: body.binary.mimeType },
		{ fileName: `${job.requestId}.png`, mimeType: 'image/png' },
		`${WHAT}: "${prompt}": binary data seen by the Respond node`,
	);
	const ranOn = workers.filter((w, i) =>
		executionsLogged(workerLogs[i], 'Worker started').has(executionId),
	);
	equal(
		ranOn.length,
		1,
		`${WHAT}: "${prompt}": workers that logged "Worker started execution ${executionId}"`,
	);
	const workerIndex = workers.indexOf(ranOn[0]);
	ok(
		executionsLogged(workerLogs[workerIndex], 'Worker finished').has(executionId),
		`${WHAT}: worker ${ranOn[0].index} did not log "Worker finished execution ${executionId}"`,
	);
	ok(
		executionsLogged(mainLog, 'Enqueued').has(executionId),
		`${WHAT}: the main did not log "Enqueued execution ${executionId}"\n${tail(mainLog)}`,
	);
	return { prompt, executionId, requestId: job.requestId, worker: ranOn[0].index, ms };
}

/** Across the executions: distinct IDs, one submit per prompt, the key only where it belongs. */
function checkFake(fake, runs, { mainLog, workerLogs }) {
	equal(
		new Set(runs.map((r) => r.executionId)).size,
		PROMPTS.length,
		`${WHAT}: distinct execution IDs`,
	);
	const submits = fake.requestsTo('submit');
	equal(submits.length, PROMPTS.length, `${WHAT}: submits at the fake (one per request)`);
	equal(
		submits.map((s) => JSON.parse(s.body).text_prompt).sort(),
		[...PROMPTS].sort(),
		`${WHAT}: the prompts submitted`,
	);
	equal(fake.jobs.length, PROMPTS.length, `${WHAT}: jobs the fake accepted`);
	equal(fake.requestsTo('image').length, PROMPTS.length, `${WHAT}: image downloads`);
	checkKeyPlacement({ fake, apiKey: fake.apiKey }, WHAT);
	for (const [name, text] of [
		['main', mainLog],
		...workerLogs.map((t, i) => [`worker ${i + 1}`, t]),
	])
		ok(!text.includes(fake.apiKey), `${WHAT}: the API key appears in the ${name}'s log`);
	return submits;
}

/** The part's lines for the summary, and its one check. */
function outcome(fake, q, { runs, submits, wallMs }) {
	const { apt, redis, workers, upMs } = q;
	const byWorker = workers.map(
		(w) =>
			`worker ${w.index}: ${
				runs
					.filter((r) => r.worker === w.index)
					.map((r) => `#${r.executionId}`)
					.join(', ') || 'none'
			}`,
	);
	const lines = [
		`redis-server ${redis.version} on 127.0.0.1:${redis.port}${apt.installed.length ? ` (apt-get install ${apt.installed.join(' ')}: ${seconds(apt.ms)})` : ''}; main + ${WORKERS} workers × concurrency ${WORKER_CONCURRENCY}, up in ${seconds(upMs)}`,
		`${PROMPTS.length} concurrent POSTs /webhook/${WEBHOOK_PATH} (fake job time ${seconds(JOB_MS)}): all 200 in ${seconds(wallMs)} wall (each ${runs.map((r) => seconds(r.ms)).join(', ')})`,
		...runs.map(
			(r) =>
				`  execution #${r.executionId} on worker ${r.worker}: "${r.prompt}" → request_id ${r.requestId}`,
		),
		`  distribution: ${byWorker.join('; ')}`,
		`  fake: ${submits.length} submits, ${fake.requestsTo('poll').length} polls, ${fake.requestsTo('image').length} image downloads; key only on the API host`,
	];
	const oneWorker = workers.some((w) => !runs.some((r) => r.worker === w.index));
	if (oneWorker)
		lines.push(
			'  note: one worker took no job this time (Bull gives jobs to whichever worker asks first)',
		);
	log(
		`PASS queue: ${PROMPTS.length} concurrent webhooks ran on the workers: ${byWorker.join('; ')}`,
	);
	return {
		checks: [
			{
				name: 'queue: concurrent webhooks run on workers',
				ok: true,
				ms: wallMs,
				note: byWorker.join('; '),
			},
		],
		lines,
		expected: 1,
	};
}

function queuePart() {
	return {
		name: 'queue',
		title: `queue mode on n8n ${N8N_VERSION}: Redis, a main and ${WORKERS} workers`,
		async run(shared) {
			const { fake } = shared;
			const q = await startQueueMode(shared, {
				label: 'queue',
				workflows: (credentials) => [queueWorkflow(credentials.segmind)],
				webhookPath: WEBHOOK_PATH,
				workers: WORKERS,
				concurrency: WORKER_CONCURRENCY,
			});
			try {
				const posted = await postConcurrently(fake, q);
				const seen = { fake, workers: q.workers, ...posted };
				const runs = posted.responses.map((answer) => checkAnswer(answer, seen));
				const submits = checkFake(fake, runs, posted);
				return outcome(fake, q, { runs, submits, wallMs: posted.wallMs });
			} finally {
				await q.stop();
			}
		},
	};
}

module.exports = { queuePart };
