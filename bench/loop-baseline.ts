/**
 * Against the baseline users build today without the node: 10 prompts through a hand-built
 * HTTP Request → Wait → HTTP Request → IF loop and through the node, in the same real n8n (the
 * e2e suite's n8n 2.8.4, installed into its cache on first use), against the same fake.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

interface Side {
	wall_ms: number;
	requests: number;
	execution_bytes: number;
}

export interface LoopBaseline {
	node: Side;
	loop: Side;
	n8n_version: string;
}

export async function loopBaseline(): Promise<LoopBaseline> {
	const root = path.join(__dirname, '..', '..');
	const { stdout } = await run(
		process.execPath,
		[path.join(root, 'e2e', 'run.js'), '--baseline-only'],
		{
			cwd: root,
			env: { ...process.env, E2E_SKIP_BUILD: '1' },
			maxBuffer: 64 * 1024 * 1024,
			timeout: 1_200_000,
		},
	);
	const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"n8n_loop_baseline"'));
	if (!line) throw new Error('the e2e baseline printed no result line');
	return (JSON.parse(line) as { n8n_loop_baseline: LoopBaseline }).n8n_loop_baseline;
}

export function printLoopBaseline(result: LoopBaseline): void {
	const faster = result.loop.wall_ms / result.node.wall_ms;
	console.log(
		`Against the hand-built loop: 10 prompts in a real n8n ${result.n8n_version}, the same fake`,
	);
	console.log(
		`  node  ${(result.node.wall_ms / 1000).toFixed(1)} s, ${result.node.requests} requests, execution data ${result.node.execution_bytes} B`,
	);
	console.log(
		`  loop  ${(result.loop.wall_ms / 1000).toFixed(1)} s, ${result.loop.requests} requests, execution data ${result.loop.execution_bytes} B`,
	);
	console.log(
		`  loop / node wall time ${faster.toFixed(2)}x (goal >= 5: ${faster >= 5 ? 'met' : 'NOT met'}), fewer requests: ${result.node.requests < result.loop.requests ? 'met' : 'NOT met'}`,
	);
}
