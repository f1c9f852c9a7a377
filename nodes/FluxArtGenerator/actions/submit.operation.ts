/**
 * Submit: hand the prompt to Segmind and return at once with the request ID and poll URL, for
 * workflows that wait elsewhere (a Wait node) and collect with Get Result.
 */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { optionsField, promptFields, readOptions, readPromptInput } from './fields';
import { CreditsReading, startTiming, submitPrompt } from './job';
import type { RunContext } from './job';
import { medianMs } from '../helpers/durations';

export const description: INodeProperties[] = [
	...promptFields(['submit']),
	optionsField('submit', [
		'extraInputs',
		'extraInputsJson',
		'concurrency',
		'maxRequestsPerMinute',
		'requestTimeout',
	]),
];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { textPrompt, workflowId } = readPromptInput(run, itemIndex);
	const options = readOptions(run, itemIndex);
	// A submit that waits for nothing: twice the per-call timeout leaves room for a 429 retry.
	const timing = startTiming(run, options.requestTimeoutMs * 2, options.requestTimeoutMs);
	const credits = new CreditsReading();
	const job = await submitPrompt(
		run,
		itemIndex,
		{ textPrompt, workflowId },
		options,
		timing,
		credits,
	);
	const model = run.durations.model(workflowId);
	return {
		json: {
			request_id: job.requestId || null,
			poll_url: job.pollUrl,
			status: job.initial.status,
			remaining_credits: credits.value,
			text_prompt: textPrompt,
			workflow_id: workflowId,
			// When half of this workflow's jobs are done: a Wait node before Get Result can use it.
			expected_wait_ms: model ? Math.round(medianMs(model)) : null,
			...(job.initial.imageUrl ? { image_output: job.initial.imageUrl } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}
