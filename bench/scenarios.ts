/**
 * The speed scenarios of `npm run bench`: each runs the built node in n8n's engine and the peers'
 * strategies side by side, every one against a fake Segmind of its own with the same seeded jobs.
 */
import type { IDataObject } from 'n8n-workflow';

import { FakeSegmind } from '../test/fake-segmind';
import type { FakeSegmindOptions } from '../test/fake-segmind';
import { runFluxNode } from '../test/harness/run-node';
import { runClient } from './clients';
import type { Strategy } from './clients';
import { percentile, segmindDurations, uniformDurations } from './mix';

export interface LatenessFigures {
	median_ms: number;
	p95_ms: number;
	polls_per_job: number;
}

/** A fake whose jobs take the given durations, one per prompt. */
export async function fakeFor(
	prompts: string[],
	durations: number[],
	options: FakeSegmindOptions = {},
) {
	const byPrompt = new Map(prompts.map((prompt, i) => [prompt, durations[i]]));
	const fake = new FakeSegmind({
		credits: 1_000_000,
		durationOf: (prompt) => byPrompt.get(prompt),
		...options,
	});
	await fake.start();
	return fake;
}

/** The node, as shipped, in the engine. */
async function runNode(
	fake: FakeSegmind,
	prompts: string[],
	options: IDataObject,
): Promise<number> {
	const started = Date.now();
	const result = await runFluxNode({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: '={{ $json.prompt }}',
			downloadImage: false,
			options: { timeout: 900, ...options },
		},
		items: prompts.map((prompt) => ({ prompt })),
	});
	if (result.error)
		throw new Error(`the node failed in the bench: ${String(result.error.message)}`);
	return Date.now() - started;
}

/**
 * How late each job was seen done (ms), and the polls it took (refused ones too), from the fake's
 * own log. A poll the account's plan refused (429) reported nothing, so it never counts as seeing
 * the job done.
 */
export function jobLateness(fake: FakeSegmind): { lateMs: number[]; polls: number } {
	const polls = fake.requestsTo('poll');
	const lateMs: number[] = [];
	let pollCount = 0;
	for (const job of fake.jobs) {
		const mine = polls.filter((poll) => poll.path.includes(job.requestId));
		pollCount += mine.length;
		const seen = mine.find((poll) => poll.time >= job.completesAt && !poll.rateLimited);
		if (seen) lateMs.push(seen.time - job.completesAt);
	}
	return { lateMs, polls: pollCount };
}

/** Lateness (completion to the first poll that saw it) and polls per job, from the fake's own log. */
export function latenessOf(fake: FakeSegmind): LatenessFigures {
	const { lateMs, polls } = jobLateness(fake);
	return {
		median_ms: Math.round(percentile(lateMs, 0.5)),
		p95_ms: Math.round(percentile(lateMs, 0.95)),
		polls_per_job: Math.round((polls / fake.jobs.length) * 100) / 100,
	};
}

const promptsFor = (name: string, count: number) =>
	Array.from({ length: count }, (_, i) => `${name} job ${i}`);

export type LatenessResult = Record<
	'ours' | 'fixed_2s' | 'fixed_5s' | 'fixed_7s' | 'oracle',
	LatenessFigures
>;

export async function latenessScenario(scale: number): Promise<LatenessResult> {
	const prompts = promptsFor('lateness', 30);
	const durations = segmindDurations(30, 20261125, scale);
	const strategies: Array<[keyof LatenessResult, Strategy | 'node']> = [
		['ours', 'node'],
		['fixed_2s', { kind: 'fixed', everyMs: 2_000 * scale }],
		['fixed_5s', { kind: 'fixed', everyMs: 5_000 * scale }],
		['fixed_7s', { kind: 'fixed', everyMs: 7_000 * scale }],
		['oracle', { kind: 'oracle' }],
	];
	const figures = await Promise.all(
		strategies.map(async ([name, strategy]) => {
			const fake = await fakeFor(prompts, durations);
			try {
				if (strategy === 'node')
					await runNode(fake, prompts, { concurrency: 5, pollInterval: 5 * scale });
				else await runClient(fake, prompts, strategy, 5);
				return [name, latenessOf(fake)] as const;
			} finally {
				await fake.stop();
			}
		}),
	);
	return Object.fromEntries(figures) as LatenessResult;
}

export interface ThroughputResult {
	wall_ms: number;
	ideal_ms: number;
	sequential_ms: number;
}

export async function throughputScenario(scale: number): Promise<ThroughputResult> {
	const prompts = promptsFor('throughput', 100);
	const durations = uniformDurations(100, 42, 1_000, 3_000, scale);
	const run = async (how: 'ours' | 'ideal' | 'sequential') => {
		const fake = await fakeFor(prompts, durations, { capacity: 10 });
		try {
			if (how === 'ideal') return await runClient(fake, prompts, { kind: 'oracle' }, 10);
			return await runNode(fake, prompts, {
				concurrency: how === 'ours' ? 10 : 1,
				pollInterval: 5 * scale,
			});
		} finally {
			await fake.stop();
		}
	};
	const [wall, ideal, sequential] = await Promise.all([
		run('ours'),
		run('ideal'),
		run('sequential'),
	]);
	return { wall_ms: wall, ideal_ms: ideal, sequential_ms: sequential };
}

export interface RateBudgetResult {
	ours: { wall_ms: number; http_429: number };
	fixed_2s: { wall_ms: number; http_429: number };
}

export async function rateBudgetScenario(scale: number): Promise<RateBudgetResult> {
	const prompts = promptsFor('budget', 20);
	const durations = segmindDurations(20, 7, scale);
	const run = async (how: 'ours' | 'fixed_2s') => {
		const fake = await fakeFor(prompts, durations, { rateLimitPerMinute: 50 });
		try {
			const wall =
				how === 'ours'
					? await runNode(fake, prompts, {
							concurrency: 5,
							maxRequestsPerMinute: 50,
							pollInterval: 5 * scale,
						})
					: await runClient(
							fake,
							prompts,
							{ kind: 'fixed', everyMs: 2_000 * scale, retry429Ms: 2_000 },
							5,
						);
			return { wall_ms: wall, http_429: fake.rateLimited };
		} finally {
			await fake.stop();
		}
	};
	const [ours, fixed] = await Promise.all([run('ours'), run('fixed_2s')]);
	return { ours, fixed_2s: fixed };
}
