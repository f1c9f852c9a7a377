#!/usr/bin/env node
'use strict';
/**
 * End-to-end suite, part one: the packed n8n-nodes-segmind inside a real n8n 2.8.4 (CLI,
 * regular mode), against the project's fake Segmind. See e2e/README.md.
 *
 *   node e2e/run.js
 *
 * Environment: E2E_CACHE (cache root, default ~/.cache/n8n-nodes-segmind-e2e), E2E_SKIP_BUILD=1
 * (use dist/ and .build/ as they are), E2E_KEEP=1 (keep the temp folder with n8n's user folder),
 * E2E_ONLY=<text> (only the scenarios whose name contains it; for debugging).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const setup = require('./lib/setup');
const { freePort, killAll } = require('./lib/proc');

const log = setup.log;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
	const runStarted = Date.now();
	if (Number(process.versions.node.split('.')[0]) !== 20) {
		log(
			`warning: n8n ${setup.N8N_VERSION} is meant for Node 20; this is Node ${process.versions.node}`,
		);
	}

	// 1. What the run needs: helper packages, n8n, the built and packed package.
	const own = await setup.ensureOwnDependencies();
	const install = await setup.ensureN8n();
	const buildStarted = Date.now();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'segmind-e2e-'));
	process.on('exit', () => {
		if (process.env.E2E_KEEP === '1') process.stdout.write(`e2e: kept ${tmp}\n`);
		else fs.rmSync(tmp, { recursive: true, force: true });
	});
	const userFolder = path.join(tmp, 'user');
	const { pack, fakeDir } = await setup.buildAndSnapshot(tmp);
	const packageDir = await setup.installIntoUserFolder(pack, userFolder);
	const buildMs = Date.now() - buildStarted;
	log(
		`package ${pack.name}@${pack.version} (${pack.files.length} files) installed in ${packageDir}`,
	);

	// Required only now: they live in e2e/node_modules, and the fake is the copy of .build/'s.
	const { N8n } = require('./lib/n8n');
	const { startSmtpSink } = require('./lib/smtp-sink');
	const {
		SCENARIOS,
		workflowsFor,
		BASELINE_JOB_MS,
		LOOP_WAIT_SECONDS,
	} = require('./lib/scenarios');
	const { FakeSegmind } = require(fakeDir);

	const fake = new FakeSegmind();
	const smtp = await startSmtpSink();
	const results = [];
	const ctx = {
		fake,
		smtp,
		userFolder,
		apiKey: fake.apiKey,
		// prompts-to-disk.json writes to /tmp/flux-art/<request_id>.<ext>: run it as shipped.
		diskFolder: '/tmp/flux-art',
		filesToRemove: [],
		cleanup: [],
		itemsChecked: 0,
		baseline: {},
	};
	try {
		await fake.start();
		const createdDiskFolder = !fs.existsSync(ctx.diskFolder);
		fs.mkdirSync(ctx.diskFolder, { recursive: true });
		if (createdDiskFolder) ctx.cleanup.push(() => fs.rmdirSync(ctx.diskFolder)); // only if empty again
		const n8n = new N8n({
			bin: install.bin,
			userFolder,
			encryptionKey: crypto.randomBytes(24).toString('hex'),
			brokerPort: await freePort(),
			fileAccess: [path.join(userFolder, '.n8n-files'), ctx.diskFolder],
			workDir: tmp,
		});
		ctx.n8n = n8n;
		ctx.httpPort = await freePort();
		ctx.credentials = {
			segmind: { id: 'e2eSegmindCred01', name: 'Segmind (fake)', type: 'segmindApi' },
			smtp: { id: 'e2eSmtpSinkCred01', name: 'SMTP sink', type: 'smtp' },
		};

		// 2. Credentials and workflows into the fresh user folder.
		const importStarted = Date.now();
		await n8n.importCredentials([
			{ ...ctx.credentials.segmind, data: { apiKey: fake.apiKey, baseUrl: fake.baseUrl } },
			{
				...ctx.credentials.smtp,
				data: {
					user: '',
					password: '',
					host: smtp.host,
					port: smtp.port,
					secure: false,
					disableStartTls: true,
					hostName: '',
				},
			},
		]);
		const workflows = workflowsFor(ctx, path.join(setup.REPO_DIR, 'examples'));
		await n8n.importWorkflows(workflows);
		log(
			`imported 2 credentials and ${workflows.length} workflows in ${seconds(Date.now() - importStarted)}`,
		);

		// 3. The scenarios; a failure is reported and the next one still runs.
		const only = process.env.E2E_ONLY;
		const selected = only ? SCENARIOS.filter((s) => s.name.includes(only)) : SCENARIOS;
		if (selected.length === 0) throw new Error(`E2E_ONLY=${only} matches no scenario`);
		for (const scenario of selected) {
			const started = Date.now();
			try {
				const result = await scenario.run(ctx);
				const ms = Date.now() - started;
				results.push({ name: scenario.name, ok: true, ms, ...result });
				log(`PASS ${scenario.name} (${seconds(ms)}): ${result.note}`);
			} catch (error) {
				const ms = Date.now() - started;
				results.push({ name: scenario.name, ok: false, ms, error });
				log(
					`FAIL ${scenario.name} (${seconds(ms)}):\n    ${String(error.stack || error)
						.split('\n')
						.join('\n    ')}`,
				);
			}
		}

		// 4. Summary.
		const versions = ['n8n', 'n8n-core', 'n8n-workflow', 'n8n-nodes-base']
			.map(
				(name) =>
					`${name} ${JSON.parse(fs.readFileSync(path.join(install.dir, 'node_modules', name, 'package.json'), 'utf8')).version}`,
			)
			.join(', ');
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		const out = [];
		out.push('');
		out.push('==== n8n-nodes-segmind e2e: summary ====');
		out.push(
			`n8n: ${versions}; Node ${process.version}; ${pack.name}@${pack.version} from npm pack`,
		);
		out.push(
			`setup: n8n ${install.installed ? `installed in ${seconds(install.ms)}` : 'from cache'} (${install.dir}); ` +
				`e2e helpers ${own.installed ? `npm ci ${seconds(own.ms)}` : 'up to date'}; build+pack+install ${seconds(buildMs)}`,
		);
		out.push(
			`workflows run: ${results.length} (n8n CLI commands: ${n8n.commands.length}, ${seconds(n8n.commands.reduce((s, c) => s + c.ms, 0))} in all)`,
		);
		for (const r of results) {
			const exec =
				r.exec && r.exec.run
					? `, execution ${seconds(new Date(r.exec.run.stoppedAt) - new Date(r.exec.run.startedAt))}`
					: '';
			out.push(
				`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(52)} ${seconds(r.ms).padStart(7)}${exec}${r.ok ? `: ${r.note}` : ''}`,
			);
		}
		out.push(`items checked: ${ctx.itemsChecked}`);
		const { node, loop } = ctx.baseline;
		const counts = (c) =>
			`${c.total} requests (${c.submit} submit, ${c.poll} poll, ${c.image} image)`;
		out.push(`baseline, the same 3 prompts, fake job time ${seconds(BASELINE_JOB_MS)}:`);
		out.push(
			node
				? `  Flux Art Generator node     : execution ${seconds(node.executionMs)} (node ${seconds(node.nodeMs)}, CLI ${seconds(node.cliMs)}), ${counts(node.counts)}, polls per item ${node.polls.join('/')}`
				: '  Flux Art Generator node     : not measured (scenario (a) failed or not run)',
		);
		out.push(
			loop
				? `  HTTP Request+Wait ${LOOP_WAIT_SECONDS}s+IF loop: execution ${seconds(loop.executionMs)} (CLI ${seconds(loop.cliMs)}), ${counts(loop.counts)}, Wait ran ${loop.waitRuns}×; no image download`
				: '  HTTP Request+Wait+IF loop   : not measured (scenario (d) failed or not run)',
		);
		out.push(`total time: ${seconds(Date.now() - runStarted)}`);
		for (const r of results.filter((x) => !x.ok))
			out.push(`FAILED: ${r.name}: ${String(r.error && r.error.message).split('\n')[0]}`);
		out.push(`e2e: ${passed} passed, ${failed} failed`);
		process.stdout.write(`${out.join('\n')}\n`);
		process.exitCode = failed === 0 && results.length === selected.length ? 0 : 1;
	} finally {
		for (const file of ctx.filesToRemove) fs.rmSync(file, { force: true });
		for (const step of ctx.cleanup) {
			try {
				step();
			} catch {
				/* best effort */
			}
		}
		await fake.stop().catch(() => {});
		await smtp.stop();
		killAll();
	}
}

main().catch((error) => {
	process.stderr.write(`e2e: ERROR ${error && error.stack ? error.stack : error}\n`);
	killAll();
	process.exit(1);
});
