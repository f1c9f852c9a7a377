/**
 * Get Result: pick up a job by its request ID or poll URL (from a Submit item, or from the error
 * item of a Generate that timed out) and check it once, or wait for it like Generate. Nothing
 * paid for is lost to a timeout.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MESSAGES } from '../constants';
import { requestIdFromPollUrl, resolvePollUrl, trimBaseUrl } from '../helpers/responses';
import { downloadImageField, optionsField, readOptions } from './fields';
import { checkJob, CreditsReading, finishedOrThrow, startTiming, waitForImage } from './job';
import type { RunContext, SubmittedJob } from './job';
import { imageItem } from './output';

const show = { show: { operation: ['getResult'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '={{ $json.request_id }}',
		description:
			"The job's request ID, as a Submit or Generate item (or its error item) carries it in request_id. A poll URL works here too.",
		displayOptions: show,
	},
	{
		displayName: 'Poll URL',
		name: 'pollUrl',
		type: 'string',
		default: '={{ $json.poll_url }}',
		description:
			'Where Segmind reports on the job, as a Submit item carries it in poll_url. Leave empty to use the documented address for the request ID.',
		displayOptions: show,
	},
	{
		displayName: 'Wait for Image',
		name: 'waitForImage',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the image is ready (like Generate), or to check once and output the status with done: false if it is not ready yet',
		displayOptions: show,
	},
	downloadImageField(['getResult']),
	optionsField('getResult', [
		'outputKey',
		'concurrency',
		'maxRequestsPerMinute',
		'pollInterval',
		'binaryPropertyName',
		'requestTimeout',
		'timeout',
	]),
];

function readJob(run: RunContext, itemIndex: number): Omit<SubmittedJob, 'initial'> {
	const text = (name: string) => String(run.ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const idOrUrl = text('requestId');
	const givenPollUrl = text('pollUrl') || (/^https?:\/\//i.test(idOrUrl) ? idOrUrl : '');
	const requestId =
		(/^https?:\/\//i.test(idOrUrl) ? '' : idOrUrl) ||
		(givenPollUrl ? (requestIdFromPollUrl(givenPollUrl) ?? '') : '');
	if (!requestId && !givenPollUrl) {
		throw new NodeOperationError(run.ctx.getNode(), MESSAGES.noJobGiven, {
			description: MESSAGES.noJobGivenHint,
			itemIndex,
		});
	}
	return {
		requestId,
		pollUrl: resolvePollUrl(givenPollUrl || undefined, trimBaseUrl(run.baseUrl), requestId),
	};
}

export async function execute(run: RunContext, itemIndex: number): Promise<INodeExecutionData> {
	const reference = readJob(run, itemIndex);
	const options = readOptions(run, itemIndex);
	const wait = run.ctx.getNodeParameter('waitForImage', itemIndex, true) as boolean;
	const download = run.ctx.getNodeParameter('downloadImage', itemIndex, true) as boolean;
	const timing = startTiming(run, options.timeoutMs, options.requestTimeoutMs);
	const { startedAt } = timing;
	const credits = new CreditsReading();
	run.ledger.record(itemIndex, { request_id: reference.requestId, poll_url: reference.pollUrl });

	// The first look is immediate: the job may have finished long ago.
	const first = await checkJob(run, reference, timing, options.outputKey, credits);
	const job: SubmittedJob = { ...reference, initial: first };
	const base = { request_id: reference.requestId || null, poll_url: reference.pollUrl };
	if (!wait && first.state === 'pending') {
		return {
			json: { ...base, status: first.status, done: false, remaining_credits: credits.value },
			pairedItem: { item: itemIndex },
		};
	}
	const finished = wait
		? await waitForImage(
				run,
				job,
				{ timing, maxIntervalMs: options.maxIntervalMs, outputKey: options.outputKey },
				credits,
			)
		: finishedOrThrow(first, job, { polls: 0, elapsedMs: run.clock.now() - startedAt });
	run.ledger.record(itemIndex, {
		request_id: reference.requestId,
		image_output: finished.imageUrl,
	});
	const json = {
		image_output: finished.imageUrl,
		remaining_credits: credits.value,
		...base,
		status: finished.status,
		done: true,
		elapsed_ms: finished.elapsedMs,
		polls: finished.polls + 1,
	};
	return await imageItem(run, itemIndex, json, {
		url: finished.imageUrl,
		job: reference,
		binaryProperty: download ? options.binaryPropertyName : undefined,
	});
}
