'use strict';
/**
 * The verdict of part "rate-queue": what n8n stored (the executions, their items, the images in
 * `binary_data`), the webhook answers, the workers' logs and the fake Segmind's request log. The
 * fake records no answer headers, so its account window is replayed over the log (the fake's own
 * RateWindow, the same arrival times in the same order): that gives what every answer said
 * (`x-rate-limit-remaining`, the reset time) and, for each 429, what its sender had read last.
 * The whole log, with those readings, goes to `fake.log` in the part's folder (E2E_KEEP=1).
 */
const fs = require('node:fs');
const path = require('node:path');

const { workersThatRan } = require('./queue-mode');
const { N8N_VERSION } = require('./setup');
const { seconds } = require('./text');

const FLUX = 'Flux Art Generator';
/** The issue's bound: at most 4 × 429 in all, over the 4 executions. */
const MAX_429 = 4;

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
};
/** sqlite keeps UTC times without a zone ("2026-01-01 10:00:00.123"). */
const dbTime = (value) => {
	if (value === null || value === undefined) return null;
	const text = String(value);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
};
const outputOf = (runData, name) => runData?.[name]?.[0]?.data?.main?.[0] ?? [];

/**
 * Every API request in arrival order, with its route, prompt, run (`e1`…) and what its answer
 * said: the fake's window replayed (`admitted`, `remaining`, `resetAt`). `replayAgrees` is false
 * if the replay refused other requests than the fake did.
 */
function apiLog(fake, RateWindow, plan, runOfPrompt) {
	const routeOf = new Map();
	for (const route of ['submit', 'poll', 'credits'])
		for (const request of fake.requestsTo(route)) routeOf.set(request, route);
	const jobs = new Map(fake.jobs.map((job) => [job.requestId, job]));
	const window = new RateWindow(plan);
	let replayAgrees = true;
	const entries = fake.requests
		.filter((request) => request.host === 'api')
		.map((request) => {
			const route = routeOf.get(request);
			let prompt;
			if (route === 'submit') {
				try {
					prompt = JSON.parse(request.body).text_prompt;
				} catch {
					prompt = undefined;
				}
			} else if (route === 'poll') {
				const id = request.path.split('?')[0].split('/').pop();
				prompt = jobs.get(id)?.prompt;
			}
			const counts = plan.counts === 'all' || route === 'submit';
			const answer = window.admit(request.time, counts);
			if (answer.admitted === Boolean(request.rateLimited)) replayAgrees = false;
			return { request, route, prompt, run: runOfPrompt.get(prompt), ...answer };
		});
	return { entries, replayAgrees };
}

