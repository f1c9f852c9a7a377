/**
 * The workflows of the loop baseline, built with the e2e suite's own helpers (e2e/lib, plain
 * CommonJS), so the bench drives the same n8n install, the same package install and the same loop
 * the e2e checks.
 */
import { randomUUID } from 'crypto';
import * as path from 'path';

export interface Execution {
	code: number;
	stdout: string;
	stderr: string;
	run?: { status: string; startedAt: string; stoppedAt: string };
}

interface N8nDriver {
	importWorkflows(workflows: unknown[]): Promise<unknown>;
	execute(id: string, options: { timeoutMs: number }): Promise<Execution>;
}

interface Credential {
	id: string;
	name: string;
}

type WorkflowNode = { name: string; [key: string]: unknown };
type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: string; index: number }>> }
>;
interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Connections;
}

interface E2eLib {
	setup: { N8N_VERSION: string; packPackage(tmp: string): Promise<unknown> };
	env: {
		prepareN8n(
			shared: object,
			options: { label: string },
		): Promise<{ n8n: N8nDriver; credentials: { segmind: Credential } }>;
	};
	workflows: {
		workflow(id: string, name: string, nodes: unknown[], connections: Connections): Workflow;
		manualTrigger(): WorkflowNode;
		promptsNode(prompts: string[]): WorkflowNode;
		fluxNode(credential: Credential): WorkflowNode;
		chain(...names: string[]): Connections;
		handBuiltLoop(baseUrl: string, apiKey: string, prompts: string[], wait: number): Workflow;
	};
	baseline: { PROMPTS: string[] };
}

const E2E_LIB = path.join(__dirname, '..', '..', 'e2e', 'lib');

/** Loaded on first use: only this scenario needs them, and they hook process exit to clean up. */
export function e2eLib(): E2eLib {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const load = (name: string) => require(path.join(E2E_LIB, name)) as Record<string, unknown>;
	return {
		setup: load('setup') as unknown as E2eLib['setup'],
		env: load('env') as unknown as E2eLib['env'],
		workflows: load('workflows') as unknown as E2eLib['workflows'],
		baseline: load('part-baseline') as unknown as E2eLib['baseline'],
	};
}

/** The e2e baseline's 10 prompts (e2e/lib/part-baseline.js): the bench runs the same batch. */
export function prompts(): string[] {
	return e2eLib().baseline.PROMPTS;
}

/** Manual Trigger → the prompts → the node, with its defaults (Download Image on). */
export function nodeWorkflow(id: string, credential: Credential): Workflow {
	const wf = e2eLib().workflows;
	return wf.workflow(
		id,
		'bench: 10 prompts → Flux Art Generator',
		[wf.manualTrigger(), wf.promptsNode(prompts()), wf.fluxNode(credential)],
		wf.chain('Start', 'Prompts', 'Flux Art Generator'),
	);
}

/**
 * The e2e's hand-built loop with what a user adds to keep the picture: an HTTP Request that
 * fetches image_output as a file between "Completed?" and "Done". The image host needs no key.
 */
export function loopWorkflow(id: string, baseUrl: string, apiKey: string, wait: number): Workflow {
	const loop = e2eLib().workflows.handBuiltLoop(baseUrl, apiKey, prompts(), wait);
	const done = loop.nodes.find((node) => node.name === 'Done')!;
	const download: WorkflowNode = {
		...done,
		id: randomUUID(),
		name: 'Download',
		position: [1320, 200],
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'GET',
			url: '={{ $json.image_output }}',
			options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
		},
	};
	loop.nodes.push(download);
	loop.connections['Completed?'].main[0] = [{ node: 'Download', type: 'main', index: 0 }];
	loop.connections.Download = { main: [[{ node: 'Done', type: 'main', index: 0 }]] };
	loop.id = id;
	loop.name = `bench: 10 prompts → HTTP Request/Wait ${wait} s/IF loop → image download`;
	return loop;
}
