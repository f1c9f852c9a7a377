/** Shared set-up for the engine tests: one fake Segmind per test file, and a way to run the node. */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { FakeSegmind } from '../fake-segmind';
import type { FakeSegmindOptions, RecordedRequest } from '../fake-segmind';
import { runFluxNode } from '../harness/run-node';
import type { FluxRun } from '../harness/run-node';
import type { LogEntry } from '../harness/log-capture';

export function useFakeSegmind(options: FakeSegmindOptions = {}): FakeSegmind {
	const fake = new FakeSegmind({ ...options, scenario: { durationMs: 150, ...options.scenario } });
	beforeAll(async () => await fake.start());
	afterAll(async () => await fake.stop());
	beforeEach(() => fake.reset());
	return fake;
}

export interface RunOptions {
	items?: IDataObject[];
	onError?: INode['onError'];
	/** Run the node as the tool n8n derives from it (an AI Agent's or an MCP client's). */
	asTool?: boolean;
	apiKey?: string;
	/** Sees every log line of the run (and may throw, to make the node's logging fail). */
	onLog?: (entry: LogEntry) => void;
}

/** Runs the node with short waits, so a test takes a second, not minutes. */
export async function run(
	fake: FakeSegmind,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<FluxRun> {
	return await runFluxNode({
		credentials: { apiKey: options.apiKey ?? fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: 'a lighthouse at dawn',
			...parameters,
			options: { timeout: 10, pollInterval: 0.5, ...(parameters.options as IDataObject) },
		},
		items: options.items,
		onError: options.onError,
		asTool: options.asTool,
		onLog: options.onLog,
	});
}

const apiKeyOf = (request: RecordedRequest) => request.headers['x-api-key'];

/** Every request the API host got carried the key; the image host never saw it anywhere. */
export function expectKeyOnlyOnApi(fake: FakeSegmind, result?: FluxRun, key = fake.apiKey): void {
	const api = fake.requests.filter((request) => request.host === 'api');
	const images = fake.requests.filter((request) => request.host === 'images');
	expect(api.length).toBeGreaterThan(0);
	for (const request of api) expect(apiKeyOf(request)).toBe(key);
	for (const request of images) expect(JSON.stringify(request.headers)).not.toContain(key);
	if (result) {
		expect(JSON.stringify(result.run)).not.toContain(key);
		expect(JSON.stringify(result.logs)).not.toContain(key);
	}
}

export const errorOf = (result: FluxRun) => {
	expect(result.error).toBeDefined();
	return result.error as {
		message: string;
		description?: string;
		name: string;
		httpCode?: string;
		context: IDataObject;
	};
};
