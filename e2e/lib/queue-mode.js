'use strict';
/**
 * n8n 2.8.4 in queue mode, as the parts `queue` and `rate-queue` run it: Debian's redis-server on
 * 127.0.0.1 (redis.js), one user folder (sqlite) shared by an `n8n start` main with
 * EXECUTIONS_MODE=queue and `n8n worker --concurrency=<n>` workers (each with its own task-runner
 * broker port and health-check port: n8n.worker()), the parts' webhook workflows imported and
 * published before the main starts, and the wait until the main serves the webhook.
 */
const fs = require('node:fs');
const path = require('node:path');

const axios = require('axios');

const { log } = require('./setup');
const { prepareN8n } = require('./env');
const { freePort } = require('./proc');
const { startQueueRedis } = require('./redis');
const { waitForWebhook } = require('./scenarios');
const { seconds } = require('./text');

/** Lines "<prefix> execution N (job J)" in a log: Map execution id -> job id. */
function executionsLogged(text, prefix) {
	const found = new Map();
	const re = new RegExp(`${prefix} execution (\\d+) \\(job (\\d+)\\)`, 'g');
	for (const match of String(text).matchAll(re)) found.set(match[1], match[2]);
	return found;
}

/** The workers that logged "Worker started execution <id>". */
const workersThatRan = (workers, executionId) =>
	workers.filter((w) => executionsLogged(w.output(), 'Worker started').has(String(executionId)));

/**
 * Redis, a prepared n8n user folder with `workflows(credentials)` imported and published, a main and
 * `workers` workers of `concurrency`, and the webhook `webhookPath` live. `shared.fake` is the
 * Segmind the credential points at (a part may pass a fake of its own). Returns the pieces and
 * `stop()` (workers, main, then Redis) and `writeLogs()` (each daemon's output into the part's
 * folder); on a failure half-way it stops what it started before throwing.
 */
async function startQueueMode(
	shared,
	{ label, workflows, webhookPath, workers = 2, concurrency = 2, extraEnv = {} },
) {
	const { apt, redis, env: queueEnv } = await startQueueRedis(shared.tmp, log);
	const daemons = [];
	const stop = async () => {
		for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
		await redis.stop().catch(() => {});
	};
	try {
		log(
			`redis-server ${redis.version} on 127.0.0.1:${redis.port} (ready in ${seconds(redis.readyMs)})`,
		);
		const instance = await prepareN8n(shared, { label, extraEnv: { ...queueEnv, ...extraEnv } });
		const { n8n } = instance;
		const imported = workflows(instance.credentials);
		await n8n.importWorkflows(imported);
		for (const wf of imported) await n8n.publishWorkflow(wf.id);

		const startedAt = Date.now();
		const main = await n8n.start(await freePort(), { label: `n8n start (${label} main)` });
		daemons.push(main);
		const started = [];
		for (let i = 1; i <= workers; i++) {
			const worker = await n8n.worker({ concurrency, label: `n8n worker ${i}` });
			worker.index = i;
			started.push(worker);
			daemons.push(worker);
		}
		const url = `${main.baseUrl}/webhook/${webhookPath}`;
		await waitForWebhook(axios, url, 'POST', main);
		const upMs = Date.now() - startedAt;
		log(
			`${label}: main ready in ${seconds(main.readyMs)}, workers in ${started.map((w) => seconds(w.readyMs)).join(' and ')}, webhook live after ${seconds(upMs)}`,
		);
		const writeLogs = () => {
			for (const d of daemons)
				fs.writeFileSync(
					path.join(instance.workDir, `${d.name.replace(/[^\w.-]+/g, '_')}.log`),
					d.output(),
				);
		};
		return {
			apt,
			redis,
			instance,
			n8n,
			main,
			workers: started,
			daemons,
			url,
			upMs,
			stop,
			writeLogs,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { startQueueMode, executionsLogged, workersThatRan };
