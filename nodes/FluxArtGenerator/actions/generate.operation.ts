/** Generate: submit the prompt, wait for the image, output its URL, the credits and the file. */
import { updateDisplayOptions } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { DOWNLOAD_IMAGE_FIELDS, optionsField, PROMPT_FIELDS, readDownloadImage } from './fields';
import type { Operation } from './fields';
import { SegmindJob } from './job';
import type { RunContext } from './run';

export const description = updateDisplayOptions(
	{ show: { operation: ['generate'] satisfies Operation[] } },
	[
		...PROMPT_FIELDS,
		...DOWNLOAD_IMAGE_FIELDS,
		optionsField([
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
	],
);

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { job, textPrompt, workflowId } = await SegmindJob.submit(run, itemIndex, { waits: true });
	const download = readDownloadImage(run.ctx, itemIndex);
	const finished = await job.waitForImage();
	const fields = { status: finished.status, text_prompt: textPrompt, workflow_id: workflowId };
	return await job.output(finished, fields, download);
}
