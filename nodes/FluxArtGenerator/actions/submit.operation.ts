/**
 * Submit: hand the prompt to Segmind and return at once with the request ID and poll URL, for
 * workflows that wait elsewhere (a Wait node) and collect with Get Result.
 */
import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { medianMs } from '../polling/durations';
import { optionsField, PROMPT_FIELDS } from './fields';
import type { Operation } from './fields';
import { SegmindJob } from './job';
import type { RunContext } from './run';

export const description = updateDisplayOptions(
	{ show: { operation: ['submit'] satisfies Operation[] } },
	[
		...PROMPT_FIELDS,
		optionsField([
			'extraInputs',
			'extraInputsJson',
			'concurrency',
			'maxRequestsPerMinute',
			'requestTimeout',
		]),
	],
);

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { job, textPrompt, workflowId } = await SegmindJob.submit(run, itemIndex, { waits: false });
	const model = run.durations.model(workflowId);
	return {
		json: {
			request_id: job.requestId || null,
			poll_url: job.reference.pollUrl,
			status: job.status.status,
			remaining_credits: job.credits,
			text_prompt: textPrompt,
			workflow_id: workflowId,
			// When half of this workflow's jobs are done: a Wait node before Get Result can use it.
			expected_wait_ms: model ? Math.round(medianMs(model)) : null,
			...(job.status.imageUrl ? { image_output: job.status.imageUrl } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}
