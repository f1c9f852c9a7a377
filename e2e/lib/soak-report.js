'use strict';
/**
 * The soak's verdict: reads what n8n stored in PostgreSQL, accounts for every prompt against the
 * fake's log (soak-accounting.js), looks for the API key in the database and every process's log,
 * checks the executions (finished, in time, on which worker, overlapping) and the images the
 * Respond node sent, and turns it all into the suite's checks, an outcome table and one JSON line.
 * Nothing here prints the API key: leaks are counted, with where they were found.
 */
const {
	readExecutions,
	readBinaries,
	account,
	rateLimitWaits,
	missingFromLogs,
	checkAnswers,
} = require('./soak-accounting');
const { FAMILY_NAMES, describeFault } = require('./soak-faults');
const { EXECUTION_TIMEOUT_S, REQUEST_TIMEOUT_S } = require('./soak-run');
const { executionsLogged } = require('./queue-mode');
const { N8N_VERSION } = require('./setup');
const { seconds } = require('./text');

const round1 = (x) => Math.round(x * 10) / 10;

/** Executions per minute of a phase: its executions over first start → last stop (PostgreSQL). */
function perMinute(executions) {
	const starts = executions.map((e) => e.startedAt).filter(Boolean);
	const stops = executions.map((e) => e.stoppedAt).filter(Boolean);
	if (starts.length === 0 || stops.length === 0) return { perMinute: 0, spanMs: 0 };
	const spanMs = Math.max(...stops) - Math.min(...starts);
	return { perMinute: round1((executions.length / spanMs) * 60000), spanMs };
}

/** Where the key appears: names of the places (the database dump, each process's log). */
function keyLeaks(apiKey, places) {
	const hex = Buffer.from(apiKey, 'utf8').toString('hex'); // as bytea would show it in a dump
	return places.filter(([, text]) => text.includes(apiKey) || text.includes(hex)).map(([n]) => n);
}

function outcomeTable(verdicts) {
	const lines = [];
	const families = ['none', ...FAMILY_NAMES];
	lines.push('fault family        prompts  accounted  outcomes (unexpected)');
	for (const family of families) {
		const rows = verdicts.filter((v) => (v.fault ? v.fault.family : 'none') === family);
		if (rows.length === 0) {
			lines.push(`${family.padEnd(19)} ${'0'.padStart(7)}`);
			continue;
		}
		const outcomes = {};
		for (const v of rows) outcomes[v.outcome] = (outcomes[v.outcome] || 0) + 1;
		const unexpected = rows.filter((v) => v.unexpected).length;
		lines.push(
			`${family.padEnd(19)} ${String(rows.length).padStart(7)}  ${`${rows.filter((v) => v.accounted).length}/${rows.length}`.padStart(9)}  ${Object.entries(
				outcomes,
			)
				.map(([k, n]) => `${k} ${n}`)
				.join(', ')}${unexpected ? ` (${unexpected} unexpected)` : ''}`,
		);
	}
	return lines;
}

/** What n8n stored (from PostgreSQL) and what the fake saw, prompt by prompt; the key's leaks. */
async function gather(ctx) {
	const { apiKey, fake, phases, slotsByPrompt, client, pg, redis, main, workers } = ctx;
	const executions = await readExecutions(
		client,
		ctx.installDir,
		phases.map((p) => p.workflowId),
	);
	const binaryIds = executions.flatMap((e) =>
		e.flux.map((item) => item.binary && item.binary.data && item.binary.data.id).filter(Boolean),
	);
	const binaries = await readBinaries(client, binaryIds);
	const { verdicts, orphanJobs, droppedAfterAccept } = account({
		slotsByPrompt,
		executions,
		binaries,
		fake,
	});
	const dump = await pg.dump();
	const leaks = keyLeaks(apiKey, [
		["PostgreSQL (pg_dump of n8n's database)", dump],
		['postgres log', pg.output()],
		['redis log', redis.output()],
		['main log', main.output()],
		...workers.map((w) => [`worker ${w.index} log`, w.output()]),
		['fake log', ctx.fakeLog],
	]);
	const workerOf = new Map();
	for (const w of workers)
		for (const id of executionsLogged(w.output(), 'Worker started').keys())
			workerOf.set(id, w.index);
	return { executions, verdicts, orphanJobs, droppedAfterAccept, leaks, workerOf };
}

