import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ScriptedResponse } from './types';

/** An answer not yet written, so a handler's work can be done and its answer thrown away. */
export interface Reply {
	status: number;
	body?: string | object | Buffer;
	headers: Record<string, string>;
}

export function jsonReply(
	status: number,
	body: object,
	headers: Record<string, string> = {},
): Reply {
	return { status, body, headers };
}

export function errorReply(status: number, message: string): Reply {
	return jsonReply(status, { error: message });
}

export function scriptedReply(scripted: ScriptedResponse): Reply {
	const reply: Reply = { status: scripted.status, headers: { ...scripted.headers } };
	if (scripted.body !== undefined) reply.body = scripted.body;
	return reply;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Objects go out as JSON, strings as-is (text/html), buffers as bytes; given headers win. */
export function writeReply(res: ServerResponse, reply: Reply): void {
	const headers = { ...reply.headers };
	let payload: Buffer;
	let defaultType: string | undefined;
	if (reply.body === undefined) {
		payload = Buffer.alloc(0);
	} else if (Buffer.isBuffer(reply.body)) {
		payload = reply.body;
		defaultType = 'application/octet-stream';
	} else if (typeof reply.body === 'string') {
		payload = Buffer.from(reply.body, 'utf8');
		defaultType = 'text/html; charset=utf-8';
	} else {
		payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
		defaultType = 'application/json';
	}
	if (defaultType && !hasHeader(headers, 'content-type')) headers['content-type'] = defaultType;
	if (!hasHeader(headers, 'content-length')) headers['content-length'] = String(payload.length);
	res.writeHead(reply.status, headers);
	res.end(payload);
}

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** A copy of node:http's headers, so later mutation by anyone cannot change the record. */
export function copyHeaders(
	headers: IncomingHttpHeaders,
): Record<string, string | string[] | undefined> {
	const copy: Record<string, string | string[] | undefined> = {};
	for (const [name, value] of Object.entries(headers)) {
		copy[name] = Array.isArray(value) ? [...value] : value;
	}
	return copy;
}

/** Accepts the documented `x-api-key` and the `Authorization: Bearer` form some samples use. */
export function carriesApiKey(headers: IncomingHttpHeaders, apiKey: string): boolean {
	if (headers['x-api-key'] === apiKey) return true;
	const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
	return bearer !== null && bearer[1]?.trim() === apiKey;
}

/** Listens on an ephemeral port of the loopback interface and answers the origin URL. */
export function listenOnFreePort(server: Server): Promise<string> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			const address = server.address() as AddressInfo;
			resolve(`http://127.0.0.1:${address.port}`);
		});
	});
}

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
