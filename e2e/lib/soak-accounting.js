'use strict';
/**
 * Where every prompt of the soak went, from two independent records: the executions n8n stored
 * in PostgreSQL (execution_entity, execution_data — `data` is n8n's `flatted` serialisation of the
 * run — and binary_data, where `N8N_DEFAULT_BINARY_DATA_MODE=database` keeps the images) and the
 * fake Segmind's log (requests, jobs, the faults it injected); and, beside them, the workers' logs
 * and the webhook answers.
 */
const path = require('node:path');

const { expectedFor } = require('./soak-faults');

const NODES = { webhook: 'Webhook', prompts: 'Prompts', flux: 'Flux Art Generator' };

/** The main output items of a node's first run in a parsed run, or [] when it did not run. */
function outputOf(runData, name) {
	const runs = runData && runData[name];
	return (runs && runs[0] && runs[0].data && runs[0].data.main && runs[0].data.main[0]) || [];
}

/** The executions of these n8n workflows, with their run data parsed (n8n's own `flatted`). */
async function readExecutions(client, n8nInstallDir, workflowIds) {
	const { parse } = require(path.join(n8nInstallDir, 'node_modules', 'flatted'));
	const { rows } = await client.query(
		`SELECT e.id, e."workflowId", e.status, e.finished, e.mode, e."startedAt", e."stoppedAt",
		        e."storedAt", d.data
		   FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
		  WHERE e."workflowId" = ANY($1) ORDER BY e.id`,
		[workflowIds],
	);
	return rows.map((row) => {
		const data = row.data ? parse(row.data) : undefined;
		const runData = data && data.resultData && data.resultData.runData;
		const body = (outputOf(runData, NODES.webhook)[0] || { json: {} }).json.body || {};
		return {
			id: String(row.id),
			workflowId: row.workflowId,
			status: row.status,
			finished: row.finished,
			mode: row.mode,
			storedAt: row.storedAt,
			startedAt: row.startedAt ? new Date(row.startedAt).getTime() : null,
			stoppedAt: row.stoppedAt ? new Date(row.stoppedAt).getTime() : null,
			dataBytes: row.data ? row.data.length : 0,
			run: body.run,
			prompts: outputOf(runData, NODES.prompts).map((item) => item.json.prompt),
			flux: outputOf(runData, NODES.flux),
			error: data && data.resultData && data.resultData.error,
		};
	});
}

/** The image bytes n8n keeps in binary_data, by the file IDs (`database:<uuid>`) items name. */
async function readBinaries(client, ids) {
	const fileIds = ids.map((id) => String(id).replace(/^database:/, ''));
	const found = new Map();
	for (let i = 0; i < fileIds.length; i += 200) {
		const { rows } = await client.query(
			'SELECT "fileId", "sourceId", data FROM binary_data WHERE "fileId" = ANY($1::uuid[])',
			[fileIds.slice(i, i + 200)],
		);
		for (const row of rows) found.set(`database:${row.fileId}`, row);
	}
	return found;
}

/**
 * One verdict per prompt. `slotsByPrompt`: prompt → { durationMs, fault }; `executions` from
 * readExecutions; `binaries` from readBinaries; `fake` the soak's FakeSegmind.
 */
