/**
 * Serves a recorded run (recording.ts) the way Segmind served it, poll by poll: the submit answer
 * as recorded, then each poll answer in recorded order (the last one again if the node asks more
 * often), the credits answers in order, and an image of the recorded type and about the recorded
 * size. Two servers on 127.0.0.1, as in the fake: the API (its key checked like Segmind's) and an
 * image host that stands for every other origin, so a test never leaves this machine.
 *
 * Absolute URLs in recorded bodies and headers: those on the recording's own Base URL origin
 * point at this API server; those on https://api.segmind.com stay as they are (the node follows
 * them through the credential's Base URL); any other origin points at the image server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import {
	carriesApiKey,
	copyHeaders,
	errorReply,
	listenOnFreePort,
	readBody,
	writeReply,
	type Reply,
} from './http';
import { renderArt } from './images';
import {
	exchangesOf,
	requestIdOf,
	SEGMIND_ORIGIN,
	type Exchange,
	type ExchangeKind,
	type ImageStandIn,
	type Recording,
} from './recording';
import type { Host, RecordedRequest } from './types';

/** A request the replay got, and which recorded exchange answered it (none: 404 or 401). */
export interface ReplayRequest extends RecordedRequest {
	kind?: ExchangeKind;
}

/** Headers about the recorded connection and encoding, not the answer: the replay sets its own. */
const CONNECTION_HEADERS = new Set([
	'connection',
	'content-encoding',
	'content-length',
	'keep-alive',
	'transfer-encoding',
]);

/** The smallest valid files of the types images.ts does not render (a 1x1 pixel each). */
const TINY_IMAGES: Record<string, string> = {
	'image/gif': 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
	'image/webp': 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==',
};

