#!/usr/bin/env node
'use strict';
/**
 * End-to-end suite: the packed n8n-nodes-segmind inside real n8n instances, against the
 * project's fake Segmind. See e2e/README.md.
 *
 *   node e2e/run.js                  all parts
 *   node e2e/run.js --baseline-only  only the node-vs-loop baseline (prints one JSON line)
 *   node e2e/run.js --soak [--seed=N] only the soak, at full size (`npm run soak`; ends with its
 *                                    JSON line)
 *
 * Parts (in this order): cli-2.8.4, baseline, queue, rate-queue, learning, worker-kill, soak,
 * agent, mcp, browser, then the CLI workflows on the other n8n lines: cli-1.123.81, cli-2.33.7,
 * cli-2.35.7, cli-2.41.1.
 * Environment: E2E_PARTS=<part,part> (only these), E2E_SKIP=<part,part> (all but these),
 * E2E_N8N=<version,version> (only the CLI workflows, on these n8n versions: see ALL_PARTS),
 * E2E_CACHE (cache root, default ~/.cache/n8n-nodes-segmind-e2e), E2E_SKIP_BUILD=1 (use dist/
 * and .build/ as they are), E2E_KEEP=1 (keep the temp folder with n8n's user folders),
 * E2E_ONLY=<text> (only the CLI scenarios whose name contains it; for debugging),
 * E2E_SOAK_SEED=<n> (the soak's seed; a new one each run otherwise), E2E_SOAK_SIZE=tiny|small|full,
 * E2E_RATE_WINDOW=fixed|rolling and E2E_RATE_SEED=<n> (the rate-queue part's plan and job draw).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { N8N_VERSION, buildAndSnapshot, ensureOwnDependencies, log } = require('./lib/setup');
const { killAll } = require('./lib/proc');
const { seconds } = require('./lib/text');

const ALL_PARTS = [
	'cli-2.8.4',
	'baseline',
	'queue',
	'rate-queue',
	'learning',
	'worker-kill',
	'soak',
	'agent',
	'mcp',
	'browser',
	'cli-1.123.81',
	'cli-2.33.7',
	'cli-2.35.7',
	'cli-2.41.1',
];

function selectedParts(argv) {
	const list = (value) =>
		String(value || '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	let parts = ALL_PARTS;
	if (argv.includes('--baseline-only')) parts = ['baseline'];
	else if (argv.includes('--soak')) parts = ['soak'];
	else if (process.env.E2E_N8N) {
		parts = list(process.env.E2E_N8N).map((version) => `cli-${version}`);
	} else if (process.env.E2E_PARTS) parts = list(process.env.E2E_PARTS);
	const skip = list(process.env.E2E_SKIP);
	parts = parts.filter((p) => !skip.includes(p));
	for (const p of parts) {
		if (!ALL_PARTS.includes(p))
			throw new Error(`unknown part "${p}" (parts: ${ALL_PARTS.join(', ')})`);
	}
	if (parts.length === 0) throw new Error('no part selected');
	return parts;
}

/**
 * How each part is made, its module loaded only when it runs: parts need e2e/node_modules, which
 * ensureOwnDependencies installs first (knip follows these: lib/part-*.js are its entries).
 */
const cliPart = (version) => require('./lib/part-cli').cliPart(version);
const PARTS = {
	baseline: () => require('./lib/part-baseline').baselinePart(),
	queue: () => require('./lib/part-queue').queuePart(),
	'rate-queue': () => require('./lib/part-rate-queue').rateQueuePart(),
	learning: () => require('./lib/part-learning').learningPart(),
	'worker-kill': () => require('./lib/part-worker-kill').workerKillPart(),
	soak: () =>
		require('./lib/part-soak').soakPart(process.argv.includes('--soak') ? 'full' : 'small'),
	agent: () => require('./lib/part-agent').agentPart(),
	mcp: () => require('./lib/part-mcp').mcpPart(),
	browser: () => require('./lib/part-browser').browserPart(),
};
/** The SMTP sink, also from e2e/node_modules. */
function partFor(name) {
	if (name.startsWith('cli-')) return cliPart(name.slice(4));
	if (PARTS[name]) return PARTS[name]();
	throw new Error(`unknown part ${name}`);
}

/** One CLI part's result for the closing lines: `cli-1.123.81 (Node 22.23.5): 7 passed`. */
function versionResult(part) {
	const install = part.instance && part.instance.install;
	if (!install) return `${part.name}: could not run`; // e.g. its install failed
	const passed = part.checks.filter((c) => c.ok).length;
	const failed = part.checks.length - passed;
	const node = install.node ? install.node.version : process.versions.node;
	return `${part.name} (Node ${node}): ${passed} passed${failed ? `, ${failed} failed` : ''}`;
}

/** Runs one part; a part that throws counts as one failed check. */
async function runPart(name, shared) {
	const part = partFor(name);
	const started = Date.now();
	log(`==== part ${name}: ${part.title}`);
	let outcome;
	try {
		outcome = await part.run(shared);
	} catch (error) {
		log(
			`FAIL part ${name} could not run:\n    ${String(error.stack || error)
				.split('\n')
				.join('\n    ')}`,
		);
		outcome = {
			checks: [{ name: `part ${name}`, ok: false, ms: Date.now() - started, error }],
			lines: [],
			expected: 1,
		};
	}
	const ms = Date.now() - started;
	shared.results[name] = outcome;
	if (outcome.instance) shared.instances[name] = outcome.instance;
	log(`==== part ${name} done in ${seconds(ms)}`);
	return { name, title: part.title, ms, ...outcome };
}

