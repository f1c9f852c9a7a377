/** The output item of an operation that ends with an image: its JSON, and the file when asked. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DOWNLOAD_TIMEOUT_MS } from '../constants';
import type { JobReference } from '../helpers/errors';
import { downloadImage } from '../transport/download';
import type { RunContext } from './job';

export async function imageItem(
	run: RunContext,
	itemIndex: number,
	json: IDataObject,
	image: { url: string; job: JobReference; binaryProperty?: string },
): Promise<INodeExecutionData> {
	const pairedItem = { item: itemIndex };
	if (!image.binaryProperty) return { json, pairedItem };
	const binary = await downloadImage(run.ctx, {
		url: image.url,
		job: image.job,
		timeoutMs: DOWNLOAD_TIMEOUT_MS,
		clock: run.clock,
		signal: run.signal,
	});
	return { json, binary: { [image.binaryProperty]: binary }, pairedItem };
}
