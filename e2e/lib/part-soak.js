'use strict';
/**
 * Part "soak" (and `npm run soak`, its full size): n8n 2.8.4 in queue mode on PostgreSQL, with
 * faults injected by the fake Segmind, and every prompt accounted for afterwards.
 *
 * PostgreSQL (postgres.js) and Redis (redis.js) are started by the suite; one `n8n start` main and
 * `n8n worker --concurrency=1` workers share them, with N8N_DEFAULT_BINARY_DATA_MODE=database
 * (n8n 2.8.4's default in queue mode, set explicitly: main and workers must see the same images,
 * and only the database is shared). The load and its faults come from one seed (soak-faults.js);
 * each phase POSTs its executions at once (soak-run.js). soak-accounting.js then reads what n8n
 * stored and what the fake saw; soak-report.js checks and prints it.
 *
 * Sizes: the part inside `npm run e2e` is small (one phase, two workers, every fault family at
 * least once); the full soak runs 1,000 prompts in two phases of the same load, one worker and
 * then two, and compares their executions per minute.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const axios = require('axios');

const { N8N_VERSION, log } = require('./setup');
const { prepareN8n } = require('./env');
const { startPostgres, connect } = require('./postgres');
const { freePort } = require('./proc');
const { startQueueRedis } = require('./redis');
const { waitForWebhook } = require('./scenarios');
const { seconds } = require('./text');
const { drawLoad, promptsFor, fakeHooks } = require('./soak-faults');
const { report } = require('./soak-report');
const { soakWorkflow, runPhase } = require('./soak-run');

const SIZES = {
	// For working on the soak itself (E2E_SOAK_SIZE=tiny): one execution of 5 prompts, one worker.
	tiny: { phases: [{ workers: 1, executions: 1, items: 5 }] },
	small: { phases: [{ workers: 2, executions: 6, items: 20 }] },
	full: {
		phases: [
			{ workers: 1, executions: 20, items: 25 },
			{ workers: 2, executions: 20, items: 25 },
		],
	},
};

/** The seed: E2E_SOAK_SEED or --seed=<n>; otherwise a new one each run (always printed). */
function soakSeed(argv = process.argv) {
	const flag = argv.find((a) => a.startsWith('--seed='));
	const given = flag ? flag.slice('--seed='.length) : process.env.E2E_SOAK_SEED;
	if (given !== undefined && given !== '') {
		const seed = Number(given);
		if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
			throw new Error(`soak seed must be an integer 0..4294967295, got "${given}"`);
		return seed;
	}
	return crypto.randomBytes(4).readUInt32BE(0);
}

/** The same load for every phase (durations and faults per slot), with prompts of its own. */
function planPhases(spec, seed) {
	const items = spec.phases[0].items;
	const executions = spec.phases[0].executions;
	const load = drawLoad({ seed, executions, items });
	const phases = spec.phases.map((phase, i) => {
		const tag = `soak ${seed} p${i + 1}`;
		const prompts = promptsFor(load, tag);
		return {
			...phase,
			index: i + 1,
			workflowId: `e2eSoakPhase${i + 1}`,
			path: `flux-soak-${i + 1}`,
			runs: Array.from({ length: executions }, (_, e) => ({
				run: `p${i + 1}-e${e}`,
				prompts: prompts.slice(e * items, (e + 1) * items),
			})),
			slots: new Map(prompts.map((prompt, s) => [prompt, load[s]])),
		};
	});
	return { items, phases, slotsByPrompt: new Map(phases.flatMap((p) => [...p.slots])) };
}

/** PostgreSQL, the soak's own fake, n8n on both with a workflow per phase, published. */
async function prepareSoak(shared, soak) {
	soak.pg = await startPostgres({ log });
	const { pg, redis, fake } = soak;
	log(
		`soak: PostgreSQL ${pg.version} on 127.0.0.1:${pg.port} (ready in ${seconds(pg.readyMs)}), redis-server ${redis.version}`,
	);
	await fake.start();
	const instance = await prepareN8n(
		{ ...shared, fake },
		{
			label: 'soak',
			extraEnv: {
				...soak.queueEnv,
				...pg.env,
				N8N_DEFAULT_BINARY_DATA_MODE: 'database',
				// More of n8n's own logging for the key to hide in (about 3 lines per item).
				N8N_LOG_LEVEL: 'debug',
			},
		},
	);
	soak.instance = instance;
	const { n8n } = instance;
	await n8n.importWorkflows(
		soak.phases.map((p, i) =>
			soakWorkflow(instance.credentials.segmind, {
				id: p.workflowId,
				path: p.path,
				webhookId: `5e1f0000-0000-4000-8000-00000000000${i + 1}`,
				items: soak.items,
			}),
		),
	);
	for (const p of soak.phases) await n8n.publishWorkflow(p.workflowId);
	soak.setupMs = Date.now() - soak.started;
}

