/**
 * n8n-core hands nodes the Logger from its DI container. The harness puts a quiet logger there
 * that passes every line to whoever listens (a test, or the demo's progress line) and prints
 * nothing itself.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

export interface LogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: Record<string, unknown>;
}

type Listener = (entry: LogEntry) => void;
const listeners = new Set<Listener>();

function emit(level: LogEntry['level']) {
	return (message: string, meta?: Record<string, unknown>) => {
		for (const listener of listeners) listener({ level, message, meta });
	};
}

const quietLogger = {
	error: emit('error'),
	warn: emit('warn'),
	info: emit('info'),
	debug: emit('debug'),
	scoped() {
		return quietLogger;
	},
};

let installed = false;

/** Starts passing log lines to `listener`; returns the function that stops it. */
export function installLogCapture(listener: Listener): () => void {
	if (!installed) {
		Container.set(Logger, quietLogger as unknown as Logger);
		installed = true;
	}
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** The job status a line of the node's log reports (its debug line after each check), if any. */
export function jobStatusOf(entry: LogEntry): string | undefined {
	if (!entry.meta || typeof entry.meta.status !== 'string') return undefined;
	if (!entry.message.startsWith('Segmind request')) return undefined;
	return entry.meta.status || 'PENDING';
}
