/**
 * Runs the built package's Flux Art Generator inside n8n-core's WorkflowExecute, the engine a
 * real n8n uses: the package is loaded through its package.json `n8n` field (so type names match
 * production), the credential is applied by its real `authenticate` block, and the node talks
 * real HTTP. Used by the engine tests and by `npm run demo`.
 */
import { randomBytes } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

import { Container } from '@n8n/di';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	IBinaryData,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import { installLogCapture } from './log-capture';
import type { LogEntry } from './log-capture';
import { ItemsSource } from './items-source';
import { moment } from './outgoing-requests';
import type { Moment } from './outgoing-requests';

/** The package's own folder, whether this file runs from test/ (jest) or from .build/ (demo). */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(from: string): string {
	for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-segmind'
		) {
			return dir;
		}
	}
	throw new Error(`No n8n-nodes-segmind package.json above ${from}`);
}
// n8n-core keeps its settings and binary files under N8N_USER_FOLDER (default: the home folder);
// the harness gives it a throw-away one, which shutdownHarness() removes. Jest gives every test
// file its own process.env, so each file makes (and removes) its own.
const ownUserFolder =
	process.env.N8N_USER_FOLDER === undefined
		? mkdtempSync(path.join(tmpdir(), 'segmind-harness-'))
		: undefined;
if (ownUserFolder !== undefined) process.env.N8N_USER_FOLDER = ownUserFolder;
// Without one, n8n-core generates a key and announces it on stdout.
process.env.N8N_ENCRYPTION_KEY ??= randomBytes(24).toString('base64');

export const FLUX_NODE_TYPE = 'n8n-nodes-segmind.fluxArtGenerator';
/** The tool n8n derives from the node (`usableAsTool`): the type name plus "Tool". */
export const FLUX_TOOL_TYPE = `${FLUX_NODE_TYPE}Tool`;
const ITEMS_NODE_TYPE = 'harness.itemsSource';

interface SegmindCredentialData {
	apiKey: string;
	baseUrl: string;
}

export interface RunFluxNodeOptions {
	credentials: SegmindCredentialData;
	/** The Flux node's parameters, as a saved workflow holds them. */
	parameters: INodeParameters;
	/** Input items (their JSON); one empty item by default. */
	items?: IDataObject[];
	/** The node's "On Error" setting. */
	onError?: INode['onError'];
	/** Run it as the tool n8n derives from it (FLUX_TOOL_TYPE), as an AI Agent or MCP runs it. */
	asTool?: boolean;
	/** Called with every log line the engine and the node write while the run lasts. */
	onLog?: (entry: LogEntry) => void;
	/**
	 * The workflow's static data, shared between runs to stand for one saved workflow run again
	 * as production executions (n8n saves it after those). A new one per run by default.
	 */
	staticData?: IDataObject;
	/** The workflow's id; runs under distinct ids share nothing a node keeps per workflow. */
	workflowId?: string;
}

export interface FluxRun {
	/** The Flux node's output items (undefined when the node threw). */
	items?: INodeExecutionData[];
	/** The error the node threw, as n8n stored it in the run data. */
	error?: Record<string, unknown>;
	run: IRun;
	logs: LogEntry[];
}

let loaded:
	| Promise<{ nodeTypes: INodeTypes; credentialTypes: Map<string, ICredentialType> }>
	| undefined;

/** Loads the built package once per process, the way n8n loads an installed community package. */
export async function loadPackage() {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const byName = new Map<string, INodeType | IVersionedNodeType>();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
			const observed = observeSettling(type);
			byName.set(`${loader.packageName}.${name}`, observed);
			if ((observed as INodeType).description.usableAsTool)
				byName.set(`${loader.packageName}.${name}Tool`, derivedTool(observed as INodeType));
		}
		byName.set(ITEMS_NODE_TYPE, new ItemsSource());
		const credentialTypes = new Map<string, ICredentialType>(
			Object.entries(loader.credentialTypes).map(([name, { type }]) => [name, type]),
		);
		const nodeTypes: INodeTypes = {
			getByName: (type) => known(byName, type),
			getByNameAndVersion: (type, version) =>
				NodeHelpers.getVersionedNodeType(known(byName, type), version),
			getKnownTypes: () => ({}),
		};
		return { nodeTypes, credentialTypes };
	})();
	return await loaded;
}

export interface NodeSettled {
	/** Date.now() when the node's execute() resolved or rejected. */
	at: number;
	error?: unknown;
}

const settledListeners = new Set<(settled: NodeSettled) => void>();

/**
 * Reports when the node's own execute() settles. WorkflowExecute's promise is no clock for that:
 * after a cancel it waits for a node that ignores the stop (seen with a hung request and the
 * node's signal removed), and its own work comes on top; this is how a test sees the moment the
 * node itself gave up.
 */
function observeSettling<T extends INodeType | IVersionedNodeType>(type: T): T {
	const node = type as INodeType;
	const execute = node.execute;
	if (!execute) return type;
	node.execute = async function (this: ThisParameterType<typeof execute>) {
		try {
			const result = await execute.call(this);
			for (const listener of settledListeners) listener({ at: Date.now() });
			return result;
		} catch (error) {
			for (const listener of settledListeners) listener({ at: Date.now(), error });
			throw error;
		}
	};
	return type;
}