/** The main, then each phase with its workers (added as the phases need more). */
async function runPhases(soak) {
	const { n8n } = soak.instance;
	const { daemons } = soak;
	soak.main = await n8n.start(await freePort(), { label: 'n8n start (soak main)' });
	daemons.push(soak.main);
	soak.workers = [];
	const { workers } = soak;
	soak.client = await connect(soak.instance.install.dir, soak.pg.connection);
	for (const phase of soak.phases) {
		while (workers.length < phase.workers) {
			const index = workers.length + 1;
			const worker = await n8n.worker({
				concurrency: 1,
				label: `n8n worker ${index} (soak)`,
			});
			worker.index = index;
			workers.push(worker);
			daemons.push(worker);
		}
		const url = `${soak.main.baseUrl}/webhook/${phase.path}`;
		await waitForWebhook(axios, url, 'POST', soak.main);
		log(
			`soak: phase ${phase.index}: ${phase.executions} executions × ${phase.items} prompts at once, ${phase.workers} worker(s)`,
		);
		const result = await runPhase({
			axios,
			url,
			runs: phase.runs,
			client: soak.client,
			workflowId: phase.workflowId,
			daemons,
			timeoutMs: 15 * 60 * 1000,
		});
		Object.assign(phase, result);
		log(`soak: phase ${phase.index} done in ${seconds(result.wallMs)}`);
	}
	// Workers log "finished" just after the execution is saved.
	await new Promise((resolve) => setTimeout(resolve, 1000));
}

/** Every daemon's log into the work folder, with the fake's own log (returned). */
function writeLogs({ instance, daemons, fake, pg, redis }) {
	for (const d of daemons)
		fs.writeFileSync(
			path.join(instance.workDir, `${d.name.replace(/[^\w.-]+/g, '_')}.log`),
			d.output(),
		);
	// The fake's own log (without headers: they carry the key, which is how it checks it).
	const fakeLog = [
		...fake.requests.map(
			(r) => `${new Date(r.time).toISOString()} ${r.host} ${r.method} ${r.path}`,
		),
		...fake.injected.map(
			(i) => `injected ${i.route} ${i.requestId || '-'} ${JSON.stringify(i.response)}`,
		),
	].join('\n');
	fs.writeFileSync(path.join(instance.workDir, 'fake.log'), fakeLog);
	fs.writeFileSync(path.join(instance.workDir, 'postgres.log'), pg.output());
	fs.writeFileSync(path.join(instance.workDir, 'redis.log'), redis.output());
	return fakeLog;
}

async function cleanUp({ client, daemons, pg, redis, fake }) {
	if (client) await client.end().catch(() => {});
	for (const d of [...daemons].reverse()) await d.stop().catch(() => {});
	if (pg) await pg.stop().catch(() => {});
	await redis.stop().catch(() => {});
	await fake.stop().catch(() => {});
}

function soakPart(defaultSize = 'small') {
	const size = process.env.E2E_SOAK_SIZE || defaultSize;
	const spec = SIZES[size];
	if (!spec)
		throw new Error(`E2E_SOAK_SIZE: "${size}" is not one of ${Object.keys(SIZES).join(', ')}`);
	return {
		name: 'soak',
		title: `${size === 'full' ? 'full ' : ''}soak on n8n ${N8N_VERSION}: queue mode on PostgreSQL, injected faults`,
		async run(shared) {
			const { FakeSegmind } = shared.fakeModule;
			const seed = soakSeed();
			log(`soak: seed ${seed} (E2E_SOAK_SEED=${seed} or --seed=${seed} repeats this load)`);
			const { items, phases, slotsByPrompt } = planPhases(spec, seed);
			// A key of this run only, never printed: the leak checks look for it everywhere.
			const apiKey = `sgm-soak-${crypto.randomBytes(20).toString('hex')}`;
			const fake = new FakeSegmind({ apiKey, credits: 1e9, ...fakeHooks(slotsByPrompt) });
			const soak = { items, phases, fake, daemons: [], started: Date.now() };
			const { redis, env: queueEnv } = await startQueueRedis(shared.tmp, log);
			Object.assign(soak, { redis, queueEnv });
			try {
				await prepareSoak(shared, soak);
				await runPhases(soak);
				const fakeLog = writeLogs(soak);
				return await report({
					size,
					seed,
					apiKey,
					fake,
					phases,
					slotsByPrompt,
					client: soak.client,
					pg: soak.pg,
					redis,
					main: soak.main,
					workers: soak.workers,
					installDir: soak.instance.install.dir,
					fakeLog,
					setupMs: soak.setupMs,
				});
			} finally {
				await cleanUp(soak);
			}
		},
	};
}

module.exports = { soakPart };