function account({ slotsByPrompt, executions, binaries, fake }) {
	const itemsByPrompt = new Map();
	const outputRequestIds = new Set();
	for (const execution of executions) {
		execution.flux.forEach((item, index) => {
			// Continue On Fail keeps pairing: an error item names its input item, and so its prompt.
			const paired =
				item.pairedItem && (Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem);
			const prompt = execution.prompts[paired ? paired.item : index];
			if (!itemsByPrompt.has(prompt)) itemsByPrompt.set(prompt, []);
			itemsByPrompt.get(prompt).push({ item, execution: execution.id });
			if (item.json && item.json.request_id) outputRequestIds.add(item.json.request_id);
		});
	}
	const jobsByPrompt = new Map();
	for (const job of fake.jobs) {
		if (!jobsByPrompt.has(job.prompt)) jobsByPrompt.set(job.prompt, []);
		jobsByPrompt.get(job.prompt).push(job);
	}
	const injectedByPrompt = new Map();
	for (const injection of fake.injected) {
		if (!injectedByPrompt.has(injection.prompt)) injectedByPrompt.set(injection.prompt, []);
		injectedByPrompt.get(injection.prompt).push(injection);
	}
	const submitsByPrompt = new Map();
	for (const request of fake.requestsTo('submit')) {
		let prompt;
		try {
			prompt = JSON.parse(request.body).text_prompt;
		} catch {
			prompt = undefined;
		}
		submitsByPrompt.set(prompt, (submitsByPrompt.get(prompt) || 0) + 1);
	}
	// Jobs made by a submit whose answer was destroyed after Segmind took it: the node cannot know them.
	const droppedAfterAccept = new Set(
		fake.injected
			.filter((i) => i.route === 'submit' && i.response.afterAccept && i.requestId)
			.map((i) => i.requestId),
	);

	const verdicts = [];
	for (const [prompt, slot] of slotsByPrompt) {
		const items = itemsByPrompt.get(prompt) || [];
		const jobs = jobsByPrompt.get(prompt) || [];
		const injected = injectedByPrompt.get(prompt) || [];
		const verdict = {
			prompt,
			fault: slot.fault,
			expected: expectedFor(slot.fault),
			jobs: jobs.length,
			submits: submitsByPrompt.get(prompt) || 0,
			// A FAILED job is a scenario of the fake, not an injected answer: it fired if its job exists.
			faultFired: slot.fault
				? slot.fault.family === 'failed'
					? jobs.length > 0
					: injected.length === 1
				: injected.length === 0,
			execution: items[0] && items[0].execution,
		};
		verdict.problem = judge(verdict, items, jobs, injected, binaries, fake);
		const json = (items[0] && items[0].item.json) || {};
		verdict.outcome = items.length !== 1 ? 'missing' : json.error ? json.code || 'error' : 'image';
		verdict.accounted = verdict.problem === undefined;
		verdict.unexpected =
			verdict.accounted &&
			(verdict.outcome !== verdict.expected.outcome ||
				(verdict.expected.job !== undefined && Boolean(json.request_id) !== verdict.expected.job));
		verdicts.push(verdict);
	}
	const orphanJobs = fake.jobs.filter(
		(job) => !outputRequestIds.has(job.requestId) && !droppedAfterAccept.has(job.requestId),
	);
	return { verdicts, orphanJobs, droppedAfterAccept };
}

/** Why a prompt is not accounted for, or undefined when it is. */
function judge(verdict, items, jobs, injected, binaries, fake) {
	if (items.length !== 1) return `${items.length} output items (expected 1)`;
	if (jobs.length > 1) return `${jobs.length} jobs at the fake (submitted twice)`;
	const { item } = items[0];
	const json = item.json || {};
	const job = jobs[0];
	if (!json.error) {
		const binary = item.binary && item.binary.data;
		if (!job || json.request_id !== job.requestId)
			return `image item names request ${json.request_id}, the fake's job is ${job && job.requestId}`;
		if (!binary || !binary.id) return 'image item without binary data';
		const stored = binaries.get(binary.id);
		if (!stored) return `binary ${binary.id} not in binary_data`;
		if (!Buffer.from(stored.data).equals(fake.imageBytesFor(job.requestId)))
			return `binary ${binary.id} differs from the fake's image of ${job.requestId}`;
		return undefined;
	}
	if (typeof json.code !== 'string' || json.code === '')
		return `error item without a code: ${json.error}`;
	if (!job)
		return json.request_id ? `error item names ${json.request_id}, but no job was made` : undefined;
	if (json.request_id === job.requestId) return undefined;
	// The node reports a submit whose answer was lost as outcome-unknown, with no request ID: that
	// is right only when the fake destroyed exactly this prompt's submit after making its job.
	const dropped = injected.some(
		(i) => i.route === 'submit' && i.response.afterAccept && i.requestId === job.requestId,
	);
	if (dropped && !json.request_id && json.code === 'NETWORK') return undefined;
	return `error item names ${json.request_id}, the fake's job is ${job.requestId}`;
}