/** Writes the fake's log with the replayed readings (no headers: they carry the key). */
function writeFakeLog(file, fake, entries, t0) {
	const at = (time) => `+${((time - t0) / 1000).toFixed(3)}s`;
	const byRequest = new Map(entries.map((e) => [e.request, e]));
	const lines = fake.requests.map((request) => {
		const e = byRequest.get(request);
		const head = `${new Date(request.time).toISOString()} ${at(request.time)} ${request.host} ${request.method} ${request.path}`;
		if (!e) return head;
		return `${head} ${e.route || '-'} ${e.run || '-'} ${e.admitted ? 'admitted' : '429'} remaining=${e.remaining} reset=${at(e.resetAt)}${e.prompt ? ` "${e.prompt}"` : ''}`;
	});
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Per job: its polls (answered and refused) and how late the first answered poll saw it done. */
function jobFigures(fake, entries) {
	return fake.jobs.map((job) => {
		const polls = entries.filter((e) => e.route === 'poll' && e.prompt === job.prompt);
		const answered = polls.filter((e) => e.admitted);
		const seen = answered.find((e) => e.request.time >= job.completesAt);
		return {
			job,
			polls: answered.length,
			refused: polls.length - answered.length,
			lateMs: seen ? seen.request.time - job.completesAt : null,
		};
	});
}

/**
 * Each execution's items against the fake: every item COMPLETED, its prompt's job, binary data
 * whose bytes in `binary_data` equal the fake's image. Returns per execution { id, run, status,
 * items, delivered, problems, startedAt, stoppedAt, error }.
 */
function deliveries(executions, binaries, fake) {
	const jobOf = new Map(fake.jobs.map((job) => [job.requestId, job]));
	return executions.map((execution) => {
		const runData = execution.data?.resultData?.runData;
		const body = outputOf(runData, 'Webhook')[0]?.json?.body ?? {};
		const prompts = outputOf(runData, 'Prompts').map((item) => item.json.prompt);
		const items = outputOf(runData, FLUX);
		const problems = [];
		let delivered = 0;
		items.forEach((item, index) => {
			const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
			const prompt = prompts[paired ? paired.item : index];
			const j = item.json ?? {};
			const job = jobOf.get(j.request_id);
			const binary = item.binary?.data;
			const bytes = binary && binaries.get(binary.id);
			let problem;
			if (j.error) problem = `error ${j.code || ''} ${j.error}`;
			else if (j.status !== 'COMPLETED') problem = `status ${j.status}`;
			else if (!job || job.prompt !== prompt) problem = `request_id ${j.request_id} is not its job`;
			else if (!bytes) problem = `no image in binary_data (binary ${JSON.stringify(binary)})`;
			else if (!bytes.equals(fake.imageBytesFor(job.requestId)))
				problem = `image bytes differ from the fake's ${job.requestId}`;
			if (problem) problems.push(`item ${index} "${prompt}": ${problem}`);
			else delivered++;
		});
		return {
			id: String(execution.id),
			run: body.run,
			status: execution.status,
			items: items.length,
			delivered,
			problems,
			startedAt: dbTime(execution.startedAt),
			stoppedAt: dbTime(execution.stoppedAt),
			error: execution.data?.resultData?.error?.message,
		};
	});
}

/**
 * One line per 429: when, what (route, prompt), which execution and worker sent it, what the
 * request answered just before it was told (whoever sent it), and what the sender's own previous
 * answered request was told (a few ms earlier, the two were in flight together: the sender had
 * not read it yet).
 */
function refusalLines(entries, t0, whereRun) {
	const at = (time) => `+${((time - t0) / 1000).toFixed(2)} s`;
	const reading = (e) =>
		e
			? `${at(e.request.time)} ${e.route} of ${whereRun(e.run)}: remaining ${e.remaining}, reset ${at(e.resetAt)}`
			: 'none';
	return entries.flatMap((e, i) => {
		if (e.admitted) return [];
		const before = entries.slice(0, i).reverse();
		const own = before.find((b) => b.run === e.run && b.admitted);
		return [
			`429 at ${at(e.request.time)}: ${e.route} "${e.prompt}" from ${whereRun(e.run)}; answered just before: ${reading(before[0])}; the sender's previous answered request: ${reading(own)}`,
		];
	});
}

/**
 * What the first window bought: its answered submits and checks, the checks that found their job
 * done, the refused requests; and the checks sent sooner after their job's submit than the
 * shortest job lasts (they could find nothing done).
 */
function firstWindow(entries, t0, jobs, shortestMs) {
	const end = entries.length ? entries[0].resetAt : t0;
	const inIt = entries.filter((e) => e.request.time < end);
	const submittedAt = new Map(jobs.map((j) => [j.job.prompt, j.job]));
	const checks = inIt.filter((e) => e.route === 'poll' && e.admitted);
	const found = checks.filter((e) => e.request.time >= submittedAt.get(e.prompt)?.completesAt);
	const early = entries.filter(
		(e) =>
			e.route === 'poll' && e.request.time - submittedAt.get(e.prompt)?.submittedAt < shortestMs,
	);
	return `first window (to +${((end - t0) / 1000).toFixed(1)} s): ${inIt.filter((e) => e.admitted && e.route === 'submit').length} submits and ${checks.length} checks answered (${found.length} found the job done), ${inIt.filter((e) => !e.admitted).length} refused; ${early.length} checks came sooner after their job's submit than the shortest job (${seconds(shortestMs)}) lasts`;
}

/** API requests per 10 s from the first one, and the 429s among them: "45 3 0 … | 429: …". */
function histogram(entries, t0) {
	const bins = [];
	const refused = [];
	for (const e of entries) {
		const bin = Math.floor((e.request.time - t0) / 10000);
		while (bins.length <= bin) {
			bins.push(0);
			refused.push(0);
		}
		bins[bin]++;
		if (!e.admitted) refused[bin]++;
	}
	return `API requests per 10 s: ${bins.join(' ')}${refused.some(Boolean) ? `; of them 429: ${refused.join(' ')}` : ''}`;
}

/** The executions: all success, the enqueued ones, each on one worker, all four at once. */
function executionProblems(ctx, delivered) {
	const { runs, answers, executionIds, q } = ctx;
	const problems = [];
	const ids = delivered.map((d) => d.id).sort();
	if (JSON.stringify(ids) !== JSON.stringify([...executionIds].sort()))
		problems.push(
			`executions in the database ${ids.join(', ')}, enqueued ${executionIds.join(', ')}`,
		);
	for (const d of delivered) {
		if (d.status !== 'success')
			problems.push(
				`execution #${d.id} (${d.run}): status ${d.status}${d.error ? `: ${d.error}` : ''}`,
			);
		const ran = workersThatRan(q.workers, d.id);
		if (ran.length !== 1) problems.push(`execution #${d.id} started on ${ran.length} workers`);
	}
	for (const w of q.workers) {
		const own = delivered.filter((d) => workersThatRan([w], d.id).length > 0).length;
		if (own !== runs.length / q.workers.length)
			problems.push(
				`worker ${w.index} ran ${own} executions, not ${runs.length / q.workers.length}`,
			);
	}
	const lastStart = Math.max(...delivered.map((d) => d.startedAt));
	const firstStop = Math.min(...delivered.map((d) => d.stoppedAt));
	if (!(lastStart < firstStop)) problems.push('the executions did not all run at once');
	for (const a of answers) {
		const body = a.body && typeof a.body === 'object' ? a.body : {};
		if (a.status !== 200 || body.items !== 10 || body.images !== 10)
			problems.push(`POST ${a.run}: HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
	}
	if (delivered.length !== runs.length) problems.push(`${delivered.length} executions stored`);
	return problems;
}

/** Each prompt: one job and one answered submit (a refused submit sent again is not a second). */
function submitProblems(fake, runs, entries) {
	const problems = [];
	for (const prompt of runs.flatMap((r) => r.prompts)) {
		const jobs = fake.jobs.filter((job) => job.prompt === prompt).length;
		const submits = entries.filter((e) => e.route === 'submit' && e.prompt === prompt);
		const answered = submits.filter((e) => e.admitted).length;
		if (jobs !== 1 || answered !== 1)
			problems.push(
				`"${prompt}": ${jobs} jobs, ${answered} answered submits (${submits.length} sent)`,
			);
	}
	const extra = fake.jobs.length - runs.length * runs[0].prompts.length;
	if (extra > 0) problems.push(`${extra} jobs more than prompts`);
	return problems;
}

/** The key: on every API request (the refused ones too), on no image request, in no n8n log. */
function keyProblems(fake, daemons) {
	const problems = [];
	for (const request of fake.requests) {
		const key = request.headers['x-api-key'];
		const authorization = String(request.headers.authorization || '');
		if (request.host === 'api' && key !== fake.apiKey)
			problems.push(`${request.method} ${request.path} on the API host without the key`);
		if (request.host !== 'api' && (key !== undefined || authorization.includes(fake.apiKey)))
			problems.push(`${request.method} ${request.path}: the key went to the image host`);
	}
	for (const d of daemons)
		if (d.output().includes(fake.apiKey)) problems.push(`the key is in ${d.name}'s log`);
	return problems;
}

/** The part's checks and summary lines. */
function report(ctx) {
	const { fake, RateWindow, plan, seed, runs, executions, binaries, postedAt, wallMs, q } = ctx;
	const runOfPrompt = new Map(runs.flatMap((r) => r.prompts.map((p) => [p, r.run])));
	const { entries, replayAgrees } = apiLog(fake, RateWindow, plan, runOfPrompt);
	const t0 = entries.length ? entries[0].request.time : postedAt;
	writeFakeLog(path.join(q.instance.workDir, 'fake.log'), fake, entries, t0);
	const delivered = deliveries(executions, binaries, fake);
	const byRun = new Map(delivered.map((d) => [d.run, d]));
	const whereRun = (run) => {
		const d = byRun.get(run);
		const ran = d ? workersThatRan(q.workers, d.id).map((w) => w.index) : [];
		return d ? `#${d.id} (${run}, worker ${ran.join('+') || '?'})` : `${run || '?'}`;
	};
	const prompts = runs.length * runs[0].prompts.length;
	const images = delivered.reduce((s, d) => s + d.delivered, 0);
	const jobs = jobFigures(fake, entries);
	const polls = jobs.map((j) => j.polls + j.refused);
	const late = jobs.map((j) => j.lateMs).filter((ms) => ms !== null);
	const imageTimes = fake.requestsTo('image').map((r) => r.time);
	const count = (route) => entries.filter((e) => e.route === route).length;
	const figures = {
		wall: `wall ${seconds(wallMs)} (4 POSTs → last answer; first API request → last image ${seconds((imageTimes.length ? Math.max(...imageTimes) : t0) - t0)})`,
		requests: `${entries.length} API requests (${count('submit')} submits, ${count('poll')} polls, ${count('credits')} credits, ${entries.length - count('submit') - count('poll') - count('credits')} other)`,
		polls: `polls per job ${(polls.reduce((s, n) => s + n, 0) / Math.max(1, polls.length)).toFixed(2)} (${Math.min(...polls)}–${Math.max(...polls)}), seen done a median ${seconds(median(late))} after the job's end`,
	};
	const checks = [];
	const check = (name, problems) =>
		checks.push({ name: `rate-queue: ${name}`, ok: problems.length === 0, ms: 0, problems });
	check(
		`${runs.length} executions ran at once on ${q.workers.length} workers, each ended in success`,
		executionProblems(ctx, delivered),
	);
	const perRun = runs[0].prompts.length;
	check(
		`${images}/${prompts} images delivered, ${prompts - images} failed (${figures.wall})`,
		delivered
			.filter((d) => d.items !== perRun)
			.map((d) => `execution #${d.id}: ${d.items} items, not ${perRun}`)
			.concat(delivered.flatMap((d) => d.problems))
			.concat(images === prompts ? [] : [`${images} delivered`]),
	);
	check(
		`${fake.rateLimited} × 429 in all (≤ ${MAX_429}); ${figures.requests}; ${figures.polls}`,
		fake.rateLimited <= MAX_429 ? [] : [`${fake.rateLimited} × 429, more than ${MAX_429}`],
	);
	check(
		`each prompt submitted exactly once (${fake.jobs.length} jobs)`,
		submitProblems(fake, runs, entries),
	);
	check('the API key only on the API host, in no n8n log', keyProblems(fake, q.daemons));
	return finish({ ...ctx, checks, entries, t0, delivered, whereRun, replayAgrees, jobs, seed });
}

/** Summary lines, the PASS/FAIL lines (also logged), and the run's result. */
function finish(ctx) {
	const { checks, entries, t0, delivered, whereRun, replayAgrees, jobs, plan, seed, durations, q } =
		ctx;
	const lines = [];
	const spans = [...durations.values()];
	lines.push(
		`n8n ${N8N_VERSION} queue mode: redis-server ${q.redis.version}, main + ${q.workers.length} workers × concurrency ${ctx.concurrency}, N8N_DEFAULT_BINARY_DATA_MODE=database; the node at its defaults`,
	);
	lines.push(
		`fake plan ${plan.limit}/min ${plan.window}, counts ${plan.counts}, headers ${plan.headers}; jobs ${seconds(Math.min(...spans))}–${seconds(Math.max(...spans))} (seed ${seed})`,
	);
	for (const d of delivered)
		lines.push(
			`  execution ${whereRun(d.run)}: ${d.status}, ${d.delivered}/${d.items} images, ${seconds((d.stoppedAt || 0) - (d.startedAt || 0))}`,
		);
	lines.push(`  ${histogram(entries, t0)}`);
	lines.push(...refusalLines(entries, t0, whereRun).map((line) => `  ${line}`));
	lines.push(`  ${firstWindow(entries, t0, jobs, Math.min(...spans))}`);
	if (!replayAgrees)
		lines.push(
			'  note: the replayed window refused other requests than the fake did: readings approximate',
		);
	for (const c of checks) {
		const line = `${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.ok ? '' : `: ${c.problems.slice(0, 8).join('; ')}`}`;
		lines.push(line);
		process.stdout.write(`e2e: ${line}\n`);
		if (!c.ok) c.error = new Error(c.problems.slice(0, 8).join('; '));
	}
	return { checks, lines, expected: checks.length };
}

module.exports = { report };
