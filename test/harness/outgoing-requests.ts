/**
 * Which HTTP requests left this process, and when. A server's log says when a request was read,
 * which on a busy machine can be hundreds of milliseconds after it was sent; a test that asks
 * "did the node send anything after X" needs the client's side. node:http publishes
 * 'http.client.request.start' once a request has been handed to its socket; a request aborted
 * before that never reaches the wire and is not seen here.
 */
import { subscribe, unsubscribe } from 'diagnostics_channel';
import type { ClientRequest } from 'http';

/** A point in this process's order of events; `seq` orders events within one millisecond. */
export interface Moment {
	/** Date.now(), comparable with the fake Segmind's `time`. */
	at: number;
	seq: number;
}

export interface OutgoingRequest extends Moment {
	method: string;
	/** `host:port`, as the Host header says. */
	host: string;
	/** Path including the query string. */
	path: string;
}

let lastSeq = 0;

/** Now, in the same order as the requests this module records. */
export function moment(): Moment {
	return { at: Date.now(), seq: ++lastSeq };
}

const CHANNEL = 'http.client.request.start';

/** Records every request sent from now on, until `stop()`. */
export function recordOutgoingRequests(): { requests: OutgoingRequest[]; stop(): void } {
	const requests: OutgoingRequest[] = [];
	const onStart = (message: unknown) => {
		const request = (message as { request: ClientRequest }).request;
		requests.push({
			...moment(),
			method: request.method,
			host: String(request.getHeader('host') ?? request.host),
			path: request.path,
		});
	};
	subscribe(CHANNEL, onStart);
	return { requests, stop: () => unsubscribe(CHANNEL, onStart) };
}
