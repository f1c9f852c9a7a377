/**
 * Scenario A, `lateness_single`: one item per execution, each execution the first run of a
 * workflow of its own, so the node has learned nothing; the node at its default options against a
 * fixed 2 s poller on the same jobs. Defaults are what a new user gets, so nothing here is scaled.
 */
import type { FakeSegmind } from '../test/fake-segmind';
import { runFluxNode } from '../test/harness/run-node';
import { runClient } from './clients';
import { spreadDurations } from './mix';
import { fakeFor, latenessOf } from './scenarios';
import type { LatenessFigures } from './scenarios';

const EXECUTIONS = 12;
const LOW_MS = 6_000;
const HIGH_MS = 14_000;

const LATENESS_SINGLE_GOALS = { median: 0.5, p95: 1.0, polls: 1.2 };

export interface LatenessSingleResult {
	ours: LatenessFigures;
	fixed_2s: LatenessFigures;
}

/**
 * All executions at once, to keep the bench short: each still sees one item, and lateness is per
 * job from the fake's log, so running them side by side does not change what is measured.
 */
async function runExecutions(fake: FakeSegmind, prompts: string[]): Promise<void> {
	await Promise.all(
		prompts.map(async (prompt, i) => {
			const result = await runFluxNode({
				credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
				parameters: { textPrompt: '={{ $json.prompt }}', downloadImage: false },
				items: [{ prompt }],
				// A workflow id of its own, so nothing one execution learns reaches another.
				workflowId: `bench-single-${i}`,
			});
			if (result.error)
				throw new Error(`the node failed in lateness_single: ${String(result.error.message)}`);
		}),
	);
}

export async function latenessSingleScenario(): Promise<LatenessSingleResult> {
	const prompts = Array.from({ length: EXECUTIONS }, (_, i) => `single job ${i}`);
	const durations = spreadDurations(EXECUTIONS, 20260301, LOW_MS, HIGH_MS);
	const measure = async (how: 'ours' | 'fixed_2s') => {
		const fake = await fakeFor(prompts, durations);
		try {
			if (how === 'ours') await runExecutions(fake, prompts);
			else await runClient(fake, prompts, { kind: 'fixed', everyMs: 2_000 }, prompts.length);
			return latenessOf(fake);
		} finally {
			await fake.stop();
		}
	};
	const [ours, fixed] = await Promise.all([measure('ours'), measure('fixed_2s')]);
	return { ours, fixed_2s: fixed };
}

const ms = (value: number) => `${Math.round(value)} ms`.padStart(9);
const ratio = (label: string, value: number, goal: number) =>
	`${label} ${value.toFixed(2)}x (goal <= ${goal}: ${value <= goal ? 'met' : 'NOT met'})`;

export function printLatenessSingle(result: LatenessSingleResult): void {
	console.log(
		`Lateness, single item (A): ${EXECUTIONS} executions of 1 item, each a workflow's first run, jobs ${LOW_MS / 1000}-${HIGH_MS / 1000} s, all at once`,
	);
	console.log(`  ${'policy'.padEnd(34)}   median       p95   polls/job`);
	const rows: Array<[string, LatenessFigures]> = [
		['ours (defaults, nothing learned)', result.ours],
		['fixed 2 s (Segmind SDK)', result.fixed_2s],
	];
	for (const [name, figures] of rows)
		console.log(
			`  ${name.padEnd(34)}${ms(figures.median_ms)} ${ms(figures.p95_ms)}   ${figures.polls_per_job.toFixed(2).padStart(6)}`,
		);
	const { ours, fixed_2s: fixed } = result;
	console.log(
		`  ours / fixed 2 s: ${[
			ratio('median', ours.median_ms / fixed.median_ms, LATENESS_SINGLE_GOALS.median),
			ratio('p95', ours.p95_ms / fixed.p95_ms, LATENESS_SINGLE_GOALS.p95),
			ratio('polls', ours.polls_per_job / fixed.polls_per_job, LATENESS_SINGLE_GOALS.polls),
		].join(', ')}`,
	);
}