/** Each part's lines, the timings, the failures, the JSON lines, and the closing count. */
function summary(parts, shared, { pack, own, buildMs, runStarted }) {
	const checks = parts.flatMap((p) => p.checks);
	const passed = checks.filter((c) => c.ok).length;
	const failed = checks.length - passed;
	const out = [];
	out.push('');
	out.push('==== n8n-nodes-segmind e2e: summary ====');
	out.push(
		`package: ${pack.name}@${pack.version} from npm pack (${pack.files.length} files); suite on Node ${process.version}`,
	);
	out.push(
		`setup: e2e helpers ${own.installed ? `npm ci ${seconds(own.ms)}` : 'up to date'}; build+pack ${seconds(buildMs)}${process.env.E2E_SKIP_BUILD === '1' ? ' (E2E_SKIP_BUILD=1: dist/ as it was)' : ''}`,
	);
	for (const p of parts) {
		const partPassed = p.checks.filter((c) => c.ok).length;
		out.push('');
		out.push(
			`-- ${p.name} (${p.title}): ${seconds(p.ms)}, ${partPassed}/${p.checks.length} checks passed`,
		);
		for (const line of p.lines) out.push(`   ${line}`);
		if (p.lines.length === 0)
			for (const c of p.checks)
				out.push(`   ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.ok && c.note ? `: ${c.note}` : ''}`);
	}
	out.push('');
	out.push(`timings per part: ${parts.map((p) => `${p.name} ${seconds(p.ms)}`).join(', ')}`);
	out.push(`total time: ${seconds(Date.now() - runStarted)}`);
	const baseline = shared.results.baseline && shared.results.baseline.json;
	if (baseline) out.push(JSON.stringify(baseline));
	for (const c of checks.filter((x) => !x.ok))
		out.push(`FAILED: ${c.name}: ${String(c.error && c.error.message).split('\n')[0]}`);
	const versions = parts.filter((p) => p.name.startsWith('cli-'));
	if (versions.length > 0) out.push(`n8n versions: ${versions.map(versionResult).join('; ')}`);
	out.push(`e2e: ${passed} passed, ${failed} failed`);
	// Its figures as one JSON line: last of all for `npm run soak`, else beside the baseline's.
	const soak = shared.results.soak && shared.results.soak.json;
	if (soak)
		out.splice(
			process.argv.includes('--soak') ? out.length : out.length - 1,
			0,
			JSON.stringify(soak),
		);
	return out;
}

/** Whether the run passed: no check failed, and every part ran as many as it expected. */
function passedAll(parts) {
	const checks = parts.flatMap((p) => p.checks);
	const expected = parts.reduce((s, p) => s + (p.expected || p.checks.length), 0);
	return checks.every((c) => c.ok) && checks.length >= expected;
}

/** Undoes what the run left: files, the parts' clean-ups (last first), the fakes, processes. */
async function cleanUp(shared, fake, smtp) {
	for (const file of shared.filesToRemove) fs.rmSync(file, { force: true });
	for (const step of shared.cleanup.reverse()) {
		try {
			await step();
		} catch {
			/* best effort */
		}
	}
	await fake.stop().catch(() => {});
	await smtp.stop();
	killAll();
}

async function main() {
	const runStarted = Date.now();
	const partNames = selectedParts(process.argv.slice(2));
	log(`parts: ${partNames.join(', ')}`);
	if (Number(process.versions.node.split('.')[0]) !== 20) {
		log(
			`warning: the suite runs n8n ${N8N_VERSION} on the Node that runs it, which is meant to be Node 20; this is Node ${process.versions.node}`,
		);
	}

	// What every part needs: helper packages, the built and packed package, the fakes.
	const own = await ensureOwnDependencies();
	const buildStarted = Date.now();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'segmind-e2e-'));
	process.on('exit', () => {
		// On stderr: `npm run soak` ends its stdout with the JSON line.
		if (process.env.E2E_KEEP === '1') process.stderr.write(`e2e: kept ${tmp}\n`);
		else fs.rmSync(tmp, { recursive: true, force: true });
	});
	const { pack, fakeDir } = await buildAndSnapshot(tmp);
	const buildMs = Date.now() - buildStarted;
	log(`package ${pack.name}@${pack.version} (${pack.files.length} files) packed`);

	// Required only now: they live in e2e/node_modules, and the fake is the copy of .build/'s.
	const { startSmtpSink } = require('./lib/smtp-sink');
	const fakeModule = require(fakeDir);
	const { FakeSegmind } = fakeModule;

	const fake = new FakeSegmind();
	const smtp = await startSmtpSink();
	const shared = {
		tmp,
		pack,
		fake,
		fakeModule, // the fake's exports, for the parts that need a fake of their own (soak, rate-queue)
		smtp,
		// prompts-to-disk.json writes to /tmp/flux-art/<request_id>.<ext>: run it as shipped.
		diskFolder: '/tmp/flux-art',
		filesToRemove: [],
		cleanup: [],
		instances: {}, // part name -> the n8n instance it prepared (the baseline reuses cli-2.8.4's)
		results: {}, // part name -> what it returned
	};
	try {
		await fake.start();
		const createdDiskFolder = !fs.existsSync(shared.diskFolder);
		fs.mkdirSync(shared.diskFolder, { recursive: true });
		if (createdDiskFolder) shared.cleanup.push(() => fs.rmdirSync(shared.diskFolder)); // only if empty again

		const parts = [];
		for (const name of partNames) parts.push(await runPart(name, shared));
		const out = summary(parts, shared, { pack, own, buildMs, runStarted });
		process.stdout.write(`${out.join('\n')}\n`);
		process.exitCode = passedAll(parts) ? 0 : 1;
	} finally {
		await cleanUp(shared, fake, smtp);
	}
}

main().catch((error) => {
	process.stderr.write(`e2e: ERROR ${error && error.stack ? error.stack : error}\n`);
	killAll();
	process.exit(1);
});
