/**
 * Get Result: pick up a job by its request ID or poll URL (from a Submit item, or a Generate error
 * item) and check it once, or wait for it like Generate: nothing paid for is lost to a timeout.
 */
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { MESSAGES } from '../constants';
import { requestIdFromPollUrl } from '../segmind/responses';
import { DOWNLOAD_IMAGE_FIELDS, optionsField, readDownloadImage, readOptions } from './fields';
import type { Operation } from './fields';
import { SegmindJob } from './job';
import type { RunContext } from './run';

export const description = updateDisplayOptions(
	{ show: { operation: ['getResult'] satisfies Operation[] } },
	[
		{
			displayName: 'Request ID',
			name: 'requestId',
			type: 'string',
			default: '={{ $json.request_id }}',
			description: "The job's request ID (or its poll URL), e.g. from a Submit item",
		},
		{
			displayName: 'Poll URL',
			name: 'pollUrl',
			type: 'string',
			default: '={{ $json.poll_url }}',
			description: "Where Segmind reports on the job; empty: the request ID's documented address",
		},
		{
			displayName: 'Wait for Image',
			name: 'waitForImage',
			type: 'boolean',
			default: true,
			description: 'Whether to wait for the image, or to check once (done: false if not ready)',
		},
		...DOWNLOAD_IMAGE_FIELDS,
		optionsField([
			'outputKey',
			'concurrency',
			'maxRequestsPerMinute',
			'pollInterval',
			'binaryPropertyName',
			'requestTimeout',
			'timeout',
		]),
	],
);

const isUrl = (text: string) => /^https?:\/\//i.test(text);

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const { ctx } = run;
	const text = (name: string) => String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const idOrUrl = text('requestId');
	const pollUrl = text('pollUrl') || (isUrl(idOrUrl) ? idOrUrl : '');
	const requestId =
		(isUrl(idOrUrl) ? '' : idOrUrl) || (pollUrl ? (requestIdFromPollUrl(pollUrl) ?? '') : '');
	if (!requestId && !pollUrl) {
		throw new NodeOperationError(ctx.getNode(), MESSAGES.noJobGiven, {
			description: MESSAGES.noJobGivenHint,
			itemIndex,
		});
	}
	const options = readOptions(ctx, itemIndex);
	const wait = ctx.getNodeParameter('waitForImage', itemIndex, true) as boolean;
	const download = readDownloadImage(ctx, itemIndex);
	const job = SegmindJob.pickUp(run, itemIndex, { requestId, pollUrl }, options);

	// The first look is immediate: the job may have finished long ago.
	const first = await job.check();
	const base = { request_id: requestId || null, poll_url: job.reference.pollUrl };
	if (!wait && first.state === 'pending') {
		return {
			json: { ...base, status: first.status, done: false, remaining_credits: job.credits },
			pairedItem: { item: itemIndex },
		};
	}
	const finished = wait ? await job.waitForImage() : job.finished();
	const fields = { poll_url: base.poll_url, status: finished.status, done: true };
	return await job.output(finished, fields, download);
}
