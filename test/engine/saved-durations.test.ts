/**
 * Durations learned in a run are saved to the workflow's static data even when the run fails: a
 * job that finished is as well measured when another item's job failed or timed out after it.
 */
import type { IDataObject } from 'n8n-workflow';

import { runFluxNode } from '../harness/run-node';
import { useFakeSegmind } from './helpers';

// A Pixelflow workflow of the user's own: no built-in prior, so the first check comes at 2 s.
const OTHER_WORKFLOW = '0123456789abcdef01234567-v1';

const fake = useFakeSegmind({
	scenario: { durationMs: 1_000 },
	scenarioFor: (prompt) => {
		if (prompt === 'fails') return { fail: { shape: 'error_message-string' } };
		if (prompt === 'never ends') return { neverFinish: true };
		return undefined;
	},
});

/** The durations the node keeps in its static data (n8n keys a node's by its name). */
const storedDurations = (staticData: IDataObject) =>
	((staticData['node:Flux Art Generator'] as IDataObject | undefined)?.jobDurationsMs ??
		{}) as IDataObject;

/** Two items at once, under their own prompts and Timeouts; no Continue On Fail: the run throws. */
async function runTwo(items: Array<{ prompt: string; timeout: number }>) {
	const staticData: IDataObject = {};
	const result = await runFluxNode({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: '={{ $json.prompt }}',
			workflowId: OTHER_WORKFLOW,
			downloadImage: false,
			options: { timeout: '={{ $json.timeout }}', concurrency: 2 },
		},
		items,
		staticData,
	});
	return { result, staticData };
}

/** The one duration learned, from the job that finished (1 s, seen done at the 2 s check). */
function expectOneDurationLearned(staticData: IDataObject) {
	const stored = storedDurations(staticData);
	expect(Object.keys(stored)).toEqual([OTHER_WORKFLOW]);
	const durations = stored[OTHER_WORKFLOW] as number[];
	expect(durations).toHaveLength(1);
	expect(durations[0]).toBeGreaterThan(500);
	expect(durations[0]).toBeLessThan(5_000);
}

test("one item's job fails at Segmind while the other's finished: the run throws, the duration is saved", async () => {
	const { result, staticData } = await runTwo([
		{ prompt: 'fails', timeout: 30 },
		{ prompt: 'finishes', timeout: 30 },
	]);
	expect(result.items).toBeUndefined();
	expect(String(result.error?.message)).toMatch(/NSFW content detected/);
	expect(fake.jobs).toHaveLength(2);
	expectOneDurationLearned(staticData);
});

test("one item times out after the other's job finished: the run throws, the duration is saved", async () => {
	const { result, staticData } = await runTwo([
		{ prompt: 'never ends', timeout: 4 },
		{ prompt: 'finishes', timeout: 30 },
	]);
	expect(result.items).toBeUndefined();
	expect((result.error?.context as IDataObject | undefined)?.code).toBe('TIMEOUT');
	expect(fake.jobs).toHaveLength(2);
	expectOneDurationLearned(staticData);
});