const ABSOLUTE_ORIGIN = /https?:\/\/[^/\s"'\\<>]+/gi;

const pathnameOf = (path: string) => path.split('?')[0] ?? '';

export class ReplaySegmind {
	readonly apiKey: string;
	private readonly recordedOrigin: string;
	private readonly basePath: string;
	/** Which pathnames each host answers, and with which kind of exchange. */
	private readonly routes: Record<Host, Map<string, ExchangeKind>> = {
		api: new Map(),
		images: new Map(),
	};
	private readonly served = new Map<ExchangeKind, number>();
	private readonly images = new Map<Exchange, Buffer>();
	private readonly sockets = new Set<Socket>();
	private readonly servers: Partial<Record<Host, Server>> = {};
	private readonly origins: Partial<Record<Host, string>> = {};
	private recorded: ReplayRequest[] = [];

	constructor(
		readonly recording: Recording,
		options: { apiKey?: string } = {},
	) {
		this.apiKey = options.apiKey ?? 'replay-key-456';
		const base = new URL(recording.header.baseUrl);
		this.recordedOrigin = base.origin;
		this.basePath = base.pathname.replace(/\/+$/, '');
		for (const exchange of recording.exchanges) {
			const host = exchange.host === 'api' ? 'api' : 'images';
			this.routes[host].set(`${exchange.method} ${pathnameOf(exchange.path)}`, exchange.kind);
		}
		// A poll URL on Segmind's origin, followed through the Base URL, lands on the API server.
		const pollUrl = this.submitAnswer().poll_url;
		if (typeof pollUrl === 'string' && pollUrl.startsWith(`${SEGMIND_ORIGIN}/`)) {
			const through = `${this.basePath}${new URL(pollUrl).pathname}`;
			this.routes.api.set(`GET ${through}`, 'poll');
		}
	}

	/** The Base URL to give the node: this server, with the recorded Base URL's path. */
	get baseUrl(): string {
		return `${this.origin('api')}${this.basePath}`;
	}

	get imageBaseUrl(): string {
		return this.origin('images');
	}

	get requests(): ReplayRequest[] {
		return this.recorded;
	}

	requestsTo(kind: ExchangeKind): ReplayRequest[] {
		return this.recorded.filter((request) => request.kind === kind);
	}

	async start(): Promise<void> {
		for (const host of ['api', 'images'] as const) {
			const server = createServer((req, res) => {
				this.handle(host, req, res).catch((error: unknown) => {
					if (!res.headersSent) writeReply(res, errorReply(500, `Replay error: ${String(error)}`));
				});
			});
			server.on('connection', (socket: Socket) => {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
			});
			this.servers[host] = server;
			this.origins[host] = await listenOnFreePort(server);
		}
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await Promise.all(
			Object.values(this.servers).map(
				(server) => new Promise<void>((resolve) => server.close(() => resolve())),
			),
		);
	}

	/** Recorded text with its absolute URLs pointed where the replay serves them. */
	rewrite(text: string): string {
		return text.replace(ABSOLUTE_ORIGIN, (found) => {
			const origin = URL.canParse(found) ? new URL(found).origin : found;
			if (origin === SEGMIND_ORIGIN) return found;
			return origin === this.recordedOrigin ? this.origin('api') : this.origin('images');
		});
	}

	private origin(host: Host): string {
		const origin = this.origins[host];
		if (origin === undefined) throw new Error('ReplaySegmind is not started');
		return origin;
	}

	private submitAnswer(): Record<string, unknown> {
		const json = exchangesOf(this.recording, 'submit')[0]?.json;
		return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
	}

	private async handle(host: Host, req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = req.method ?? 'GET';
		const path = req.url ?? '/';
		const request: ReplayRequest = {
			method,
			path,
			headers: copyHeaders(req.headers),
			body: await readBody(req),
			time: Date.now(),
			host,
		};
		this.recorded.push(request);
		const kind = this.routes[host].get(`${method} ${pathnameOf(path)}`);
		if (kind === undefined) {
			writeReply(res, errorReply(404, `Not in the recording: ${method} ${pathnameOf(path)}`));
			return;
		}
		// Images, and the image host that stands for foreign origins, need (and must get) no key.
		if (host === 'api' && kind !== 'image' && !carriesApiKey(req.headers, this.apiKey)) {
			writeReply(res, errorReply(401, 'Invalid API key'));
			return;
		}
		request.kind = kind;
		writeReply(res, this.replyFor(this.next(kind)));
	}

	/** The next recorded answer of this kind; the last one again once they are used up. */
	private next(kind: ExchangeKind): Exchange {
		const answers = exchangesOf(this.recording, kind);
		const served = this.served.get(kind) ?? 0;
		this.served.set(kind, served + 1);
		return answers[Math.min(served, answers.length - 1)] as Exchange;
	}

	private replyFor(exchange: Exchange): Reply {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(exchange.responseHeaders)) {
			if (!CONNECTION_HEADERS.has(name)) headers[name] = this.rewrite(value);
		}
		if (exchange.image) return { status: exchange.status, headers, body: this.imageFor(exchange) };
		if (exchange.text !== undefined) {
			return { status: exchange.status, headers, body: this.rewrite(exchange.text) };
		}
		headers['content-type'] ??= 'application/json';
		const text = this.rewrite(JSON.stringify(exchange.json));
		return { status: exchange.status, headers, body: Buffer.from(text, 'utf8') };
	}

	private imageFor(exchange: Exchange): Buffer {
		let image = this.images.get(exchange);
		if (!image) {
			image = synthesize(exchange.image as ImageStandIn, requestIdOf(this.recording) ?? 'replay');
			this.images.set(exchange, image);
		}
		return image;
	}
}

/**
 * A valid image of the recorded type, about the recorded size: PNG and JPEG rendered and padded
 * by images.ts; GIF and WebP as a one-pixel file; any other type as that many zero bytes.
 */
function synthesize(image: ImageStandIn, seed: string): Buffer {
	if (image.type === 'image/png' || image.type === 'image/jpeg') {
		const format = image.type === 'image/png' ? 'png' : 'jpeg';
		const plain = renderArt(seed, format);
		// The padding's own framing is a few bytes (a PNG chunk's 12, a JPEG segment's 4).
		const padding = image.size - plain.length - 12;
		return padding > 0 ? renderArt(seed, format, padding) : plain;
	}
	const tiny = TINY_IMAGES[image.type];
	return tiny ? Buffer.from(tiny, 'base64') : Buffer.alloc(image.size);
}