/**
 * For every injected 429 that asked for a wait (Retry-After seconds, or the absolute time in
 * x-rate-limit-reset-at-utc), when the node's next request of that prompt on that route came:
 * [{ prompt, route, header, askedMs, gapMs, early }] (`early`: sooner than asked, 50 ms aside for
 * timer granularity).
 */
function rateLimitWaits(fake) {
	const waits = [];
	for (const injection of fake.injected) {
		const headers = injection.response.headers || {};
		if (injection.response.status !== 429) continue;
		let askedUntil;
		let header;
		if (headers['retry-after'] !== undefined) {
			header = 'retry-after';
			askedUntil = injection.time + Number(headers['retry-after']) * 1000;
		} else if (headers['x-rate-limit-reset-at-utc'] !== undefined) {
			header = 'x-rate-limit-reset-at-utc';
			const value = headers['x-rate-limit-reset-at-utc'];
			askedUntil = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
		} else continue;
		const next = fake
			.requestsTo(injection.route)
			.find(
				(r) =>
					r.time > injection.time &&
					(injection.route === 'submit'
						? r.body.includes(JSON.stringify(injection.prompt))
						: r.path.includes(injection.requestId)),
			);
		const gapMs = next ? next.time - injection.time : null;
		waits.push({
			prompt: injection.prompt,
			route: injection.route,
			header,
			askedMs: askedUntil - injection.time,
			gapMs,
			early: next === undefined || next.time < askedUntil - 50,
		});
	}
	return waits;
}

/**
 * Jobs the node learned of but whose "Segmind accepted request <id> (execution N, item i, poll URL
 * <url>)" line
 * (info level, written as the submit is answered) is missing from the workers' logs, or names
 * another execution than the one whose output holds the request ID.
 */
function missingFromLogs(workers, executions, fake, dropped) {
	const logged = new Map();
	for (const w of workers)
		for (const m of w
			.output()
			.matchAll(/Segmind accepted request ([\w-]+) \(execution (\d+), item \d+, poll URL \S+\)/g))
			logged.set(m[1], [...(logged.get(m[1]) || []), m[2]]);
	const executionOf = new Map();
	for (const e of executions)
		for (const item of e.flux)
			if (item.json && item.json.request_id) executionOf.set(item.json.request_id, e.id);
	return fake.jobs.filter((job) => {
		if (dropped.has(job.requestId)) return false;
		const lines = logged.get(job.requestId) || [];
		return lines.length !== 1 || lines[0] !== executionOf.get(job.requestId);
	});
}

/** The images each webhook answer carried: whole, and the fake's bytes for the job it names. */
function checkAnswers(phases, fake) {
	const problems = [];
	let images = 0;
	for (const phase of phases)
		for (const answer of phase.answers) {
			const type = String(answer.headers['content-type'] || '');
			if (answer.status !== 200) problems.push(`${answer.run}: HTTP ${answer.status}`);
			else if (type.startsWith('image/')) {
				const requestId = answer.headers['x-request-id'];
				let bytes;
				try {
					bytes = fake.imageBytesFor(requestId);
				} catch {
					bytes = undefined;
				}
				if (bytes && bytes.equals(answer.body)) images++;
				else problems.push(`${answer.run}: image of ${requestId} differs from the fake's`);
			} else if (!/no_image/.test(answer.body.toString('utf8')))
				problems.push(`${answer.run}: neither an image nor no_image: ${type}`);
		}
	return { images, problems };
}

module.exports = {
	readExecutions,
	readBinaries,
	account,
	rateLimitWaits,
	missingFromLogs,
	checkAnswers,
};