/** Calls `listener` each time a Flux node's execute() settles; returns the function that stops it. */
export function onNodeSettled(listener: (settled: NodeSettled) => void): () => void {
	settledListeners.add(listener);
	return () => settledListeners.delete(listener);
}

/**
 * The tool n8n derives from a `usableAsTool` node (its convertNodeToAiTool): the same class
 * under the type name plus "Tool", which is what n8n's `@tool` display condition and the node
 * itself look at. Inputs and outputs stay `main` here, so the harness feeds it items as the
 * engine feeds a tool the model's arguments.
 */
function derivedTool(type: INodeType): INodeType {
	const description = {
		...type.description,
		name: `${type.description.name}Tool`,
		displayName: `${type.description.displayName} Tool`,
	};
	return Object.assign(Object.create(type) as INodeType, { description });
}

function known<T>(map: Map<string, T>, type: string): T {
	const found = map.get(type);
	if (!found) throw new Error(`Unknown node type ${type}`);
	return found;
}

export interface FluxExecution {
	/** Resolves when the workflow run ends. */
	done: Promise<FluxRun>;
	/**
	 * Stops the execution, as the user's Stop button does; returns the moment just before the
	 * stop, to compare with when requests left (outgoing-requests.ts).
	 */
	cancel(): Moment;
}

export async function startFluxNode(options: RunFluxNodeOptions): Promise<FluxExecution> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const logs: LogEntry[] = [];
	const releaseLogs = installLogCapture((entry) => {
		logs.push(entry);
		options.onLog?.(entry);
	});

	const itemsNode: INode = {
		id: 'items',
		name: 'Items',
		type: ITEMS_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { itemsJson: JSON.stringify(options.items ?? [{}]) },
	};
	const fluxNode: INode = {
		id: 'flux',
		name: 'Flux Art Generator',
		type: options.asTool ? FLUX_TOOL_TYPE : FLUX_NODE_TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: options.parameters,
		credentials: { segmindApi: { id: 'cred-1', name: 'Segmind' } },
		...(options.onError ? { onError: options.onError } : {}),
	};
	const workflowData: IWorkflowBase = {
		id: options.workflowId ?? 'wf-1',
		name: 'harness',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [itemsNode, fluxNode],
		connections: { Items: { main: [[{ node: fluxNode.name, type: 'main', index: 0 }]] } },
		settings: {},
		activeVersionId: null,
	} as IWorkflowBase;
	const workflow = new Workflow({ ...workflowData, nodeTypes, staticData: options.staticData });

	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper(credentialTypes, {
			segmindApi: { ...options.credentials },
		}),
		hooks: new ExecutionLifecycleHooks('manual', '1', workflowData),
		executionId: '1',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not part of the harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not part of the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const execution = new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: itemsNode,
	});
	const done = (async (): Promise<FluxRun> => {
		try {
			const run = await execution;
			const task = run.data.resultData.runData[fluxNode.name]?.[0];
			return {
				items: task?.data?.main?.[0] ?? undefined,
				error: task?.error as unknown as Record<string, unknown> | undefined,
				run,
				logs,
			};
		} finally {
			releaseLogs();
		}
	})();
	return {
		done,
		cancel: () => {
			const stoppedAt = moment();
			execution.cancel();
			return stoppedAt;
		},
	};
}

/**
 * Where n8n keeps binary data for this process: 'default' holds it in the execution data as
 * base64; 'filesystem' (n8n 2.x's default) writes it to disk and keeps a reference. Call before
 * the first run.
 */
export async function useBinaryDataMode(mode: 'default' | 'filesystem'): Promise<void> {
	if (mode === 'filesystem') {
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		await Container.get(BinaryDataService).init();
	}
}

/** The bytes of a binary item, wherever n8n keeps them. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** Runs the node to the end and returns what it produced. */
export async function runFluxNode(options: RunFluxNodeOptions): Promise<FluxRun> {
	return await (
		await startFluxNode(options)
	).done;
}

/**
 * n8n-core services that start intervals when first used (SSH client clean-up, cron logging);
 * ended at teardown so a test process or the demo can exit on its own. The teardown also removes
 * the harness's user folder, so runs leave nothing in the temp folder.
 */
const SERVICES_WITH_TIMERS: Array<[string, string, string]> = [
	['n8n-core/dist/execution-engine/ssh-clients-manager', 'SSHClientsManager', 'cleanupTimer'],
	['n8n-core/dist/execution-engine/scheduled-task-manager', 'ScheduledTaskManager', 'logInterval'],
];

export function shutdownHarness(): void {
	for (const [modulePath, className, timerField] of SERVICES_WITH_TIMERS) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const service = (require(modulePath) as Record<string, new (...args: never[]) => unknown>)[
			className
		];
		if (!service || !Container.has(service)) continue;
		const timer = (Container.get(service) as Record<string, NodeJS.Timeout | undefined>)[
			timerField
		];
		if (timer) clearInterval(timer);
	}
	if (ownUserFolder !== undefined) rmSync(ownUserFolder, { recursive: true, force: true });
}