/** Per phase: its executions, the hung or missing ones, the workers that ran them, the rate. */
function phaseFiguresOf(phases, executions, workerOf) {
	return phases.map((phase) => {
		const own = executions.filter((e) => e.workflowId === phase.workflowId);
		const hung = own.filter(
			(e) =>
				e.status !== 'success' ||
				!e.finished ||
				!e.stoppedAt ||
				e.stoppedAt - e.startedAt > EXECUTION_TIMEOUT_S * 1000,
		);
		const missing = phase.runs.filter((r) => !own.some((e) => e.run === r.run));
		const ran = new Set(own.map((e) => workerOf.get(e.id)).filter(Boolean));
		const overlaps = own.some((a) =>
			own.some(
				(b) =>
					workerOf.get(a.id) !== workerOf.get(b.id) &&
					a.startedAt < b.stoppedAt &&
					b.startedAt < a.stoppedAt,
			),
		);
		const durations = own.map((e) => e.stoppedAt - e.startedAt).sort((a, b) => a - b);
		return {
			phase,
			own,
			hung: hung.length + missing.length,
			ran,
			overlaps,
			durations,
			...perMinute(own),
		};
	});
}

/** The soak's figures, from what gather() found. */
function figuresOf(ctx, found) {
	const { phases, fake, workers } = ctx;
	const { executions, verdicts, droppedAfterAccept, workerOf } = found;
	const phaseFigures = phaseFiguresOf(phases, executions, workerOf);
	const waits = rateLimitWaits(fake);
	const one = phaseFigures.find((f) => f.phase.workers === 1);
	const two = phaseFigures.find((f) => f.phase.workers === 2);
	return {
		...found,
		phaseFigures,
		hung: phaseFigures.reduce((s, f) => s + f.hung, 0),
		accounted: verdicts.filter((v) => v.accounted).length,
		duplicates: verdicts.reduce((s, v) => s + Math.max(0, v.jobs - 1), 0),
		planned: verdicts.filter((v) => v.fault).length,
		fired: verdicts.filter((v) => v.fault && v.faultFired).length,
		strayFaults: verdicts.filter((v) => !v.fault && !v.faultFired).length,
		answers: checkAnswers(phases, fake),
		one,
		two,
		storedInDb: executions.every((e) => e.storedAt === 'db'),
		unlogged: missingFromLogs(workers, executions, fake, droppedAfterAccept),
		waits,
		early: waits.filter((w) => w.early),
		ratio: one && two && one.perMinute > 0 ? two.perMinute / one.perMinute : null,
	};
}

/** Every prompt accounted for, once, and the key nowhere. */
function accountingChecks(f, check) {
	const { verdicts, accounted, duplicates, orphanJobs, leaks, hung } = f;
	check(
		`every prompt accounted for (${accounted}/${verdicts.length})`,
		accounted === verdicts.length,
		verdicts
			.filter((v) => !v.accounted)
			.slice(0, 10)
			.map((v) => `"${v.prompt}" [${describeFault(v.fault)}]: ${v.problem}`)
			.join('; '),
	);
	check('no accepted job submitted twice', duplicates === 0, `${duplicates} duplicate jobs`);
	check(
		'no job whose request ID reaches no output (dropped-after-accept aside)',
		orphanJobs.length === 0,
		`${orphanJobs.length} orphan jobs: ${orphanJobs
			.slice(0, 5)
			.map((j) => `${j.requestId} ("${j.prompt}")`)
			.join(', ')}`,
	);
	check(
		'the API key in no database table and no log',
		leaks.length === 0,
		`found in: ${leaks.join(', ')}`,
	);
	check(
		`every execution finished (success) within ${EXECUTION_TIMEOUT_S} s`,
		hung === 0,
		`${hung} not finished, failed, late or missing`,
	);
}

/** The faults, the answers, the logs, the 429 waits, where the data went. */
function behaviourChecks(f, check) {
	const { fired, planned, strayFaults, answers, unlogged, waits, early } = f;
	check(
		`every planned fault fired once, and no other (${fired}/${planned})`,
		fired === planned && strayFaults === 0,
		`${planned - fired} planned faults did not fire, ${strayFaults} prompts got a fault not planned`,
	);
	check(
		'webhook answers: the Respond node sent each image whole (main read it from the database)',
		answers.problems.length === 0,
		answers.problems.slice(0, 5).join('; '),
	);
	check(
		'every job the node learned of is in its worker\'s log ("Segmind accepted request"), under its execution',
		unlogged.length === 0,
		`${unlogged.length} jobs not logged so: ${unlogged
			.slice(0, 5)
			.map((j) => j.requestId)
			.join(', ')}`,
	);
	check(
		`every 429 that asked for a wait was retried no sooner (${waits.length - early.length}/${waits.length})`,
		early.length === 0,
		early
			.slice(0, 5)
			.map(
				(w) =>
					`"${w.prompt}" ${w.route}: ${w.header} asked ${w.askedMs} ms, retried after ${w.gapMs} ms`,
			)
			.join('; '),
	);
	check(
		'execution data stored in the database (storedAt db)',
		f.storedInDb,
		'an execution is stored elsewhere',
	);
}

