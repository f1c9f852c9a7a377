/**
 * Downloads the finished image into n8n's binary data. Segmind deletes outputs after about a
 * week, so a workflow that mails or stores an image needs the bytes, not the URL.
 *
 * The image host is not the API: no key goes there (plain `httpRequest`, never the credential).
 * The body is streamed into `prepareBinaryData`, so with n8n's filesystem binary mode a batch of
 * large images never sits in memory at once; only the first bytes are held, to check the type.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { ERROR_CODES, MESSAGES, networkWords } from '../constants';
import { SegmindError } from '../helpers/errors';
import type { JobReference } from '../helpers/errors';
import type { Clock } from '../helpers/polling';
import { imageTypeOf } from '../helpers/image-type';
import { networkCode } from './index';
import { isRetryable, MAX_ATTEMPTS, serverWaitMs, retryDelay } from './retry';
import type { CallOutcome } from './retry';

/** The part of a Node.js readable stream this module uses (no `stream` import in node code). */
interface ByteStream {
	read(): Buffer | null;
	unshift(chunk: Buffer): void;
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	resume(): unknown;
	destroy(): unknown;
	readableEnded?: boolean;
}

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export interface DownloadOptions {
	url: string;
	job: JobReference;
	timeoutMs: number;
	clock: Clock;
	signal?: AbortSignal;
	random?: () => number;
}

/** Enough bytes to recognise PNG, JPEG, WebP and GIF by their signatures. */
const SIGNATURE_BYTES = 16;

export async function downloadImage(
	ctx: IExecuteFunctions,
	options: DownloadOptions,
): Promise<IBinaryData> {
	const random = options.random ?? Math.random;
	const job = { ...options.job, imageUrl: options.url };
	for (let attempt = 0; ; attempt++) {
		const result = await attemptDownload(ctx, options, job);
		if ('binary' in result) return result.binary;
		const { outcome } = result;
		const retryAfterMs = outcome.kind === 'http' ? outcome.retryAfterMs : undefined;
		if (!isRetryable('image', outcome) || attempt + 1 >= MAX_ATTEMPTS.image)
			throw downloadFailure(outcome, job);
		await options.clock.sleep(retryDelay(attempt, random(), retryAfterMs));
	}
}

async function attemptDownload(
	ctx: IExecuteFunctions,
	options: DownloadOptions,
	job: JobReference,
): Promise<{ binary: IBinaryData } | { outcome: CallOutcome }> {
	let response: { statusCode: number; headers: Record<string, unknown>; body: ByteStream };
	try {
		response = await ctx.helpers.httpRequest({
			method: 'GET',
			url: options.url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: options.timeoutMs,
			abortSignal: options.signal,
		});
	} catch (error) {
		return { outcome: cancelledOr(options.signal, error) };
	}
	const { statusCode, headers, body } = response;
	if (statusCode < 200 || statusCode >= 300) {
		body.destroy();
		const retryAfterMs = serverWaitMs(headers, Date.now());
		return { outcome: { kind: 'http', status: statusCode, body: '', retryAfterMs } };
	}
	try {
		const head = await peek(body, SIGNATURE_BYTES);
		if (head.bytes.length === 0)
			return { outcome: { kind: 'http', status: 502, body: 'empty image body' } };
		const type = imageTypeOf(head.bytes, String(headers['content-type'] ?? ''), options.url);
		const source = (head.ended ? head.bytes : body) as unknown as BinaryInput;
		const fileName = `${job.requestId || 'image'}.${type.extension}`;
		const binary = await ctx.helpers.prepareBinaryData(source, fileName, type.mimeType);
		return {
			binary: { ...binary, fileName, fileExtension: type.extension, mimeType: type.mimeType },
		};
	} catch (error) {
		body.destroy();
		return { outcome: cancelledOr(options.signal, error) };
	}
}

function cancelledOr(signal: AbortSignal | undefined, error: unknown): CallOutcome {
	if (signal?.aborted) throw error;
	return { kind: 'network', code: networkCode(error) };
}

/**
 * Reads at least `size` bytes (or the whole body, if shorter) and puts them back in front of the
 * stream, so the stream can still be handed on whole.
 */
async function peek(stream: ByteStream, size: number): Promise<{ bytes: Buffer; ended: boolean }> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const finish = (ended: boolean) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
			const bytes = Buffer.concat(chunks);
			if (!ended) stream.unshift(bytes);
			resolve({ bytes, ended });
		};
		const onReadable = () => {
			for (let chunk = stream.read(); chunk !== null; chunk = stream.read()) {
				chunks.push(chunk);
				length += chunk.length;
				if (length >= size) return finish(false);
			}
		};
		const onEnd = () => finish(true);
		const onError = (error: unknown) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			reject(error);
		};
		stream.on('readable', onReadable);
		stream.on('end', onEnd);
		stream.on('error', onError);
	});
}

function downloadFailure(outcome: CallOutcome, job: JobReference): SegmindError {
	const details = { ...job };
	if (outcome.kind === 'network') {
		return new SegmindError(
			ERROR_CODES.network,
			MESSAGES.imageNetwork(networkWords(outcome.code)),
			{
				...details,
				description: MESSAGES.imageHint(job.imageUrl ?? ''),
			},
		);
	}
	const { status } = outcome;
	const code =
		status === 404 || status === 410
			? ERROR_CODES.notFound
			: status === 403
				? ERROR_CODES.forbidden
				: status === 429
					? ERROR_CODES.rateLimited
					: ERROR_CODES.server;
	const message =
		status === 404 || status === 410 || status === 403
			? MESSAGES.imageGone(status)
			: MESSAGES.imageHttp(status);
	return new SegmindError(code, message, {
		...details,
		httpStatus: status,
		description: MESSAGES.imageHint(job.imageUrl ?? ''),
	});
}
