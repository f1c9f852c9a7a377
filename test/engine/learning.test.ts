/**
 * Learning across executions: the node remembers each Segmind workflow's durations in its
 * workflow static data (n8n saves it after production executions), and the next execution's
 * checks follow what the earlier ones saw.
 */
import type { IDataObject } from 'n8n-workflow';

import { runFluxNode } from '../harness/run-node';
import { useFakeSegmind } from './helpers';

const fake = useFakeSegmind();
// A Pixelflow workflow of the user's own: no built-in prior.
const OTHER_WORKFLOW = '0123456789abcdef01234567-v1';

/** How long after the submit the node first looked at the job, from the fake's log. */
function firstCheckAfterSubmitMs(): number {
	const [submit] = fake.requestsTo('submit');
	const [firstPoll] = fake.requestsTo('poll');
	return firstPoll.time - submit.time;
}

/** What the node keeps in its static data (n8n keys a node's by its name). */
const storedDurations = (staticData: IDataObject) =>
	(staticData['node:Flux Art Generator'] as IDataObject).jobDurationsMs as IDataObject;

async function execute(staticData: IDataObject) {
	const result = await runFluxNode({
		credentials: { apiKey: fake.apiKey, baseUrl: fake.baseUrl },
		parameters: {
			textPrompt: 'a lighthouse',
			workflowId: OTHER_WORKFLOW,
			downloadImage: false,
			options: { timeout: 30 },
		},
		staticData,
	});
	if (!result.items) throw new Error(JSON.stringify(result.error));
	expect(result.items).toHaveLength(1);
	return result;
}

test('a workflow seen before is checked when its jobs finish, not every 2 s', async () => {
	fake.setScenario({ durationMs: 3_000 });
	const staticData: IDataObject = {};
	await execute(staticData);
	// Nothing known: the first look comes after 2 s, as Segmind's SDK would.
	const firstRun = firstCheckAfterSubmitMs();
	const stored = (staticData['node:Flux Art Generator'] as IDataObject)
		.jobDurationsMs as IDataObject;
	expect(Object.keys(stored)).toEqual([OTHER_WORKFLOW]);
	const [learned] = stored[OTHER_WORKFLOW] as number[];
	// The job's end lies between the last "pending" and the first "done" answer (2 s apart).
	expect(learned).toBeGreaterThan(1_500);
	expect(learned).toBeLessThan(5_000);

	fake.reset();
	fake.setScenario({ durationMs: 3_000 });
	await execute(staticData);
	// Jobs of this workflow took about 3 s: no look at 2 s, the first comes closer to 3 s.
	expect(firstCheckAfterSubmitMs() - firstRun).toBeGreaterThan(400);
	expect(storedDurations(staticData)[OTHER_WORKFLOW]).toHaveLength(2);
});

test('a corrupt stored value is ignored, and replaced by what is learned', async () => {
	fake.setScenario({ durationMs: 300 });
	const staticData: IDataObject = {
		'node:Flux Art Generator': { jobDurationsMs: { [OTHER_WORKFLOW]: 'not a list', x: [-1] } },
	};
	await execute(staticData);
	const stored = (staticData['node:Flux Art Generator'] as IDataObject)
		.jobDurationsMs as IDataObject;
	expect(Object.keys(stored)).toEqual([OTHER_WORKFLOW]);
	expect(stored[OTHER_WORKFLOW]).toHaveLength(1);
});

test("a duration is Segmind's time from the accepted submit, not the node's own waits before it", async () => {
	// The submit waits 3 s on a 429 before Segmind takes it; the job itself takes 1 s.
	fake.setScenario({ durationMs: 1_000 });
	fake.respond('submit', {
		status: 429,
		body: { error: 'Rate limit' },
		headers: { 'retry-after': '3' },
	});
	const staticData: IDataObject = {};
	await execute(staticData);
	expect(fake.requestsTo('submit')).toHaveLength(2);
	const [learned] = storedDurations(staticData)[OTHER_WORKFLOW] as number[];
	// Seen pending at the accepted submit and done at the first check 2 s later: about 1 s, where
	// counting from before the 429 would store about 4 s.
	expect(learned).toBeGreaterThan(500);
	expect(learned).toBeLessThan(2_500);
});
