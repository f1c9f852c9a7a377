/** Generate: submit the prompt, wait for the image, output its URL, the credits and the file. */
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { downloadImageField, optionsField, promptFields } from './fields';
import { SegmindJob } from './job';
import type { RunContext } from './router';

export const operation = {
	name: 'Generate',
	action: 'Generate an image from a prompt',
	description: 'Submit a prompt, wait for the image and output it',
};

export const description: INodeProperties[] = [
	...promptFields(['generate']),
	downloadImageField(['generate']),
	optionsField('generate', [
		'extraInputs',
		'concurrency',
		'maxRequestsPerMinute',
		'extraInputsJson',
		'outputKey',
		'pollInterval',
		'binaryPropertyName',
		'requestTimeout',
		'timeout',
	]),
];

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { job, textPrompt, workflowId, options } = await SegmindJob.submit(run, itemIndex, true);
	const download = run.ctx.getNodeParameter('downloadImage', itemIndex, true) as boolean;
	const finished = await job.waitForImage();
	const json = {
		image_output: finished.imageUrl,
		remaining_credits: job.credits,
		request_id: job.requestId || null,
		status: finished.status,
		text_prompt: textPrompt,
		workflow_id: workflowId,
		elapsed_ms: finished.elapsedMs,
		polls: finished.polls,
	};
	return await job.output(json, download ? options.binaryPropertyName : undefined);
}