/** With two workers: both ran executions, at the same time; against one: the speed-up. */
function scaleChecks({ one, two, ratio }, check) {
	if (two) {
		check(
			`both workers ran executions (${[...two.ran].map((w) => `worker ${w}`).join(', ')})`,
			two.ran.size === 2,
			`only ${[...two.ran].join(', ') || 'none'}`,
		);
		check('executions on the two workers overlapped in time', two.overlaps, 'no overlap');
	}
	if (ratio !== null)
		check(
			`two workers ≥ 1.8× one (${ratio.toFixed(2)}×)`,
			ratio >= 1.8,
			`${two.perMinute}/min with two workers, ${one.perMinute}/min with one: ${ratio.toFixed(2)}×`,
		);
}

/** The part's lines for the summary. */
function reportLines(ctx, f, checks) {
	const { seed, fake, pg, redis, workers } = ctx;
	const { verdicts, executions, planned, fired, one, two, ratio, waits } = f;
	const lines = [
		`PostgreSQL ${pg.version} (DB_TYPE=postgresdb) and redis-server ${redis.version} started by the suite; n8n ${N8N_VERSION} main + ${workers.length} × \`n8n worker --concurrency=1\`; N8N_DEFAULT_BINARY_DATA_MODE=database; setup ${seconds(ctx.setupMs)}`,
		`seed ${seed}; ${verdicts.length} prompts in ${executions.length} webhook executions; Request Timeout ${REQUEST_TIMEOUT_S} s, fake jobs 1–4 s; ${planned} faults planned (${((planned / verdicts.length) * 100).toFixed(1)}%), ${fired} fired`,
	];
	for (const p of f.phaseFigures)
		lines.push(
			`phase ${p.phase.index}: ${p.phase.workers} worker(s), ${p.own.length} executions × ${p.phase.items} prompts: ${p.perMinute} executions/min (${seconds(p.spanMs)} first start → last stop; each ${seconds(p.durations[0] || 0)}–${seconds(p.durations.at(-1) || 0)}, median ${seconds(p.durations[Math.floor(p.durations.length / 2)] || 0)}); workers ${[...p.ran].sort().join(', ')}; wall ${seconds(p.phase.wallMs)}`,
		);
	if (!one) lines.push('scale-out (one worker against two) is left to the full soak: npm run soak');
	lines.push(...outcomeTable(verdicts));
	const fakeFigures = ['submit', 'poll', 'image']
		.map((r) => `${fake.requestsTo(r).length} ${r}s`)
		.join(', ');
	lines.push(
		`fake: ${fake.jobs.length} jobs, ${fakeFigures}; ${f.droppedAfterAccept.size} jobs dropped after accept (the node cannot know them); ${f.answers.images} webhook answers carried an image, bytes equal to the fake's`,
	);
	if (waits.length > 0) {
		const late = waits
			.filter((w) => w.gapMs !== null)
			.map((w) => w.gapMs - w.askedMs)
			.sort((a, b) => a - b);
		lines.push(
			`429s that asked for a wait (Retry-After, x-rate-limit-reset-at-utc): ${waits.length}; retried ${late[0]}–${late.at(-1)} ms after the time asked (median ${late[Math.floor(late.length / 2)]} ms)`,
		);
	}
	lines.push(
		`accounted ${f.accounted}/${verdicts.length}; duplicate submits ${f.duplicates}; orphan jobs ${f.orphanJobs.length}; key leaks ${f.leaks.length}; hung ${f.hung}; executions/min: one worker ${one ? one.perMinute : 'not measured'}, two workers ${two ? two.perMinute : 'not measured'}${ratio !== null ? ` (${ratio.toFixed(2)}×)` : ''}`,
	);
	for (const v of verdicts.filter((x) => x.unexpected).slice(0, 10))
		lines.push(
			`  unexpected: "${v.prompt}" [${describeFault(v.fault)}] → ${v.outcome}, expected ${v.expected.outcome}`,
		);
	for (const c of checks)
		lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.ok ? '' : `: ${c.note}`}`);
	return lines;
}

async function report(ctx) {
	const { size, seed } = ctx;
	const f = figuresOf(ctx, await gather(ctx));
	const checks = [];
	const check = (name, ok, note) =>
		checks.push({
			name: `soak: ${name}`,
			ok,
			ms: 0,
			note,
			error: ok ? undefined : new Error(note),
		});
	accountingChecks(f, check);
	behaviourChecks(f, check);
	scaleChecks(f, check);
	const lines = reportLines(ctx, f, checks);
	const json = {
		soak: {
			prompts: f.verdicts.length,
			accounted: f.accounted,
			duplicate_submits: f.duplicates,
			key_leaks: f.leaks.length,
			hung: f.hung,
			faults_injected: f.fired,
			per_minute_1_worker: f.one ? f.one.perMinute : null,
			per_minute_2_workers: f.two ? f.two.perMinute : null,
			seed,
		},
	};
	return { checks, lines, expected: checks.length, json, size };
}

module.exports = { report };
